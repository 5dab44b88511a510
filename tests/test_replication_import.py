"""The replication CSV import: absent columns keep their fields, the preview says what each
row does, only published case studies can be named, a NUL character is refused. The
escape of formula-like cells: test_csvfiles.py; property tests: test_csv_properties.py."""

import csv
import io
import re

import pytest
import sqlalchemy as sa

from app.csvfiles import escape_cell
from app.replication import services
from app.replication.models import Replication
from tests import factories
from tests.accounts_fixtures import add_member, csrf_token, make_network, make_user, reload, sign_in

_TOKEN = re.compile(r'name="token" type="hidden" value="([0-9a-f]+)"')
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csv_bytes(header, rows):
    """A CSV file as a spreadsheet saves it (cells escaped as the export escapes them)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([escape_cell(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def preview(client, data):
    """Upload ``data`` to the import page: (status, page)."""
    token = csrf_token(client, "/replikasi/impor")
    response = client.post("/replikasi/impor", data={"csrf_token": token, "file": (io.BytesIO(data), "r.csv")},
                           content_type="multipart/form-data")  # fmt: skip
    return response.status_code, response.get_data(as_text=True)


def confirm(client, page):
    """Press "save every row" on a preview page; returns the message shown afterwards."""
    token, csrf = _TOKEN.search(page).group(1), _CSRF.search(page).group(1)
    response = client.post("/replikasi/impor/simpan", data={"csrf_token": csrf, "token": token, "rows": "1"})
    assert response.status_code == 302
    return client.get("/replikasi/impor").get_data(as_text=True)


def problems(page):
    """The problems table of a preview, as (row, column, message)."""
    return re.findall(r"<tr><td>(\d+)</td><td><code>([^<]*)</code></td><td>([^<]*)</td></tr>", page)


@pytest.fixture
def world(db):
    """A published innovation of Kota Semarang, two replications of it, an editor signed in."""
    innovation = factories.innovation("Tele Sehat", kind="city", region="33.74")
    editor = make_user("editor@example.go.id", "editor")
    full = services.create(
        innovation, factories.owner("regency", "35.08"), "piloting", user=editor,
        local_name="TELE LUMAJANG", legal_basis="Perbup Lumajang 7/2024", evidence="https://a.example/1",
        outcome_value=-5.5, outcome_unit="persen", notes="Catatan **penting**.", adopter_unit="Dinas Kesehatan",
        budget_source="apbd", transfer_mode="study_visit",
    )  # fmt: skip
    plain = services.create(innovation, factories.owner("regency", "35.09"), "planned", user=editor)
    db.session.commit()
    return {"innovation": innovation, "editor": editor, "full": full, "plain": plain}


def test_columns_a_file_lacks_keep_their_values_and_the_preview_says_so(client, db, world):
    sign_in(client, world["editor"])
    slug = world["innovation"].slug
    data = csv_bytes(
        ("innovation", "adopter_region", "stage", "local_name", "legal_basis"),
        [(slug, "35.08", "piloting", "TELE BARU", ""), (slug, "35.09", "planned", "", ""),
         (slug, "35.10", "interest", "", "")],
    )  # fmt: skip
    status, page = preview(client, data)
    assert status == 200, problems(page)
    notice = re.search(r'<div class="notice" role="status" id="absent-columns">(.*?)</div>', page, re.S).group(1)
    assert "nilainya yang tersimpan tetap" in notice
    for column in ("evidence", "notes", "outcome_value", "adopter_unit", "network", "budget_source"):
        assert f"<code>{column}</code>" in notice
    assert "<code>local_name</code>" not in notice and "<code>legal_basis</code>" not in notice
    assert "1 replikasi baru, 1 berubah, 1 tidak berubah." in page
    effects = re.findall(r'<td class="plan-(\w+)">(.*?)</td>', page)
    assert effects[0] == ("change", "Mengubah: <code>local_name</code>, <code>legal_basis</code>")
    assert effects[1:] == [("same", "Tidak berubah"), ("create", "Baru")]
    assert reload(Replication, id=world["full"].id).local_name == "TELE LUMAJANG"  # nothing before confirming

    assert "1 replikasi baru, 1 diperbarui, 1 tidak berubah" in confirm(client, page)
    full = reload(Replication, id=world["full"].id)
    assert (full.local_name, full.legal_basis) == ("TELE BARU", None)  # carried: set, or cleared when empty
    assert full.evidence == "https://a.example/1" and full.outcome_value == -5.5 and full.outcome_unit == "persen"
    assert full.notes_md == "Catatan **penting**." and full.adopter_unit.name == "Dinas Kesehatan"
    assert (full.budget_source, full.transfer_mode) == ("apbd", "study_visit")
    new = db.session.scalar(sa.select(Replication).where(Replication.adopter.has(region_code="35.10")))
    assert new.stage == "interest" and new.evidence is None and new.notes_md == "" and new.local_name is None


def test_the_preview_refuses_what_the_write_would_refuse(client, db, world):
    """A stage move backwards, or a discontinued replication left without a reason."""
    sign_in(client, world["editor"])
    slug = world["innovation"].slug
    data = csv_bytes(("innovation", "adopter_region", "stage"),
                     [(slug, "35.08", "planned"), (slug, "35.09", "discontinued")])  # fmt: skip
    status, page = preview(client, data)
    assert status == 400 and "Simpan semua baris" not in page
    assert problems(page) == [
        ("2", "stage", "Tahap tidak dapat berpindah dari Uji coba ke Direncanakan."),
        ("3", "discontinued_reason", "Sebutkan alasan penghentian."),
    ]


def test_a_file_without_the_reason_column_keeps_a_discontinued_replications_reason(client, db, world):
    services.update(world["plain"], user=world["editor"], expected_version=world["plain"].version,
                    stage="discontinued", discontinued_reason="Anggaran dialihkan.")  # fmt: skip
    db.session.commit()
    sign_in(client, world["editor"])
    data = csv_bytes(("innovation", "adopter_region", "stage", "local_name"),
                     [(world["innovation"].slug, "35.09", "discontinued", "")])  # fmt: skip
    status, page = preview(client, data)
    assert status == 200 and "Tidak berubah" in page, problems(page)
    confirm(client, page)
    assert reload(Replication, id=world["plain"].id).discontinued_reason == "Anggaran dialihkan."


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "archived"])
def test_an_unpublished_case_study_cannot_be_named_and_is_not_revealed(client, db, world, status):
    hidden = factories.innovation("Inovasi Rahasia", kind="city", region="33.74", status=status)
    db.session.commit()
    sign_in(client, world["editor"])
    header = ("innovation", "adopter_region", "stage")
    _, unknown = preview(client, csv_bytes(header, [("tidak-ada-sama-sekali", "35.11", "planned")]))
    code, page = preview(client, csv_bytes(header, [(hidden.slug, "35.11", "planned")]))
    assert code == 400 and "Simpan semua baris" not in page
    assert problems(page) == [("2", "innovation", f"Inovasi {hidden.slug} tidak ada di katalog.")]
    assert problems(unknown) == [("2", "innovation", "Inovasi tidak-ada-sama-sekali tidak ada di katalog.")]
    assert "Inovasi Rahasia" not in page
    assert (
        db.session.scalar(sa.select(sa.func.count(Replication.id)).where(Replication.innovation_id == hidden.id)) == 0
    )


def test_the_command_line_import_names_only_published_case_studies(runner, db, world, tmp_path):
    hidden = factories.innovation("Inovasi Draf", kind="city", region="33.74", status="draft")
    db.session.commit()
    path = tmp_path / "r.csv"
    path.write_text(f"innovation,adopter_region,stage\n{hidden.slug},35.11,planned\n")
    result = runner.invoke(args=["replications", "import", str(path)])
    assert result.exit_code == 1 and f"Inovasi {hidden.slug} tidak ada di katalog." in result.output


def test_a_nul_character_is_refused_with_its_row_and_column(client, db, world):
    sign_in(client, world["editor"])
    data = csv_bytes(("innovation", "adopter_region", "stage", "local_name"),
                     [(world["innovation"].slug, "35.11", "planned", "TELE\x00")])  # fmt: skip
    status, page = preview(client, data)
    assert status == 400 and problems(page) == [("2", "local_name", "Berisi karakter yang tidak sah (NUL).")]
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 2


def test_a_long_preview_lists_the_rows_that_change_first(client, db, world):
    from app.regions.models import Region
    from app.replication import csvio

    codes = db.session.scalars(
        sa.select(Region.code).where(Region.kind == "regency", Region.code.not_in(("35.08", "35.09"))).limit(250)
    ).all()
    header = ("innovation", "adopter_region", "stage", "local_name")
    rows = [[world["innovation"].slug, code, "planned", f"Lokal {n}"] for n, code in enumerate(codes)]
    csvio.write(csvio.read(csv_bytes(header, rows)), world["editor"])
    db.session.commit()
    rows[-1][3] = "Nama baru"
    sign_in(client, world["editor"])
    status, page = preview(client, csv_bytes(header, rows))
    assert status == 200 and "0 replikasi baru, 1 berubah, 249 tidak berubah." in page
    assert len(re.findall(r'<td class="plan-', page)) == 200
    assert "<tr><td>251</td>" in page and "Mengubah: <code>local_name</code>" in page


def test_the_command_line_import_says_which_columns_it_keeps(runner, db, world, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(f"innovation,adopter_region,stage,local_name\n{world['innovation'].slug},35.08,piloting,BARU\n")
    result = runner.invoke(args=["replications", "import", str(path)])
    assert result.exit_code == 0 and "0 new, 1 updated" in result.output
    assert "Not in r.csv, so kept as stored: adopter_unit, network, transfer_mode," in result.output
    assert reload(Replication, id=world["full"].id).legal_basis == "Perbup Lumajang 7/2024"


def test_stages_codes_and_regions_may_be_written_by_name_in_either_language(client, db, world):
    # What a coordinator's spreadsheet says: stage names in Indonesian or English, any case,
    # regions by their name (the kind written out, shortened or left off when it is unique).
    sign_in(client, world["editor"])
    slug = world["innovation"].slug
    data = csv_bytes(
        ("innovation", "adopter_region", "stage", "transfer_mode", "budget_source"),
        [(slug, "Kab. Lumajang", "Uji Coba", "Kunjungan lapangan / studi banding", "APBD"),
         (slug, "jember", "Planned", "", ""),
         (slug, "Kota Surabaya", "berminat", "peer learning", "Dana desa")],
    )  # fmt: skip
    status, page = preview(client, data)
    assert status == 200, problems(page)
    assert "1 replikasi baru, 0 berubah, 2 tidak berubah." in page  # the names are the codes they had
    confirm(client, page)
    new = db.session.scalar(sa.select(Replication).where(Replication.adopter.has(region_code="35.78")))
    assert (new.stage, new.transfer_mode, new.budget_source) == ("interest", "peer_learning", "village_funds")
    full = reload(Replication, id=world["full"].id)
    assert (full.stage, full.transfer_mode, full.budget_source) == ("piloting", "study_visit", "apbd")


@pytest.mark.parametrize(
    ("region", "stage", "column", "message"),
    [
        ("Bandung", "interest", "adopter_region",
         "Bandung bisa berarti beberapa wilayah: Kabupaten Bandung (32.04), Kota Bandung (32.73). "
         "Tulis kode atau nama lengkapnya."),
        ("Kota Lumajang", "interest", "adopter_region",
         "Wilayah Kota Lumajang tidak dikenal. Tulis kode Kemendagri (mis. 35.08) atau nama lengkap "
         "(mis. Kabupaten Lumajang)."),
        ("99.99", "interest", "adopter_region", "Wilayah 99.99 tidak dikenal."),
        ("<script>alert(1)</script>", "interest", "adopter_region", "Wilayah &lt;script&gt;alert(1)&lt;/script&gt;"),
        ("35.78", "direncanakann", "stage",
         "Tahap direncanakann tidak dikenal. Tulis salah satu: Berminat, Direncanakan,"),
        ("35.78", "'; DROP TABLE replication; --", "stage", "Tahap &#39;; DROP TABLE replication; -- tidak dikenal."),
    ],
)  # fmt: skip
def test_a_name_that_is_unknown_or_ambiguous_is_refused_with_what_to_write(client, db, world, region, stage, column,
                                                                           message):  # fmt: skip
    sign_in(client, world["editor"])
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Replication))
    status, page = preview(client, csv_bytes(("innovation", "adopter_region", "stage"),
                                             [(world["innovation"].slug, region, stage)]))  # fmt: skip
    assert status == 400 and "Simpan semua baris" not in page
    found = problems(page)
    assert [(row, col) for row, col, _text in found] == [("2", column)], found
    assert message in found[0][2], found
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Replication)) == before


def test_the_template_imports_once_its_example_is_kept_and_the_page_links_it(client, db, world):
    # A coordinator finds the import from their pages, downloads the template, and the
    # template's example row is itself a valid row (in the reader's words).
    coordinator = make_user("koord@example.go.id", "coordinator", networks=[make_network("jipp-jatim", "35")])
    add_member(coordinator.networks[0], "35.10")
    db.session.commit()
    sign_in(client, coordinator)
    assert 'href="/replikasi/impor"' in client.get("/minat-saya").get_data(as_text=True)
    assert 'href="/replikasi/impor"' in client.get("/jaringan/jipp-jatim").get_data(as_text=True)
    page = client.get("/replikasi/impor").get_data(as_text=True)
    assert 'href="/replikasi/impor/templat.csv"' in page and "Direncanakan (<code>planned</code>)" in page
    response = client.get("/replikasi/impor/templat.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="templat-impor-replikasi.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["innovation", "adopter_region", "adopter"] and len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    assert (example["innovation"], example["adopter_region"], example["stage"]) == (
        world["innovation"].slug, "Kabupaten Lumajang", "Direncanakan")  # fmt: skip
    # Lumajang already replicates it at "piloting": the example as it is would move it back.
    example.update(adopter_region="Kabupaten Banyuwangi")
    status, preview_page = preview(client, csv_bytes(rows[0], [[example[c] for c in rows[0]]]))
    assert status == 200, problems(preview_page)


def test_only_importers_get_the_template(client, db, world):
    assert client.get("/replikasi/impor/templat.csv").status_code == 302  # to sign in
    sign_in(client, make_user("pejabat@example.go.id", "official", owner=world["innovation"].owner))
    assert client.get("/replikasi/impor/templat.csv").status_code == 403
