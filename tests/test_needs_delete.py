"""Deleting a need: who may, what the confirmation says, what goes with it (suggestions by
hand, notices) and what stays (the replications asked for from it); refused deletions and
missing tokens change nothing."""

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.needs.models import Need, NeedSuggestion
from app.notices.models import InboxItem
from app.replication import services as replication_services
from app.replication.models import Replication
from tests.accounts_fixtures import csrf_token, sign_in, submit
from tests.needs_fixtures import world  # noqa: F401 - the shared fixture
from tests.test_needs_forms import _fingerprint


def _linked(db, world, need):
    """A replication asked for from ``need``, a suggestion by hand and a notice about it."""
    replication = replication_services.create(world["fitting"], world["banyumas"], "interest")
    replication.need_id = need.id
    db.session.add(NeedSuggestion(need=need, innovation=world["other"], note="Cocok."))
    db.session.add(InboxItem(user_id=world["people"]["author"].id, need=need, innovation=world["other"],
                             kind="need_suggestion"))  # fmt: skip
    db.session.commit()
    return replication.id


@pytest.mark.parametrize("role", ["author", "editor"])
def test_a_need_is_deleted_after_a_confirmation_and_is_gone_from_every_path(client, db, world, role):  # noqa: F811
    need = world["needs"]["public"]
    need_id, title = need.id, need.title
    replication_id = _linked(db, world, need)
    sign_in(client, world["people"][role])
    page = client.get(f"/kebutuhan/{need_id}").get_data(as_text=True)
    assert f'href="/kebutuhan/{need_id}/hapus"' in page
    confirmation = client.get(f"/kebutuhan/{need_id}/hapus")
    text = confirmation.get_data(as_text=True)
    assert confirmation.status_code == 200 and title in text and "tidak dapat dibatalkan" in text
    assert f'href="/replikasi/{replication_id}"' in text  # what stays is named
    assert _db.session.get(Need, need_id) is not None  # a GET deletes nothing

    answer = submit(client, f"/kebutuhan/{need_id}/hapus", {})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/kebutuhan")
    assert "dihapus" in client.get("/kebutuhan").get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(Need, need_id) is None
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(NeedSuggestion)) == 0
    assert _db.session.scalar(sa.select(sa.func.count()).where(InboxItem.need_id.isnot(None))) == 0
    kept = _db.session.get(Replication, replication_id)
    assert kept is not None and kept.need_id is None and kept.stage == "interest"
    for path in (f"/kebutuhan/{need_id}", f"/api/v1/needs/{need_id}", f"/kebutuhan/{need_id}/hapus"):
        assert client.get(path).status_code == 404, path
    for path in ("/kebutuhan", "/api/v1/needs", "/export/needs.csv", "/feeds/needs.atom", "/sitemap.xml"):
        body = client.get(path).get_data(as_text=True)
        assert title not in body and f"/kebutuhan/{need_id}" not in body, path
    assert f'href="/kebutuhan/{need_id}"' not in client.get(f"/replikasi/{replication_id}").get_data(as_text=True)


def test_a_matched_need_warns_that_it_leaves_the_statistics(client, db, world):  # noqa: F811
    need = world["needs"]["public"]
    own = replication_services.create(world["fitting"], world["banyumas"], "piloting")
    need.status, need.replication_id, need.innovation_id = "matched", own.id, world["fitting"].id
    db.session.commit()
    assert 'data-needs-met="1"' in client.get("/statistik").get_data(as_text=True)
    sign_in(client, world["people"]["author"])
    assert "statistik" in client.get(f"/kebutuhan/{need.id}/hapus").get_data(as_text=True)
    assert submit(client, f"/kebutuhan/{need.id}/hapus", {}).status_code == 302
    assert 'data-needs-total="0" data-needs-met="0"' in client.get("/statistik").get_data(as_text=True)


@pytest.mark.parametrize("role", ["member_official", "other_official", "coordinator", "other_coordinator"])
def test_who_may_not_delete_gets_403_or_404_and_nothing_changes(client, world, role):  # noqa: F811
    user = world["people"][role]
    sign_in(client, user)
    token = csrf_token(client, "/akun/kata-sandi")
    before = _fingerprint()
    for visibility, need in world["needs"].items():
        expected = 404 if not user.can("need.view", need) else 403
        for method in (client.get, client.post):
            answer = method(f"/kebutuhan/{need.id}/hapus", data={"csrf_token": token})
            assert answer.status_code == expected, (visibility, method)
        page = client.get(f"/kebutuhan/{need.id}")
        assert f"/kebutuhan/{need.id}/hapus" not in page.get_data(as_text=True)
    assert _fingerprint() == before


def test_the_public_is_sent_to_sign_in_and_nothing_changes(client, world):  # noqa: F811
    need = world["needs"]["public"]
    before = _fingerprint()
    for method in (client.get, client.post):
        answer = method(f"/kebutuhan/{need.id}/hapus")
        assert answer.status_code == 302 and "/masuk" in answer.headers["Location"]
    assert f"/kebutuhan/{need.id}/hapus" not in client.get(f"/kebutuhan/{need.id}").get_data(as_text=True)
    assert _fingerprint() == before


@pytest.mark.parametrize("token", [None, "", "salah", "' OR 1=1 --", "<script>alert(1)</script>"])
def test_a_missing_or_wrong_csrf_token_deletes_nothing(client, world, token):  # noqa: F811
    need = world["needs"]["public"]
    sign_in(client, world["people"]["author"])
    before = _fingerprint()
    answer = client.post(f"/kebutuhan/{need.id}/hapus", data={} if token is None else {"csrf_token": token})
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text and need.title in text  # the confirmation again, with why
    assert _fingerprint() == before


@pytest.mark.parametrize("value", ["0", "-1", "99999999999999999999", "abc", "1%20OR%201=1", "..%2F..%2Fetc%2Fpasswd"])
def test_unknown_huge_and_hostile_ids_are_404(client, world, value):  # noqa: F811
    sign_in(client, world["people"]["editor"])
    token = csrf_token(client, "/akun/kata-sandi")
    before = _fingerprint()
    for method in (client.get, client.post):
        assert method(f"/kebutuhan/{value}/hapus", data={"csrf_token": token}).status_code == 404
    assert _fingerprint() == before


def test_the_confirmation_speaks_english(client, world):  # noqa: F811
    need = world["needs"]["public"]
    sign_in(client, world["people"]["author"])
    client.get("/bahasa/en")
    text = client.get(f"/kebutuhan/{need.id}/hapus", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Delete this need?" in text and "cannot be undone" in text
