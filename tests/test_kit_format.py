"""The replication kit in the case-study format (docs/decisions/0084): the rules, each
problem in clear words and nothing imported, the export round trip, and the samples."""

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from hypothesis import given
from hypothesis import strategies as st

from app.catalog.models import Innovation
from app.content.kit import MAX_PITFALLS, MAX_STEPS, check_kit
from app.extensions import db as _db
from tests.test_evidence_format import _item, _write

KIT = {
    "steps": [{"step": "Tetapkan peraturan bupati", "weeks": 6}, {"step": "Latih petugas"}],
    "pitfalls": ["Jangan mulai tanpa anggaran pemeliharaan"],
}


def _kit(value):
    problems = []
    return check_kit(value, problems.append), problems


def test_a_complete_kit_passes_as_it_is():
    assert _kit(KIT) == (KIT, [])
    assert _kit(None) == ({}, [])
    assert _kit({"steps": [], "pitfalls": []}) == ({}, [])
    # a step may be given as its text alone; weeks typed as text; spaces folded
    assert _kit({"steps": ["Satu  langkah", {"step": "Dua", "weeks": "3"}]}) == (
        {"steps": [{"step": "Satu langkah"}, {"step": "Dua", "weeks": 3}]},
        [],
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("langkah", "must be a mapping of steps and pitfalls"),
        ({"langkah": []}, "langkah is not a field of kit (steps, pitfalls)"),
        ({"steps": "satu"}, "steps must be a list of {step, weeks}"),
        ({"steps": [{"step": "x"}] * (MAX_STEPS + 1)}, f"steps lists 16 steps; at most {MAX_STEPS}"),
        ({"steps": [{"step": "x", "weeks": 0}]}, "step 1: weeks is less than 1, not 0 (from 1 to 520)"),
        ({"steps": [{"step": "x", "weeks": 521}]}, "step 1: weeks is more than 520, not 521 (from 1 to 520)"),
        ({"steps": [{"step": "x", "weeks": -2}]}, "step 1: weeks must not be negative"),
        ({"steps": [{"step": "x", "weeks": 2.5}]}, "step 1: weeks must be a whole number"),
        ({"steps": [{"step": "x", "weeks": True}]}, "step 1: weeks must be a whole number"),
        ({"steps": [{"step": "x" * 301}]}, "step 1: step is 301 characters long; at most 300"),
        ({"steps": [{"weeks": 2}]}, "step 1: step is required"),
        ({"steps": [{"step": ["x"]}]}, "step 1: step must be text"),
        ({"steps": [{"step": "x", "hari": 3}]}, "step 1: hari is not a field of a step (step, weeks)"),
        ({"steps": [3]}, "step 1: must be {step, weeks}, not 3"),
        ({"steps": [{"step": "<script>"}]}, "step 1: step must not contain < > or control characters"),
        ({"pitfalls": "satu"}, "pitfalls must be a list of texts"),
        ({"pitfalls": ["x"] * (MAX_PITFALLS + 1)}, f"pitfalls lists 11 pitfalls; at most {MAX_PITFALLS}"),
        ({"pitfalls": ["x" * 501]}, "pitfall 1: is 501 characters long; at most 500"),
        ({"pitfalls": [{"x": 1}]}, "pitfall 1: must be text, not {'x': 1}"),
        ({"pitfalls": ["  "]}, "pitfall 1: is empty"),
    ],
)
def test_a_bad_kit_is_refused_with_what_is_wrong(value, words):
    kept, problems = _kit(value)
    assert kept == {}
    assert any(words in problem for problem in problems), problems


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
                        ["steps", "pitfalls", "step", "weeks", "x"]), inner, max_size=3), max_leaves=12))  # fmt: skip
def test_the_kit_rules_answer_anything_and_what_they_keep_passes_again(value):
    kept, problems = _kit(value)
    assert isinstance(kept, dict)
    assert _kit(kept) == (kept, [])


def test_the_kit_imports_exports_and_imports_again_unchanged(runner, db, tmp_path):
    _write(tmp_path / "in", kit=KIT)
    result = runner.invoke(args=["content", "import", str(tmp_path / "in")])
    assert result.exit_code == 0, result.output
    item = _item()
    assert item.kit_steps == KIT["steps"] and item.kit_pitfalls == KIT["pitfalls"]
    out = tmp_path / "out"
    assert runner.invoke(args=["content", "export", str(out)]).exit_code == 0
    front = yaml.safe_load((out / "layanan-contoh-biaya.md").read_text(encoding="utf-8").split("---\n")[1])
    assert front["kit"] == KIT
    again = runner.invoke(args=["content", "import", str(out)])
    assert "0 new, 0 updated, 1 unchanged" in again.output, again.output
    # A file without a kit empties it.
    _write(tmp_path / "in")
    assert runner.invoke(args=["content", "import", str(tmp_path / "in")]).exit_code == 0
    assert _item().kit_steps is None and _item().kit_pitfalls is None


def test_a_bad_kit_names_the_file_and_field_and_imports_nothing(runner, db, tmp_path):
    _write(tmp_path / "in", name="baik", kit=KIT)
    _write(tmp_path / "in", name="buruk", kit={"steps": [{"step": "x", "weeks": 600}], "pitfalls": [5]})
    result = runner.invoke(args=["content", "import", str(tmp_path / "in")])
    assert result.exit_code == 1
    assert "buruk.md" in result.output and "kit: step 1: weeks is more than 520" in result.output
    assert "kit: pitfall 1: must be text, not 5" in result.output
    assert _db.session.scalar(sa.select(sa.func.count(Innovation.id))) == 0


def test_the_sample_case_studies_with_a_kit_are_labelled_examples():
    folder = Path(__file__).resolve().parent.parent / "content" / "innovations"
    with_kit = [p for p in folder.glob("*.md") if "\nkit:" in p.read_text(encoding="utf-8")]
    assert len(with_kit) >= 2
    for path in with_kit:
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        assert front["sample"] is True, path.name
        kit, problems = _kit(front["kit"])
        assert problems == [] and kit["steps"] and kit["pitfalls"]
