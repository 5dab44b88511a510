"""Sign-ins kept on the server (docs/decisions/0040): every way a sign-in ends, for every
copy of its cookies; remember cookies that last and expire; what a signed-in request costs."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts import sessions
from app.accounts.login import load_user
from app.accounts.models import UserSession, hash_session_token
from app.extensions import utcnow
from app.pagecache import current_generation
from tests.accounts_fixtures import PASSWORD, log_in, make_user, sign_in, submit

EMAIL = "editor@example.go.id"
NEW_PASSWORD = "pelita di ujung dermaga"


@pytest.fixture
def editor(db):
    return make_user(EMAIL, "editor", name="Dewi Editor")


def _signed_in(client):
    response = client.get("/akun/kata-sandi")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie is not None else None


def _browser_with(app, name, value):
    """Another browser holding nothing but a copy of one cookie."""
    assert value, f"no {name} cookie to copy"
    browser = app.test_client()
    browser.set_cookie(name, value)
    return browser


def _age_sign_ins(db, by, columns=("created_at", "last_seen_at")):
    """Move every sign-in's times back by ``by``, as if that much time had passed.

    On a connection of its own and without the ORM, so that nothing here counts as a write
    of the app (the page-cache generation test relies on this).
    """
    table = UserSession.__table__
    with db.engine.begin() as connection:
        for row in connection.execute(sa.select(table)).mappings().all():
            values = {column: row[column] - by for column in columns}
            connection.execute(sa.update(table).where(table.c.id == row["id"]).values(**values))


# Every way a sign-in ends, and which of the user's two browsers (both signed in with
# "remember me") stay signed in afterwards. The desktop does it, or an admin, or the CLI.


def _logout(browsers, runner, user_id):
    assert submit(browsers.desktop, "/akun/kata-sandi", {}, post_url="/keluar").status_code == 302


def _password_change(browsers, runner, user_id):
    form = {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert submit(browsers.desktop, "/akun/kata-sandi", form).status_code == 302


def _sign_out_everywhere(browsers, runner, user_id):
    assert submit(browsers.desktop, "/akun/kata-sandi", {}, post_url="/akun/keluar-semua").status_code == 302


def _deactivation(browsers, runner, user_id):
    admin = browsers.app.test_client()
    sign_in(admin, make_user("admin@example.go.id", "admin"))
    response = submit(admin, f"/admin/pengguna/{user_id}", {"name": "Dewi Editor", "roles": ["editor"]})
    assert response.status_code == 302  # "active" unticked


def _set_password(browsers, runner, user_id):
    result = runner.invoke(args=["users", "set-password", EMAIL], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output


ENDINGS = {
    "logout": (_logout, {"phone"}),
    "password change": (_password_change, {"desktop"}),
    "sign out everywhere": (_sign_out_everywhere, set()),
    "deactivation by an admin": (_deactivation, set()),
    "flask users set-password": (_set_password, set()),
}
CREDENTIALS = ("the browser itself", "a copy of its session cookie", "a copy of its remember cookie")


class _Browsers:
    def __init__(self, app):
        self.app = app
        self.desktop, self.phone = app.test_client(), app.test_client()


@pytest.mark.parametrize("credential", CREDENTIALS)
@pytest.mark.parametrize("ending", ENDINGS)
def test_a_sign_in_that_ended_lets_no_copy_of_its_cookies_in(app, runner, editor, ending, credential):
    user_id = editor.id
    browsers = _Browsers(app)
    for browser in (browsers.desktop, browsers.phone):
        assert log_in(browser, EMAIL, remember="y").status_code == 302
    copies = {
        device: {"session": _cookie(browser, "session"), "remember_token": _cookie(browser, "remember_token")}
        for device, browser in (("desktop", browsers.desktop), ("phone", browsers.phone))
    }
    action, survivors = ENDINGS[ending]
    action(browsers, runner, user_id)
    for device in ("desktop", "phone"):
        if credential == "the browser itself":
            browser = getattr(browsers, device)
        else:
            name = "session" if "session" in credential else "remember_token"
            browser = _browser_with(app, name, copies[device][name])
        assert _signed_in(browser) is (device in survivors), device


def test_the_remember_cookie_alone_signs_in_request_after_request(app, editor):
    browser = app.test_client()
    log_in(browser, EMAIL, remember="y")
    returning = _browser_with(app, "remember_token", _cookie(browser, "remember_token"))
    for _ in range(3):
        assert _signed_in(returning)
    returning.delete_cookie("session")  # the browser was closed and opened again
    assert _signed_in(returning)
    assert _signed_in(browser)


@pytest.mark.parametrize("remember", [True, False], ids=["remember me", "without remember me"])
def test_a_sign_in_runs_out_on_the_server(app, db, editor, remember):
    """With "remember me", REMEMBER_COOKIE_DURATION from the login, however active; without,
    LOGIN_SESSION_IDLE after the last request. A copied cookie runs out with it."""
    browser = app.test_client()
    log_in(browser, EMAIL, **({"remember": "y"} if remember else {}))
    names = ("session", "remember_token") if remember else ("session",)
    copies = {name: _cookie(browser, name) for name in names}
    limit = app.config["REMEMBER_COOKIE_DURATION" if remember else "LOGIN_SESSION_IDLE"]
    _age_sign_ins(db, limit - timedelta(minutes=1))
    assert all(_signed_in(_browser_with(app, name, value)) for name, value in copies.items())
    # A request moves an idle sign-in's limit on, never a remembered one's.
    _age_sign_ins(db, timedelta(minutes=2))
    expected_alive = not remember
    for name, value in copies.items():
        assert _signed_in(_browser_with(app, name, value)) is expected_alive, name
    _age_sign_ins(db, limit + timedelta(minutes=1))
    for name, value in copies.items():
        assert not _signed_in(_browser_with(app, name, value)), name
    assert not _signed_in(browser)


def test_a_remembered_sign_in_outlives_the_idle_limit(app, db, editor):
    browser = app.test_client()
    log_in(browser, EMAIL, remember="y")
    _age_sign_ins(db, app.config["LOGIN_SESSION_IDLE"] * 4)
    assert _signed_in(_browser_with(app, "remember_token", _cookie(browser, "remember_token")))


@contextmanager
def _statements(engine):
    seen = []

    def record(connection, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_a_signed_in_request_costs_one_indexed_lookup(app, db, editor):
    """The sign-in and its user in one query by the token's unique hash (the roles follow,
    as they did when the user was read by id); a write only when last-seen is stale."""
    editor_id = editor.id
    browser = app.test_client()
    log_in(browser, EMAIL)
    with browser.session_transaction() as session:
        token = session["_user_id"]
    unique = sa.inspect(db.engine).get_unique_constraints("user_session")
    assert [c["column_names"] for c in unique] == [["token_hash"]]
    db.session.remove()
    with _statements(db.engine) as seen, app.test_request_context():
        assert load_user(token).id == editor_id
    assert len(seen) <= 2 and all(s.upper().startswith("SELECT") for s in seen), seen
    assert "user_session" in seen[0] and "user_account" in seen[0] and "token_hash" in seen[0]

    _age_sign_ins(db, sessions.TOUCH_INTERVAL + timedelta(minutes=1))
    db.session.remove()  # the request context shares the test's session: no stale rows in it
    with _statements(db.engine) as seen, app.test_request_context():
        assert load_user(token).id == editor_id
    writes = [s for s in seen if not s.upper().startswith("SELECT")]
    assert len(seen) <= 3 and [w.split()[0].upper() for w in writes] == ["UPDATE"], seen
    db.session.remove()
    seen_at = db.session.scalar(sa.select(UserSession.last_seen_at))
    assert abs(sessions._aware(seen_at) - utcnow()) < timedelta(minutes=1)


def test_the_database_keeps_only_a_hash_of_the_token(app, db, editor):
    browser = app.test_client()
    log_in(browser, EMAIL, remember="y")
    with browser.session_transaction() as session:
        token = session["_user_id"]
    assert token in _cookie(browser, "remember_token")
    db.session.remove()
    row = db.session.execute(sa.select(UserSession.__table__)).mappings().one()
    assert token not in {str(value) for value in row.values()}
    assert row["token_hash"] == hash_session_token(token) and row["remember"]


def test_signing_in_and_out_leaves_the_public_pages_cached(app, db, editor):
    before = current_generation()
    desktop, phone = app.test_client(), app.test_client()
    log_in(desktop, EMAIL, remember="y")
    log_in(phone, EMAIL)
    log_in(app.test_client(), EMAIL, "salah salah salah")
    _age_sign_ins(db, sessions.TOUCH_INTERVAL + timedelta(minutes=1))
    assert _signed_in(desktop) and _signed_in(phone)  # last-seen written
    submit(desktop, "/akun/kata-sandi", {}, post_url="/keluar")
    log_in(desktop, EMAIL)
    submit(desktop, "/akun/kata-sandi", {}, post_url="/akun/keluar-semua")
    assert not _signed_in(phone)
    assert current_generation() == before


def test_the_account_page_lists_the_sign_ins_and_marks_this_one(app, editor):
    desktop, phone = app.test_client(), app.test_client()
    log_in(desktop, EMAIL, remember="y")
    log_in(phone, EMAIL)
    page = desktop.get("/akun/kata-sandi").get_data(as_text=True)
    assert page.count("<tr>") == 3  # the header and two sign-ins
    assert page.count("(perangkat ini)") == 1 and "Keluar dari semua perangkat" in page
    desktop.set_cookie("lang", "en")
    page = desktop.get("/akun/kata-sandi").get_data(as_text=True)
    assert "(this device)" in page and "Sign out everywhere" in page


def test_sign_out_everywhere_needs_the_form_token(app, editor):
    desktop, phone = app.test_client(), app.test_client()
    log_in(desktop, EMAIL)
    log_in(phone, EMAIL)
    response = desktop.post("/akun/keluar-semua", data={"csrf_token": "forged"})
    assert response.status_code == 400 and "Formulir ini sudah kedaluwarsa" in response.get_data(as_text=True)
    assert _signed_in(desktop) and _signed_in(phone)


def test_a_browser_whose_sign_in_ended_forgets_it(app, editor):
    desktop, phone = app.test_client(), app.test_client()
    log_in(desktop, EMAIL)
    log_in(phone, EMAIL, remember="y")
    submit(desktop, "/akun/kata-sandi", {}, post_url="/akun/keluar-semua")
    response = phone.get("/")
    deleted = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=;")]
    assert deleted and "Max-Age=0" in deleted[0]
    assert _cookie(phone, "remember_token") is None
    with phone.session_transaction() as session:
        assert "_user_id" not in session  # so the page cache serves this reader again


def test_logging_in_again_prunes_the_sign_ins_that_ran_out(app, db, editor):
    for _ in range(3):
        log_in(app.test_client(), EMAIL)
    _age_sign_ins(db, app.config["LOGIN_SESSION_IDLE"] + timedelta(minutes=1))
    log_in(app.test_client(), EMAIL)
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 1
