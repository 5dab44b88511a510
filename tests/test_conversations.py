"""A replication's thread: an interest with a message, replies, who reads what, unread
state, withdrawing, "Minat saya", routing to the editors, limits, and the emails that carry
it all to a real SMTP server on loopback."""

import re

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from app.mail.models import OutgoingEmail
from app.notices.models import InboxItem
from app.replication import conversation
from app.replication.models import Replication, ReplicationMessage
from tests import factories
from tests.accounts_fixtures import PASSWORD, csrf_token, make_user, sign_in, submit
from tests.smtp import smtp_server
from tests.test_replication import world  # noqa: F401 - the fixture

BASE = "https://suar.example.go.id"


@pytest.fixture
def mailbox(app):
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "BASE_URL")}
    with smtp_server() as (box, port):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, BASE_URL=BASE)
        yield box
    app.config.update(saved)


def _interest(client, world, text="Berapa biaya awal dan siapa yang mengelolanya?"):  # noqa: F811
    sign_in(client, world["official"])
    response = submit(client, f"/inovasi/{world['innovation'].slug}/minat", {"message": text})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/replikasi/(\d+)/percakapan", response.headers["Location"]).group(1))


def _count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _bell(page):
    found = re.search(r'class="count" data-unread="(\d+)"', page)
    return int(found.group(1)) if found else 0


def test_the_loop_interest_email_reply_unread(client, db, world, mailbox):  # noqa: F811
    replication_id = _interest(client, world)
    # The origin's official got the email, with an absolute link from BASE_URL to the thread.
    [email] = mailbox.to(world["origin_official"].email)
    assert "Kabupaten Lumajang ingin mereplikasi Tele Sehat" in email["Subject"]
    text = email.get_body(("plain",)).get_content()
    assert f"{BASE}/replikasi/{replication_id}/percakapan" in text
    assert "Berapa biaya awal" in text
    assert f'href="{BASE}/replikasi/{replication_id}/percakapan"' in email.get_body(("html",)).get_content()
    assert not mailbox.to(world["official"].email)  # not the sender

    # The link opens the page after sign-in.
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/akun/kata-sandi")})
    response = client.get(f"/replikasi/{replication_id}/percakapan")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]

    sign_in(client, world["origin_official"])
    page = client.get(f"/replikasi/{replication_id}/percakapan").get_data(as_text=True)
    assert "Berapa biaya awal" in page and "Baru" in page
    # who the reply will reach is named before it is sent
    assert world["official"].name in page and world["coordinator"].name in page
    response = submit(client, f"/replikasi/{replication_id}/percakapan", {"body": "Sekitar Rp 50 juta. Mari bicara."})
    assert response.status_code == 302
    assert "Baru" not in client.get(f"/replikasi/{replication_id}/percakapan").get_data(as_text=True)

    [reply] = mailbox.to(world["official"].email)
    assert "Sekitar Rp 50 juta" in reply.get_body(("plain",)).get_content()

    sign_in(client, world["official"])
    home = client.get("/").get_data(as_text=True)
    assert _bell(home) == 1  # the reply
    mine = client.get("/minat-saya").get_data(as_text=True)
    assert "Sekitar Rp 50 juta" in mine and 'data-unread="1"' in mine and "Berminat" in mine
    thread = client.get(f"/replikasi/{replication_id}/percakapan").get_data(as_text=True)
    assert "Sekitar Rp 50 juta" in thread
    assert _bell(client.get("/").get_data(as_text=True)) == 0
    assert 'data-unread="1"' not in client.get("/minat-saya").get_data(as_text=True)


@pytest.mark.parametrize("who", ["other_coordinator", "stranger"])
def test_nobody_outside_the_thread_reads_or_writes_it(client, db, world, who):  # noqa: F811
    replication_id = _interest(client, world)
    if who == "stranger":
        person = make_user("lain@bandung.example", "official", owner=factories.owner("city", "32.73"))
        db.session.commit()
    else:
        person = world[who]
    sign_in(client, person)
    assert client.get(f"/replikasi/{replication_id}/percakapan").status_code == 404
    before = _count(db, ReplicationMessage)
    data = {"body": "Saya menyusup", "csrf_token": csrf_token(client, "/akun/kata-sandi")}
    assert client.post(f"/replikasi/{replication_id}/percakapan", data=data).status_code == 404
    assert client.post(f"/replikasi/{replication_id}/tarik", data=data).status_code == 404
    assert _count(db, ReplicationMessage) == before
    assert "Saya menyusup" not in client.get("/kotak-masuk").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/replikasi/{id}/percakapan", "/replikasi/{id}/tarik"])
def test_unknown_and_huge_ids_are_404(client, db, world, path):  # noqa: F811
    sign_in(client, world["editor"])
    for number in (999_999, 2**31, 2**63):
        url = path.format(id=number)
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, data={"csrf_token": csrf_token(client, "/akun/kata-sandi")}).status_code == 404


def test_when_nobody_can_receive_it_the_editors_do_and_the_author_is_told(client, db, world):  # noqa: F811
    lonely = factories.innovation("Sampah Jadi Emas", kind="regency", region="52.01")  # no official, no network
    asker = make_user("pejabat@bandung.example", "official", owner=factories.owner("city", "32.73"))  # no network
    db.session.commit()
    sign_in(client, asker)
    url = f"/inovasi/{lonely.slug}/minat"
    form = client.get(url).get_data(as_text=True)
    assert "diteruskan ke editor Suar" in form
    assert world["editor"].name in form and world["admin"].name in form
    response = submit(client, url, {"message": "Adakah yang bisa kami hubungi?"})
    assert response.status_code == 302
    replication = db.session.scalar(sa.select(Replication).where(Replication.innovation_id == lonely.id))
    [message] = conversation.messages(replication)
    assert message.routed_to_editors
    told = set(db.session.scalars(sa.select(InboxItem.user_id).where(InboxItem.replication_id == replication.id)))
    assert told == {world["editor"].id, world["admin"].id}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "diteruskan ke editor Suar" in page


@pytest.mark.parametrize(
    ("body", "problem"),
    [("", "Wajib diisi"), ("   \n\t ", "Wajib diisi"), ("x" * 4001, "Paling banyak 4000 karakter"), ("a\x00b", "NUL"),
     ("[" * 3000, "kurung siku")],
)  # fmt: skip
def test_a_bad_message_is_refused_and_kept_on_screen(client, db, world, body, problem):  # noqa: F811
    replication_id = _interest(client, world)
    before = (_count(db, ReplicationMessage), _count(db, InboxItem), _count(db, OutgoingEmail))
    response = submit(client, f"/replikasi/{replication_id}/percakapan", {"body": body})
    assert response.status_code == 400
    assert problem in response.get_data(as_text=True)
    assert (_count(db, ReplicationMessage), _count(db, InboxItem), _count(db, OutgoingEmail)) == before


def test_hostile_text_is_shown_as_text(client, db, world, mailbox):  # noqa: F811
    replication_id = _interest(client, world)
    hostile = "<script>alert(1)</script> [klik](javascript:alert(2)) '; DROP TABLE replication; -- ../../etc/passwd"
    assert submit(client, f"/replikasi/{replication_id}/percakapan", {"body": hostile}).status_code == 302
    sign_in(client, world["origin_official"])
    page = client.get(f"/replikasi/{replication_id}/percakapan").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "javascript:alert" not in page
    assert "DROP TABLE replication" in page and _count(db, Replication) == 1
    html = mailbox.to(world["origin_official"].email)[-1].get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_nobody_can_flood_a_thread(client, db, world):  # noqa: F811
    replication_id = _interest(client, world)  # the first message
    url = f"/replikasi/{replication_id}/percakapan"
    statuses = [
        submit(client, url, {"body": f"Pesan {n}"}).status_code for n in range(conversation.MAX_PER_THREAD_PER_HOUR)
    ]
    assert statuses == [302] * (conversation.MAX_PER_THREAD_PER_HOUR - 1) + [400]
    assert _count(db, ReplicationMessage) == conversation.MAX_PER_THREAD_PER_HOUR
    refused = submit(client, url, {"body": "Satu lagi"})
    assert refused.status_code == 400 and "per jam" in refused.get_data(as_text=True)


def test_links_in_emails_never_come_from_the_host_header(client, db, world, mailbox):  # noqa: F811
    evil = {"Host": "evil.example"}

    def token(url):
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url, headers=evil).text).group(
            1
        )

    data = {"email": world["official"].email, "password": PASSWORD, "csrf_token": token("/masuk")}
    assert client.post("/masuk", data=data, headers=evil).status_code == 302
    url = f"/inovasi/{world['innovation'].slug}/minat"
    response = client.post(url, data={"message": "Halo", "csrf_token": token(url)}, headers=evil)
    assert response.status_code == 302
    assert mailbox.messages
    for email in mailbox.messages:
        assert "evil.example" not in email.as_string() and BASE in email.get_body(("plain",)).get_content()


def test_withdraw_and_ask_again(client, db, world):  # noqa: F811
    replication_id = _interest(client, world)
    page = client.get(f"/replikasi/{replication_id}/percakapan").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = submit(client, f"/replikasi/{replication_id}/percakapan", {"version": version},
                      post_url=f"/replikasi/{replication_id}/tarik")  # fmt: skip
    assert response.status_code == 302
    replication = db.session.get(Replication, replication_id)
    db.session.refresh(replication)
    assert replication.stage == "discontinued" and "ditarik" in replication.discontinued_reason
    # The origin's side cannot withdraw it for them.
    sign_in(client, world["origin_official"])
    data = {"version": str(replication.version), "csrf_token": csrf_token(client, "/akun/kata-sandi")}
    assert client.post(f"/replikasi/{replication_id}/tarik", data=data).status_code == 403

    # Asking again reopens the same record, with the new message in the same thread.
    sign_in(client, world["official"])
    assert (
        submit(client, f"/inovasi/{world['innovation'].slug}/minat", {"message": "Kami siap lagi."}).status_code == 302
    )
    db.session.refresh(replication)
    assert replication.stage == "interest" and _count(db, Replication) == 1
    assert [m.body for m in conversation.messages(replication)][-1] == "Kami siap lagi."


def test_minat_saya_lists_both_sides(client, db, world):  # noqa: F811
    _interest(client, world, "Pertanyaan pertama")
    for person, heading in (
        ("official", "Yang ingin direplikasi"),
        ("origin_official", "Daerah lain yang mereplikasi"),
    ):
        sign_in(client, world[person])
        page = client.get("/minat-saya").get_data(as_text=True)
        assert heading in page and "Tele Sehat" in page and "Pertanyaan pertama" in page
    sign_in(client, world["coordinator"])
    assert "Tele Sehat" in client.get("/minat-saya").get_data(as_text=True)
    sign_in(client, world["other_coordinator"])
    assert "Tele Sehat" not in client.get("/minat-saya").get_data(as_text=True)
    sign_in(client, world["editor"])
    assert client.get("/minat-saya").status_code == 403


@given(body=st.text(max_size=5000) | st.from_regex(r"[\[\]<>*_`#\-\n a-z]{0,400}", fullmatch=True))
def test_any_text_is_accepted_whole_or_refused_with_a_reason(app, body):
    """Whatever is typed: the trimmed text within the limit, rendered without markup that
    runs, or a refusal that says why (MessageRefused, a 400 on the page); never an error."""
    with app.test_request_context():
        try:
            accepted = conversation.check_body(body)
        except conversation.MessageRefused as refusal:
            assert str(refusal.message)
            assert not body.strip() or len(body.strip()) > conversation.MAX_MESSAGE or "\x00" in body or refusal.field
            return
        assert accepted == body.strip() and 0 < len(accepted) <= conversation.MAX_MESSAGE
        html = conversation.render_markdown(accepted)
        assert "<script" not in html.lower() and "javascript:" not in html.lower()


def test_conversations_and_notices_leave_the_public_pages_cached(client, db, world):  # noqa: F811
    """Messages, read state, notices, settings and the email language are nobody else's:
    they must not empty the anonymous page cache (app/pagecache)."""
    from app.datagen.generation import current_generation

    replication_id = _interest(client, world)  # a new replication is public: that one counts
    before = current_generation()
    assert submit(client, f"/replikasi/{replication_id}/percakapan", {"body": "Kabar terbaru?"}).status_code == 302
    client.get("/bahasa/en?next=/")
    client.get("/bahasa/id?next=/")
    sign_in(client, world["origin_official"])
    client.get(f"/replikasi/{replication_id}/percakapan")
    client.get("/kotak-masuk")
    page = client.get("/akun/pemberitahuan").get_data(as_text=True)
    modes = dict(re.findall(r'<input checked id="mode_(\w+)-\d" name="mode_\w+" type="radio" value="(\w+)">', page))
    assert submit(client, "/akun/pemberitahuan", {f"mode_{k}": "off" for k in modes}).status_code == 302
    assert current_generation() == before
