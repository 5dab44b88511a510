"""Award results are written as people say them ("KIPP 2024 Top 99", "Terpuji",
"Outstanding"), not as codes; the form shows them by their names and reads back what it shows,
in either language."""

import pytest
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st
from wtforms.validators import ValidationError

from app.catalog.models import AWARD_STAGES
from app.editing.forms import awards_text, parse_awards
from tests.accounts_fixtures import sign_in
from tests.test_editing_world import fresh, post, valid_form, world  # noqa: F401 (fixture)

COMPETITION = st.lists(
    st.text(alphabet=st.characters(categories=("L",)), min_size=1, max_size=8), min_size=1, max_size=3
).map(" ".join)
AWARD = st.fixed_dictionaries(
    {"competition": COMPETITION, "year": st.integers(1990, 2099).map(str), "stage": st.sampled_from(AWARD_STAGES)}
)


@given(awards=st.lists(AWARD, max_size=5), locale=st.sampled_from(["id", "en"]))
def test_what_the_form_shows_reads_back_as_the_same_awards_in_either_language(app, awards, locale):
    with app.test_request_context(), force_locale(locale):
        text = awards_text(awards)
        assert "top99" not in text and "outstanding" not in text.replace("Outstanding", "")
        assert parse_awards(text) == awards


@pytest.mark.parametrize(
    ("line", "award"),
    [("KIPP 2024 Top 99", ("KIPP", "2024", "top99")), ("KIPP 2024 top99", ("KIPP", "2024", "top99")),
     ("KIPP 2024 TOP  45", ("KIPP", "2024", "top45")), ("Top 99 2023 Top 99", ("Top 99", "2023", "top99")),
     ("Sinovik Jawa Tengah 2022 Terpuji", ("Sinovik Jawa Tengah", "2022", "outstanding")),
     ("KIPP 2021 outstanding", ("KIPP", "2021", "outstanding")), ("KIPP 2020 Usulan", ("KIPP", "2020", "proposal"))],
)  # fmt: skip
def test_a_stage_is_read_by_its_code_or_its_name_in_either_language(line, award):
    assert parse_awards(line) == [dict(zip(("competition", "year", "stage"), award, strict=True))]


@pytest.mark.parametrize(
    ("text", "words"),
    [("KIPP Top 99", "Baris 1: tulis kompetisi, tahun dan tahap"), ("2024 Top 99", "Baris 1: tulis kompetisi"),
     ("KIPP 2024", "Baris 1: tulis kompetisi"), ("KIPP 2024 Top 99\nKIPP 2024 juara satu", "Baris 2: tahap juara satu"),
     ("KIPP 2024 <script>", "tahap <script> tidak dikenal")],
)  # fmt: skip
def test_a_line_without_a_year_or_with_an_unknown_stage_is_named(app, text, words):
    with app.test_request_context(), pytest.raises(ValidationError) as refused:
        parse_awards(text)
    assert words in str(refused.value)


def test_an_editor_writes_results_by_name_and_sees_them_by_name(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    item = world["draft"]
    data = valid_form(title=item.title, awards="KIPP 2024 Top 99\nSinovik Jawa Tengah 2022 Terpuji")
    answer = post(client, f"/kelola/inovasi/{item.slug}/ubah", {**data, "version": str(fresh(item.id).version)})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    saved = fresh(item.id)
    assert sorted((a.competition, a.year, a.stage) for a in saved.awards) == [
        ("KIPP", 2024, "top99"), ("Sinovik Jawa Tengah", 2022, "outstanding")]  # fmt: skip
    form = client.get(f"/kelola/inovasi/{item.slug}/ubah").get_data(as_text=True)
    assert "KIPP 2024 Top 99" in form and "Sinovik Jawa Tengah 2022 Terpuji" in form and "top99" not in form
