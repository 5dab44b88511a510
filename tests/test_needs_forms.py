"""Posting and changing needs, their status, suggestions by hand and asking to replicate from
one: good input works, and wrong, missing, oversized and hostile input changes nothing."""

import hashlib

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.needs.models import Need, NeedSuggestion
from app.notices.models import InboxItem
from app.replication import services as replication_services
from app.replication.models import Replication
from tests.accounts_fixtures import csrf_token, sign_in, submit
from tests.needs_fixtures import PROBLEM, world  # noqa: F401 - the shared fixture

GOOD = {
    "title": "Antrean panjang di puskesmas",
    "problem": "Warga menunggu berjam-jam di puskesmas karena pendaftaran masih manual.",
    "affected": "Pasien lansia",
    "budget": "50-500jt",
    "connectivity": "good",
    "staff": "some",
    "terrain": ["mountains", "remote"],
    "sectors": ["kesehatan", "pengaduan-partisipasi"],
    "deadline": "2030-12-31",
    "visibility": "networks",
}


def _fingerprint():
    digest = hashlib.sha256()
    for table in ("need", "need_sector", "need_suggestion", "replication", "inbox_item", "replication_message"):
        for row in _db.session.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1")).all():  # noqa: S608 - fixed names
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _form(owner_id, **changes):
    data = {**GOOD, "owner": str(owner_id), **changes}
    return {k: v for k, v in data.items() if v is not None}


def test_an_official_posts_a_need_and_sees_it_with_its_constraints(client, world):  # noqa: F811
    sign_in(client, world["people"]["author"])
    response = submit(client, "/kebutuhan/baru", _form(world["banyumas"].id))
    assert response.status_code == 302
    need = _db.session.scalar(sa.select(Need).where(Need.title == GOOD["title"]))
    assert need.owner_id == world["banyumas"].id and need.status == "open" and need.visibility == "networks"
    assert need.terrains == ["mountains", "remote"] and {s.slug for s in need.sectors} == set(GOOD["sectors"])
    page = client.get(f"/kebutuhan/{need.id}").get_data(as_text=True)
    assert "Pegunungan" in page and "Rp50–500 juta" in page and "Pasien lansia" in page


def test_the_form_offers_an_official_only_their_own_owner(client, world):  # noqa: F811
    sign_in(client, world["people"]["author"])
    page = client.get("/kebutuhan/baru").get_data(as_text=True)
    assert f'value="{world["banyumas"].id}"' in page and "Kota Semarang" not in page


def test_a_coordinator_posts_for_a_member_but_not_for_an_outsider(client, world):  # noqa: F811
    sign_in(client, world["people"]["coordinator"])
    page = client.get("/kebutuhan/baru").get_data(as_text=True)
    assert "Kabupaten Banyumas" in page and "Kota Semarang" in page and "Kota Makassar" not in page
    assert submit(client, "/kebutuhan/baru", _form(world["banyumas"].id, title="Dari koordinator")).status_code == 302
    makassar = world["fitting"].owner
    before = _fingerprint()
    assert submit(client, "/kebutuhan/baru", _form(makassar.id, title="Bukan anggota")).status_code == 400
    assert _fingerprint() == before


@pytest.mark.parametrize("role", ["anonymous", "editor", "admin"])
def test_who_may_not_post_cannot_open_the_form(client, world, role):  # noqa: F811
    if role != "anonymous":
        sign_in(client, world["people"][role])
    response = client.get("/kebutuhan/baru")
    assert response.status_code == (302 if role == "anonymous" else 403)


HOSTILE = "<script>alert(1)</script>' OR 1=1; DROP TABLE need; --"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"problem": "   "}, "problem"),
        ({"title": "x" * 201}, "title"),
        ({"problem": "x" * 5001}, "problem"),
        ({"affected": "x" * 1001}, "affected"),
        ({"budget": "gratis"}, "budget"),
        ({"connectivity": HOSTILE}, "connectivity"),
        ({"staff": "1"}, "staff"),
        ({"terrain": ["islands", "moon"]}, "terrain"),
        ({"sectors": ["kesehatan", "zzz"]}, "sectors"),
        ({"deadline": "2019-01-01"}, "deadline"),
        ({"deadline": "31/12/2030"}, "deadline"),
        ({"deadline": "9999-12-31"}, "deadline"),
        ({"visibility": "everyone"}, "visibility"),
        ({"visibility": None}, "visibility"),
        ({"owner": "999999"}, "owner"),
        ({"owner": HOSTILE}, "owner"),
        ({"title": "Judul\x00"}, "title"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(client, world, changes, field):  # noqa: F811
    sign_in(client, world["people"]["author"])
    before = _fingerprint()
    data = _form(world["banyumas"].id, **{k: v for k, v in changes.items() if v is not None})
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
    response = submit(client, "/kebutuhan/baru", data)
    assert response.status_code == 400, response.status_code
    assert f'id="{field}-error"' in response.get_data(as_text=True) or field == "visibility"
    assert _fingerprint() == before


def test_hostile_text_is_stored_as_text_and_shown_escaped(client, world):  # noqa: F811
    sign_in(client, world["people"]["author"])
    assert (
        submit(client, "/kebutuhan/baru", _form(world["banyumas"].id, title=HOSTILE, problem=HOSTILE)).status_code
        == 302
    )
    need = _db.session.scalar(sa.select(Need).where(Need.title == HOSTILE))
    page = client.get(f"/kebutuhan/{need.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert _db.session.scalar(sa.select(sa.func.count(Need.id))) == 4


def test_a_missing_or_stale_csrf_token_changes_nothing(client, world):  # noqa: F811
    sign_in(client, world["people"]["author"])
    before = _fingerprint()
    response = client.post("/kebutuhan/baru", data=_form(world["banyumas"].id))
    assert response.status_code == 400 and "kedaluwarsa" in response.get_data(as_text=True)
    need = world["needs"]["public"]
    assert client.post(f"/kebutuhan/{need.id}/status", data={"status": "closed", "version": "1"}).status_code == 400
    assert _fingerprint() == before


def test_the_author_edits_a_need_and_a_stale_version_is_a_conflict(client, world):  # noqa: F811
    need = world["needs"]["public"]
    sign_in(client, world["people"]["author"])
    form = f"/kebutuhan/{need.id}/ubah"
    assert (
        submit(client, form, _form(world["banyumas"].id, title="Judul baru", version=str(need.version))).status_code
        == 302
    )
    before = _fingerprint()
    response = submit(client, form, _form(world["banyumas"].id, title="Judul lama menimpa", version="1"))
    assert response.status_code == 409 and "diubah orang lain" in response.get_data(as_text=True)
    assert _fingerprint() == before


@pytest.mark.parametrize("role", ["member_official", "other_official", "other_coordinator"])
def test_others_cannot_edit_or_move_a_need(client, world, role):  # noqa: F811
    sign_in(client, world["people"][role])
    token = csrf_token(client, "/akun/kata-sandi")
    before = _fingerprint()
    for visibility, need in world["needs"].items():
        expected = 404 if not world["people"][role].can("need.view", need) else 403
        for path in ("ubah", "status"):
            answer = client.post(f"/kebutuhan/{need.id}/{path}", data={**_form(need.owner_id), "csrf_token": token,
                                                                     "status": "closed", "version": "1"})  # fmt: skip
            assert answer.status_code == expected, (visibility, path)
    assert _fingerprint() == before


def _move(client, need, status, replication=""):
    return submit(client, f"/kebutuhan/{need.id}/status", {"status": status, "replication": replication,
                                                           "version": str(need.version)})  # fmt: skip


def test_status_moves_and_matched_needs_a_replication_of_the_owner(client, db, world):  # noqa: F811
    need = world["needs"]["signed_in"]
    sign_in(client, world["people"]["author"])
    assert _move(client, need, "discussing").status_code == 302
    db.session.refresh(need)
    assert need.status == "discussing"
    before = _fingerprint()
    assert _move(client, need, "matched").status_code == 400  # without a replication
    semarang_copy = replication_services.create(world["other"], world["fitting"].owner, "planned")  # not Banyumas'
    db.session.commit()
    before = _fingerprint()
    assert _move(client, need, "matched", str(semarang_copy.id)).status_code == 400
    assert _move(client, need, "matched", "999999").status_code == 400
    assert _fingerprint() == before
    own = replication_services.create(world["fitting"], world["banyumas"], "piloting")
    db.session.commit()
    assert _move(client, need, "matched", str(own.id)).status_code == 302
    db.session.refresh(need)
    assert need.status == "matched" and need.replication_id == own.id and need.innovation_id == world["fitting"].id
    _db.session.expire_all()
    assert _db.session.get(Replication, own.id).need_id == need.id
    assert _move(client, need, "open").status_code == 400  # matched goes back to discussing or on to closed
    assert _move(client, need, "closed").status_code == 302
    db.session.refresh(need)
    assert need.status == "closed" and need.replication_id == own.id  # closed after a match: still met


def test_the_statistics_count_public_needs_met_by_replication(client, db, world):  # noqa: F811
    page = client.get("/statistik").get_data(as_text=True)
    assert 'data-needs-total="1" data-needs-met="0"' in page
    own = replication_services.create(world["fitting"], world["banyumas"], "piloting")
    for need in world["needs"].values():
        need.status, need.replication_id, need.innovation_id = "matched", own.id, world["fitting"].id
    db.session.commit()
    page = client.get("/statistik").get_data(as_text=True)
    assert 'data-needs-total="1" data-needs-met="1"' in page  # the two others are not public


def test_the_need_page_shows_suggestions_with_their_reasons(client, world):  # noqa: F811
    sign_in(client, world["people"]["author"])
    page = client.get(f"/kebutuhan/{world['needs']['public'].id}").get_data(as_text=True)
    assert 'data-suggestion="rumah-tunggu-kelahiran"' in page
    assert 'data-suggestion="draf-rahasia"' not in page
    assert "/inovasi/rumah-tunggu-kelahiran/minat?kebutuhan=" in page
    # Other people see the suggestions, but no button to ask in the need's name.
    sign_in(client, world["people"]["member_official"])
    page = client.get(f"/kebutuhan/{world['needs']['public'].id}").get_data(as_text=True)
    assert 'data-suggestion="rumah-tunggu-kelahiran"' in page and "minat?kebutuhan=" not in page


def test_asking_to_replicate_from_a_suggestion_links_the_interest_to_the_need(client, db, world):  # noqa: F811
    need = world["needs"]["public"]
    sign_in(client, world["people"]["author"])
    form = f"/inovasi/rumah-tunggu-kelahiran/minat?kebutuhan={need.id}"
    page = client.get(form).get_data(as_text=True)
    assert need.title in page and f"kebutuhan={need.id}" in page
    response = submit(client, form, {"message": "Kami ingin belajar rumah tunggu kelahiran."})
    assert response.status_code == 302
    _db.session.expire_all()
    replication = _db.session.scalar(sa.select(Replication).where(Replication.innovation_id == world["fitting"].id))
    assert replication.stage == "interest" and replication.need_id == need.id
    assert _db.session.get(Need, need.id).status == "discussing"
    assert "rumah-tunggu-kelahiran" in client.get(f"/kebutuhan/{need.id}").get_data(as_text=True)
    thread = client.get(f"/replikasi/{replication.id}/percakapan").get_data(as_text=True)
    assert f'href="/kebutuhan/{need.id}"' in thread
    assert f'href="/kebutuhan/{need.id}"' in client.get(f"/replikasi/{replication.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["member_official", "coordinator", "other_official"])
def test_only_the_owners_officials_ask_in_a_needs_name(client, world, role):  # noqa: F811
    need = world["needs"]["networks"]
    sign_in(client, world["people"][role])
    before = _fingerprint()
    for value in (str(need.id), "abc", "99999999999", "-1"):
        url = f"/inovasi/rumah-tunggu-kelahiran/minat?kebutuhan={value}"
        answer = client.get(url)
        visible = world["people"][role].can("need.view", need) and value == str(need.id)
        assert answer.status_code == (403 if visible else 404), (role, value)
        token = csrf_token(client, "/akun/kata-sandi")
        assert client.post(url, data={"csrf_token": token, "message": "Halo"}).status_code in (403, 404)
    assert _fingerprint() == before


def test_a_coordinator_suggests_a_case_study_and_the_author_is_told(client, world):  # noqa: F811
    need = world["needs"]["networks"]
    sign_in(client, world["people"]["coordinator"])
    url = f"/kebutuhan/{need.id}/usulan"
    answer = submit(client, url, {"innovation": "http://localhost/inovasi/sampah-jadi-emas", "note": "Cocok."})
    assert answer.status_code == 302
    suggestion = _db.session.scalar(sa.select(NeedSuggestion))
    assert suggestion.innovation_id == world["other"].id and suggestion.added_by_id == world["people"]["coordinator"].id
    notice = _db.session.scalar(sa.select(InboxItem).where(InboxItem.kind == "need_suggestion"))
    assert notice.user_id == world["people"]["author"].id and notice.need_id == need.id
    sign_in(client, world["people"]["author"])
    inbox = client.get("/kotak-masuk").get_data(as_text=True)
    assert "Sampah Jadi Emas" in inbox and f"/kebutuhan/{need.id}" in inbox
    page = client.get(f"/kebutuhan/{need.id}").get_data(as_text=True)
    assert 'data-suggestion="sampah-jadi-emas"' in page and "Cocok." in page


@pytest.mark.parametrize(
    "value", ["draf-rahasia", "http://localhost/inovasi/draf-rahasia", "tidak-ada", "", HOSTILE, "x" * 1001,
              "sampah-jadi-emas\x00"],
)  # fmt: skip
def test_a_suggestion_that_names_no_published_case_study_changes_nothing(client, world, value):  # noqa: F811
    need = world["needs"]["networks"]
    sign_in(client, world["people"]["coordinator"])
    before = _fingerprint()
    answer = submit(client, f"/kebutuhan/{need.id}/usulan", {"innovation": value})
    assert answer.status_code == 400 and 'id="innovation-error"' in answer.get_data(as_text=True)
    assert "Draf Rahasia" not in answer.get_data(as_text=True)
    assert _fingerprint() == before


def test_the_same_suggestion_twice_is_refused(client, world):  # noqa: F811
    need = world["needs"]["networks"]
    sign_in(client, world["people"]["coordinator"])
    assert submit(client, f"/kebutuhan/{need.id}/usulan", {"innovation": "sampah-jadi-emas"}).status_code == 302
    before = _fingerprint()
    assert submit(client, f"/kebutuhan/{need.id}/usulan", {"innovation": "sampah-jadi-emas"}).status_code == 400
    assert _fingerprint() == before


@pytest.mark.parametrize("role", ["author", "member_official", "other_coordinator"])
def test_who_may_not_suggest_gets_403_or_404(client, world, role):  # noqa: F811
    need = world["needs"]["networks"]
    sign_in(client, world["people"][role])
    expected = 403 if world["people"][role].can("need.view", need) else 404
    assert client.get(f"/kebutuhan/{need.id}/usulan").status_code == expected


def test_the_problem_text_itself_refused_by_the_suggester_gives_a_message(client, db, world):  # noqa: F811
    need = world["needs"]["public"]
    need.title, need.problem, need.affected, need.budget, need.connectivity, need.staff = (
        "!!!",
        "???",
        "",
        None,
        None,
        None,
    )
    need.terrain = ""
    db.session.commit()
    page = client.get(f"/kebutuhan/{need.id}")
    assert page.status_code == 200 and "Uraian masalah tidak berisi kata" in page.get_data(as_text=True)
    assert PROBLEM not in page.get_data(as_text=True)
