"""The login rate limit (Flask-Limiter), per address and per account, on an app that has it on."""

import re

import pytest

from app.accounts.models import User
from app.extensions import db as _db
from tests.accounts_fixtures import PASSWORD, make_user
from tests.support import rate_limited_app


@pytest.fixture
def limited_app(databases, tmp_path_factory):
    # only the limiter is tested here, not the failed-login count
    with rate_limited_app(databases, tmp_path_factory, LOGIN_MAX_FAILURES=1000) as app:
        with app.app_context():
            make_user("editor@example.go.id", "editor")
            _db.session.remove()
        yield app


def _token(client):
    page = client.get("/masuk").get_data(as_text=True)
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


WRONG = "salah salah salah"


def _attempt(client, token, email="editor@example.go.id", password=WRONG, address="10.0.0.1"):
    return client.post(
        "/masuk",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_ten_wrong_passwords_in_a_row_are_rate_limited(limited_app):
    client = limited_app.test_client()
    token = _token(client)
    codes = [_attempt(client, token).status_code for _ in range(10)]
    assert codes[:5] == [200] * 5
    assert codes[5:] == [429] * 5
    response = _attempt(client, token, password=PASSWORD)
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in page and 'value="editor@example.go.id"' in page


def test_the_limit_is_per_account_across_addresses(limited_app):
    client = limited_app.test_client()
    token = _token(client)
    codes = [_attempt(client, token, address=f"10.0.1.{n}").status_code for n in range(7)]
    assert codes == [200] * 5 + [429] * 2


def test_the_limit_is_per_address_across_accounts(limited_app):
    client = limited_app.test_client()
    token = _token(client)
    codes = [_attempt(client, token, email=f"orang{n}@example.go.id").status_code for n in range(7)]
    assert codes == [200] * 5 + [429] * 2


def test_the_answer_does_not_tell_whether_the_account_exists(limited_app):
    client = limited_app.test_client()
    token = _token(client)
    known = [_attempt(client, token, address="10.0.2.1").get_data(as_text=True) for _ in range(6)][-1]
    unknown = [
        _attempt(client, token, email="tidak.ada@example.go.id", address="10.0.2.2").get_data(as_text=True)
        for _ in range(6)
    ][-1]
    assert _without_email_and_token(known) == _without_email_and_token(unknown)


def _without_email_and_token(page):
    page = page.replace("tidak.ada@example.go.id", "X").replace("editor@example.go.id", "X")
    return re.sub(r'value="[^"]{40,}"', "", page)


def test_get_requests_are_not_counted(limited_app):
    client = limited_app.test_client()
    for _ in range(10):
        assert client.get("/masuk").status_code == 200
    with limited_app.app_context():
        assert _db.session.query(User).count() == 1


def test_a_browser_that_signed_in_before_is_not_held_up_by_the_per_account_limit(limited_app):
    """Anyone may spend an account's per-email allowance; its owner's known browser goes on."""
    from app.accounts.login import DEVICE_COOKIE

    owner = limited_app.test_client()
    assert _attempt(owner, _token(owner), password=PASSWORD, address="10.0.4.1").status_code == 302
    device_cookie = owner.get_cookie(DEVICE_COOKIE).value
    attacker = limited_app.test_client()
    token = _token(attacker)
    codes = [_attempt(attacker, token, address=f"10.0.5.{n}").status_code for n in range(6)]
    assert codes[-1] == 429
    # The cookie speaks for its own account only (the limiter reads no database to check).
    with limited_app.app_context():
        make_user("lain@example.go.id", "editor")
    other = limited_app.test_client()
    other_data = {"email": "lain@example.go.id", "password": PASSWORD, "csrf_token": _token(other)}
    assert other.post("/masuk", data=other_data, environ_base={"REMOTE_ADDR": "10.0.6.1"}).status_code == 302
    borrowed = limited_app.test_client()
    borrowed.set_cookie(DEVICE_COOKIE, other.get_cookie(DEVICE_COOKIE).value)
    assert _attempt(borrowed, _token(borrowed), password=PASSWORD, address="10.0.4.3").status_code == 429
    returning = limited_app.test_client()
    returning.set_cookie(DEVICE_COOKIE, device_cookie)
    assert _attempt(returning, _token(returning), password=PASSWORD, address="10.0.4.2").status_code == 302
    assert _attempt(attacker, token, password=PASSWORD, address="10.0.5.99").status_code == 429
