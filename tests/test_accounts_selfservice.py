"""Self-service accounts: "Lupa kata sandi" by email (single use, one hour, the same answer
for every email, limited), invitations by admins and coordinators, and how to get an account.
Emails go through a real SMTP server (tests/smtp.py)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import User, UserSession
from app.accounts.tokens import AccountToken
from app.catalog.owners import government_owner
from app.extensions import db as _db
from app.regions.models import Region
from tests.accounts_fixtures import PASSWORD, csrf_token, log_in, networks, people, reload, sign_in, submit  # noqa: F401
from tests.smtp import mailbox  # noqa: F401
from tests.support import rate_limited_app

NEW_PASSWORD = "lampu hijau di ujung gang"
LINK = re.compile(r"https?://\S+/akun/(?:atur-ulang|undangan)/[A-Za-z0-9_-]+")


def _ask_reset(client, email, **kwargs):
    return submit(client, "/akun/lupa-kata-sandi", {"email": email}, **kwargs)


def _link(message):
    links = LINK.findall(message.get_body(("plain",)).get_content())
    assert links, message.get_body(("plain",)).get_content()
    assert links[0] in message.get_body(("html",)).get_content()
    return links[0]


def _path(link):
    return "/" + link.split("/", 3)[3]


def test_the_answer_is_the_same_whether_or_not_the_email_has_an_account(app, client, people, mailbox):
    known = _ask_reset(client, "PEJABAT@example.go.id")
    unknown = _ask_reset(client, "nobody@example.go.id")
    assert known.status_code == unknown.status_code == 200

    def sans_email(response):
        return (
            response.get_data(as_text=True).replace("pejabat@example.go.id", "X").replace("nobody@example.go.id", "X")
        )

    assert _strip_tokens(sans_email(known)) == _strip_tokens(sans_email(unknown))
    assert [m["To"] for m in mailbox.messages] == ["pejabat@example.go.id"]


def _strip_tokens(page):
    return re.sub(r'value="[^"]+"', "", page)


def test_a_reset_link_sets_a_new_password_once_and_ends_every_sign_in(app, client, people, mailbox):
    app.config["BASE_URL"] = "https://suar.example.go.id"
    try:
        other_device = app.test_client()
        sign_in(other_device, people["official"])
        assert other_device.get("/akun/kata-sandi").status_code == 200
        evil = {"Host": "evil.example"}
        page = client.get("/akun/lupa-kata-sandi", headers=evil).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = {"email": "pejabat@example.go.id", "csrf_token": token}
        assert client.post("/akun/lupa-kata-sandi", data=data, headers=evil).status_code == 200
    finally:
        app.config["BASE_URL"] = None
    link = _link(mailbox.messages[0])
    assert link.startswith("https://suar.example.go.id/akun/atur-ulang/")  # never the Host header's site
    page = client.get(_path(link))
    assert page.status_code == 200 and "Buat kata sandi baru" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    weak = submit(client, _path(link), {"new": "pendek", "confirm": "pendek"})
    assert weak.status_code == 400 and "minimal 12 karakter" in weak.get_data(as_text=True)
    done = submit(client, _path(link), {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/masuk")
    assert client.get(_path(link)).status_code == 404  # once
    assert other_device.get("/akun/kata-sandi").status_code == 302  # signed out everywhere
    assert log_in(app.test_client(), "pejabat@example.go.id", PASSWORD).status_code == 200  # old one refused
    assert log_in(app.test_client(), "pejabat@example.go.id", NEW_PASSWORD).status_code == 302


def test_an_expired_tampered_or_foreign_link_opens_nothing(app, client, people, mailbox):
    _ask_reset(client, "pejabat@example.go.id")
    path = _path(_link(mailbox.messages[0]))
    for bad in (path[:-1], path + "x", path.replace("atur-ulang", "undangan"), "/akun/atur-ulang/" + "a" * 500):
        response = client.get(bad)
        assert response.status_code == 404, bad
        assert "Tautan tidak berlaku" in response.get_data(as_text=True)
    _db.session.execute(sa.update(AccountToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    _db.session.commit()
    assert client.get(path).status_code == 404
    posted = submit(client, "/akun/lupa-kata-sandi", {"email": "x@example.org"})  # a token from another form
    assert posted.status_code == 200
    response = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 404
    assert reload(User, email="pejabat@example.go.id").check_password(PASSWORD)


def test_a_deactivated_account_gets_no_link_and_its_old_link_dies(app, client, people, mailbox):
    _ask_reset(client, "pejabat@example.go.id")
    path = _path(_link(mailbox.messages[0]))
    _db.session.execute(sa.update(User).where(User.email == "pejabat@example.go.id").values(active=False))
    _db.session.commit()
    assert client.get(path).status_code == 404
    _ask_reset(client, "pejabat@example.go.id")
    assert len(mailbox.messages) == 1


def test_nobody_can_flood_a_mailbox_with_reset_emails(app, client, people, mailbox):
    for _ in range(6):
        assert _ask_reset(client, "pejabat@example.go.id").status_code == 200
    assert len(mailbox.messages) == 3


@pytest.mark.parametrize("email", ["", "not an email", "<script>alert(1)</script>@x", "a@b.c" * 60])
def test_a_bad_email_is_refused_with_a_message_and_sends_nothing(app, client, people, mailbox, email):
    response = _ask_reset(client, email)
    assert response.status_code == 400
    assert "<script>alert" not in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_asking_too_often_from_one_address_is_limited(databases, tmp_path_factory):
    with rate_limited_app(databases, tmp_path_factory, LOGIN_RATE_LIMIT="3 per minute") as app:
        client = app.test_client()
        statuses = [_ask_reset(client, f"x{n}@example.org").status_code for n in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]


def test_the_login_page_says_how_to_get_an_account_and_links_the_reset(client):
    page = client.get("/masuk").get_data(as_text=True)
    assert "Cara mendapatkan akun" in page and 'href="/akun/lupa-kata-sandi"' in page


def _invite(client, data):
    return submit(client, "/akun/undang", data)


def test_an_admin_invites_and_the_invitee_sets_a_password_and_signs_in(app, client, people, networks, mailbox):
    sign_in(client, people["admin"])
    response = _invite(
        client,
        {
            "email": "Baru@Example.go.id",
            "name": "Koordinator Baru",
            "roles": "coordinator",
            "networks": str(networks["sulsel"].id),
        },
    )
    assert response.status_code == 302
    (message,) = mailbox.messages
    assert message["To"] == "baru@example.go.id" and "Admin" in message.get_body(("plain",)).get_content()
    invitee = reload(User, email="baru@example.go.id")
    assert invitee.has_role("coordinator") and [n.slug for n in invitee.networks] == ["jipp-sulawesi-selatan"]
    fresh = app.test_client()
    path = _path(_link(message))
    assert "Selamat datang di Suar" in fresh.get(path).get_data(as_text=True)
    assert submit(fresh, path, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert log_in(fresh, "baru@example.go.id", NEW_PASSWORD).status_code == 302
    assert fresh.get(path).status_code == 404
    again = _invite(client, {"email": "baru@example.go.id", "name": "X", "roles": "official", "owner": "35.78"})
    assert again.status_code == 400 and "Sudah ada pengguna" in again.get_data(as_text=True)


def test_a_coordinator_invites_officials_of_their_members_only(app, client, people, networks, mailbox):
    sign_in(client, people["coordinator"])
    page = client.get("/akun/undang").get_data(as_text=True)
    surabaya = government_owner(_db.session.get(Region, "35.78"))
    makassar = government_owner(_db.session.get(Region, "73.71"))
    _db.session.commit()
    assert surabaya.name in page and makassar.name not in page
    refused = _invite(client, {"email": "luar@example.go.id", "name": "Luar", "owner": str(makassar.id)})
    assert refused.status_code == 400 and "Pilihan tidak sah" in refused.get_data(as_text=True)
    forged = _invite(client, {"email": "adm@example.go.id", "name": "A", "owner": str(surabaya.id), "roles": "admin"})
    assert forged.status_code == 302
    assert reload(User, email="adm@example.go.id").roles == {"official"}  # roles are not the coordinator's to choose
    assert reload(User, email="luar@example.go.id") is None
    assert [m["To"] for m in mailbox.messages] == ["adm@example.go.id"]


@pytest.mark.parametrize("role", ["official", "editor"])
def test_who_may_not_invite_gets_403_and_nothing_is_sent(app, client, people, mailbox, role):
    sign_in(client, people[role])
    assert client.get("/akun/undang").status_code == 403
    assert client.post("/akun/undang", data={"email": "x@example.org", "name": "X"}).status_code == 403
    assert mailbox.messages == []


def test_an_invitation_link_from_a_hostile_name_is_sent_as_text(app, client, people, mailbox):
    sign_in(client, people["admin"])
    name = '<img src=x onerror="alert(1)">'
    assert _invite(client, {"email": "x@example.org", "name": name, "roles": "editor"}).status_code == 302
    html = mailbox.messages[0].get_body(("html",)).get_content()
    assert "<img src=x" not in html and "&lt;img" in html


def test_the_invitation_page_sends_anonymous_visitors_to_sign_in(client, people):
    response = client.get("/akun/undang")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]
    assert _db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0
