"""A case study suggested for a need by hand reaches its author: in the inbox and by email,
in their language; never someone who may not read the need. A need posted by a coordinator
or for a ministry follows the same rules."""

import sqlalchemy as sa

from app.extensions import db as _db
from app.mail.models import OutgoingEmail
from app.needs import services
from app.notices.models import InboxItem
from tests import factories
from tests.accounts_fixtures import make_user, sign_in, submit
from tests.needs_fixtures import need_values, world  # noqa: F401 - the shared fixture


def test_the_author_is_emailed_in_their_language_and_the_link_leads_to_the_need(client, db, world):  # noqa: F811
    author = world["people"]["author"]
    author.language = "en"
    db.session.commit()
    need = world["needs"]["networks"]
    sign_in(client, world["people"]["coordinator"])
    assert submit(client, f"/kebutuhan/{need.id}/usulan", {"innovation": "sampah-jadi-emas"}).status_code == 302
    email = _db.session.scalar(sa.select(OutgoingEmail).where(OutgoingEmail.kind == "notice-need_suggestion"))
    assert email.to_address == author.email
    assert "The case study Sampah Jadi Emas was suggested for your need" in email.subject
    assert f"/kebutuhan/{need.id}" in email.body_text


def test_without_an_active_author_the_owners_officials_are_told(client, db, world):  # noqa: F811
    need = world["needs"]["public"]
    world["people"]["author"].active = False
    colleague = make_user("rekan@banyumas.example.go.id", "official", owner=world["banyumas"])
    db.session.commit()
    sign_in(client, world["people"]["editor"])
    assert submit(client, f"/kebutuhan/{need.id}/usulan", {"innovation": "rumah-tunggu-kelahiran"}).status_code == 302
    told = set(_db.session.scalars(sa.select(InboxItem.user_id).where(InboxItem.kind == "need_suggestion")))
    assert told == {colleague.id}


def test_a_notice_about_a_need_one_may_no_longer_read_is_not_shown(client, db, world):  # noqa: F811
    need = world["needs"]["networks"]
    outsider = world["people"]["other_official"]
    db.session.add(InboxItem(user_id=outsider.id, need=need, innovation=world["other"], kind="need_suggestion"))
    db.session.commit()
    sign_in(client, outsider)
    inbox = client.get("/kotak-masuk").get_data(as_text=True)
    assert need.title not in inbox and f"/kebutuhan/{need.id}" not in inbox


def test_a_coordinator_posts_for_a_member_and_moves_it_on(client, db, world):  # noqa: F811
    coordinator = world["people"]["coordinator"]
    need = services.create(
        coordinator, world["banyumas"], **need_values(title="Dari koordinator", visibility="networks")
    )
    db.session.commit()
    sign_in(client, coordinator)
    answer = submit(client, f"/kebutuhan/{need.id}/status", {"status": "closed", "version": str(need.version)})
    assert answer.status_code == 302
    db.session.refresh(need)
    assert need.status == "closed" and need.author_id == coordinator.id
    # The member's own official sees it and may reopen it.
    sign_in(client, world["people"]["author"])
    assert (
        submit(client, f"/kebutuhan/{need.id}/status", {"status": "open", "version": str(need.version)}).status_code
        == 302
    )


def test_a_ministrys_official_posts_a_need_without_a_region(client, db, world):  # noqa: F811
    ministry = factories.owner("ministry", None, name="Kementerian Kesehatan Uji")
    official = make_user("pejabat@kemenkes.example.go.id", "official", owner=ministry)
    sign_in(client, official)
    answer = submit(client, "/kebutuhan/baru", {**need_values(visibility="public", deadline=""),
                                                "owner": str(ministry.id), "sectors": "kesehatan",
                                                "terrain": "islands"})  # fmt: skip
    assert answer.status_code == 302
    item = client.get("/api/v1/needs?status=open").get_json()["items"]
    mine = next(i for i in item if i["owner"]["name"] == "Kementerian Kesehatan Uji")
    assert mine["province_code"] is None and mine["owner"]["region_code"] is None


def test_the_suggestions_are_asked_once_per_text_and_data_generation(app, client, db, world, monkeypatch):  # noqa: F811
    import app.suggest as suggester
    from app.memo import memo

    calls, real = [], suggester.suggest
    monkeypatch.setattr(suggester, "suggest", lambda *args, **kwargs: calls.append(args[0]) or real(*args, **kwargs))
    need = world["needs"]["public"]
    app.config["GENERATION_MEMO"] = True
    try:
        for _ in range(3):
            assert 'data-suggestion="rumah-tunggu-kelahiran"' in client.get(f"/kebutuhan/{need.id}").get_data(
                as_text=True
            )
        assert len(calls) == 1
        need.problem = need.problem + " Jalan ke puskesmas rusak."
        db.session.commit()
        client.get(f"/kebutuhan/{need.id}")
        assert len(calls) == 2 and "Jalan ke puskesmas rusak." in calls[-1]
    finally:
        app.config["GENERATION_MEMO"] = False
        memo.clear()
