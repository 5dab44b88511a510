"""The CSV files of every export: formula-like text escaped, the escape undone exactly.
Property tests: test_csv_properties.py."""

import csv
import io

import pytest

from app.csvfiles import escape_cell, unescape_cell
from tests import factories


@pytest.mark.parametrize(
    ("value", "cell"),
    [('=HYPERLINK("http://x.example","klik")', '\'=HYPERLINK("http://x.example","klik")'),
     ("@SUM(A1:A9)", "'@SUM(A1:A9)"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
     ("-", "'-"), ("'=1", "''=1"), ("''+1", "'''+1"), ("'-5.5", "''-5.5"),
     ("-5.5", "-5.5"), ("+3", "+3"), ("-1e-05", "-1e-05"), (-5.5, "-5.5"), (-3, "-3"),
     ("'apostrof", "'apostrof"), ("'", "'"), ("a=b", "a=b"), (" =1", " =1"), ("", ""), (None, "")],
)  # fmt: skip
def test_formula_like_cells_are_escaped_and_come_back(value, cell):
    assert escape_cell(value) == cell
    assert unescape_cell(cell) == ("" if value is None else str(value))


def test_the_innovations_export_escapes_formulas(client, db):
    factories.innovation('=HYPERLINK("http://x.example","klik")', slug="rumus", summary="-2+3", legal_basis="@SUM(1)")
    db.session.commit()
    text = client.get("/export/innovations.csv").get_data(as_text=True)
    header, row = list(csv.reader(io.StringIO(text[1:])))
    cells = dict(zip(header, row, strict=True))
    assert cells["title"] == '\'=HYPERLINK("http://x.example","klik")'
    assert (cells["summary"], cells["legal_basis"], cells["year"]) == ("'-2+3", "'@SUM(1)", "2020")
