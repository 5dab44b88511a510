"""Documents in case-study files (content-format.md, docs/decisions/0083): beside the file,
checked like uploads, refused when they leave the folder; export and import carry them; the
sample case studies have a few and real ones none; ``flask files clean`` keeps them."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.catalog.models import Innovation, InnovationDocument
from app.extensions import db as _db
from app.files import blob_store
from tests import factories
from tests.conftest import FIXTURES, REFERENCE_TABLES
from tests.test_documents import docx, zip_bomb

SLUG = "jemput-bola-akta-contoh"
DOCUMENTS = """documents:
  - file: jemput-bola-akta-contoh/perbup.pdf
    kind: regulation
    title: Peraturan Bupati tentang Jemput Bola Akta
    description: Dasar hukum layanan keliling
    regulation_type: Peraturan Bupati
    regulation_number: "12"
    regulation_year: 2019
  - {file: jemput-bola-akta-contoh/sop.docx, kind: sop, title: SOP Mobil Keliling}
  - {file: jemput-bola-akta-contoh/anggaran.csv, kind: budget, title: Rincian anggaran}
"""


def run(runner, *args):
    return runner.invoke(args=["content", *map(str, args)])


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "innovations"
    shutil.copytree(FIXTURES / "good", target)
    (target / SLUG).mkdir()
    (target / SLUG / "perbup.pdf").write_bytes(factories.pdf("Peraturan tentang kendaraan operasional keliling"))
    (target / SLUG / "sop.docx").write_bytes(docx("Langkah pertama: petugas menyiapkan blangko."))
    (target / SLUG / "anggaran.csv").write_bytes(b"pos;jumlah\nbahan bakar;1000000\n")
    _with_front_matter(target / f"{SLUG}.md", DOCUMENTS)
    return target


def _with_front_matter(path, text):
    source = path.read_text(encoding="utf-8")
    path.write_text(source.replace("\nsummary:", f"\n{text}summary:", 1), encoding="utf-8")


def _documents(slug=SLUG):
    _db.session.expire_all()
    item = _db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))
    return [(d.number, d.name, d.kind, d.title, d.description, d.citation, d.format, d.size, d.sha256, d.text)
            for d in item.documents]  # fmt: skip


def _files(app):
    return {p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()}


def test_import_export_and_import_again_carry_the_documents(app, runner, db, folder, tmp_path):
    result = run(runner, "import", folder)
    assert result.exit_code == 0, result.output
    found = _documents()
    assert [row[:7] for row in found] == [
        (1, "perbup.pdf", "regulation", "Peraturan Bupati tentang Jemput Bola Akta", "Dasar hukum layanan keliling",
         "Peraturan Bupati No. 12 Tahun 2019", "pdf"),
        (2, "sop.docx", "sop", "SOP Mobil Keliling", None, "", "docx"),
        (3, "anggaran.csv", "budget", "Rincian anggaran", None, "", "csv"),
    ]  # fmt: skip
    assert "kendaraan operasional" in found[0][9] and "blangko" in found[1][9] and found[2][9] is None
    assert "0 new, 0 updated, 3 unchanged" in run(runner, "import", folder).output

    target = tmp_path / "export"
    assert run(runner, "export", target).exit_code == 0
    assert sorted(p.name for p in (target / SLUG).iterdir()) == ["anggaran.csv", "perbup.pdf", "sop.docx"]
    assert (target / SLUG / "perbup.pdf").read_bytes() == (folder / SLUG / "perbup.pdf").read_bytes()
    text = (target / f"{SLUG}.md").read_text(encoding="utf-8")
    assert "documents:\n- file: jemput-bola-akta-contoh/perbup.pdf\n  kind: regulation\n" in text
    assert "regulation_number: '12'\n  regulation_year: 2019\n" in text
    assert "0 new, 0 changed" in run(runner, "export", target).output  # nothing rewritten
    again = run(runner, "import", target)
    assert "0 new, 0 updated, 3 unchanged" in again.output, again.output

    # Into an empty database: the same documents, bytes and texts.
    _db.session.remove()
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                connection.execute(table.delete())
    result = run(runner, "import", target)
    assert result.exit_code == 0 and "3 new" in result.output, result.output
    assert _documents() == found


def test_a_changed_document_updates_the_case_study(runner, db, folder):
    assert run(runner, "import", folder).exit_code == 0
    before = _documents()[0]
    (folder / SLUG / "perbup.pdf").write_bytes(factories.pdf("Perubahan peraturan tentang jadwal"))
    assert "0 new, 1 updated" in run(runner, "import", folder).output
    after = _documents()[0]
    assert after[8] != before[8] and "jadwal" in after[9]


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("../../etc/passwd", "leaves the case study's folder"),
        ("jemput-bola-akta-contoh/../../../etc/passwd.pdf", "leaves the case study's folder"),
        ("../../x.pdf", "leaves the case study's folder"),
        ("/etc/passwd.pdf", "is an absolute path"),
        ("C:/Windows/win.pdf", "is an absolute path"),
        ("..\\\\..\\\\rahasia.pdf", "may not hold a backslash"),
        ("jemput-bola-akta-contoh/tidak-ada.pdf", "does not exist beside the case study's file"),
        ("jemput-bola-akta-contoh/program.exe", "must end in .pdf"),
        ("jemput-bola-akta-contoh/halaman.pdf", "is an HTML or XML page"),
        ("jemput-bola-akta-contoh/teks.docx", "is named .docx but its content is a CSV document"),
        ("jemput-bola-akta-contoh/bom.docx", "unpacks to too much"),
        ("jemput-bola-akta-contoh/tautan.pdf", "is a symbolic link"),
    ],
)
def test_a_bad_document_in_a_file_stops_the_import(app, runner, db, folder, file, message):
    (folder / SLUG / "halaman.pdf").write_text("<html><script>alert(1)</script></html>")
    (folder / SLUG / "teks.docx").write_text("hanya teks\n")
    (folder / SLUG / "bom.docx").write_bytes(zip_bomb())
    (folder / SLUG / "tautan.pdf").symlink_to(folder / SLUG / "perbup.pdf")
    path = folder / f"{SLUG}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("file: jemput-bola-akta-contoh/perbup.pdf",
                                                             f"file: {file!r}".replace("'", '"')), encoding="utf-8")  # fmt: skip
    before = _files(app)
    result = run(runner, "import", folder)
    assert result.exit_code == 1 and message in result.output and f"{SLUG}.md" in result.output, result.output
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Innovation)) == 0
    assert _files(app) == before


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('    regulation_number: "12"\n', "", "document 1: a regulation needs its regulation_number"),
        ("    regulation_year: 2019\n", "    regulation_year: 19\n", "regulation_year must be a year from 1945"),
        ("kind: sop, title: SOP Mobil Keliling}", "kind: sop, title: SOP, regulation_year: 2019}",
         "document 2: regulation_year only for kind regulation"),
        ("kind: sop, title: SOP Mobil Keliling}", "kind: rahasia, title: SOP}", "document 2: kind must be one of"),
        ("kind: sop, title: SOP Mobil Keliling}", "kind: sop}", "document 2: title is required"),
        ("kind: sop, title: SOP Mobil Keliling}", "kind: sop, title: SOP, url: x}", "url is not a field of a document"),
    ],
)  # fmt: skip
def test_bad_fields_of_a_document_stop_the_import(runner, db, folder, old, new, message):
    path = folder / f"{SLUG}.md"
    source = path.read_text(encoding="utf-8")
    assert old in source
    path.write_text(source.replace(old, new), encoding="utf-8")
    result = run(runner, "import", folder)
    assert result.exit_code == 1 and message in result.output, result.output


def test_more_than_twenty_documents_stop_the_import(runner, db, folder):
    path = folder / f"{SLUG}.md"
    many = "".join(f"  - {{file: {SLUG}/sop.docx, kind: sop, title: Dokumen {n}}}\n" for n in range(21))
    path.write_text(path.read_text(encoding="utf-8").replace(DOCUMENTS, "documents:\n" + many), encoding="utf-8")
    result = run(runner, "import", folder)
    assert result.exit_code == 1 and "lists 21 documents; a case study may have at most 20" in result.output


def test_sample_case_studies_have_documents_and_real_ones_none(runner, db):
    assert run(runner, "import", "content").exit_code == 0
    rows = _db.session.execute(
        sa.select(Innovation.slug, Innovation.sample, sa.func.count(InnovationDocument.id))
        .outerjoin(InnovationDocument)
        .group_by(Innovation.slug, Innovation.sample)
    ).all()
    assert [slug for slug, sample, count in rows if not sample and count] == []
    with_documents = sorted(slug for slug, sample, count in rows if sample and count)
    assert 2 <= len(with_documents) <= 3, with_documents
    for document in _db.session.scalars(sa.select(InnovationDocument)):
        assert document.format == "pdf" and "CONTOH" in document.text and "contoh" in document.title
        # Each holds words its case study does not: what a search by document text shows.
        own = f"{document.innovation.title} {document.innovation.summary} {document.innovation.body_md}".lower()
        assert [word for word in ("perbup", "kavling", "juru ukur", "kantong sampel") if word in document.text.lower()
                and word not in own], document.name  # fmt: skip


def test_files_clean_keeps_the_documents(app, runner, db, folder):
    assert run(runner, "import", folder).exit_code == 0
    done = runner.invoke(args=["files", "clean", "--min-age", "0"])
    assert done.exit_code == 0, done.output
    for row in _db.session.scalars(sa.select(InnovationDocument)):
        assert blob_store(app).exists(row.sha256)
