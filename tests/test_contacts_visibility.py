"""Who sees a case study's contact people (UU 27/2022, docs/decisions/0060): signed-in
officials, coordinators and editors see names, addresses, numbers and when they were last
confirmed; a visitor sees the units and "Masuk untuk menghubungi", on the page as rendered and
as cached, and no contact reaches the API, the CSV exports, the feeds, the sitemap or search."""

from datetime import date

import pytest
import sqlalchemy as sa

from app import pagecache
from app.accounts.models import User
from app.catalog.models import Contact, Innovation
from app.extensions import db as _db
from tests import factories
from tests.accounts_fixtures import make_network, make_user, sign_in
from tests.support import make_app
from tests.test_editing_world import post

# Words only a contact holds: none may reach a visitor.
SECRET = ("Rahasia Kontaksatu", "kontak.rahasia@example.org", "0812-0000-0077", "6281200000077", "Kepala Seksi Uji")
CONTACTS = [
    {"name": SECRET[0], "position": SECRET[4], "unit": "Bidang Pelayanan Publik", "email": SECRET[1],
     "phone": SECRET[2], "whatsapp": True, "confirmed_on": date(2026, 11, 2)},
    {"name": "Kedua Kontaksatu", "email": "kedua.rahasia@example.org"},
]  # fmt: skip


def _case_study():
    item = factories.innovation("Layanan Berkontak", region="33.02", slug="layanan-berkontak", contacts=CONTACTS)
    factories.innovation("Layanan Tanpa Kontak", region="33.02", slug="tanpa-kontak")
    return item


def _people():
    banyumas = factories.owner("regency", "33.02")
    brebes = factories.owner("regency", "33.29")
    network = make_network("jipp-jawa-tengah", "33")
    return {
        "official": make_user("pejabat@banyumas.example.go.id", "official", owner=banyumas),
        "other_official": make_user("pejabat@brebes.example.go.id", "official", owner=brebes),
        "coordinator": make_user("koor@example.go.id", "coordinator", networks=[network]),
        "editor": make_user("editor@example.go.id", "editor"),
        "admin": make_user("admin@example.go.id", "admin"),
        "inactive": make_user("mantan@example.go.id", "editor", active=False),
        "no_role": make_user("tanpa-peran@example.go.id"),
    }


def _assert_private(text, where):
    found = [word for word in SECRET if word in text]
    assert not found, (where, found)


@pytest.fixture
def world(db):
    item = _case_study()
    people = _people()
    _db.session.commit()
    return {"item": item, **people}


def test_a_visitor_sees_the_units_and_masuk_untuk_menghubungi_only(client, world):
    html = client.get("/inovasi/layanan-berkontak").get_data(as_text=True)
    _assert_private(html, "page")
    assert "Kedua Kontaksatu" not in html and "mailto:" not in html and "wa.me" not in html
    assert "Bidang Pelayanan Publik" in html  # the unit of the first; the second has none
    assert 'href="/masuk?next=/inovasi/layanan-berkontak">Masuk untuk menghubungi' in html
    assert 'id="kontak"' not in client.get("/inovasi/tanpa-kontak").get_data(as_text=True)


SEES = {"official": True, "other_official": True, "coordinator": True, "editor": True, "admin": True,
        "inactive": False, "no_role": False}  # fmt: skip


@pytest.mark.parametrize(("role", "sees"), SEES.items())
def test_each_signed_in_role_as_the_table_says(app, world, role, sees):
    client = app.test_client()
    sign_in(client, world[role])  # "inactive": a session of a deactivated editor
    html = client.get("/inovasi/layanan-berkontak").get_data(as_text=True)
    if not sees:
        _assert_private(html, role)
        return
    assert all(word in html for word in SECRET[:3]), role
    assert f'href="mailto:{SECRET[1]}"' in html and f'href="https://wa.me/{SECRET[3]}"' in html
    assert f'href="tel:+{SECRET[3]}"' in html
    assert "dikonfirmasi 2 November 2026" in html and "belum pernah dikonfirmasi" in html
    confirm = 'action="/kelola/inovasi/layanan-berkontak/kontak/konfirmasi"' in html
    assert confirm == (role in ("official", "editor", "admin")), role


def test_confirming_sets_today_and_keeps_a_revision(client, world):
    sign_in(client, world["official"])
    response = post(client, "/kelola/inovasi/layanan-berkontak/kontak/konfirmasi", {}, "/inovasi/layanan-berkontak")
    assert response.status_code == 302 and response.location.endswith("/inovasi/layanan-berkontak#kontak")
    _db.session.expire_all()
    item = _db.session.scalar(sa.select(Innovation).where(Innovation.slug == "layanan-berkontak"))
    assert [c.confirmed_on for c in item.contacts] == [date.today()] * 2
    assert item.edited_at is not None  # an import of an older file leaves it alone
    html = client.get("/inovasi/layanan-berkontak").get_data(as_text=True)
    assert "Kontak dikonfirmasi masih benar per hari ini." in html and "belum pernah dikonfirmasi" not in html
    history = client.get("/kelola/inovasi/layanan-berkontak/riwayat").get_data(as_text=True)
    assert "Kontak dikonfirmasi masih benar." in history


def test_confirming_is_for_the_owners_officials_and_editors(client, world):
    for role, status in (("other_official", 403), ("coordinator", 403)):
        sign_in(client, world[role])
        response = post(client, "/kelola/inovasi/layanan-berkontak/kontak/konfirmasi", {}, "/akun/kata-sandi")
        assert response.status_code == status, role
    sign_in(client, world["editor"])
    assert post(client, "/kelola/inovasi/tanpa-kontak/kontak/konfirmasi", {}).status_code == 302
    assert "belum punya kontak" in client.get("/inovasi/tanpa-kontak").get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count()).where(Contact.confirmed_on == date.today())) == 0


def test_no_contact_reaches_the_api_exports_feeds_sitemap_or_search(client, world):
    urls = ["/api/v1/innovations", "/api/v1/innovations/layanan-berkontak", "/api/v1/innovations?q=Kontaksatu",
            "/api/v1/regions/33.02", "/export/innovations.csv", "/export/replications.csv", "/feeds/innovations.atom",
            "/sitemap.xml", "/cari?q=Kontaksatu", "/cari?q=rahasia", "/pemilik/kabupaten-banyumas", "/wilayah/33.02",
            "/inovasi", "/"]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_private(response.get_data(as_text=True), url)
        assert "Kedua Kontaksatu" not in response.get_data(as_text=True)
    assert "contact" not in client.get("/api/v1/innovations/layanan-berkontak").get_json()
    # the API answers as the public even to a signed-in editor
    sign_in(client, world["editor"])
    _assert_private(client.get("/api/v1/innovations/layanan-berkontak").get_data(as_text=True), "api, signed in")
    _assert_private(client.get("/export/innovations.csv").get_data(as_text=True), "csv, signed in")
    # nor is a contact's name a word that finds the case study (its title is)
    assert 'href="/inovasi/layanan-berkontak"' in client.get("/cari?q=Berkontak").get_data(as_text=True)
    assert 'href="/inovasi/layanan-berkontak"' not in client.get("/cari?q=Kontaksatu").get_data(as_text=True)


@pytest.fixture
def cached(databases, tmp_path_factory):
    app = make_app(databases, tmp_path_factory, PAGE_CACHE_ENABLED=True)
    pagecache.clear()
    with app.app_context():
        _case_study()
        editor = make_user("editor@example.go.id", "editor").id
        _db.session.commit()
    yield app, editor
    pagecache.clear()
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()  # the database is dropped at the end of the run


def test_a_cached_page_never_holds_a_contact(cached):
    app, editor = cached
    signed_in = app.test_client()
    with app.app_context():
        sign_in(signed_in, _db.session.get(User, editor))
    first = signed_in.get("/inovasi/layanan-berkontak")  # an editor first: never stored
    assert SECRET[0] in first.get_data(as_text=True) and "X-Page-Cache" not in first.headers
    visitor = app.test_client()
    for layer in ("miss", "hit"):
        response = visitor.get("/inovasi/layanan-berkontak")
        assert response.headers["X-Page-Cache"] == layer
        _assert_private(response.get_data(as_text=True), layer)
    again = signed_in.get("/inovasi/layanan-berkontak")  # and the cached page is not served to them
    assert SECRET[0] in again.get_data(as_text=True)
