"""The replication kit (docs/decisions/0084): its section on the case-study page, and the ZIP
download with a printable summary and every document, under safe and unique names, for
whoever may see the case study (else 404), naming contacts only for whom may see them, and
never kept by the page cache."""

import zipfile
from io import BytesIO

import pytest
from openapi_core import OpenAPI

from app.api.openapi import document, vocabulary
from app.extensions import db as _db
from app.replication import kit as kit_module
from app.replication import services as replication_services
from tests import factories
from tests.accounts_fixtures import make_user, sign_in
from tests.support import rate_limited_app
from tests.test_api import check

STEPS = [{"step": "Tetapkan peraturan bupati", "weeks": 6}, {"step": "Latih petugas loket", "weeks": 2}]
PITFALLS = ["Jangan mulai tanpa anggaran pemeliharaan"]
CONTACT = {"name": "Budi Kontakrahasia", "email": "budi@example.org", "phone": "0812-0000-0009"}


@pytest.fixture
def case(db):
    item = factories.innovation(
        "Layanan Paket Uji",
        kit_steps=STEPS,
        kit_pitfalls=PITFALLS,
        legal_basis="Perbup Banyumas 1/2020",
        needs_infrastructure="Jaringan internet di kecamatan",
        contacts=[CONTACT],
        documents=[
            {"title": "SOP loket", "name": "sop.pdf", "text": "Isi SOP"},
            {
                "title": "Peraturan dasar",
                "name": "perbup.pdf",
                "kind": "regulation",
                "regulation_type": "Peraturan Bupati",
                "regulation_number": "12",
                "regulation_year": 2019,
            },
        ],  # fmt: skip
    )
    adopter = factories.owner("city", "35.78")
    replication_services.create(item, adopter, "implemented", local_name="Paket Surabaya", notes="Kami memakai SMS.")
    db.session.commit()
    return item


def _zip(response):
    return zipfile.ZipFile(BytesIO(response.get_data()))


def test_the_page_shows_the_kit(client, case):
    page = client.get(f"/inovasi/{case.slug}").get_data(as_text=True)
    assert "Paket replikasi" in page and "Unduh paket replikasi" in page
    for text in ("Tetapkan peraturan bupati", "6 minggu", "8 minggu", PITFALLS[0], "Jaringan internet di kecamatan",
                 "Perbup Banyumas 1/2020", "Peraturan Bupati No. 12 Tahun 2019", "Paket Surabaya", "Kami memakai SMS."):  # fmt: skip
        assert text in page, text
    assert f"/inovasi/{case.slug}/paket-replikasi.zip" in page
    english = client.get(f"/inovasi/{case.slug}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Replication kit" in english and "Download the replication kit" in english


def test_no_kit_section_when_there_is_nothing_in_it(client, db):
    item = factories.innovation("Tanpa Paket")
    db.session.commit()
    assert "Unduh paket replikasi" not in client.get(f"/inovasi/{item.slug}").get_data(as_text=True)


def test_the_zip_holds_the_summary_and_every_document(client, case):
    response = client.get(f"/inovasi/{case.slug}/paket-replikasi.zip")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == f'attachment; filename="paket-replikasi-{case.slug}.zip"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Page-Cache" not in response.headers
    archive = _zip(response)
    assert sorted(archive.namelist()) == ["dokumen/perbup.pdf", "dokumen/sop.pdf", "ringkasan.html"]
    assert archive.read("dokumen/sop.pdf") == factories.blob_store().read(case.documents[0].sha256)
    summary = archive.read("ringkasan.html").decode()
    assert summary.startswith("<!DOCTYPE html>") and "<style>" in summary and "@media print" in summary
    assert "<script" not in summary and "<link" not in summary and "src=" not in summary
    for text in (case.title, case.owner.name, case.summary, "Tetapkan peraturan bupati", "8 minggu", PITFALLS[0],
                 "Perbup Banyumas 1/2020", "Peraturan Bupati No. 12 Tahun 2019", "Paket Surabaya", "Kami memakai SMS.",
                 "Jaringan internet di kecamatan"):  # fmt: skip
        assert text in summary, text


def test_contacts_only_for_those_who_may_see_them(app, client, case, db, monkeypatch):
    anonymous = _zip(client.get(f"/inovasi/{case.slug}/paket-replikasi.zip")).read("ringkasan.html").decode()
    assert "Kontakrahasia" not in anonymous and "budi@example.org" not in anonymous
    official = make_user("pejabat@semarang.example.go.id", "official", owner=factories.owner("city", "33.74"))
    sign_in(client, official)
    response = client.get(f"/inovasi/{case.slug}/paket-replikasi.zip")
    assert response.headers["Cache-Control"] == "private, no-store"
    signed_in = _zip(response).read("ringkasan.html").decode()
    assert "Budi Kontakrahasia" in signed_in and "budi@example.org" in signed_in
    # Then anonymous readers, with the page cache on: none gets the contacts.
    monkeypatch.setitem(app.config, "PAGE_CACHE_ENABLED", True)  # put back after the test
    anonymous_client = app.test_client()
    for _ in range(2):
        again = anonymous_client.get(f"/inovasi/{case.slug}/paket-replikasi.zip")
        assert "X-Page-Cache" not in again.headers
        assert "Kontakrahasia" not in _zip(again).read("ringkasan.html").decode()


def test_a_hidden_case_study_has_no_kit(client, db):
    item = factories.innovation("Draf Paket", status="draft", kit_steps=STEPS, documents=[{"title": "Rahasia"}])
    editor = make_user("editor@example.go.id", "editor")
    db.session.commit()
    assert client.get(f"/inovasi/{item.slug}/paket-replikasi.zip").status_code == 404
    other = make_user("pejabat@semarang.example.go.id", "official", owner=factories.owner("city", "33.74"))
    sign_in(client, other)
    assert client.get(f"/inovasi/{item.slug}/paket-replikasi.zip").status_code == 404
    sign_in(client, editor)
    response = client.get(f"/inovasi/{item.slug}/paket-replikasi.zip")
    assert response.status_code == 200 and "dokumen/dokumen-1.pdf" in _zip(response).namelist()
    assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get("/inovasi/tidak-ada/paket-replikasi.zip").status_code == 404


def test_a_replication_of_a_hidden_case_study_is_not_in_its_kit(client, db):
    # What adopters changed comes only from replications the public may see.
    item = factories.innovation("Diarsipkan", status="archived", kit_steps=STEPS)
    replication_services.create(item, factories.owner("city", "35.78"), "planned", local_name="Lokal Tersembunyi")
    editor = make_user("editor@example.go.id", "editor")
    db.session.commit()
    sign_in(client, editor)
    summary = _zip(client.get(f"/inovasi/{item.slug}/paket-replikasi.zip")).read("ringkasan.html").decode()
    assert "Lokal Tersembunyi" not in summary


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("sop.pdf", "pdf", "sop.pdf"),
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("..\\..\\boot.ini", "docx", "boot.ini.docx"),
        ("..", "pdf", "dokumen.pdf"),
        ("a b/c?d*.xlsx", "xlsx", "c-d.xlsx"),
        ("laporan..akhir.pdf", "pdf", "laporan.akhir.pdf"),
    ],
)
def test_document_names_are_made_safe(name, fmt, expected):
    safe = kit_module.safe_name(name, fmt, set())
    assert safe == expected
    assert "/" not in safe and "\\" not in safe and ".." not in safe


def test_document_names_are_unique():
    taken = set()
    names = [kit_module.safe_name(name, "pdf", taken) for name in ("a.pdf", "A.pdf", "a/a.pdf", "a.pdf")]
    assert names == ["a.pdf", "A-2.pdf", "a-3.pdf", "a-4.pdf"]


def test_documents_beyond_the_bound_are_left_out_and_named(client, case, monkeypatch):
    monkeypatch.setattr(kit_module, "MAX_DOCUMENT_BYTES", case.documents[0].size)
    archive = _zip(client.get(f"/inovasi/{case.slug}/paket-replikasi.zip"))
    assert archive.namelist() == ["ringkasan.html", "dokumen/sop.pdf"]
    assert "Peraturan dasar" in archive.read("ringkasan.html").decode()


def test_the_api_record_carries_the_kit_as_its_document_says(app, client, case, db):
    with app.app_context():
        spec = OpenAPI.from_dict(document("http://localhost/api/v1", vocabulary()))
    response = check(spec, client.get(f"/api/v1/innovations/{case.slug}"))
    kit = response.get_json()["kit"]
    assert kit["steps"] == [{"step": "Tetapkan peraturan bupati", "weeks": 6}, {"step": "Latih petugas loket",
                                                                              "weeks": 2}]  # fmt: skip
    assert kit["pitfalls"] == PITFALLS and kit["total_weeks"] == 8
    assert kit["download_url"].endswith(f"/inovasi/{case.slug}/paket-replikasi.zip")
    empty = factories.innovation("Tanpa Paket API", kit_steps=[{"step": "Tanpa lama"}])
    db.session.commit()
    body = check(spec, client.get(f"/api/v1/innovations/{empty.slug}")).get_json()
    assert body["kit"] == {"steps": [{"step": "Tanpa lama", "weeks": None}], "pitfalls": [], "total_weeks": 0,
                           "download_url": body["kit"]["download_url"]}  # fmt: skip


def test_kit_downloads_are_limited_per_address(databases, tmp_path_factory):
    # Each ZIP is built on request: one address may fetch a few, then gets a 429 page,
    # while another address is not held up by it.
    with rate_limited_app(databases, tmp_path_factory, KIT_RATE_LIMIT="2 per minute") as app:
        with app.app_context():
            slug = factories.innovation("Layanan Paket Terbatas", kit_steps=STEPS).slug
            _db.session.commit()
        client = app.test_client()
        url = f"/inovasi/{slug}/paket-replikasi.zip"
        codes = [client.get(url, environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        refused = client.get(url, environ_base={"REMOTE_ADDR": "10.0.0.7"})
        assert refused.mimetype == "text/html" and "Content-Disposition" not in refused.headers
        assert client.get(url, environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 200
