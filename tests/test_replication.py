"""Replication: stage rules, history, counts, interest and inbox, conflicts, permissions."""

import pytest
import sqlalchemy as sa

from app.notices.models import InboxItem
from app.replication import services
from app.replication.models import Replication, ReplicationEvent
from tests import factories
from tests.accounts_fixtures import add_member, csrf_token, make_network, make_user, sign_in, submit


@pytest.fixture
def world(db):
    """Tele Sehat (Kota Semarang, member of JIPP Jawa Tengah); Kab. Lumajang in JIPP Jawa Timur."""
    innovation = factories.innovation("Tele Sehat", kind="city", region="33.74")
    jateng, jatim, sulsel = (
        make_network("jipp-jateng", "33"),
        make_network("jipp-jatim", "35"),
        make_network("jipp-sulsel", "73"),
    )
    add_member(jateng, "33.74")
    lumajang = add_member(jatim, "35.08").owner
    add_member(sulsel, "73.71")
    users = {
        "origin_official": make_user("asal@semarang.example", "official", owner=innovation.owner),
        "official": make_user("pejabat@lumajang.example", "official", owner=lumajang),
        "coordinator": make_user("koord@jatim.example", "coordinator", networks=[jatim]),
        "coordinator_origin": make_user("koord@jateng.example", "coordinator", networks=[jateng]),
        "other_coordinator": make_user("koord@sulsel.example", "coordinator", networks=[sulsel]),
        "editor": make_user("editor@example.go.id", "editor"),
        "admin": make_user("admin@example.go.id", "admin"),
    }
    db.session.commit()
    return {"innovation": innovation, "lumajang": lumajang, "jatim": jatim, **users}


def _replicate(world, stage="planned", **fields):
    replication = services.create(world["innovation"], world["lumajang"], stage, user=world["coordinator"], **fields)
    services.db.session.commit()
    return replication


# --- the rules -------------------------------------------------------------------------


def test_forward_moves_may_skip_stages(db, world):
    replication = _replicate(world, "interest")
    services.update(replication, user=world["coordinator"], expected_version=replication.version, stage="implemented",
                    legal_basis="Peraturan Bupati Lumajang Nomor 7 Tahun 2024")  # fmt: skip
    db.session.commit()
    assert replication.stage == "implemented" and replication.implemented_on is not None
    assert services.allowed_stages(replication) == ["institutionalized", "discontinued"]


@pytest.mark.parametrize("back", ["interest", "planned", "committed"])
def test_moving_backward_is_refused(db, world, back):
    replication = _replicate(world, "piloting")
    with pytest.raises(services.ReplicationError):
        services.update(replication, user=world["coordinator"], expected_version=replication.version, stage=back)
    db.session.rollback()
    assert db.session.get(Replication, replication.id).stage == "piloting"


def test_discontinuing_needs_a_reason_and_may_be_reopened(db, world):
    replication = _replicate(world, "committed")
    with pytest.raises(services.ReplicationError, match="alasan"):
        services.update(
            replication, user=world["coordinator"], expected_version=replication.version, stage="discontinued"
        )
    db.session.rollback()
    replication = db.session.get(Replication, replication.id)
    services.update(replication, user=world["coordinator"], expected_version=replication.version, stage="discontinued",
                    discontinued_reason="Anggaran dialihkan untuk bencana")  # fmt: skip
    db.session.commit()
    assert services.allowed_stages(replication) == [
        "interest",
        "planned",
        "committed",
        "piloting",
        "implemented",
        "institutionalized",
    ]
    services.update(replication, user=world["coordinator"], expected_version=replication.version, stage="planned")
    db.session.commit()
    assert replication.stage == "planned" and replication.discontinued_reason is None


def test_an_owner_cannot_replicate_its_own_innovation(db, world):
    with pytest.raises(services.ReplicationError, match="sendiri"):
        services.create(world["innovation"], world["innovation"].owner, "planned")


def test_the_same_adopter_is_recorded_once(db, world):
    _replicate(world)
    with pytest.raises(services.ReplicationError, match="sudah tercatat"):
        services.create(world["innovation"], world["lumajang"], "interest")


def test_history_records_every_change(db, world):
    replication = _replicate(world, "interest", note="Forum replikasi")
    services.update(replication, user=world["coordinator"], expected_version=replication.version, stage="piloting",
                    local_name="SEHATI LUMAJANG", note="Uji coba di 3 puskesmas")  # fmt: skip
    db.session.commit()
    services.update(replication, user=world["editor"], expected_version=replication.version, outcome_value=1200.0,
                    outcome_unit="konsultasi")  # fmt: skip
    db.session.commit()
    events = db.session.scalars(sa.select(ReplicationEvent).order_by(ReplicationEvent.id)).all()
    assert [(e.from_stage, e.to_stage) for e in events] == [
        (None, "interest"),
        ("interest", "piloting"),
        ("piloting", "piloting"),
    ]
    assert events[1].changes["local_name"] == [None, "SEHATI LUMAJANG"] and events[1].note == "Uji coba di 3 puskesmas"
    assert events[2].changes["outcome_value"] == [None, 1200.0] and events[2].user_id == world["editor"].id
    assert events[0].user_id == world["coordinator"].id


def test_saving_nothing_new_adds_no_history(db, world):
    replication = _replicate(world)
    services.update(replication, user=world["coordinator"], expected_version=replication.version, local_name=None)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(ReplicationEvent.id))) == 1


def test_replication_count_follows_the_stages_that_run(db, world):
    replication = _replicate(world, "committed")
    assert world["innovation"].replication_count == 0
    services.update(replication, user=world["coordinator"], expected_version=replication.version, stage="piloting")
    db.session.commit()
    assert world["innovation"].replication_count == 1
    services.update(replication, user=world["coordinator"], expected_version=replication.version, stage="discontinued",
                    discontinued_reason="Tidak dilanjutkan")  # fmt: skip
    db.session.commit()
    assert world["innovation"].replication_count == 0


def test_a_stage_date_cannot_be_in_the_future(db, world):
    from datetime import date, timedelta

    with pytest.raises(services.ReplicationError, match="masa depan"):
        services.create(world["innovation"], world["lumajang"], "planned", stage_date=date.today() + timedelta(days=3))


def test_a_stale_version_is_a_conflict(db, world):
    replication = _replicate(world)
    old = replication.version
    services.update(replication, user=world["coordinator"], expected_version=old, stage="committed")
    db.session.commit()
    with pytest.raises(services.Conflict):
        services.update(replication, user=world["editor"], expected_version=old, stage="implemented")
    assert db.session.get(Replication, replication.id).stage == "committed"


# --- interest and inbox -------------------------------------------------------------------


def test_we_want_to_replicate_this(client, db, world):
    sign_in(client, world["official"])
    page = client.get(f"/inovasi/{world['innovation'].slug}").get_data(as_text=True)
    assert "Kami ingin mereplikasi" in page
    url = f"/inovasi/{world['innovation'].slug}/minat"
    form = client.get(url).get_data(as_text=True)
    # who will receive it is named before it is sent
    assert world["origin_official"].name in form and world["coordinator"].name in form
    response = submit(client, url, {"message": "Berapa biaya awalnya?"})
    assert response.status_code == 302
    replication = db.session.scalar(sa.select(Replication))
    assert response.headers["Location"].endswith(f"/replikasi/{replication.id}/percakapan")
    assert (replication.stage, replication.adopter_id) == ("interest", world["lumajang"].id)
    recipients = set(db.session.scalars(sa.select(InboxItem.user_id)))
    # the origin's official and the coordinators of both sides' networks; not the sender, not Sulawesi
    assert recipients == {world["origin_official"].id, world["coordinator"].id, world["coordinator_origin"].id}

    sign_in(client, world["origin_official"])
    inbox = client.get("/kotak-masuk").get_data(as_text=True)
    assert "Kabupaten Lumajang ingin mereplikasi Tele Sehat" in inbox and "Baru" in inbox
    assert "Berapa biaya awalnya?" in inbox
    assert "Baru" not in client.get("/kotak-masuk").get_data(as_text=True)  # read now


def test_interest_twice_gives_a_clear_message(client, db, world):
    sign_in(client, world["official"])
    url = f"/inovasi/{world['innovation'].slug}"
    submit(client, url + "/minat", {"message": "Kami tertarik."})
    page = client.get(url).get_data(as_text=True)
    assert "sudah tercatat pada daftar ini" in page and "Kami ingin mereplikasi</a>" not in page
    # asking again leads to the thread, and records nothing more
    again = client.get(url + "/minat")
    assert again.status_code == 302 and again.headers["Location"].endswith("/percakapan")
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 1


@pytest.mark.parametrize("who", ["origin_official", "coordinator", "editor"])
def test_only_officials_of_other_owners_may_express_interest(client, db, world, who):
    sign_in(client, world[who])
    url = f"/inovasi/{world['innovation'].slug}"
    page = client.get(url).get_data(as_text=True)
    assert "Kami ingin mereplikasi</a>" not in page
    data = {"csrf_token": csrf_token(client, "/akun/kata-sandi"), "message": "Halo"}
    response = client.post(url + "/minat", data=data)
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 0


def test_interest_without_csrf_changes_nothing(client, db, world):
    sign_in(client, world["official"])
    response = client.post(f"/inovasi/{world['innovation'].slug}/minat", data={"message": "Halo"})
    assert response.status_code == 400
    assert "Halo" in response.get_data(as_text=True)  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 0


def test_anonymous_interest_goes_to_login(client, world):
    response = client.post(f"/inovasi/{world['innovation'].slug}/minat")
    assert response.status_code in (302, 400)
    page = client.get(f"/inovasi/{world['innovation'].slug}").get_data(as_text=True)
    assert "Masuk sebagai pejabat daerah" in page


def test_the_version_counts_the_history(db, world):
    """One change, one version: a half-applied change must not reach the database early."""
    replication = _replicate(world, "planned", adopter_unit="Dinas Kesehatan Lumajang", local_name="SEHATI")
    assert replication.version == 1
    services.update(replication, user=world["editor"], expected_version=1, stage="committed",
                    adopter_unit="Dinas Baru Lumajang", local_name="SEHATI 2")  # fmt: skip
    db.session.commit()
    assert replication.version == 2 == len(replication.events)


def test_two_people_logging_the_same_adopter_at_once_get_a_clear_answer(db, world, monkeypatch):
    """The second of two simultaneous requests passed the duplicate check before the first
    committed: the unique constraint decides, and the second gets the usual message."""
    _replicate(world)
    monkeypatch.setattr(services, "find", lambda innovation, adopter: None)  # checked a moment too early
    with pytest.raises(services.ReplicationError, match="sudah tercatat"):
        services.create(world["innovation"], world["lumajang"], "interest", user=world["coordinator"])
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 1
