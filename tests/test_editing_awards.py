"""Award results in bulk: a competition result for many case studies from a list or a CSV
file, every line checked before anything is written."""

import io

import pytest
import sqlalchemy as sa

from app.catalog.models import Award
from app.extensions import db as _db
from tests import factories
from tests.accounts_fixtures import sign_in
from tests.test_editing_world import revisions_of, token, world  # noqa: F401 (fixture)

URL = "/kelola/penghargaan"


@pytest.fixture
def three(world):  # noqa: F811
    items = [factories.innovation(f"Kandidat {n}", slug=f"kandidat-{n}") for n in (1, 2, 3)]
    _db.session.commit()
    return items


def _awards():
    _db.session.expire_all()
    return sorted(_db.session.execute(sa.select(Award.innovation_id, Award.competition, Award.year, Award.stage)).all())


def _send(client, slugs="", file=None, button="save", **fields):
    data = {"csrf_token": token(client, URL), "competition": "KIPP", "year": "2024", "stage": "top99",
            "slugs": slugs, button: "x", **fields}  # fmt: skip
    if file is not None:
        data["file"] = (io.BytesIO(file), "hasil.csv")
    return client.post(URL, data=data, content_type="multipart/form-data")


def test_an_editor_records_a_result_for_many_case_studies_at_once(client, world, three):  # noqa: F811
    sign_in(client, world["editor"])
    check = _send(client, "kandidat-1\nkandidat-2\n\nkandidat-3, top45\n", button="check")
    assert check.status_code == 200 and "semua baris sah" in check.get_data(as_text=True)
    assert _awards() == []  # a check writes nothing
    response = _send(client, "kandidat-1\nkandidat-2\n\nkandidat-3, top45\n")
    assert response.status_code == 302
    ids = [i.id for i in three]
    assert _awards() == [(ids[0], "KIPP", 2024, "top99"), (ids[1], "KIPP", 2024, "top99"),
                         (ids[2], "KIPP", 2024, "top45")]  # fmt: skip
    assert [r.action for r in revisions_of(ids[0])] == ["baseline", "awarded"]
    assert revisions_of(ids[0])[-1].comment == "KIPP 2024 top99"
    # the case study now shows it, the statistics count it
    assert "KIPP 2024 · Top 99" in client.get("/inovasi/kandidat-1").get_data(as_text=True)
    again = _send(client, "kandidat-1")
    assert again.status_code == 302 and len(_awards()) == 3  # already recorded: nothing twice
    assert "0 penghargaan dicatat; 1 sudah tercatat" in client.get(URL).get_data(as_text=True)


def test_a_csv_file_with_a_header_may_give_each_row_its_own_stage_and_year(client, world, three):  # noqa: F811
    sign_in(client, world["admin"])
    csv = "\ufeffslug;stage;year\nkandidat-1;outstanding;2023\nkandidat-2;;\n".encode()
    assert _send(client, file=csv).status_code == 302
    assert [(a[2], a[3]) for a in _awards()] == [(2023, "outstanding"), (2024, "top99")]


def test_stages_are_taken_by_their_names_in_either_language(client, world, three):  # noqa: F811
    sign_in(client, world["editor"])
    csv = b"slug;stage;year\nkandidat-1;Terpuji;2023\nkandidat-2;TOP 45;2023\nkandidat-3;Outstanding;2022\n"
    assert _send(client, file=csv).status_code == 302
    assert [(a[2], a[3]) for a in _awards()] == [(2023, "outstanding"), (2023, "top45"), (2022, "outstanding")]


BAD = [
    ("kandidat-1\ntidak-ada\n", "Baris 2: &#39;tidak-ada&#39; tidak ada di katalog."),
    ("kandidat-1\nkandidat-2\nkandidat-1\n", "Baris 3: kandidat-1 sudah disebut di baris 1."),
    ("kandidat-1, juara\n", "Baris 1: Tahap &#39;juara&#39; tidak dikenal"),
    ("kandidat-1, top99, 1800\n", "Baris 1: Tahun &#39;1800&#39; tidak sah"),
    ("kandidat-1, top99, dua\n", "Baris 1: Tahun &#39;dua&#39; tidak sah"),
    ("kandidat-1, top99, 2024, " + "x" * 41 + "\n", "Baris 1: Nama kompetisi wajib diisi, paling banyak 40 karakter."),
    ("<script>alert(1)</script>\n", "Baris 1: &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39; tidak ada di katalog."),
    ("", "Tidak ada studi kasus yang disebut."),
]


@pytest.mark.parametrize(("slugs", "message"), BAD)
def test_one_bad_line_is_named_and_nothing_is_written(client, world, three, slugs, message):  # noqa: F811
    sign_in(client, world["editor"])
    response = _send(client, slugs)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html, html[html.find("form-error") : html.find("form-error") + 600]
    assert "<script>alert(1)" not in html and _awards() == []


def test_a_file_that_is_not_utf8_is_refused(client, world, three):  # noqa: F811
    sign_in(client, world["editor"])
    response = _send(client, file="kandidat-1;top99;2024\nkota-\xe9\n".encode("latin-1"))
    assert response.status_code == 400 and "Berkas bukan UTF-8" in response.get_data(as_text=True)
    assert _awards() == []


def test_a_bad_default_stage_or_year_is_refused(client, world, three):  # noqa: F811
    sign_in(client, world["editor"])
    assert _send(client, "kandidat-1", stage="juara").status_code == 400
    response = _send(client, "kandidat-1", year="20x4")
    assert response.status_code == 400 and "Tahun &#39;20x4&#39; tidak sah" in response.get_data(as_text=True)
    assert _awards() == []


def test_a_file_with_a_nul_character_is_refused(client, world, three):  # noqa: F811
    sign_in(client, world["editor"])
    response = _send(client, file=b"kandidat-1\x00;top99;2024\n")
    assert response.status_code == 400 and "Berisi karakter yang tidak sah (NUL)." in response.get_data(as_text=True)
    assert _awards() == []
