"""``flask networks import``: all or nothing, idempotent, every bad file named with its field."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.networks.models import Membership, Network
from tests.accounts_fixtures import add_member
from tests.conftest import FIXTURES

GOOD = FIXTURES / "networks"
PROJECT_NETWORKS = Path(__file__).resolve().parent.parent / "content" / "networks"
VALID = (GOOD / "jaringan-contoh-jawa-tengah.md").read_text()


def run_import(runner, *args):
    return runner.invoke(args=["networks", "import", *map(str, args)])


def snapshot(db):
    db.session.remove()
    return sorted(map(tuple, db.session.execute(sa.select(Network.__table__)).all()), key=repr)


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "networks"
    shutil.copytree(GOOD, target)
    return target


def test_the_projects_four_networks_import(runner, db):
    result = run_import(runner, PROJECT_NETWORKS)
    assert result.exit_code == 0, result.output
    networks = {n.slug: n for n in db.session.scalars(sa.select(Network))}
    assert {"jipp-jawa-timur", "jipp-sulawesi-selatan", "jipp-sumatera-selatan", "jipp-jawa-tengah"} <= set(networks)
    assert networks["jipp-sumatera-selatan"].launched == "2018-12-03"
    assert networks["jipp-sulawesi-selatan"].launched == "2018-03"
    assert networks["jipp-jawa-timur"].launched is None  # not documented, so not invented
    assert networks["jipp-jawa-tengah"].province.name == "Jawa Tengah"


def test_happy_path_and_the_page(runner, db, client, folder):
    result = run_import(runner, folder)
    assert result.exit_code == 0, result.output
    assert "Imported 2 networks" in result.output and "2 new" in result.output
    network = db.session.scalar(sa.select(Network).where(Network.slug == "jaringan-contoh-jawa-tengah"))
    assert (network.name, network.province_code, network.launched) == ("Jaringan Contoh Jawa Tengah", "33", "2018-07")
    assert network.launched_precision == "month" and network.launched_date.isoformat() == "2018-07-01"
    assert network.contact_email == "jaringan@example.go.id" and network.contact_phone == "+62 24 000000"
    assert "<strong>contoh</strong>" in network.description_html
    bali = db.session.scalar(sa.select(Network).where(Network.slug == "jaringan-contoh-bali"))
    assert "<script>" not in bali.description_html
    page = client.get("/jaringan/jaringan-contoh-jawa-tengah").get_data(as_text=True)
    assert "Juli 2018" in page and "Peraturan Gubernur Contoh Nomor 1 Tahun 2018" in page
    assert '<script>alert("x")</script>' not in client.get("/jaringan/jaringan-contoh-bali").get_data(as_text=True)


def test_second_import_changes_nothing(runner, db, folder):
    assert run_import(runner, folder).exit_code == 0
    before = snapshot(db)
    result = run_import(runner, folder)
    assert "0 new, 0 updated, 2 unchanged" in result.output
    assert snapshot(db) == before


def test_changed_file_updates_and_keeps_members(runner, db, folder):
    assert run_import(runner, folder).exit_code == 0
    network = db.session.scalar(sa.select(Network).where(Network.slug == "jaringan-contoh-jawa-tengah"))
    add_member(network, "33.74")
    path = folder / "jaringan-contoh-jawa-tengah.md"
    path.write_text(path.read_text().replace("name: Jaringan Contoh Jawa Tengah", "name: Jaringan Contoh Jateng"))
    result = run_import(runner, folder)
    assert "1 updated" in result.output
    db.session.remove()
    network = db.session.scalar(sa.select(Network).where(Network.slug == "jaringan-contoh-jawa-tengah"))
    assert network.name == "Jaringan Contoh Jateng"
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 1


def test_dry_run_writes_nothing(runner, db, folder):
    result = run_import(runner, "--dry-run", folder)
    assert result.exit_code == 0 and "Would import 2 networks" in result.output
    assert snapshot(db) == []


def test_missing_file_is_reported_not_deleted(runner, db, folder):
    assert run_import(runner, folder).exit_code == 0
    (folder / "jaringan-contoh-bali.md").unlink()
    result = run_import(runner, folder)
    assert "warning: jaringan-contoh-bali was imported from this folder but its file is gone" in result.output
    assert len(snapshot(db)) == 2


def variant(old, new):
    assert old in VALID
    return VALID.replace(old, new)


BAD_FILES = {
    "missing-name": (variant("name: Jaringan Contoh Jawa Tengah\n", ""), "name", "is required"),
    "long-name": (variant("name: Jaringan Contoh Jawa Tengah", "name: " + "a" * 201), "name", "at most 200"),
    "missing-province": (variant('province: "33"\n', ""), "province", "is required"),
    "regency-as-province": (variant('province: "33"', 'province: "33.74"'), "province", "is not the code of a province"),
    "unknown-province": (variant('province: "33"', 'province: "99"'), "province", "is not the code of a province"),
    "bad-launched": (variant('launched: "2018-07"', 'launched: "Juli 2018"'), "launched", "YYYY-MM"),
    "impossible-launched": (variant('launched: "2018-07"', 'launched: "2018-02-30"'), "launched", "YYYY-MM"),
    "future-launched": (variant('launched: "2018-07"', 'launched: "2999-01"'), "launched", "between 2000 and today"),
    "ancient-launched": (variant('launched: "2018-07"', "launched: 1899"), "launched", "between 2000 and today"),
    "bad-contact": (variant("email: jaringan@example.go.id", "email: bukan-email"), "contact", "not an email"),
    "unknown-field": (variant('province: "33"', 'province: "33"\nmembers: [33.74]'), "members", "not a field"),
    "bad-slug": (variant('province: "33"', 'province: "33"\nslug: Bukan Slug!'), "slug", "not a valid slug"),
    "empty-description": (VALID.split("---\n", 2)[0] + "---\n" + VALID.split("---\n", 2)[1] + "---\n\n", None, "description"),
    "bad-yaml": (variant('province: "33"', "province: [33"), None, "bad YAML"),
}  # fmt: skip


@pytest.mark.parametrize("name", BAD_FILES, ids=list(BAD_FILES))
def test_each_bad_file_stops_the_import_and_is_named(runner, db, folder, name):
    text, field, fragment = BAD_FILES[name]
    assert run_import(runner, folder).exit_code == 0
    changed = folder / "jaringan-contoh-bali.md"
    changed.write_text(changed.read_text().replace("Jaringan Contoh Bali", "Jaringan Contoh Bali Baru"))
    before = snapshot(db)
    (folder / f"{name}.md").write_text(text)
    result = run_import(runner, folder)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors and all(f"{name}.md" in line for line in errors), result.output
    assert any(fragment in line for line in errors), result.output
    if field:
        assert any(f": {field}: " in line for line in errors), result.output
    assert "Nothing imported" in result.output
    assert snapshot(db) == before  # not even the good, changed file


def test_duplicate_slug_is_refused(runner, db, folder):
    (folder / "salinan.md").write_text(
        VALID.replace('province: "33"', 'province: "33"\nslug: jaringan-contoh-jawa-tengah')
    )
    result = run_import(runner, folder)
    assert result.exit_code == 1 and "duplicate slug 'jaringan-contoh-jawa-tengah'" in result.output
    assert snapshot(db) == []


def test_empty_folder_is_an_error(runner, db, tmp_path):
    result = run_import(runner, tmp_path)
    assert result.exit_code == 1 and "holds no network files" in result.output
