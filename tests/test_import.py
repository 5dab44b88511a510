"""``flask content import``: all or nothing, idempotent, every bad file named with its field."""

import shutil

import pytest
import sqlalchemy as sa

from app.catalog.models import Award, Innovation, Institution, Owner
from tests.conftest import FIXTURES

GOOD = FIXTURES / "good"


@pytest.fixture
def folder(tmp_path):
    """A folder holding copies of the good fixture files."""
    target = tmp_path / "innovations"
    shutil.copytree(GOOD, target)
    return target


def run_import(runner, *args):
    return runner.invoke(args=["content", "import", *map(str, args)])


def snapshot(db):
    """Everything an import can change, as comparable values."""
    db.session.remove()
    rows = {}
    for model in (Innovation, Owner, Institution, Award):
        table = model.__table__
        rows[table.name] = sorted(map(tuple, db.session.execute(sa.select(table)).all()), key=repr)
    for name in ("innovation_sector", "innovation_theme"):
        rows[name] = sorted(map(tuple, db.session.execute(sa.select(db.metadata.tables[name])).all()))
    return rows


def test_happy_path(runner, db, folder):
    result = run_import(runner, folder)
    assert result.exit_code == 0, result.output
    assert "Imported 3 innovations" in result.output and "3 new" in result.output

    innovation = db.session.scalar(sa.select(Innovation).where(Innovation.slug == "antrean-puskesmas-contoh"))
    assert innovation.title == "Antrean Daring Puskesmas Contoh"
    assert innovation.owner.name == "Kota Semarang" and innovation.owner.kind == "city"
    assert innovation.owner.region_code == "33.74" and innovation.region_code == "33.74"
    assert innovation.institution.name == "Dinas Kesehatan Kota Semarang"
    assert innovation.institution.owner == innovation.owner
    assert (innovation.year, innovation.started, innovation.stage) == (2019, "2017-05", "institutionalized")
    assert innovation.digital and innovation.sample and innovation.language == "id"
    assert innovation.legal_basis == "Peraturan Wali Kota Contoh Nomor 12 Tahun 2018"
    assert [s.slug for s in innovation.sectors] == ["kesehatan"]
    assert [t.slug for t in innovation.themes] == ["sistem-informasi"]
    assert [(a.competition, a.year, a.stage) for a in innovation.awards] == [("KIPP", 2019, "top99")]
    # The file gives the older single ``contact:``: it becomes the first and only contact.
    assert [(c.name, c.email, c.number) for c in innovation.contacts] == [("Dewi Lestari", "dewi@example.go.id", 1)]
    assert innovation.summary.startswith("Warga mengambil nomor antrean")
    assert '<h2 id="bagian-latar-belakang">Latar Belakang</h2>' in innovation.body_html
    assert "<table>" in innovation.body_html and "<strong>nomor</strong>" in innovation.body_html
    assert 'href="https://example.go.id/panduan"' in innovation.body_html
    assert 'rel="nofollow noopener"' in innovation.body_html

    ministry = db.session.scalar(sa.select(Innovation).where(Innovation.slug == "digital-services-ministry-example"))
    assert ministry.owner.kind == "ministry" and ministry.owner.region_code is None
    assert ministry.language == "en" and ministry.stage == "implemented"
    assert [s.slug for s in ministry.sectors] == ["aparatur", "pengaduan-partisipasi"]


def test_second_import_changes_nothing(runner, db, folder):
    assert run_import(runner, folder).exit_code == 0
    before = snapshot(db)
    result = run_import(runner, folder)
    assert result.exit_code == 0
    assert "0 new, 0 updated, 3 unchanged" in result.output
    assert snapshot(db) == before


def test_changed_file_updates_its_innovation(runner, db, folder):
    assert run_import(runner, folder).exit_code == 0
    path = folder / "jemput-bola-akta-contoh.md"
    text = path.read_text().replace("stage: implemented", "stage: institutionalized")
    path.write_text(text.replace("themes: [jemput-bola]", "themes: [jemput-bola, layanan-terpadu]"))
    result = run_import(runner, folder)
    assert "0 new, 1 updated, 2 unchanged" in result.output
    db.session.remove()
    innovation = db.session.scalar(sa.select(Innovation).where(Innovation.slug == "jemput-bola-akta-contoh"))
    assert innovation.stage == "institutionalized"
    assert [t.slug for t in innovation.themes] == ["jemput-bola", "layanan-terpadu"]


def test_removed_award_is_removed(runner, db, folder):
    assert run_import(runner, folder).exit_code == 0
    path = folder / "antrean-puskesmas-contoh.md"
    path.write_text(path.read_text().replace("  - {competition: KIPP, year: 2019, stage: top99}\n", "").replace(
        "awards:\n", "awards: []\n"))  # fmt: skip
    assert run_import(runner, folder).exit_code == 0
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count(Award.id))) == 0


def test_missing_file_is_reported_and_kept(runner, db, folder):
    assert run_import(runner, folder).exit_code == 0
    (folder / "jemput-bola-akta-contoh.md").unlink()
    result = run_import(runner, folder)
    assert result.exit_code == 0
    assert "jemput-bola-akta-contoh was imported from this folder but its file is gone" in result.output
    assert db.session.scalar(sa.select(Innovation).where(Innovation.slug == "jemput-bola-akta-contoh")) is not None


def test_dry_run_writes_nothing(runner, db, folder):
    result = run_import(runner, "--dry-run", folder)
    assert result.exit_code == 0
    assert "Would import 3 innovations" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Innovation.id))) == 0


def test_dry_run_reports_problems_with_exit_1(runner, db, folder):
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    result = run_import(runner, "--dry-run", folder)
    assert result.exit_code == 1
    assert "broken.md" in result.output


def test_the_project_content_folder_is_the_default(runner, db, app):
    result = run_import(runner)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count(Innovation.id))) >= 30


def test_one_file_can_be_imported_alone(runner, db, folder):
    result = run_import(runner, folder / "jemput-bola-akta-contoh.md")
    assert result.exit_code == 0, result.output
    assert "Imported 1 innovations" in result.output


def test_an_empty_folder_is_an_error(runner, tmp_path):
    result = run_import(runner, tmp_path)
    assert result.exit_code == 1
    assert "holds no case-study files" in result.output


def test_a_path_that_does_not_exist_is_an_error(runner, tmp_path):
    result = run_import(runner, tmp_path / "nowhere")
    assert result.exit_code != 0
    assert "does not exist" in result.output


def test_government_owner_is_shared_between_files_whatever_its_name(runner, db, folder):
    other = (folder / "jemput-bola-akta-contoh.md").read_text()
    other = other.replace("Pemerintah Kabupaten Banyumas", "Government of Banyumas Regency")
    (folder / "second-banyumas.md").write_text(other.replace("Jemput Bola Akta", "Another Banyumas"))
    assert run_import(runner, folder).exit_code == 0
    owners = db.session.scalars(sa.select(Owner).where(Owner.region_code == "33.02")).all()
    assert [(o.name, o.kind, o.slug) for o in owners] == [("Kabupaten Banyumas", "regency", "kabupaten-banyumas")]
    assert len(owners[0].innovations) == 2
