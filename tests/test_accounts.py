"""Login, logout, password change, sessions that end, safe redirects, CSRF on the forms."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.login import is_safe_next
from app.accounts.models import LoginFailure, User, UserSession, hash_session_token
from app.accounts.passwords import password_problems
from tests.accounts_fixtures import PASSWORD, csrf_token, log_in, make_user, reload, submit


@pytest.fixture
def editor(db):
    return make_user("Editor@Example.go.id", "editor", name="Dewi Editor")


def test_login_with_any_case_of_the_email_and_logout(client, editor):
    response = log_in(client, "  EDITOR@example.GO.ID ")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/akun/kata-sandi").get_data(as_text=True)
    assert "Selamat datang, Dewi Editor." in page and "editor@example.go.id" in page
    response = submit(client, "/akun/kata-sandi", {}, post_url="/keluar")
    assert response.status_code == 302
    assert client.get("/akun/kata-sandi").status_code == 302  # back to the login page


def test_wrong_password_and_unknown_email_get_the_same_answer(client, editor):
    wrong = log_in(client, "editor@example.go.id", "salah sekali kata sandinya")
    unknown = log_in(client, "tidak.ada@example.go.id", "salah sekali kata sandinya")
    for response in (wrong, unknown):
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "Email atau kata sandi salah." in page
    # The form keeps the email that was typed, never the password.
    assert 'value="tidak.ada@example.go.id"' in unknown.get_data(as_text=True)
    assert "salah sekali" not in unknown.get_data(as_text=True)


def test_email_is_stored_lower_case_and_unique(db, editor):
    assert reload(User, id=editor.id).email == "editor@example.go.id"
    with pytest.raises(sa.exc.IntegrityError):
        make_user("EDITOR@example.go.id", "editor")
    db.session.rollback()


def test_inactive_user_cannot_log_in(client, db):
    make_user("mantan@example.go.id", "editor", active=False)
    response = log_in(client, "mantan@example.go.id")
    assert "Email atau kata sandi salah." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/jaringan/jipp-jawa-timur", True),
        ("/inovasi?q=akta", True),
        ("https://evil.example/", False),
        ("//evil.example/", False),
        ("/\\evil.example", False),
        ("\\\\evil.example", False),
        ("javascript:alert(1)", False),
        ("http:/evil.example", False),
        ("/ok\r\nSet-Cookie: x", False),
        ("", False),
    ],
)
def test_next_only_within_the_site(target, safe):
    assert is_safe_next(target) is safe


def test_login_follows_a_safe_next_and_ignores_an_unsafe_one(client, editor):
    token = csrf_token(client, "/masuk")
    data = {"email": "editor@example.go.id", "password": PASSWORD, "csrf_token": token}
    response = client.post("/masuk?next=/jaringan", data=data)
    assert response.headers["Location"] == "/jaringan"
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/akun/kata-sandi")})
    token = csrf_token(client, "/masuk")
    response = client.post("/masuk?next=//evil.example/x", data={**data, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_protected_page_sends_to_login_with_next(client, editor):
    response = client.get("/akun/kata-sandi")
    assert response.status_code == 302 and response.headers["Location"] == "/masuk?next=%2Fakun%2Fkata-sandi"


def test_login_clears_the_previous_session(client, editor):
    editor_id = editor.id
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    log_in(client, "editor@example.go.id")
    with client.session_transaction() as session:
        assert "planted" not in session
        token = session["_user_id"]
    assert reload(UserSession, token_hash=hash_session_token(token)).user_id == editor_id


def test_password_change_keeps_this_session(app, client, editor):
    log_in(client, "editor@example.go.id")
    new = "lampu suar di pelabuhan"
    form = {"current": PASSWORD, "new": new, "confirm": new}
    response = submit(client, "/akun/kata-sandi", form)
    assert response.status_code == 302
    assert "Sesi Anda di perangkat lain sudah berakhir" in client.get("/akun/kata-sandi").get_data(as_text=True)
    assert reload(User, id=editor.id).check_password(new)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"current": "bukan kata sandinya", "new": "lampu suar di pelabuhan"}, "Kata sandi sekarang salah."),
        ({"current": PASSWORD, "new": "pendek"}, "minimal 12 karakter"),
        ({"current": PASSWORD, "new": "editor@example.go.id"}, "tidak boleh memuat alamat email"),
        ({"current": PASSWORD, "new": "xxeditorxx123456"}, "tidak boleh memuat alamat email"),
        ({"current": PASSWORD, "new": "Password1234"}, "terlalu umum"),
        ({"current": PASSWORD, "new": "x" * 300}, "paling banyak"),
        ({"current": PASSWORD, "new": ""}, "Wajib diisi."),
    ],
)
def test_bad_password_changes_are_refused(client, editor, form, message):
    log_in(client, "editor@example.go.id")
    form.setdefault("confirm", form["new"])
    response = submit(client, "/akun/kata-sandi", form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert reload(User, id=editor.id).check_password(PASSWORD)


def test_password_confirmation_must_match(client, editor):
    log_in(client, "editor@example.go.id")
    response = submit(
        client, "/akun/kata-sandi", {"current": PASSWORD, "new": "lampu suar di pelabuhan", "confirm": "lampu suar"}
    )
    assert "Kedua kata sandi baru tidak sama." in response.get_data(as_text=True)


def test_password_policy():
    assert password_problems("kalimat panjang yang mudah diingat", "budi@example.go.id") == []
    assert password_problems("a" * 11, "budi@example.go.id") == ["short"]
    assert password_problems("BUDI@EXAMPLE.GO.ID", "budi@example.go.id") == ["email"]
    assert password_problems("Indonesia123", "x@example.go.id") == ["common"]


def test_deactivation_ends_the_session_at_the_next_request(client, db, editor):
    log_in(client, "editor@example.go.id")
    assert client.get("/akun/kata-sandi").status_code == 200
    user = db.session.get(User, editor.id)
    user.active = False
    db.session.commit()
    assert client.get("/akun/kata-sandi").status_code == 302


def test_remember_me_is_off_by_default_and_short_when_on(app, client, editor):
    response = log_in(client, "editor@example.go.id")
    assert "remember_token" not in response.headers.get("Set-Cookie", "")
    other = app.test_client()
    response = log_in(other, "editor@example.go.id", remember="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "Max-Age=1209600" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # The cookie alone signs the user in again, until its sign-in ends (test_accounts_sessions.py).
    value = cookie.split(";")[0].split("=", 1)[1]
    fresh = app.test_client()
    fresh.set_cookie("remember_token", value)
    assert fresh.get("/akun/kata-sandi").status_code == 200


def test_failed_logins_are_counted_in_the_database_and_lock_the_email(client, db, editor):
    for _ in range(5):
        assert "Email atau kata sandi salah." in log_in(client, "editor@example.go.id", "salah salah salah").get_data(
            as_text=True
        )
    response = log_in(client, "editor@example.go.id")  # the right password, too late
    page = response.get_data(as_text=True)
    assert "Terlalu banyak percobaan masuk" in page
    assert client.get("/akun/kata-sandi").status_code == 302
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count(LoginFailure.id))) == 5
    # An email without an account is locked the same way: the answer tells nothing.
    for _ in range(6):
        response = log_in(client, "tidak.ada@example.go.id", "salah salah salah")
    assert "Terlalu banyak percobaan masuk" in response.get_data(as_text=True)


def test_lock_ends_when_the_window_has_passed(app, client, db, editor):
    app.config["LOGIN_FAILURE_WINDOW"] = 0  # seconds: every failure is already outside it
    try:
        for _ in range(6):
            log_in(client, "editor@example.go.id", "salah salah salah")
        assert log_in(client, "editor@example.go.id").status_code == 302
    finally:
        app.config["LOGIN_FAILURE_WINDOW"] = timedelta(minutes=15)


def test_a_successful_login_clears_the_count(client, db, editor):
    for _ in range(4):
        log_in(client, "editor@example.go.id", "salah salah salah")
    assert log_in(client, "editor@example.go.id").status_code == 302
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count(LoginFailure.id))) == 0


@pytest.mark.parametrize("token", [None, "", "stale-or-forged-token"])
def test_login_without_a_valid_csrf_token_keeps_the_email_and_logs_nobody_in(client, editor, token):
    data = {"email": "editor@example.go.id", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/masuk", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Formulir ini sudah kedaluwarsa atau tidak sah" in page
    assert 'value="editor@example.go.id"' in page
    assert client.get("/akun/kata-sandi").status_code == 302


def test_expired_csrf_token_is_refused(app, client, editor):
    token = csrf_token(client, "/masuk")
    app.config["WTF_CSRF_TIME_LIMIT"] = -1
    try:
        response = client.post(
            "/masuk", data={"email": "editor@example.go.id", "password": PASSWORD, "csrf_token": token}
        )
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = 8 * 3600
    assert "Formulir ini sudah kedaluwarsa" in response.get_data(as_text=True)


def test_logout_needs_a_post_with_a_token(client, editor):
    log_in(client, "editor@example.go.id")
    assert client.get("/keluar").status_code == 200  # a page with the button, not a logout
    assert client.post("/keluar", data={}).status_code == 400
    assert client.get("/akun/kata-sandi").status_code == 200


def test_script_in_the_email_is_escaped(client, db):
    response = log_in(client, "<script>alert(1)</script>@x.id", "salah salah salah")
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_over_long_input_is_refused_with_a_message(client, editor):
    response = log_in(client, "a" * 300 + "@example.go.id", "salah salah salah")
    assert "Paling banyak 254 karakter." in response.get_data(as_text=True)


def test_login_page_in_english(client):
    client.set_cookie("lang", "en")
    page = client.get("/masuk").get_data(as_text=True)
    assert "<form" in page  # translated strings arrive when the lead merges the catalogue
