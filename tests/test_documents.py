"""Documents of case studies on the site (docs/decisions/0083): uploads are checked by their
content (never by their name), refused ones leave nothing behind and keep what was typed,
only people who may edit the case study change its documents, a hidden case study's
documents are not served, downloads are attachments that are counted without making pages
stale, and the case-study page and the API list them."""

import zipfile
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from app.catalog import documents as checker
from app.catalog.models import DocumentDownloads, InnovationDocument
from app.datagen.generation import current_generation
from app.editing.models import Revision
from app.extensions import db as _db
from tests import factories
from tests.accounts_fixtures import make_user, sign_in
from tests.test_editing_world import fresh, token

BANYUMAS = "33.02"
BOUNDARY = "----suar-uji-dokumen"


def _files(app):
    root = Path(app.config["UPLOAD_DIR"])
    return {p for p in root.rglob("*") if p.is_file()}


def _rows():
    return _db.session.scalar(sa.select(sa.func.count()).select_from(InnovationDocument))


def _revisions():
    return _db.session.scalar(sa.select(sa.func.count()).select_from(Revision))


def _state(app, case):
    _db.session.expire_all()
    return (_files(app), _rows(), _revisions(), fresh(case.id).version)


def zipped(members, first=None):
    """A ZIP of ``{name: bytes}`` (``first`` stored first, uncompressed, as ODF wants)."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx(*paragraphs):
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>' for text in paragraphs)
    return zipped({
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"/>',
        "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                             f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>',
    })  # fmt: skip


def xlsx():
    return zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})


def pptx():
    return zipped({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<presentation/>"})


def odf(kind):
    return zipped({"content.xml": "<office:document-content/>"},
                  first=("mimetype", f"application/vnd.oasis.opendocument.{kind}".encode()))  # fmt: skip


def zip_bomb():
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * 60_000_000)
    return out.getvalue()


def multipart(fields, file=None):
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]  # fmt: skip
    if file is not None:
        data, filename = file
        head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                "Content-Type: application/pdf\r\n\r\n")  # fmt: skip
        parts.append(head.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def upload(client, slug, data, filename="sop.pdf", title="SOP Antrean Puskesmas", kind="sop", **fields):
    url = f"/kelola/inovasi/{slug}/dokumen"
    form = {"csrf_token": token(client, url), "kind": kind, "title": title, "description": "", "regulation_type": "",
            "regulation_number": "", "regulation_year": "", "upload": "Unggah dokumen", **fields}  # fmt: skip
    body = multipart(form, (data, filename) if data is not None else None)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


@pytest.fixture
def case(db):
    item = factories.innovation("Antrean Puskesmas Banyumas", region=BANYUMAS)
    db.session.commit()
    return item


@pytest.fixture
def editor(db, case):
    return make_user("editor@example.go.id", "editor")


# --- the checker ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (factories.pdf("Halo"), "a.pdf", "pdf"),
        (docx("Halo"), "a.docx", "docx"),
        (xlsx(), "a.xlsx", "xlsx"),
        (pptx(), "a.pptx", "pptx"),
        (odf("text"), "a.odt", "odt"),
        (odf("spreadsheet"), "a.ods", "ods"),
        (b"nama;jumlah\nPuskesmas;12\n", "a.csv", "csv"),
        (factories.pdf("Tanpa nama"), "", "pdf"),
        (factories.pdf("Nama lain"), "berkas.bin", "pdf"),
    ],
)
def test_the_type_is_read_from_the_content(data, name, expected):
    assert checker.check(data, name).format == expected


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "surat.pdf", "markup"),
        (b"  <html><body>x</body></html>", "data.csv", "markup"),
        (b"Ini hanya teks biasa.\n", "laporan.docx", "name_mismatch"),
        (factories.pdf("x"), "laporan.docx", "name_mismatch"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "setup.pdf", "unknown"),
        (b"\x7fELF\x02\x01\x01\x00", "program.pdf", "unknown"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "foto.pdf", "unknown"),
        (zipped({"a.txt": "halo"}), "arsip.docx", "other_zip"),
        (zipped({"[Content_Types].xml": "<Types/>"}), "kosong.docx", "other_zip"),
        (zipped({"content.xml": "x"}, first=("mimetype", b"application/vnd.oasis.opendocument.graphics")), "a.odt",
         "other_zip"),
        (zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>", "word/vbaProject.bin": "x"}),
         "makro.docx", "macros"),
        (zip_bomb(), "bom.docx", "zip_bomb"),
        (b"PK\x03\x04rusak", "rusak.docx", "damaged"),
        (b"", "kosong.pdf", "empty"),
        (b"%PDF-1.4\n" + b"0" * 8_000_001, "besar.pdf", "too_large"),
        (b"a,b\n" * 600_000, "besar.csv", "too_large"),
    ],
)  # fmt: skip
def test_what_is_no_document_is_refused(data, name, code):
    with pytest.raises(checker.DocumentRefused) as refused:
        checker.check(data, name)
    assert refused.value.code == code


def test_a_zip_bomb_is_refused_from_its_directory_alone():
    data = zip_bomb()
    assert len(data) < 200_000  # 60 MB packed into a small file


def test_text_is_extracted_from_pdf_and_docx_with_bounds():
    assert "perbup" in checker.check(factories.pdf("Sesuai perbup tentang antrean"), "a.pdf").text
    assert checker.check(docx("Pasal 1 &amp; Pasal 2", "antrean"), "a.docx").text == "Pasal 1 & Pasal 2 antrean"
    assert checker.check(xlsx(), "a.xlsx").text is None
    long = checker.check(docx("kata " * 60_000), "a.docx").text
    assert len(long) == checker.MAX_TEXT
    # A PDF that cannot be parsed is still a PDF, with no text.
    broken = checker.check(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "rusak.pdf")
    assert (broken.format, broken.text) == ("pdf", None)


# --- uploads ------------------------------------------------------------------------------------


def test_an_editor_uploads_a_regulation_shown_on_the_page_and_in_the_api(app, client, case, editor):
    sign_in(client, editor)
    response = upload(client, case.slug, factories.pdf("Peraturan Bupati tentang antrean"), "Perbup Antrean (Final).PDF",
                      title="Perbup Antrean Puskesmas", kind="regulation", regulation_type="Peraturan Bupati",
                      regulation_number="12", regulation_year="2019", description="Dasar hukum layanan")  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    [row] = _db.session.scalars(sa.select(InnovationDocument)).all()
    assert (row.name, row.format, row.kind, row.citation) == (
        "perbup-antrean-final.pdf",
        "pdf",
        "regulation",
        "Peraturan Bupati No. 12 Tahun 2019",
    )
    assert "antrean" in row.text and fresh(case.id).edited_at is not None
    assert "Dokumen ditambahkan" in (_db.session.scalars(sa.select(Revision.comment)).all()[-1] or "")

    client.get("/keluar")
    client.delete_cookie("session")
    page = client.get(f"/inovasi/{case.slug}").get_data(as_text=True)
    assert 'id="documents-h"' in page and "Perbup Antrean Puskesmas" in page
    assert "Peraturan Bupati No. 12 Tahun 2019" in page and "PDF, 1 KB" in page and "0 kali diunduh" in page
    url = f"/inovasi/{case.slug}/dokumen/perbup-antrean-final.pdf"
    assert f'href="{url}"' in page

    record = client.get(f"/api/v1/innovations/{case.slug}").get_json()
    [item] = record["documents"]
    assert item["url"] == f"http://localhost{url}" and item["content_type"] == "application/pdf"
    assert (item["kind"], item["title"], item["regulation_type"], item["regulation_number"], item["regulation_year"]) \
        == ("regulation", "Perbup Antrean Puskesmas", "Peraturan Bupati", "12", 2019)  # fmt: skip
    assert item["size"] == row.size and item["download_count"] == 0


def test_a_download_is_an_attachment_counted_without_staling_pages(app, client, db):
    item = factories.innovation("Unduhan", region=BANYUMAS,
                                documents=[{"title": "SOP", "name": "sop-layanan.pdf"},
                                           {"title": "Data", "name": "data.csv", "data": b"a;b\n1;2\n", "kind": "budget"}])  # fmt: skip
    db.session.commit()
    url = f"/inovasi/{item.slug}/dokumen/sop-layanan.pdf"
    generation = current_generation()
    for expected in (1, 2, 3):
        answer = client.get(url)
        assert answer.status_code == 200
        assert answer.headers["Content-Disposition"] == (
            "attachment; filename=\"sop-layanan.pdf\"; filename*=UTF-8''sop-layanan.pdf"
        )
        assert answer.mimetype == "application/pdf" and answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.get_data().startswith(b"%PDF-")
        _db.session.expire_all()
        assert _db.session.get(DocumentDownloads, item.documents[0].id).count == expected
    assert current_generation() == generation  # no page cache was emptied by a download
    assert client.head(url).status_code == 200
    again = client.get(url, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304
    _db.session.expire_all()
    assert _db.session.get(DocumentDownloads, item.documents[0].id).count == 3  # HEAD and 304 are not downloads
    csv = client.get(f"/inovasi/{item.slug}/dokumen/data.csv")
    assert (
        csv.headers["Content-Type"] == "text/csv; charset=utf-8" and csv.headers["X-Content-Type-Options"] == "nosniff"
    )
    assert "3 kali diunduh" in client.get(f"/inovasi/{item.slug}").get_data(as_text=True)
    assert client.get(f"/api/v1/innovations/{item.slug}").get_json()["documents"][0]["download_count"] == 3
    assert client.get(f"/inovasi/{item.slug}/dokumen/tidak-ada.pdf").status_code == 404
    assert client.get(f"/inovasi/{item.slug}/dokumen/{'x' * 300}").status_code == 404


def test_a_name_that_is_not_ascii_gets_an_ascii_fallback_and_filename_star():
    from app.catalog.views import content_disposition

    header = content_disposition('peraturan-é"x.pdf')
    assert header == "attachment; filename=\"peraturan-__x.pdf\"; filename*=UTF-8''" + quote(
        'peraturan-é"x.pdf', safe=""
    )
    assert header.isascii()


def _lying_files():
    return {
        "html named .pdf": (b"<html><body><script>alert(1)</script></body></html>", "surat.pdf",
                            "halaman HTML atau XML"),
        "text named .docx": (b"Ini hanya teks.\n", "laporan.docx", "berakhiran .docx, tetapi isinya dokumen CSV"),
        "zip that is no document": (zipped({"foto.jpg": b"x" * 100}), "arsip.docx", "arsip ZIP, bukan dokumen"),
        "zip bomb": (zip_bomb(), "bom.xlsx", "terlalu besar bila dibuka"),
        "executable": (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "program.pdf", "bukan dokumen PDF"),
        "too large for its kind": (b"a,b\n" * 600_000, "data.csv", "dokumen CSV paling besar 2 MB"),
        "missing file": (None, None, "Pilih berkas dokumen"),
    }  # fmt: skip


@pytest.mark.parametrize("name", sorted(_lying_files()))
def test_a_bad_file_is_refused_with_a_clear_message_and_leaves_nothing(app, client, case, editor, name):
    data, filename, message = _lying_files()[name]
    sign_in(client, editor)
    before = _state(app, case)
    response = upload(client, case.slug, data, filename, title="Judul yang diketik", description="Uraian diketik")
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:2000]
    assert message in page, page[:4000]
    assert 'value="Judul yang diketik"' in page and "Uraian diketik" in page  # what was typed is kept
    assert _state(app, case) == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, "Wajib diisi."),
        ({"kind": "regulation", "regulation_type": "Peraturan Bupati", "regulation_number": "", "regulation_year": ""},
         "Wajib diisi untuk peraturan."),
        ({"kind": "regulation", "regulation_type": "Peraturan Bupati", "regulation_number": "12",
          "regulation_year": "19"}, "Tahun empat angka"),
        ({"kind": "rahasia"}, "Pilihan tidak sah."),
        ({"title": "<script>alert(1)</script>"}, "Tanpa tanda &lt; dan &gt;"),
    ],
)  # fmt: skip
def test_bad_fields_are_refused_and_nothing_is_stored(app, client, case, editor, fields, message):
    sign_in(client, editor)
    before = _state(app, case)
    response = upload(client, case.slug, factories.pdf("Isi"), "isi.pdf", description="Uraian tetap", **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page, page[:3000]
    assert "Uraian tetap" in page
    assert _state(app, case) == before


def test_the_citation_of_another_kind_is_dropped(app, client, case, editor):
    sign_in(client, editor)
    response = upload(client, case.slug, factories.pdf("Isi"), "isi.pdf", kind="report", regulation_type="Perbup",
                      regulation_number="1", regulation_year="2020")  # fmt: skip
    assert response.status_code == 302
    [row] = _db.session.scalars(sa.select(InnovationDocument)).all()
    assert (row.regulation_type, row.regulation_number, row.regulation_year, row.citation) == (None, None, None, "")


def test_the_twenty_first_document_is_refused(app, client, editor, db):
    item = factories.innovation("Dua Puluh Dokumen", region=BANYUMAS,
                                documents=[{"title": f"Dokumen {n}", "text": f"isi {n}"} for n in range(1, 21)])  # fmt: skip
    db.session.commit()
    sign_in(client, editor)
    before = _state(app, item)
    response = upload(client, item.slug, factories.pdf("kedua puluh satu"), "baru.pdf", title="Kedua puluh satu")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Paling banyak 20 dokumen" in page
    assert _state(app, item) == before


def test_a_document_over_the_sites_2_mb_is_taken_up_to_its_own_limit(app, client, case, editor):
    sign_in(client, editor)
    big = factories.pdf("Laporan besar") + b"%" + b"0" * 5_000_000
    response = upload(client, case.slug, big, "laporan.pdf", title="Laporan tahunan", kind="report")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    # A body over the upload's own limit is refused before it is read, with the 413 page.
    before = _state(app, case)
    response = upload(client, case.slug, b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "raksasa.pdf")
    assert response.status_code == 413
    assert "lebih dari 10 MB" in response.get_data(as_text=True)
    assert _state(app, case) == before
    # Every other form keeps the site's 2 MB.
    url = f"/kelola/inovasi/{case.slug}/gambar"
    body = multipart({"csrf_token": "x", "alt": "a"}, (b"\xff\xd8\xff" + b"\x00" * (3 * 1024 * 1024), "a.jpg"))
    response = client.post(url, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert response.status_code == 413 and "lebih dari 2 MB" in response.get_data(as_text=True)


def test_describe_move_and_remove(app, client, editor, db):
    item = factories.innovation("Tiga Dokumen", region=BANYUMAS,
                                documents=[{"title": "Satu"}, {"title": "Dua", "text": "dua"}, {"title": "Tiga"}])  # fmt: skip
    db.session.commit()
    sign_in(client, editor)
    base = f"/kelola/inovasi/{item.slug}/dokumen"
    csrf = token(client, base)
    fields = {"d2-csrf_token": csrf, "d2-kind": "regulation", "d2-title": "Dua, diperjelas", "d2-description": "K",
              "d2-regulation_type": "Peraturan Wali Kota", "d2-regulation_number": "7", "d2-regulation_year": "2021"}  # fmt: skip
    assert client.post(f"{base}/2/ubah", data=fields).status_code == 302
    bad = client.post(f"{base}/2/ubah", data={**fields, "d2-title": "", "d2-description": "Tetap diketik"})
    assert bad.status_code == 400 and "Tetap diketik" in bad.get_data(as_text=True)
    assert client.post(f"{base}/2/naik", data={"csrf_token": csrf}).status_code == 302
    assert client.post(f"{base}/3/hapus", data={"csrf_token": csrf}).status_code == 302
    assert client.post(f"{base}/9/hapus", data={"csrf_token": csrf}).status_code == 404
    assert client.post(f"{base}/1/hapus", data={}).status_code == 400  # no CSRF token: nothing removed
    _db.session.expire_all()
    assert [(d.number, d.title, d.citation) for d in fresh(item.id).documents] == [
        (1, "Dua, diperjelas", "Peraturan Wali Kota No. 7 Tahun 2021"), (2, "Satu", "")]  # fmt: skip
    last = _db.session.scalars(sa.select(Revision.snapshot_json).order_by(Revision.id.desc())).first()
    assert '"documents": [{"file": "' in last and "Dua, diperjelas" in last


def test_people_who_may_not_edit_cannot_upload_or_remove(app, client, db):
    published = factories.innovation("Terbit", region=BANYUMAS, documents=[{"title": "Ada"}])
    draft = factories.innovation("Draf", region=BANYUMAS, status="draft", documents=[{"title": "Draf"}])
    db.session.commit()
    other = make_user("pejabat@semarang.example.go.id", "official", owner=factories.owner("city", "33.74"))
    before = (_files(app), _rows(), _revisions())
    for slug in (published.slug, draft.slug):
        assert "/masuk" in client.get(f"/kelola/inovasi/{slug}/dokumen").headers.get("Location", "")
        for url in (f"/kelola/inovasi/{slug}/dokumen", f"/kelola/inovasi/{slug}/dokumen/1/hapus"):
            response = client.post(url, data={"title": "x", "file": (BytesIO(factories.pdf()), "a.pdf")})
            assert response.status_code == 400 or "/masuk" in response.headers.get("Location", ""), url
    sign_in(client, other)
    csrf = token(client, "/akun/kata-sandi")
    for slug, status in ((published.slug, 403), (draft.slug, 404)):
        assert client.get(f"/kelola/inovasi/{slug}/dokumen").status_code == status
        response = client.post(f"/kelola/inovasi/{slug}/dokumen", content_type="multipart/form-data",
                               data={"csrf_token": csrf, "kind": "sop", "title": "x",
                                     "file": (BytesIO(factories.pdf()), "a.pdf")})  # fmt: skip
        assert response.status_code == status
        for action in ("hapus", "naik", "turun", "ubah"):
            assert client.post(f"/kelola/inovasi/{slug}/dokumen/1/{action}", data={"csrf_token": csrf,
                               "d1-title": "Diganti", "d1-kind": "sop"}).status_code == status  # fmt: skip
    _db.session.expire_all()
    assert (_files(app), _rows(), _revisions()) == before


def test_the_owners_official_changes_the_documents_of_a_draft_only(app, client, db):
    draft = factories.innovation("Draf Sendiri", region=BANYUMAS, status="draft")
    published = factories.innovation("Terbit Sendiri", region=BANYUMAS)
    db.session.commit()
    sign_in(client, make_user("pejabat@banyumas.example.go.id", "official", owner=draft.owner))
    assert upload(client, draft.slug, factories.pdf("x")).status_code == 302
    assert client.get(f"/kelola/inovasi/{published.slug}/dokumen").status_code == 403
    assert len(fresh(draft.id).documents) == 1 and not fresh(published.id).documents


def test_a_hidden_case_studys_documents_are_served_only_to_those_who_may_see_it(app, client, db):
    draft = factories.innovation("Draf Berdokumen", region=BANYUMAS, status="draft",
                                 documents=[{"title": "Rahasia", "name": "rahasia.pdf"}])  # fmt: skip
    public = factories.innovation("Terbit Berdokumen", region=BANYUMAS, documents=[{"title": "Terbuka"}])
    db.session.commit()
    url = f"/inovasi/{draft.slug}/dokumen/rahasia.pdf"
    assert client.get(url).status_code == 404
    assert client.get(f"/inovasi/{public.slug}/dokumen/rahasia.pdf").status_code == 404  # not via another's address
    assert "Rahasia" not in client.get("/api/v1/innovations").get_data(as_text=True)
    sign_in(client, make_user("pejabat@semarang.example.go.id", "official", owner=factories.owner("city", "33.74")))
    assert client.get(url).status_code == 404
    sign_in(client, make_user("pejabat@banyumas.example.go.id", "official", owner=draft.owner))
    answer = client.get(url)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-cache"
    assert answer.headers["Content-Disposition"].startswith("attachment;")


def test_a_refused_change_removes_the_blob_it_wrote(app, client, case, editor, monkeypatch):
    """A blob written for an upload whose transaction then fails is removed by the view."""
    from app.editing import history

    sign_in(client, editor)
    before = _state(app, case)

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(history, "record", fail)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # a 500 page, put back after the test
    response = upload(client, case.slug, factories.pdf("Unik sekali 81723"), "unik.pdf")
    assert response.status_code == 500
    assert _state(app, case) == before


def test_the_section_speaks_english_and_a_downloaded_document_can_be_removed(app, client, editor, db):
    item = factories.innovation("Dua Bahasa", region=BANYUMAS,
                                documents=[{"title": "Perbup", "kind": "regulation", "regulation_type": "Peraturan Bupati",
                                            "regulation_number": "12", "regulation_year": 2019, "name": "perbup.pdf"}])  # fmt: skip
    db.session.commit()
    assert client.get(f"/inovasi/{item.slug}/dokumen/perbup.pdf").status_code == 200
    client.get("/bahasa/en")
    page = client.get(f"/inovasi/{item.slug}").get_data(as_text=True)
    assert ">Documents<" in page and "Regulation · Peraturan Bupati No. 12 Tahun 2019 · PDF, 1 KB" in page
    assert "downloaded 1 time" in page
    client.get("/bahasa/id")
    sign_in(client, editor)
    base = f"/kelola/inovasi/{item.slug}/dokumen"
    assert client.post(f"{base}/1/hapus", data={"csrf_token": token(client, base)}).status_code == 302
    _db.session.expire_all()
    assert not fresh(item.id).documents
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(DocumentDownloads)) == 0
    assert client.get(f"/inovasi/{item.slug}/dokumen/perbup.pdf").status_code == 404
