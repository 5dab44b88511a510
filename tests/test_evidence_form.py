"""Costs and impact indicators on the case-study form: saved, shown again, kept in the history
and restored; several indicator rows without JavaScript ("Tambah indikator"); bad input named
at its field (and row), keeping what was typed and saving nothing. Hypothesis hunts the cost
and indicator fields for any input that is not refused cleanly."""

import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.catalog.models import Indicator, Innovation
from app.content.evidence import MAX_INDICATORS
from app.editing import services
from app.editing.models import Revision
from app.extensions import db as _db
from tests.accounts_fixtures import sign_in
from tests.test_editing_world import fresh, post, valid_form, world  # noqa: F401 (fixture)

NEW = "/kelola/inovasi/baru"
COSTS = {
    "setup_cost": "150.000.000",
    "yearly_cost": "60000000",
    "budget_source": "apbd",
    "staff_needed": "4",
    "months_to_launch": "6",
    "needs_infrastructure": "Internet di puskesmas",
    "needs_regulation_text": "",
    "needs_partners": "Rumah sakit swasta",
    "needs_new_regulation": "false",
}
ROW = {
    "indicators-0-name": "Waktu tunggu",
    "indicators-0-unit": "menit",
    "indicators-0-baseline_value": "120",
    "indicators-0-baseline_date": "2017",
    "indicators-0-result_value": "25,5",
    "indicators-0-result_date": "2019-06",
    "indicators-0-source": "Laporan dinas",
    "indicators-0-higher_is_better": "false",
}


def _error(html, field):
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


def _counts():
    _db.session.expire_all()
    return tuple(_db.session.scalar(sa.select(sa.func.count(m.id))) for m in (Innovation, Indicator, Revision))


def _item(slug):
    _db.session.expire_all()
    return _db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))


def test_costs_and_indicators_are_saved_shown_again_and_kept_in_the_history(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    response = post(client, NEW, valid_form(slug="biaya-form", **COSTS, **ROW), NEW)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    item = _item("biaya-form")
    assert (item.setup_cost, item.yearly_cost, item.budget_source, item.staff_needed) == (
        150_000_000,
        60_000_000,
        "apbd",
        4,
    )
    assert (item.months_to_launch, item.needs_new_regulation, item.needs_regulation_text) == (6, False, None)
    assert [(i.name, i.baseline_value, i.result_value, i.result_date, i.higher_is_better) for i in item.indicators] == [
        ("Waktu tunggu", 120, 25.5, "2019-06", False)
    ]
    snapshot = _db.session.scalars(sa.select(Revision).order_by(Revision.id.desc())).first().snapshot
    assert snapshot["front_matter"]["costs"]["setup"] == 150_000_000
    assert snapshot["front_matter"]["indicators"][0]["result"] == {"value": 25.5, "date": "2019-06"}
    html = client.get("/kelola/inovasi/biaya-form/ubah").get_data(as_text=True)
    assert 'name="setup_cost"' in html and 'value="150000000"' in html
    assert 'value="Waktu tunggu"' in html and 'value="25.5"' in html and 'name="indicators-1-name"' in html
    # a change, then a restore of the first version brings the figures back
    edit = "/kelola/inovasi/biaya-form/ubah"
    changed = valid_form(slug="biaya-form", version=str(fresh(item.id).version), **{**COSTS, "setup_cost": ""})
    assert post(client, edit, changed, edit).status_code == 302
    assert _item("biaya-form").setup_cost is None and _item("biaya-form").indicators == []
    item = _item("biaya-form")
    services.restore(item, 1, user=world["editor"], expected_version=item.version)
    _db.session.commit()
    item = _item("biaya-form")
    assert item.setup_cost == 150_000_000 and [i.name for i in item.indicators] == ["Waktu tunggu"]


def test_tambah_indikator_adds_a_row_keeping_what_was_typed(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    before = _counts()
    response = post(client, NEW, valid_form(**ROW, add_indicator="Tambah indikator"), NEW)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="indicators-1-name"' in html and 'value="Waktu tunggu"' in html
    assert _counts() == before


def test_at_most_twenty_indicators(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    rows = {}
    for n in range(MAX_INDICATORS + 1):
        rows |= {key.replace("-0-", f"-{n}-"): value for key, value in ROW.items()}
        rows[f"indicators-{n}-name"] = f"Indikator {n}"
    response = post(client, NEW, valid_form(**rows, slug="banyak"), NEW)
    # the list holds at most twenty rows: a twenty-first is not read
    assert response.status_code == 302
    assert len(_item("banyak").indicators) == MAX_INDICATORS
    html = client.get("/kelola/inovasi/banyak/ubah").get_data(as_text=True)
    assert 'name="add_indicator"' not in html


# (values, field, words of the message)
BAD = [
    ({"setup_cost": "-5"}, "setup_cost", "Tidak boleh negatif."),
    ({"yearly_cost": "lima juta"}, "yearly_cost", "Tulis bilangan bulat"),
    ({"setup_cost": "1" + "0" * 16}, "setup_cost", "Paling banyak 1000000000000000."),
    ({"staff_needed": "2.5"}, "staff_needed", "Tulis bilangan bulat"),
    ({"months_to_launch": "-1"}, "months_to_launch", "Tidak boleh negatif."),
    ({"budget_source": "hibah"}, "budget_source", "Pilihan tidak sah."),
    ({"needs_new_regulation": "maybe"}, "needs_new_regulation", "Pilihan tidak sah."),
    ({"needs_partners": "<script>alert(1)</script>"}, "needs_partners", "Tidak boleh berisi tanda &lt;"),
    ({"indicators-1-name": "", "indicators-1-unit": "x", "indicators-1-baseline_value": "1",
      "indicators-1-result_value": "2"}, "indicators-1-name", "Wajib diisi."),
    ({"indicators-1-name": "Dua", "indicators-1-baseline_value": "1", "indicators-1-result_value": "2"},
     "indicators-1-unit", "Wajib diisi."),
    ({"indicators-1-name": "Dua", "indicators-1-unit": "x", "indicators-1-baseline_value": "banyak",
      "indicators-1-result_value": "2"}, "indicators-1-baseline_value", "Tulis angka"),
    ({"indicators-1-name": "Dua", "indicators-1-unit": "x", "indicators-1-baseline_value": "1",
      "indicators-1-baseline_date": "2020", "indicators-1-result_value": "2", "indicators-1-result_date": "2018"},
     "indicators-1-result_date", "Tidak boleh sebelum waktu sebelum (2020)."),
    ({"indicators-1-name": "Dua", "indicators-1-unit": "x", "indicators-1-baseline_value": "1",
      "indicators-1-result_value": "2", "indicators-1-result_date": "2999"}, "indicators-1-result_date",
     "Waktu harus antara 1990 dan hari ini."),
    ({"indicators-1-name": "Waktu tunggu", "indicators-1-unit": "x", "indicators-1-baseline_value": "1",
      "indicators-1-result_value": "2"}, "indicators-1-name", "Nama indikator ini sudah dipakai."),
    ({"indicators-1-name": "Dua", "indicators-1-unit": "x", "indicators-1-baseline_value": "1",
      "indicators-1-result_value": "2", "indicators-1-higher_is_better": "maybe"}, "indicators-1-higher_is_better",
     "Pilihan tidak sah."),
]  # fmt: skip


@pytest.mark.parametrize(("values", "field", "words"), BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_bad_costs_and_indicators_are_named_at_their_field_keep_what_was_typed_and_save_nothing(
    client,
    world,
    values,
    field,
    words,  # noqa: F811
):
    sign_in(client, world["editor"])
    before = _counts()
    response = post(client, NEW, valid_form(**{**COSTS, **ROW, **values}), NEW)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert words in _error(html, field), (field, _error(html, field), re.findall(r'class="error"[^>]*>(.*?)<', html))
    assert "Tidak sah:" not in html
    assert 'value="Waktu tunggu"' in html  # what was typed is still there
    assert "<script>alert(1)</script>" not in html
    assert _counts() == before


_typed = st.one_of(
    st.text(max_size=25),
    st.integers(min_value=-(10**17), max_value=10**17).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1.000.000", "1,5", " 12 ", "1e5", "0x10", "١٢٣", "2019-02-30", "'; DROP TABLE innovation; --"]),
)
FIELDS = [*COSTS, *ROW]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(FIELDS), _typed, min_size=1, max_size=4))
def test_any_typed_costs_or_indicator_either_save_or_are_refused_cleanly(client, world, values):  # noqa: F811
    if "\x00" in "".join(values.values()):
        return  # NUL is refused before the rules (tests/test_editing_bad_input.py)
    sign_in(client, world["editor"])
    before = _counts()
    response = post(client, NEW, valid_form(**{**COSTS, **ROW, **values, "slug": "hunt"}), NEW)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        html = response.get_data(as_text=True)
        assert "Tidak sah:" not in html
        assert _counts() == before
        return
    item = _item("hunt")
    assert item.setup_cost is None or 0 <= item.setup_cost <= 10**15
    assert all(abs(i.baseline_value) <= 10**15 for i in item.indicators)
    _db.session.delete(item)
    _db.session.commit()
