"""Each bad file on its own, in a folder of good ones, stops the import, is named with its
field, and leaves the database exactly as it was."""

import shutil

import pytest
import sqlalchemy as sa

from app.catalog.models import Innovation
from tests.conftest import FIXTURES
from tests.test_import import run_import, snapshot

VALID = (FIXTURES / "good" / "jemput-bola-akta-contoh.md").read_text()


def variant(old, new):
    assert old in VALID
    return VALID.replace(old, new)


BAD_FILES = {
    "missing-title": (variant("title: Jemput Bola Akta Kelahiran Contoh\n", ""), "title", "is required"),
    "missing-sectors": (variant("sectors: [administrasi-kependudukan]\n", ""), "sectors", "is required"),
    "empty-summary": (variant("summary: Petugas", 'summary: ""\nx_: Petugas'), "summary", None),
    "unknown-sector": (variant("[administrasi-kependudukan]", "[kesehatann]"), "sectors", "unknown sector 'kesehatann'"),
    "unknown-theme": (variant("[jemput-bola]", "[jemput-bola, bola-jemput]"), "themes", "unknown theme 'bola-jemput'"),
    "unknown-region": (variant('region: "33.02"', 'region: "33.99"'), "region", "'33.99' is not an official region"),
    "region-kind-mismatch": (variant('region: "33.02"', 'region: "33.74"'), "region", "33.74 is a city, but owner_kind is regency"),
    "region-as-number": (variant('region: "33.02"', "region: 33.10"), "region", "quote the code"),
    "region-missing": (variant('region: "33.02"\n', ""), "region", "is required for owner_kind regency"),
    "bad-owner-kind": (variant("owner_kind: regency", "owner_kind: kabupaten"), "owner_kind", "must be one of"),
    "bad-year": (variant("year: 2021", "year: dua ribu"), "year", "must be a year"),
    "future-year": (variant("year: 2021", "year: 2999"), "year", "is not a year between"),
    "bad-stage": (variant("stage: implemented", "stage: done"), "stage", "must be one of"),
    "bad-started": (variant("year: 2021\n", "year: 2021\nstarted: 2019-13\n"), "started", "YYYY"),
    "bad-award": (variant("stage: implemented\n", "stage: implemented\nawards:\n  - {competition: KIPP, year: 2021, stage: winner}\n"), "awards", "stage must be one of"),
    "bad-digital": (variant("sample: true", "sample: true\ndigital: maybe"), "digital", "true or false"),
    "bad-language": (variant("sample: true", "sample: true\nlanguage: fr"), "language", "must be one of"),
    "bad-contact": (variant("sample: true", "sample: true\ncontact: {email: not-an-email}"), "contact", "not an email"),
    "unknown-field": (variant("sample: true", "sample: true\nsector: kesehatan"), "sector", "not a field"),
    "invalid-slug": (variant("sample: true", "sample: true\nslug: Jemput_Bola!"), "slug", "not a valid slug"),
    "Invalid File Name": (VALID, "slug", "file name 'Invalid File Name' is not a valid slug"),
    "title-too-long": (variant("title: Jemput Bola Akta Kelahiran Contoh", "title: " + "a" * 301), "title", "at most 300"),
}  # fmt: skip


@pytest.fixture
def imported(runner, db, tmp_path):
    """A folder of good files, already imported once, with one good file since changed."""
    folder = tmp_path / "innovations"
    shutil.copytree(FIXTURES / "good", folder)
    assert run_import(runner, folder).exit_code == 0
    changed = folder / "antrean-puskesmas-contoh.md"
    changed.write_text(changed.read_text().replace("stage: institutionalized", "stage: trial"))
    return folder


def assert_rejected(runner, db, folder, name, *fragments, only=True):
    """The import fails, names ``name`` (in every error when ``only``), and changes nothing."""
    before = snapshot(db)
    result = run_import(runner, folder)
    assert result.exit_code == 1, result.output
    assert "Nothing imported" in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors and (all if only else any)(name in line for line in errors), result.output
    for fragment in fragments:
        assert fragment in result.output, result.output
    assert snapshot(db) == before
    return result.output


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_front_matter(runner, db, imported, name):
    text, field, message = BAD_FILES[name]
    (imported / f"{name}.md").write_text(text)
    assert_rejected(runner, db, imported, f"{name}.md", f": {field}: ", *([message] if message else []))


def test_bad_yaml_gives_the_line(runner, db, imported):
    text = variant("stage: implemented", "stage: [implemented")
    (imported / "bad-yaml.md").write_text(text)
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if row.startswith("stage:"))
    output = assert_rejected(runner, db, imported, "bad-yaml.md", "bad YAML")
    assert any(f"bad-yaml.md:{n}:" in output for n in (line, line + 1)), output


def test_field_errors_give_the_line(runner, db, imported):
    (imported / "bad-region.md").write_text(variant('region: "33.02"', 'region: "99.99"'))
    line = next(i for i, row in enumerate(VALID.splitlines(), start=1) if row.startswith("region:"))
    assert_rejected(runner, db, imported, "bad-region.md", f"bad-region.md:{line}: region:")


def test_no_front_matter(runner, db, imported):
    (imported / "plain.md").write_text("# Just Markdown\n")
    assert_rejected(runner, db, imported, "plain.md", "front matter")


def test_front_matter_that_is_not_a_mapping(runner, db, imported):
    (imported / "list.md").write_text("---\n- a\n- b\n---\nbody\n")
    assert_rejected(runner, db, imported, "list.md", "mapping of fields")


def test_duplicate_slug(runner, db, imported):
    (imported / "copy.md").write_text(variant("sample: true", "sample: true\nslug: jemput-bola-akta-contoh"))
    output = assert_rejected(runner, db, imported, "jemput-bola-akta-contoh", "duplicate slug")
    assert "copy.md" in output


def test_non_utf8_bytes(runner, db, imported):
    (imported / "latin1.md").write_bytes(VALID.replace("Contoh", "Contoh\u00e9").encode("latin-1"))
    assert_rejected(runner, db, imported, "latin1.md", "not UTF-8")


def test_file_over_one_megabyte(runner, db, imported):
    (imported / "huge.md").write_text(VALID + "x" * (1024 * 1024))
    assert_rejected(runner, db, imported, "huge.md", "at most 1,048,576 bytes")


def test_symlink_is_not_followed(runner, db, imported, tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(VALID.replace("jemput", "x"))
    (imported / "link.md").symlink_to(outside)
    assert_rejected(runner, db, imported, "link.md", "symbolic link")


def test_same_owner_with_two_kinds(runner, db, imported):
    ministry = (imported / "digital-services-ministry-example.md").read_text()
    (imported / "agency-too.md").write_text(ministry.replace("owner_kind: ministry", "owner_kind: agency"))
    output = assert_rejected(runner, db, imported, "agency-too.md", "owner_kind", only=False)
    assert "'Kementerian Contoh' is already in the catalogue with owner_kind ministry" in output


def test_every_problem_is_reported_at_once(runner, db, imported):
    (imported / "one.md").write_text(variant("[administrasi-kependudukan]", "[nope]"))
    (imported / "two.md").write_text(variant('region: "33.02"', 'region: "00"'))
    result = run_import(runner, imported)
    assert result.exit_code == 1
    assert "one.md" in result.output and "two.md" in result.output
    assert "2 problem(s)" in result.output


def test_hostile_body_is_sanitised(runner, db, imported):
    body = (
        "## Latar <script>alert(1)</script>\n\n"
        '<img src=x onerror="alert(2)">\n\n'
        "[klik](javascript:alert(3)) dan <a href='javascript:alert(4)'>ini</a>\n\n"
        '<p onclick="alert(5)">teks</p> <iframe src="https://evil.example"></iframe>\n\n'
        '<h2 id="main">Menimpa</h2>\n\n<style>body{display:none}</style>\n'
    )
    (imported / "xss.md").write_text(VALID.split("---\n\n")[0] + "---\n\n" + body)
    result = run_import(runner, imported)
    assert result.exit_code == 0, result.output
    html = db.session.scalar(sa.select(Innovation.body_html).where(Innovation.slug == "xss"))
    lowered = html.lower()
    for forbidden in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<img", "<style", 'id="main"'):
        assert forbidden not in lowered, (forbidden, html)
    assert "teks" in html and "klik" in html


def test_hostile_front_matter_is_stored_as_text(runner, db, imported):
    (imported / "script-title.md").write_text(
        variant("title: Jemput Bola Akta Kelahiran Contoh", 'title: "<script>alert(1)</script> Akta"')
    )
    assert run_import(runner, imported).exit_code == 0
    title = db.session.scalar(sa.select(Innovation.title).where(Innovation.slug == "script-title"))
    assert title == "<script>alert(1)</script> Akta"  # stored as written; escaped when shown
