"""Network pages, and the coordinators' member and activity forms with bad input of every kind."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.networks.models import Activity, Membership
from app.networks.queries import networks_of_owner
from tests import factories
from tests.accounts_fixtures import add_member, csrf_token, networks, people, sign_in, submit  # noqa: F401

JATIM = "/jaringan/jipp-jawa-timur"
SULSEL = "/jaringan/jipp-sulawesi-selatan"


def _state():
    """Everything the member and activity forms can change, as comparable values."""
    _db.session.remove()
    tables = ("membership", "activity", "activity_participant", "activity_innovation", "owner")
    return {
        name: sorted(map(tuple, _db.session.execute(sa.select(_db.metadata.tables[name])).all()), key=repr)
        for name in tables
    }


@pytest.fixture
def coordinator(client, people):  # noqa: F811
    sign_in(client, people["coordinator"])
    return people["coordinator"]


def _activity(**overrides):
    data = {
        "kind": "learning_visit",
        "title": "Kunjungan belajar ke Surabaya",
        "date": "2024-03-12",
        "place": "Surabaya",
    }
    return {**data, **overrides}


def test_network_list_and_page_for_the_public(client, db, networks, people):  # noqa: F811
    page = client.get("/jaringan").get_data(as_text=True)
    assert "JIPP Jawa Timur" in page and "JIPP Sulawesi Selatan" in page
    response = client.get(JATIM)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kota Surabaya" in page and 'data-province-codes="35"' in page
    assert "Koor.Jatim" in page  # the coordinator's name
    assert "Kelola anggota" not in page  # no edit links for the public


def test_member_innovations_are_counted_on_the_network_page(client, db, networks):  # noqa: F811
    factories.innovation("Inovasi Surabaya Satu", kind="city", region="35.78")
    factories.innovation("Inovasi Surabaya Dua", kind="city", region="35.78")
    factories.innovation("Inovasi Makassar", kind="city", region="73.71")
    db.session.commit()
    page = client.get(JATIM).get_data(as_text=True)
    assert "Inovasi Surabaya Satu" in page and "Inovasi Surabaya Dua" in page and "Inovasi Makassar" not in page
    assert "<dt>Inovasi milik anggota</dt><dd>2</dd>" in page


def test_coordinator_adds_a_member_and_an_activity_that_the_public_then_sees(app, client, db, networks, coordinator):  # noqa: F811
    response = submit(client, f"{JATIM}/anggota", {"region": "35.73", "role": "member", "since": "2019-07-01"})
    assert response.status_code == 302
    # The network's first member (the fixture's Surabaya), not whichever row the database returns first.
    first = sa.select(Membership).where(Membership.network_id == networks["jatim"].id).order_by(Membership.id)
    surabaya = db.session.scalar(first).owner
    assert surabaya.name == "Kota Surabaya"
    innovation = factories.innovation("Inovasi Malang", kind="city", region="35.73")
    db.session.commit()
    malang = _db.session.scalar(sa.select(Membership).where(Membership.role == "member").order_by(Membership.id.desc()))
    data = _activity(
        participants=[str(surabaya.id), str(malang.owner_id)],
        innovations=[str(innovation.id)],
        report="## Hasil\n\nDua daerah **sepakat** mereplikasi.",
    )
    response = submit(client, f"{JATIM}/kegiatan/baru", data)
    assert response.status_code == 302
    public = app.test_client()
    page = public.get(JATIM).get_data(as_text=True)
    assert "Kota Malang" in page and "Kunjungan belajar ke Surabaya" in page
    activity_page = public.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>sepakat</strong>" in activity_page and "Inovasi Malang" in activity_page
    assert "Kota Surabaya" in activity_page and "Kota Malang" in activity_page
    assert [n.slug for n, _ in networks_of_owner(surabaya)] == ["jipp-jawa-timur"]


def test_coordinator_edits_an_activity(client, db, networks, coordinator):  # noqa: F811
    submit(client, f"{JATIM}/kegiatan/baru", _activity())
    activity_id = _db.session.scalar(sa.select(Activity.id))
    form_url = f"{JATIM}/kegiatan/{activity_id}/ubah"
    assert "Kunjungan belajar ke Surabaya" in client.get(form_url).get_data(as_text=True)
    response = submit(client, form_url, _activity(title="Forum replikasi", kind="replication_forum"))
    assert response.status_code == 302
    _db.session.remove()
    activity = _db.session.get(Activity, activity_id)
    assert (activity.title, activity.kind, activity.network.slug) == (
        "Forum replikasi",
        "replication_forum",
        "jipp-jawa-timur",
    )


def test_coordinator_removes_a_member(client, db, networks, coordinator):  # noqa: F811
    membership_id = _db.session.scalar(sa.select(Membership.id).where(Membership.network_id == networks["jatim"].id))
    response = submit(client, f"{JATIM}/anggota", {}, post_url=f"{JATIM}/anggota/{membership_id}/hapus")
    assert response.status_code == 302
    _db.session.remove()
    assert _db.session.get(Membership, membership_id) is None


def test_coordinator_cannot_edit_another_network(client, db, networks, coordinator):  # noqa: F811
    before = _state()
    token = csrf_token(client, f"{JATIM}/anggota")
    assert client.get(f"{SULSEL}/anggota").status_code == 403
    assert (
        client.post(f"{SULSEL}/anggota", data={"region": "73.72", "role": "member", "csrf_token": token}).status_code
        == 403
    )
    assert client.post(f"{SULSEL}/kegiatan/baru", data={**_activity(), "csrf_token": token}).status_code == 403
    assert _state() == before


def test_another_networks_member_or_activity_in_the_url_is_not_found(client, db, networks, coordinator):  # noqa: F811
    other = Activity(network=networks["sulsel"], kind="workshop", title="Jambore", date=date(2024, 1, 1))
    db.session.add(other)
    db.session.commit()
    other_id = other.id
    other_member = _db.session.scalar(sa.select(Membership.id).where(Membership.network_id == networks["sulsel"].id))
    before = _state()
    token = csrf_token(client, f"{JATIM}/anggota")
    # Through the coordinator's own network's URL: the id belongs to another network.
    assert client.post(f"{JATIM}/anggota/{other_member}/hapus", data={"csrf_token": token}).status_code == 404
    assert client.get(f"{JATIM}/kegiatan/{other_id}/ubah").status_code == 404
    assert (
        client.post(f"{JATIM}/kegiatan/{other_id}/ubah", data={**_activity(), "csrf_token": token}).status_code == 404
    )
    # Through the other network's own URL: not theirs to edit.
    assert client.post(f"{SULSEL}/anggota/{other_member}/hapus", data={"csrf_token": token}).status_code == 403
    assert (
        client.post(f"{SULSEL}/kegiatan/{other_id}/ubah", data={**_activity(), "csrf_token": token}).status_code == 403
    )
    assert _state() == before


def test_another_networks_id_in_a_hidden_field_changes_nothing_there(client, db, networks, coordinator):  # noqa: F811
    sulsel_id, jatim_id = networks["sulsel"].id, networks["jatim"].id
    makassar = _db.session.scalar(sa.select(Membership.owner_id).where(Membership.network_id == sulsel_id))
    before = _state()
    # A participant who is a member of another network only, and a smuggled network_id.
    response = submit(
        client, f"{JATIM}/kegiatan/baru", _activity(participants=[str(makassar)], network_id=str(sulsel_id))
    )
    assert response.status_code == 200
    assert "Ada pilihan yang tidak sah." in response.get_data(as_text=True)
    assert _state() == before
    response = submit(client, f"{JATIM}/kegiatan/baru", _activity(network_id=str(sulsel_id)))
    assert response.status_code == 302
    _db.session.remove()
    assert [a.network_id for a in _db.session.scalars(sa.select(Activity))] == [jatim_id]


TOO_FAR = (date.today() + timedelta(days=3 * 365)).isoformat()
TOMORROW = (date.today() + timedelta(days=1)).isoformat()
# A week ahead: computed when the module is imported, it must stay in the future
# when the suite crosses midnight (CI once ran this test at 00:00:16).
NEXT_WEEK = (date.today() + timedelta(days=7)).isoformat()
BAD_ACTIVITIES = {
    "empty title": (_activity(title=""), "Wajib diisi."),
    "blank title": (_activity(title="   "), "Wajib diisi."),
    "title too long": (_activity(title="a" * 201), "Paling banyak 200 karakter."),
    "place too long": (_activity(place="a" * 201), "Paling banyak 200 karakter."),
    "report too long": (_activity(report="a" * 20_001), "Paling banyak 20000 karakter."),
    "no date": (_activity(date=""), "Wajib diisi."),
    "unreadable date": (_activity(date="12/03/2024"), "Tanggal tidak terbaca"),
    "impossible date": (_activity(date="2024-02-30"), "Tanggal tidak terbaca"),
    "date too early": (_activity(date="1899-01-01"), "Tanggal tidak boleh sebelum"),
    "date too far ahead": (_activity(date=TOO_FAR), "Tanggal tidak boleh setelah"),
    "unknown kind": (_activity(kind="party"), "Pilihan tidak sah."),
    "unknown innovation": (_activity(innovations=["999999"]), "Ada pilihan yang tidak sah."),
    "non-numeric participant": (_activity(participants=["x"]), "Ada pilihan yang tidak sah."),
}


@pytest.mark.parametrize("case", BAD_ACTIVITIES, ids=list(BAD_ACTIVITIES))
def test_bad_activities_are_refused_and_the_form_keeps_what_was_typed(client, db, networks, coordinator, case):  # noqa: F811
    data, message = BAD_ACTIVITIES[case]
    before = _state()
    response = submit(client, f"{JATIM}/kegiatan/baru", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    if data["title"].strip() and len(data["title"]) <= 200:
        assert f'value="{data["title"]}"' in page
    assert _state() == before


def test_a_planned_activity_may_be_in_the_near_future(client, db, networks, coordinator):  # noqa: F811
    assert submit(client, f"{JATIM}/kegiatan/baru", _activity(date=TOMORROW)).status_code == 302


def test_script_tags_are_escaped_and_markdown_is_sanitised(app, client, db, networks, coordinator):  # noqa: F811
    data = _activity(
        title="<script>alert('judul')</script>",
        place="<img src=x onerror=alert(1)>",
        report="Laporan <script>alert('laporan')</script> [tautan](javascript:alert(1)) <b onclick=x>tebal</b>",
    )
    response = submit(client, f"{JATIM}/kegiatan/baru", data)
    assert response.status_code == 302
    for url in (response.headers["Location"], JATIM):
        page = app.test_client().get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "onclick" not in page and "javascript:" not in page
    page = app.test_client().get(response.headers["Location"]).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;judul&#39;)&lt;/script&gt;" in page


BAD_MEMBERS = {
    "no region": ({"region": "", "role": "member"}, "Wajib diisi."),
    "unknown region": ({"region": "99.99", "role": "member"}, "Tidak ada 99.99 di daftar."),
    "ambiguous name": (
        {"region": "Bandung", "role": "member"},
        "Bandung bisa berarti beberapa daerah: Kabupaten Bandung (32.04); Kota Bandung (32.73).",
    ),
    "script as region": ({"region": "<script>", "role": "member"}, "Tidak ada &lt;script&gt; di daftar."),
    "unknown role": ({"region": "35.73", "role": "boss"}, "Pilihan tidak sah."),
    "future since": ({"region": "35.73", "role": "member", "since": NEXT_WEEK}, "Tanggal tidak boleh di masa depan."),
    "ancient since": ({"region": "35.73", "role": "member", "since": "1945-08-17"}, "Tanggal tidak boleh sebelum"),
    "already a member": ({"region": "35.78", "role": "member"}, "sudah menjadi anggota"),
}


@pytest.mark.parametrize("case", BAD_MEMBERS, ids=list(BAD_MEMBERS))
def test_bad_members_are_refused(client, db, networks, coordinator, case):  # noqa: F811
    data, message = BAD_MEMBERS[case]
    before = _state()
    response = submit(client, f"{JATIM}/anggota", data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _state() == before


@pytest.mark.parametrize("token", [None, "forged"])
def test_missing_or_stale_csrf_token_changes_nothing_and_keeps_the_form(client, db, networks, coordinator, token):  # noqa: F811
    before = _state()
    data = _activity(title="Judul yang diketik")
    if token:
        data["csrf_token"] = token
    response = client.post(f"{JATIM}/kegiatan/baru", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Formulir ini sudah kedaluwarsa atau tidak sah" in page and 'value="Judul yang diketik"' in page
    member = client.post(
        f"{JATIM}/anggota", data={"region": "35.73", "role": "member", **({"csrf_token": token} if token else {})}
    )
    assert "Formulir ini sudah kedaluwarsa" in member.get_data(as_text=True)
    membership_id = _db.session.scalar(sa.select(Membership.id))
    client.post(f"{JATIM}/anggota/{membership_id}/hapus", data={"csrf_token": token} if token else {})
    assert _state() == before


def test_every_post_route_of_these_features_checks_the_csrf_token(app):
    """The blueprints are exempt from the global check because each form checks its token;
    every POST view must therefore use a form (this lists them, so a new one is noticed)."""
    posts = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods
        and rule.endpoint.split(".")[0] in {"accounts", "user_admin", "networks", "activity_pictures"}
    )
    assert posts == [
        "/admin/pengguna",
        "/admin/pengguna/<int:user_id>",
        "/akun/kata-sandi",
        "/akun/keluar-semua",
        "/jaringan/<slug>/anggota",
        "/jaringan/<slug>/anggota/<int:membership_id>/hapus",
        "/jaringan/<slug>/anggota/banyak",
        "/jaringan/<slug>/kegiatan/<int:activity_id>/gambar",
        "/jaringan/<slug>/kegiatan/<int:activity_id>/gambar/<int:number>/<any(ubah, naik, turun, hapus):action>",
        "/jaringan/<slug>/kegiatan/<int:activity_id>/ubah",
        "/jaringan/<slug>/kegiatan/baru",
        "/keluar",
        "/masuk",
    ]


def test_pages_in_english_do_not_break(client, db, networks):  # noqa: F811
    client.set_cookie("lang", "en")
    assert client.get("/jaringan").status_code == 200
    assert client.get(JATIM).status_code == 200
