"""Costs and impact indicators in the case-study format: the rules (with properties), the
importer, the export round trip, indicator rows kept by name, and the sample case studies."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from hypothesis import given
from hypothesis import strategies as st

from app.catalog.models import Indicator, Innovation
from app.content.evidence import MAX_INDICATORS, check_costs, check_indicators
from app.extensions import db as _db

TODAY = date(2026, 12, 4)
COSTS = {
    "setup": 45_000_000,
    "yearly": 60_000_000,
    "budget_source": "apbd",
    "staff": 2,
    "months_to_launch": 8,
    "prerequisites": {"infrastructure": "Gerbang WhatsApp", "regulation": "Perbup", "partners": "Klinik swasta"},
    "needs_new_regulation": True,
}
INDICATOR = {
    "name": "Kunjungan nifas lengkap",
    "unit": "persen",
    "baseline": {"value": 61, "date": "2016"},
    "result": {"value": 93.5, "date": "2019-06"},
    "source": "Laporan dinas",
    "higher_is_better": False,
}


def _costs(value):
    problems = []
    return check_costs(value, problems.append), problems


def _indicators(value):
    problems = []
    return check_indicators(value, problems.append, TODAY), problems


def test_complete_costs_and_indicators_pass_as_they_are():
    assert _costs(COSTS) == (COSTS, [])
    assert _indicators([INDICATOR]) == ([INDICATOR], [])
    # typed as people write Rupiah, and "unknown" for the regulation
    typed = {"setup": "45.000.000", "yearly": "60 000 000", "needs_new_regulation": "unknown"}
    assert _costs(typed) == ({"setup": 45_000_000, "yearly": 60_000_000}, [])
    # higher is better by default (left out), a whole float is an int, a YAML date is text
    plain = {**INDICATOR, "higher_is_better": True, "baseline": {"value": 61.0, "date": date(2016, 1, 31)}}
    kept = _indicators([plain])[0][0]
    assert "higher_is_better" not in kept and kept["baseline"] == {"value": 61, "date": "2016-01-31"}
    assert isinstance(kept["baseline"]["value"], int)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"setup": -1}, "setup must not be negative"),
        ({"setup": "-5"}, "setup must not be negative"),
        ({"yearly": "lima juta"}, "yearly must be a whole number"),
        ({"setup": 10**15 + 1}, "setup is more than 1000000000000000"),
        ({"setup": 1.5}, "setup must be a whole number"),
        ({"setup": float("nan")}, "setup must be a whole number"),
        ({"staff": True}, "staff must be a whole number"),
        ({"staff": -3}, "staff must not be negative"),
        ({"months_to_launch": "enam"}, "months_to_launch must be a whole number"),
        ({"months_to_launch": 10_000}, "months_to_launch is more than 600"),
        ({"budget_source": "hibah"}, "budget_source must be one of apbd, apbn, dak, dana_desa, csr, other"),
        ({"needs_new_regulation": "maybe"}, "needs_new_regulation must be true, false or unknown"),
        ({"prerequisites": "semua"}, "prerequisites must be a mapping"),
        ({"prerequisites": {"budget": "x"}}, "prerequisites budget is not one of"),
        ({"prerequisites": {"partners": "<script>alert(1)</script>"}}, "prerequisites partners must not contain"),
        ({"prerequisites": {"regulation": "x" * 501}}, "prerequisites regulation is 501 characters long"),
        ({"price": 5}, "price is not a field of costs"),
    ],
)
def test_bad_costs_are_refused_with_what_is_wrong(change, words):
    costs, problems = _costs({**COSTS, **change})
    assert costs == {}
    assert any(words in p for p in problems), problems


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"name": None}, "name is required"),
        ({"name": "  "}, "name is required"),
        ({"unit": None}, "unit is required"),
        ({"name": "<script>alert(1)</script>"}, "name must not contain < >"),
        ({"unit": "u" * 61}, "unit is 61 characters long; at most 60"),
        ({"baseline": None}, "baseline is required"),
        ({"baseline": {"value": "banyak"}}, "baseline value must be a number"),
        ({"result": {"value": 10**16}}, "result value is beyond"),
        ({"result": {"value": float("inf")}}, "result value must be a number"),
        ({"result": {"value": 5, "when": "2019"}}, "result must be {value, date}"),
        ({"result": {"value": 5, "date": "2015"}}, "result date 2015 is before the baseline date 2016"),
        ({"result": {"value": 5, "date": "2019-13"}}, "is not a date"),
        ({"result": {"value": 5, "date": "2030"}}, "is not between 1990 and today"),
        ({"result": {"value": 5, "date": "kemarin"}}, "must be YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"higher_is_better": "ya"}, "higher_is_better must be true or false"),
        ({"source": "'; DROP TABLE innovation; --" + "x" * 500}, "source is"),
        ({"target": 5}, "target is not a field of an indicator"),
    ],
)
def test_a_bad_indicator_is_refused_with_what_is_wrong(change, words):
    second = {**INDICATOR, "name": "Kedua", **change}
    indicators, problems = _indicators([INDICATOR, second])
    assert indicators == []
    assert any(words in p and p.startswith("indicator 2: ") for p in problems), problems


def test_the_list_is_short_and_names_are_unique():
    many = [{**INDICATOR, "name": f"Indikator {n}"} for n in range(MAX_INDICATORS + 1)]
    assert _indicators(many)[1] == [f"lists 21 indicators; at most {MAX_INDICATORS}"]
    assert _indicators(many[:MAX_INDICATORS])[1] == []
    twice = _indicators([INDICATOR, {**INDICATOR, "name": INDICATOR["name"].upper()}])
    assert twice[0] == [] and "is listed twice" in twice[1][0]
    assert _indicators({"name": "x"})[1][0].startswith("must be a list of")
    assert _costs([1])[1][0].startswith("must be a mapping of")


def test_sql_and_markup_in_a_source_are_kept_as_text():
    sql = 'Laporan\'; DROP TABLE innovation; -- & "kutip"'
    assert _indicators([{**INDICATOR, "source": sql}])[0][0]["source"] == sql


_texts = st.text(st.characters(codec="utf-8"), max_size=30)
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), _texts, st.dates(), st.lists(_texts, max_size=2)
)
_figures = st.one_of(_scalars, st.dictionaries(st.sampled_from(["value", "date", "x"]), _scalars, max_size=3))


@given(
    st.dictionaries(
        st.sampled_from([*COSTS, "other"]), st.one_of(_scalars, st.dictionaries(_texts, _scalars)), max_size=8
    )
)
def test_the_cost_rules_answer_anything_and_what_they_keep_passes_again(value):
    costs, problems = _costs(value)
    if problems:
        assert costs == {}
        return
    for key in ("setup", "yearly", "staff", "months_to_launch"):
        assert key not in costs or (isinstance(costs[key], int) and 0 <= costs[key] <= 10**15)
    assert _costs(costs) == (costs, [])


@given(
    st.lists(
        st.dictionaries(st.sampled_from([*INDICATOR, "other"]), st.one_of(_scalars, _figures), max_size=7), max_size=3
    )
)
def test_the_indicator_rules_answer_anything_and_what_they_keep_passes_again(value):
    indicators, problems = _indicators(value)
    if problems:
        assert indicators == []
        return
    for item in indicators:
        assert item["name"] and item["unit"] and "<" not in item["name"]
        assert abs(item["baseline"]["value"]) <= 10**15
    assert _indicators(indicators) == (indicators, [])


# --- files --------------------------------------------------------------------------------------

FILE = """---
title: Layanan Contoh Biaya
institution: Dinas Contoh
owner: Kabupaten Banyumas
owner_kind: regency
region: "33.02"
year: 2024
sectors: [kesehatan]
{extra}sample: true
summary: Ringkasan contoh.
---

## Latar Belakang

Isi.
"""


def _write(folder, name="layanan-contoh-biaya", **extra):
    folder.mkdir(exist_ok=True)
    text = yaml.safe_dump(extra, allow_unicode=True, sort_keys=False) if extra else ""
    (folder / f"{name}.md").write_text(FILE.format(extra=text), encoding="utf-8")


def _item(slug="layanan-contoh-biaya"):
    _db.session.expire_all()
    return _db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))


def test_costs_and_indicators_import_export_and_import_again_unchanged(runner, db, tmp_path):
    second = {"name": "Rujukan terlambat", "unit": "kasus", "baseline": {"value": 14}, "result": {"value": 3}}
    _write(tmp_path / "in", costs=COSTS, indicators=[INDICATOR, second])
    result = runner.invoke(args=["content", "import", str(tmp_path / "in")])
    assert result.exit_code == 0, result.output
    item = _item()
    assert (item.setup_cost, item.yearly_cost, item.budget_source, item.staff_needed) == (
        45_000_000,
        60_000_000,
        "apbd",
        2,
    )
    assert (item.months_to_launch, item.needs_new_regulation, item.needs_partners) == (8, True, "Klinik swasta")
    assert [(i.number, i.name, i.baseline_value, i.result_value, i.higher_is_better) for i in item.indicators] == [
        (1, "Kunjungan nifas lengkap", 61, 93.5, False),
        (2, "Rujukan terlambat", 14, 3, True),
    ]
    out = tmp_path / "out"
    assert runner.invoke(args=["content", "export", str(out)]).exit_code == 0
    text = (out / "layanan-contoh-biaya.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["costs"] == COSTS and front["indicators"] == [INDICATOR, second]
    assert "61.0" not in text
    again = runner.invoke(args=["content", "import", str(out)])
    assert "0 new, 0 updated, 1 unchanged" in again.output, again.output


def test_indicator_rows_are_kept_by_name_when_the_list_changes(runner, db, tmp_path):
    other = {**INDICATOR, "name": "Lain"}
    _write(tmp_path / "in", indicators=[INDICATOR, other])
    runner.invoke(args=["content", "import", str(tmp_path / "in")])
    ids = {i.name: i.id for i in _item().indicators}
    _write(tmp_path / "in", indicators=[{**other, "unit": "orang"}, INDICATOR])
    assert runner.invoke(args=["content", "import", str(tmp_path / "in")]).exit_code == 0
    assert [(i.number, i.name, i.id, i.unit) for i in _item().indicators] == [
        (1, "Lain", ids["Lain"], "orang"),
        (2, INDICATOR["name"], ids[INDICATOR["name"]], "persen"),
    ]
    _write(tmp_path / "in")
    runner.invoke(args=["content", "import", str(tmp_path / "in")])
    assert _item().indicators == [] and _item().setup_cost is None
    assert _db.session.scalar(sa.select(sa.func.count(Indicator.id))) == 0


def test_bad_costs_and_indicators_name_the_file_and_field_and_import_nothing(runner, db, tmp_path):
    _write(tmp_path / "in", name="baik", costs=COSTS)
    _write(
        tmp_path / "in",
        name="buruk",
        costs={"setup": -5, "budget_source": "hibah"},
        indicators=[{**INDICATOR, "result": {"value": 1, "date": "2010"}}, {"unit": "x", "baseline": {"value": 1}}],
    )
    result = runner.invoke(args=["content", "import", str(tmp_path / "in")])
    assert result.exit_code == 1
    assert "buruk.md" in result.output and "costs: setup must not be negative" in result.output
    assert "costs: budget_source must be one of" in result.output
    assert "indicators: indicator 1: result date 2010 is before the baseline date 2016" in result.output
    assert "indicator 2: name is required" in result.output
    assert _db.session.scalar(sa.select(sa.func.count(Innovation.id))) == 0


def test_the_sample_case_studies_with_costs_are_labelled_examples():
    folder = Path(__file__).resolve().parent.parent / "content" / "innovations"
    with_costs = [p for p in folder.glob("*.md") if "\ncosts:" in p.read_text(encoding="utf-8")]
    assert len(with_costs) >= 2
    for path in with_costs:
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        assert front["sample"] is True, path.name  # real case studies carry only documented facts
        assert _costs(front["costs"])[1] == [] and _indicators(front["indicators"])[1] == []
