"""Suar's CSV files: UTF-8 with a byte-order mark, a header row, and text that a spreadsheet
would run as a formula written behind an apostrophe (docs/decisions/0043).

Every export writes through ``stream``; every import reads cells back with
``unescape_cell``, the exact inverse of ``escape_cell``, so that an exported file imports
back to the same data.
"""

import csv
import io
import re

BOM = "\ufeff"
# OWASP's list: Excel, LibreOffice and Google Sheets take a cell starting with one of
# these as a formula (a tab or carriage return can hide one behind it).
FORMULA_STARTS = frozenset("=+-@\t\r")
# A plain number ("-5.5", "+3", "1e-05") is read as that number, never run: it keeps its
# sign and stays a number in the spreadsheet.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _needs_escape(text):
    # Apostrophes are skipped so that text already starting with apostrophes and a formula
    # character gets one more: that is what makes unescape_cell the exact inverse.
    return text.lstrip("'")[:1] in FORMULA_STARTS and not _NUMBER.fullmatch(text)


def escape_cell(value):
    """The text of a cell for ``value``: formula-like text behind one more apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if _needs_escape(text) else text


def unescape_cell(text):
    """The value ``escape_cell`` wrote as ``text``; any other text is returned as it is."""
    return text[1:] if text[:1] == "'" and _needs_escape(text[1:]) else text


def stream(rows):
    """A CSV file, piece by piece: the byte-order mark, then each row (escaped) as it comes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield BOM
    for row in rows:
        writer.writerow([escape_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def dict_reader(text):
    """A ``csv.DictReader`` over ``text`` (byte-order mark removed), comma or semicolon: the
    header line decides, as spreadsheets in an Indonesian locale save with semicolons."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
