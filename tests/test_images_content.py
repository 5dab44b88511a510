"""Pictures in case-study files (content-format.md, docs/decisions/0082): beside the file,
checked like uploads, refused when they leave the folder; export and import carry them; the
sample case studies have some and real ones none; ``flask files clean`` deletes orphans."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.catalog.models import Innovation, InnovationImage
from app.extensions import db as _db
from tests import factories
from tests.conftest import FIXTURES, REFERENCE_TABLES

SLUG = "jemput-bola-akta-contoh"
IMAGES = """images:
  - file: jemput-bola-akta-contoh/loket.png
    alt: Petugas melayani warga di mobil keliling
    caption: Mobil layanan keliling
    credit: Dinas Dukcapil (contoh)
  - {file: jemput-bola-akta-contoh/foto.jpg, alt: Warga menerima akta}
"""


def run(runner, *args):
    return runner.invoke(args=["content", *map(str, args)])


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "innovations"
    shutil.copytree(FIXTURES / "good", target)
    (target / SLUG).mkdir()
    (target / SLUG / "loket.png").write_bytes(factories.picture((1600, 900), (10, 90, 160)))
    (target / SLUG / "foto.jpg").write_bytes(factories.picture((800, 600), (200, 120, 30), "JPEG"))
    _with_front_matter(target / f"{SLUG}.md", IMAGES)
    return target


def _with_front_matter(path, text):
    source = path.read_text(encoding="utf-8")
    path.write_text(source.replace("\nsummary:", f"\n{text}summary:", 1), encoding="utf-8")


def _images(slug=SLUG):
    _db.session.expire_all()
    item = _db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))
    return [(i.number, i.name, i.alt, i.caption, i.credit, i.format, i.width, i.height) for i in item.images]


def _files(app):
    return {p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()}


def test_import_export_and_import_again_carry_the_pictures(app, runner, db, folder, tmp_path):
    result = run(runner, "import", folder)
    assert result.exit_code == 0, result.output
    expected = [(1, "loket.png", "Petugas melayani warga di mobil keliling", "Mobil layanan keliling",
                 "Dinas Dukcapil (contoh)", "png", 1280, 720),
                (2, "foto.jpg", "Warga menerima akta", None, None, "jpeg", 800, 600)]  # fmt: skip
    assert _images() == expected
    assert "0 new, 0 updated, 3 unchanged" in run(runner, "import", folder).output

    target = tmp_path / "export"
    assert run(runner, "export", target).exit_code == 0
    assert sorted(p.name for p in (target / SLUG).iterdir()) == ["foto.jpg", "loket.png"]
    text = (target / f"{SLUG}.md").read_text(encoding="utf-8")
    assert "images:\n- file: jemput-bola-akta-contoh/loket.png\n  alt: Petugas melayani" in text
    assert "0 new, 0 changed" in run(runner, "export", target).output  # nothing rewritten
    again = run(runner, "import", target)
    assert "0 new, 0 updated, 3 unchanged" in again.output, again.output

    # Into an empty database: the same pictures, texts, order and sizes.
    _db.session.remove()
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                connection.execute(table.delete())
    result = run(runner, "import", target)
    assert result.exit_code == 0 and "3 new" in result.output, result.output
    assert _images() == expected


def test_a_changed_picture_updates_the_case_study(runner, db, folder):
    assert run(runner, "import", folder).exit_code == 0
    before = _db.session.scalar(sa.select(InnovationImage.page_sha256).where(InnovationImage.name == "loket.png"))
    (folder / SLUG / "loket.png").write_bytes(factories.picture((1600, 900), (250, 10, 10)))
    assert "0 new, 1 updated" in run(runner, "import", folder).output
    after = _db.session.scalar(sa.select(InnovationImage.page_sha256).where(InnovationImage.name == "loket.png"))
    assert after != before


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("../../etc/passwd", "leaves the case study's folder"),
        ("jemput-bola-akta-contoh/../../../etc/passwd.png", "leaves the case study's folder"),
        ("/etc/passwd.png", "is an absolute path"),
        ("C:/Windows/win.png", "is an absolute path"),
        ("..\\\\..\\\\rahasia.png", "may not hold a backslash"),
        ("jemput-bola-akta-contoh/tidak-ada.png", "does not exist beside the case study's file"),
        ("jemput-bola-akta-contoh/catatan.txt", "must end in .jpg, .jpeg, .png or .webp"),
        ("jemput-bola-akta-contoh/teks.png", "is not a JPEG, PNG or WebP image"),
        ("jemput-bola-akta-contoh/gambar.svg.png", "is an SVG or HTML document"),
        ("jemput-bola-akta-contoh/tautan.png", "is a symbolic link"),
    ],
)
def test_a_bad_picture_in_a_file_stops_the_import(app, runner, db, folder, file, message):
    (folder / SLUG / "teks.png").write_text("bukan gambar\n")
    (folder / SLUG / "gambar.svg.png").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    (folder / SLUG / "tautan.png").symlink_to(folder / SLUG / "loket.png")
    path = folder / f"{SLUG}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("file: jemput-bola-akta-contoh/loket.png",
                                                             f"file: {file!r}".replace("'", '"')), encoding="utf-8")  # fmt: skip
    before = _files(app)
    result = run(runner, "import", folder)
    assert result.exit_code == 1 and message in result.output and f"{SLUG}.md" in result.output, result.output
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Innovation)) == 0
    assert _files(app) == before


def test_more_than_twelve_pictures_or_no_alt_text_stop_the_import(runner, db, folder):
    path = folder / f"{SLUG}.md"
    many = "".join(f"  - {{file: {SLUG}/loket.png, alt: Gambar {n}}}\n" for n in range(13))
    path.write_text(path.read_text(encoding="utf-8").replace(IMAGES, "images:\n" + many), encoding="utf-8")
    result = run(runner, "import", folder)
    assert result.exit_code == 1 and "lists 13 images; a case study may have at most 12" in result.output
    path.write_text(path.read_text(encoding="utf-8").replace("images:\n" + many, f"images:\n  - file: {SLUG}/loket.png\n"),
                    encoding="utf-8")  # fmt: skip
    result = run(runner, "import", folder)
    assert result.exit_code == 1 and "image 1: alt is required" in result.output, result.output


def test_sample_case_studies_have_pictures_and_real_ones_none(runner, db):
    assert run(runner, "import", "content").exit_code == 0
    rows = _db.session.execute(
        sa.select(Innovation.slug, Innovation.sample, sa.func.count(InnovationImage.id))
        .outerjoin(InnovationImage)
        .group_by(Innovation.slug, Innovation.sample)
    ).all()
    assert all(1 <= count <= 3 for _slug, sample, count in rows if sample)
    assert [slug for slug, sample, count in rows if not sample and count] == []
    assert sum(count for *_rest, count in rows) >= 20


def test_files_clean_deletes_only_orphans(app, runner, db, folder):
    assert run(runner, "import", folder).exit_code == 0
    orphan = factories.picture((50, 50), (1, 2, 3))
    from app.files import blob_store

    with app.app_context():
        digest, created = blob_store().put(orphan)
    assert created
    dry = runner.invoke(args=["files", "clean", "--dry-run", "--min-age", "0"])
    assert dry.exit_code == 0 and f"would delete {blob_store(app).path(digest)}" in dry.output, dry.output
    assert blob_store(app).exists(digest)
    young = runner.invoke(args=["files", "clean"])  # younger than an hour: an upload may still commit
    assert young.exit_code == 0 and blob_store(app).exists(digest)
    done = runner.invoke(args=["files", "clean", "--min-age", "0"])
    assert done.exit_code == 0 and f"deleted {blob_store(app).path(digest)}" in done.output, done.output
    assert not blob_store(app).exists(digest)
    for row in _db.session.scalars(sa.select(InnovationImage)):
        assert all(blob_store(app).exists(row.digest(*key)) for key in InnovationImage.BLOBS)
