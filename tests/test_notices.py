"""Notices: each user's choice per kind (at once, daily digest, off), the digest and its
one-click unsubscribe, the language of emails, the review workflow's notices, and stalled
replications reminded of once per stall."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.mail import outbox
from app.mail.models import OutgoingEmail
from app.notices import emails
from app.notices import service as notices
from app.notices.models import KINDS, InboxItem
from app.replication import services as replication_services
from app.replication import stalled
from app.replication.models import Replication
from tests import factories
from tests.accounts_fixtures import sign_in, submit
from tests.test_conversations import BASE, _interest, mailbox  # noqa: F401 - fixtures
from tests.test_replication import world  # noqa: F401 - the fixture


def _preferences(client, **modes):
    page = client.get("/akun/pemberitahuan").get_data(as_text=True)
    chosen = dict(re.findall(r'<input checked id="mode_(\w+)-\d" name="mode_\w+" type="radio" value="(\w+)">', page))
    data = {f"mode_{kind}": modes.get(kind, chosen[kind]) for kind in KINDS}
    return submit(client, "/akun/pemberitahuan", data)


def test_each_kind_has_a_choice_and_bad_choices_change_nothing(client, db, world):  # noqa: F811
    sign_in(client, world["origin_official"])
    page = client.get("/akun/pemberitahuan").get_data(as_text=True)
    for kind in KINDS:
        assert f'name="mode_{kind}"' in page
    assert _preferences(client, message="off").status_code == 302
    assert notices.mode_for(world["origin_official"], "message") == "off"
    for bad in ("sometimes", "<script>", "' OR 1=1 --", ""):
        response = _preferences(client, message=bad)
        assert response.status_code == 400 and "<script>" not in response.get_data(as_text=True).split("<main")[-1]
        assert notices.mode_for(world["origin_official"], "message") == "off"
    # another user's settings are nobody's business: the page only ever shows one's own
    sign_in(client, world["official"])
    assert notices.mode_for(world["official"], "message") == "now"


def test_off_keeps_it_in_the_inbox_only(client, db, world, mailbox):  # noqa: F811
    sign_in(client, world["origin_official"])
    _preferences(client, interest="off")
    _interest(client, world)
    assert not mailbox.to(world["origin_official"].email)
    assert mailbox.to(world["coordinator"].email)  # the others still chose "now"
    item = db.session.scalar(sa.select(InboxItem).where(InboxItem.user_id == world["origin_official"].id))
    assert item.kind == "interest" and item.delivery == "off"


def test_the_digest_gathers_sends_once_and_unsubscribes_in_one_click(app, client, db, world, mailbox):  # noqa: F811
    sign_in(client, world["origin_official"])
    _preferences(client, interest="digest", message="digest")
    replication_id = _interest(client, world, "Pesan pertama")
    submit(client, f"/replikasi/{replication_id}/percakapan", {"body": "Pesan kedua"})
    assert not mailbox.to(world["origin_official"].email)

    result = app.test_cli_runner().invoke(args=["notices", "digest"])
    assert result.exit_code == 0 and "1 digest" in result.output
    [digest] = mailbox.to(world["origin_official"].email)
    text = digest.get_body(("plain",)).get_content()
    assert "Kabupaten Lumajang ingin mereplikasi Tele Sehat" in text and text.count(f"{BASE}/replikasi/") == 2
    unsubscribe = re.search(r"<([^>]+)>", digest["List-Unsubscribe"]).group(1)
    assert unsubscribe.startswith(f"{BASE}/berhenti-langganan/")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A second run has nothing new to send.
    assert "0 digest" in app.test_cli_runner().invoke(args=["notices", "digest"]).output
    assert len(mailbox.to(world["origin_official"].email)) == 1

    path = unsubscribe.removeprefix(BASE)
    anonymous = app.test_client()
    page = anonymous.get(path)
    assert (
        page.status_code == 200 and notices.mode_for(world["origin_official"], "message") == "digest"
    )  # GET: no change
    assert anonymous.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert notices.mode_for(world["origin_official"], "message") == "off"
    assert notices.mode_for(world["origin_official"], "interest") == "off"
    assert notices.mode_for(world["origin_official"], "submitted") == "now"  # not a digest kind for them


@pytest.mark.parametrize("token", ["x", "a" * 500, "../../etc/passwd", "<script>", "1.abc", "' OR 1=1 --"])
def test_a_forged_unsubscribe_link_is_404(client, db, world, token):  # noqa: F811
    assert client.get(f"/berhenti-langganan/{token}").status_code == 404
    assert client.post(f"/berhenti-langganan/{token}", data={"List-Unsubscribe": "One-Click"}).status_code == 404


def test_digests_leave_out_what_was_read_on_the_site(app, client, db, world, mailbox):  # noqa: F811
    sign_in(client, world["origin_official"])
    _preferences(client, interest="digest")
    _interest(client, world)
    sign_in(client, world["origin_official"])
    client.get("/kotak-masuk")  # read it here
    assert "0 digest" in app.test_cli_runner().invoke(args=["notices", "digest"]).output
    assert not mailbox.to(world["origin_official"].email)


def test_emails_come_in_the_users_language(client, db, world, mailbox):  # noqa: F811
    sign_in(client, world["origin_official"])
    client.get("/bahasa/en?next=/")  # the language they use the site in
    _interest(client, world)
    [email] = mailbox.to(world["origin_official"].email)
    assert "wants to replicate" in email["Subject"] and "Open in Suar" in email.get_body(("html",)).get_content()
    [other] = mailbox.to(world["coordinator"].email)
    assert "ingin mereplikasi" in other["Subject"]


def test_the_review_workflow_tells_editors_and_authors(app, client, db, world, mailbox):  # noqa: F811
    from app.editing import services as editing

    draft = factories.innovation("Draf Baru", kind="city", region="33.74", status="draft")
    draft.created_by_id = world["origin_official"].id
    db.session.commit()
    editing.transition(draft, "submitted", user=world["origin_official"])
    db.session.commit()
    assert {i.user_id for i in db.session.scalars(sa.select(InboxItem).where(InboxItem.kind == "submitted"))} == {
        world["editor"].id,
        world["admin"].id,
    }
    editing.transition(draft, "returned", user=world["editor"], comment="Lengkapi biaya.")
    db.session.commit()
    [returned] = db.session.scalars(sa.select(InboxItem).where(InboxItem.kind == "returned")).all()
    assert returned.user_id == world["origin_official"].id
    editing.transition(draft, "submitted", user=world["origin_official"])
    editing.transition(draft, "published", user=world["editor"])
    db.session.commit()
    assert db.session.scalar(sa.select(InboxItem.user_id).where(InboxItem.kind == "published")) == (
        world["origin_official"].id
    )
    outbox.send_due()  # this test's app context holds on: what a request would send as it ends
    subjects = [m["Subject"] for m in mailbox.to(world["origin_official"].email)]
    assert any("dikembalikan" in s for s in subjects) and any("terbit" in s for s in subjects)
    sign_in(client, world["origin_official"])
    inbox = client.get("/kotak-masuk").get_data(as_text=True)
    assert "Draf Baru telah terbit" in inbox and f'href="/inovasi/{draft.slug}"' in inbox


def _age(db, replication, days):
    old = datetime.now(UTC) - timedelta(days=days)
    db.session.execute(sa.update(Replication).where(Replication.id == replication.id).values(updated_at=old))
    db.session.commit()


def test_stalled_replications_are_reminded_of_once_per_stall(app, client, db, world):  # noqa: F811
    replication = replication_services.create(world["innovation"], world["lumajang"], "planned", user=world["editor"])
    done = replication_services.create(
        world["innovation"], factories.owner("regency", "33.29"), "institutionalized", user=world["editor"]
    )
    db.session.commit()
    _age(db, replication, 61)
    _age(db, done, 400)  # finished: never stalled
    runner = app.test_cli_runner()
    result = runner.invoke(args=["replications", "remind"])
    assert result.exit_code == 0 and "1 stalled" in result.output
    told = set(db.session.scalars(sa.select(InboxItem.user_id).where(InboxItem.kind == "stalled")))
    # the origin's officials and the coordinators; not the adopter's official
    assert told == {world["origin_official"].id, world["coordinator"].id, world["coordinator_origin"].id}
    assert "0 stalled" in runner.invoke(args=["replications", "remind"]).output  # once per stall

    sign_in(client, world["origin_official"])
    assert "Replikasi yang macet" in client.get("/minat-saya").get_data(as_text=True)
    sign_in(client, world["official"])
    assert "Replikasi yang macet" not in client.get("/minat-saya").get_data(as_text=True)

    # A message moves it; stalled again later, it is reminded of again.
    sign_in(client, world["official"])
    submit(client, f"/replikasi/{replication.id}/percakapan", {"body": "Kami masih menyiapkan anggaran."})
    assert stalled.stalled() == []
    # ... and time passes: the reminder 80 days ago, the message 70 days ago.
    moments = {"reminded": datetime.now(UTC) - timedelta(days=80), "wrote": datetime.now(UTC) - timedelta(days=70)}
    db.session.execute(sa.update(InboxItem).values(created_at=moments["reminded"]))
    db.session.execute(sa.text("UPDATE replication_message SET created_at = :t"), {"t": moments["wrote"]})
    db.session.commit()
    assert "1 stalled" in runner.invoke(args=["replications", "remind"]).output


def test_the_threshold_is_configurable(app, db, world):  # noqa: F811
    replication = replication_services.create(world["innovation"], world["lumajang"], "planned", user=world["editor"])
    db.session.commit()
    _age(db, replication, 10)
    assert stalled.stalled() == []
    app.config["STALLED_AFTER_DAYS"] = 7
    try:
        assert [r.id for r, _since in stalled.stalled()] == [replication.id]
    finally:
        app.config["STALLED_AFTER_DAYS"] = 60


def test_stage_changes_reach_the_thread_in_the_digest_by_default(app, db, world, mailbox):  # noqa: F811
    replication = replication_services.create(
        world["innovation"], world["lumajang"], "planned", user=world["coordinator"]
    )
    db.session.commit()
    replication_services.update(
        replication, user=world["coordinator"], expected_version=replication.version, stage="committed"
    )
    db.session.commit()
    items = db.session.scalars(sa.select(InboxItem).where(InboxItem.kind == "stage")).all()
    assert world["coordinator"].id not in {i.user_id for i in items}  # not who made the change
    assert {i.user_id for i in items} >= {world["official"].id, world["origin_official"].id}
    assert {i.delivery for i in items} == {"digest"} and not mailbox.messages
    emails.send_digests()
    outbox.send_due()
    assert mailbox.to(world["official"].email) and mailbox.to(world["origin_official"].email)
    assert db.session.scalar(sa.select(sa.func.count(OutgoingEmail.id)).where(OutgoingEmail.kind == "digest")) >= 2


def test_inactive_users_get_nothing(db, world):  # noqa: F811
    world["origin_official"].active = False
    db.session.commit()
    made = notices.notify([world["origin_official"], world["official"]], "stage", replication=None)
    assert [i.user_id for i in made] == [world["official"].id]


def test_the_inbox_pages_and_refuses_nonsense(client, db, world):  # noqa: F811
    sign_in(client, world["origin_official"])
    for page in ("0", "-1", "abc", "99999999999999999999", "1;DROP"):
        assert client.get(f"/kotak-masuk?page={page}").status_code == 400
    assert client.get("/kotak-masuk?page=2").status_code == 200


def test_the_daily_tasks_remind_of_stalls_and_send_the_digest(app, db, world, mailbox):  # noqa: F811
    replication = replication_services.create(world["innovation"], world["lumajang"], "planned", user=world["editor"])
    db.session.commit()
    _age(db, replication, 90)
    result = app.test_cli_runner().invoke(args=["jobs", "run-daily"])
    assert result.exit_code == 0, result.output
    outbox.send_due()
    [digest] = mailbox.to(world["origin_official"].email)  # stalled notices come in the digest by default
    assert "belum bergerak sejak" in digest.get_body(("plain",)).get_content()
