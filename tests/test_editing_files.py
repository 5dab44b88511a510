"""Files and the web together: imports keep what the site changed unless forced, imports
are kept in the history, ``flask content export`` writes the published catalogue back, and
export then import into an empty database gives the same catalogue. Only published case
studies are public."""

import shutil

import pytest
import sqlalchemy as sa

from app.catalog.models import Innovation
from app.content import files
from app.content.export import case_of, to_text
from app.extensions import db as _db
from tests import factories
from tests.accounts_fixtures import make_user, sign_in
from tests.conftest import FIXTURES, REFERENCE_TABLES
from tests.test_editing_world import fresh, post, revisions_of, valid_form

GOOD = FIXTURES / "good"
SLUG = "jemput-bola-akta-contoh"


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "innovations"
    shutil.copytree(GOOD, target)
    return target


def run(runner, *args):
    return runner.invoke(args=["content", *map(str, args)])


def _by_slug(slug):
    _db.session.expire_all()
    return _db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))


def _web_edit(client, slug, **changes):
    item = _by_slug(slug)
    edit = f"/kelola/inovasi/{slug}/ubah"
    data = valid_form(slug=slug, version=str(item.version), **changes)
    response = post(client, edit, data, edit)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return _by_slug(slug)


@pytest.fixture
def editor_client(client, db):
    sign_in(client, make_user("editor@kemenpan.example.go.id", "editor"))
    return client


def test_imports_are_published_and_kept_in_the_history(runner, db, folder):
    assert run(runner, "import", folder).exit_code == 0
    item = _by_slug(SLUG)
    assert item.status == "published" and item.edited_at is None
    [revision] = revisions_of(item.id)
    assert (revision.action, revision.status_from, revision.status_to) == ("imported", None, "published")
    assert revision.snapshot["front_matter"]["title"] == "Jemput Bola Akta Kelahiran Contoh"
    assert run(runner, "import", folder).exit_code == 0
    assert len(revisions_of(item.id)) == 1  # an unchanged file writes nothing


def test_a_case_study_changed_on_the_site_is_not_overwritten_by_an_older_file(runner, editor_client, folder):
    assert run(runner, "import", folder).exit_code == 0
    _web_edit(editor_client, SLUG, title="Judul dari situs")
    path = folder / f"{SLUG}.md"
    path.write_text(path.read_text().replace("stage: implemented", "stage: trial"))
    result = run(runner, "import", folder)
    assert result.exit_code == 0
    assert "0 new, 0 updated, 2 unchanged, 1 skipped" in result.output
    assert f"warning: {SLUG} was changed on the site since its last import" in result.output
    item = _by_slug(SLUG)
    assert (item.title, item.stage) == ("Judul dari situs", "implemented")

    # an unchanged file is no news either
    path.write_text(path.read_text().replace("stage: trial", "stage: implemented"))
    assert "1 skipped" not in run(runner, "import", folder).output

    path.write_text(path.read_text().replace("stage: implemented", "stage: trial"))
    forced = run(runner, "import", "--force", folder)
    assert forced.exit_code == 0 and "0 new, 1 updated, 2 unchanged." in forced.output
    item = _by_slug(SLUG)
    assert (item.title, item.stage, item.edited_at) == ("Jemput Bola Akta Kelahiran Contoh", "trial", None)
    actions = [r.action for r in revisions_of(item.id)]
    assert actions == ["imported", "edited", "imported"]  # the site's version is still in the history
    assert revisions_of(item.id)[1].snapshot["front_matter"]["title"] == "Judul dari situs"


def test_a_case_study_written_on_the_site_is_not_replaced_by_a_file_with_its_slug(runner, editor_client, folder):
    response = post(editor_client, "/kelola/inovasi/baru", valid_form(slug=SLUG), "/kelola/inovasi/baru")
    assert response.status_code == 302
    result = run(runner, "import", folder)
    assert "2 new, 0 updated, 0 unchanged, 1 skipped" in result.output
    assert _by_slug(SLUG).status == "draft"


def test_a_file_exported_after_a_web_edit_imports_as_unchanged(runner, editor_client, folder, tmp_path):
    assert run(runner, "import", folder).exit_code == 0
    _web_edit(editor_client, SLUG, title="Judul dari situs")
    result = run(runner, "export", tmp_path / "backup")
    assert result.exit_code == 0 and "Exported 3 published innovations" in result.output
    again = run(runner, "import", tmp_path / "backup")
    assert "0 new, 0 updated, 3 unchanged" in again.output, again.output
    assert _by_slug(SLUG).title == "Judul dari situs"


def _catalogue():
    """Everything the catalogue says about each published case study, comparably."""
    _db.session.expire_all()
    result = {}
    for item in _db.session.scalars(sa.select(Innovation).where(Innovation.is_public)):
        result[item.slug] = {
            **{column: getattr(item, column) for column in (
                "title", "region_code", "year", "started", "stage", "digital", "legal_basis", "language",
                "summary", "body_md", "body_html", "sample")},
            "contacts": [(c.number, c.name, c.position, c.unit, c.email, c.phone, c.whatsapp, c.confirmed_on)
                         for c in item.contacts],
            "owner": (item.owner.name, item.owner.kind, item.owner.slug, item.owner.region_code),
            "institution": item.institution.name,
            "region": item.region.display_name if item.region else None,
            "sectors": [s.slug for s in item.sectors],
            "themes": [t.slug for t in item.themes],
            "awards": [(a.competition, a.year, a.stage) for a in item.awards],
            "status": item.status,
        }  # fmt: skip
    return result


def _empty_database():
    _db.session.remove()
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                connection.execute(table.delete())


HOSTILE_SUMMARY = "Baris satu: \"kutip\" dan 'kutip'.\n---\n# bukan komentar\n  spasi di depan   dan belakang  "


def test_export_then_import_into_an_empty_database_gives_the_same_catalogue(runner, editor_client, folder, tmp_path):
    assert run(runner, "import", folder).exit_code == 0
    assert run(runner, "import", "content").exit_code == 0
    for title, changes in (
        ("Layanan Digital Kementerian Uji: Satu Portal", {"owner_kind": "ministry", "owner": "Kementerian Uji Coba",
                                                          "region": "31.71", "language": "en"}),
        ("Posyandu — Ümlaut «kutip» 🙂 yes", {"summary": HOSTILE_SUMMARY, "awards": "KIPP 2023 top99\nKIPP 2024 top45\n"
                                                "Sinovik Jawa Tengah 2022 outstanding", "sample": "y", "started": "2019"}),
    ):  # fmt: skip
        data = valid_form(title=title, **changes)
        assert post(editor_client, "/kelola/inovasi/baru", data, "/kelola/inovasi/baru").status_code == 302
        item = _db.session.scalar(sa.select(Innovation).where(Innovation.title == " ".join(title.split())))
        assert post(editor_client, f"/kelola/inovasi/{item.slug}/terbitkan", {"version": str(fresh(item.id).version)})
    _web_edit(editor_client, SLUG, body="## Inovasi\n\n---\n\nGaris di atas adalah *hr*.\n\n    kode\n")
    factories.innovation("Masih Draf", status="draft")  # not published: not exported
    archived = factories.innovation("Sudah Diarsipkan", status="archived")
    _db.session.commit()
    before = _catalogue()
    assert len(before) >= 40 and "masih-draf" not in str(before) and archived.slug not in before

    target = tmp_path / "export"
    result = run(runner, "export", target)
    assert result.exit_code == 0, result.output
    assert f"Exported {len(before)} published innovations" in result.output
    assert sorted(p.stem for p in target.glob("*.md")) == sorted(before)
    assert "0 new, 0 changed" in run(runner, "export", target).output  # a second export touches nothing
    source, problems = files.read(target / f"{SLUG}.md")
    assert not problems and source.data["slug"] == SLUG

    _empty_database()
    result = run(runner, "import", target)
    assert result.exit_code == 0, result.output
    assert f"{len(before)} new" in result.output
    assert _catalogue() == before


def test_the_exported_file_reads_like_a_hand_written_one(db):
    item = factories.innovation("Sistem Antrean", sectors=("kesehatan",), themes=("sistem-informasi",),
                                awards=((2019, "top99"),), started="2017-05", digital=True)  # fmt: skip
    text = to_text(case_of(item))
    assert text.startswith("---\ntitle: Sistem Antrean\nslug: ")
    assert "region: '33.02'\nyear: 2020\nstarted: 2017-05\nstage: implemented\nawards:\n- competition: KIPP\n" in text
    assert "sectors:\n- kesehatan\nthemes:\n- sistem-informasi\ndigital: true\n" in text
    assert text.endswith("---\n\n## Latar Belakang\nMasalah.\n\n## Inovasi\nSolusi.\n")


def test_only_published_case_studies_are_public(client, db):
    published = factories.innovation("Inovasi Terbit", awards=((2024, "top99"),), sectors=("pertanian-pangan",))
    for status in ("draft", "submitted", "returned", "archived"):
        factories.innovation(f"Rahasia {status}", status=status, region="33.29", sectors=("kelautan-perikanan",),
                             awards=((2023, "top45"),), year=2011)  # fmt: skip
    _db.session.commit()
    pages = {
        "/": None, "/inovasi": None, "/inovasi?sector=kelautan-perikanan": None, "/pemilik/kabupaten-brebes": None,
        "/wilayah/33": None, "/wilayah/33.29": None, "/statistik": None, "/statistik?year=2024&award=top99": None,
        "/export/innovations.csv": None, "/feeds/innovations.atom": None, "/sitemap.xml": None,
    }  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "Rahasia" not in html, url
        assert "kelautan-perikanan=" not in html.replace("sector=kelautan-perikanan", ""), url
    catalogue = client.get("/inovasi").get_data(as_text=True)
    assert published.title in catalogue and "1 inovasi" in catalogue.lower()
    assert "2011" not in client.get("/statistik").get_data(as_text=True)
    assert client.get("/statistik?year=2023&award=top45").status_code == 400  # no published result that year
    from app.catalog import queries

    assert queries.headline_figures()["innovations"] == 1
    assert queries.counts_by_province() == {"33": 1}
