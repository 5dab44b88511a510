"""The ``costs:`` and ``indicators:`` of a case study (content-format.md): what copying it
costs and needs, and the figures before and after it. Checked for files, the web form and
restored versions alike; each checker returns the normalised value a file would hold, so
that an import, an export and a saved version compare equal (docs/decisions/0080).
"""

import math
import re
from datetime import date

from app.catalog.costs import BUDGET_SOURCES, MAX_MONTHS, MAX_PREREQUISITE, MAX_RUPIAH, MAX_STAFF, PREREQUISITES
from app.catalog.models import INDICATOR_LIMITS

COST_FIELDS = ("setup", "yearly", "budget_source", "staff", "months_to_launch", "prerequisites", "needs_new_regulation")
WHOLE_NUMBERS = {"setup": MAX_RUPIAH, "yearly": MAX_RUPIAH, "staff": MAX_STAFF, "months_to_launch": MAX_MONTHS}
MAX_INDICATORS = 20
INDICATOR_FIELDS = ("name", "unit", "baseline", "result", "source", "higher_is_better")
MAX_VALUE = 10**15
FIRST_YEAR = 1990
# 150000000, or grouped in thousands as people type Rupiah: 150.000.000, 150,000,000, 150 000 000.
_GROUPED = re.compile(r"^\d{1,3}(?:([., ])\d{3})(?:\1\d{3})*$")
_DECIMAL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Control characters and the angle brackets of markup: no name, unit or source has them.
_NOT_TEXT = re.compile(r"[\x00-\x1f\x7f<>]")


def whole_number(value, limit):
    """``(number, None)`` or ``(None, reason)``: a whole number from 0 to ``limit``."""
    if isinstance(value, bool):
        return None, "must be a whole number"
    if isinstance(value, str):
        text = value.strip()
        if _GROUPED.match(text):
            text = re.sub(r"[., ]", "", text)
        if re.fullmatch(r"-\d+", text):
            return None, "must not be negative"
        if not (text.isascii() and text.isdigit()) or len(text) > 20:
            return None, "must be a whole number"
        value = int(text)
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        return None, "must be a whole number"
    if value < 0:
        return None, "must not be negative"
    if value > limit:
        return None, f"is more than {limit}"
    return value, None


def check_costs(value, problem):
    """``costs:`` checked: ``{setup, yearly, budget_source, staff, months_to_launch,
    prerequisites: {infrastructure, regulation, partners}, needs_new_regulation}`` with only
    what is known (``needs_new_regulation`` absent: not known). ``problem(message)`` hears
    what is wrong; each message starts with the key it concerns."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problem(f"must be a mapping of {', '.join(COST_FIELDS)}")
        return {}
    costs, ok = {}, True
    for key in sorted(set(value) - set(COST_FIELDS), key=str):
        problem(f"{key} is not a field of costs ({', '.join(COST_FIELDS)})")
        ok = False
    for key, limit in WHOLE_NUMBERS.items():
        if value.get(key) in (None, ""):
            continue
        number, reason = whole_number(value[key], limit)
        if reason:
            problem(f"{key} {reason}, not {_shown(value[key])}")
            ok = False
        else:
            costs[key] = number
    source = value.get("budget_source")
    if source not in (None, ""):
        if source not in BUDGET_SOURCES:
            problem(f"budget_source must be one of {', '.join(BUDGET_SOURCES)}, not {_shown(source)}")
            ok = False
        else:
            costs["budget_source"] = source
    prerequisites = _prerequisites(value.get("prerequisites"), problem)
    if prerequisites is None:
        ok = False
    elif prerequisites:
        costs["prerequisites"] = prerequisites
    needs = value.get("needs_new_regulation")
    if needs not in (None, "", "unknown"):
        if not isinstance(needs, bool):
            problem(f"needs_new_regulation must be true, false or unknown, not {_shown(needs)}")
            ok = False
        else:
            costs["needs_new_regulation"] = needs
    return {key: costs[key] for key in COST_FIELDS if key in costs} if ok else {}


def _prerequisites(value, problem):
    if value is None:
        return {}
    if not isinstance(value, dict):
        problem(f"prerequisites must be a mapping of {', '.join(PREREQUISITES)}")
        return None
    found, ok = {}, True
    for key in sorted(set(value) - set(PREREQUISITES), key=str):
        problem(f"prerequisites {key} is not one of {', '.join(PREREQUISITES)}")
        ok = False
    for key in PREREQUISITES:
        text, reason = _text(value.get(key), MAX_PREREQUISITE)
        if reason:
            problem(f"prerequisites {key} {reason}")
            ok = False
        elif text:
            found[key] = text
    return found if ok else None


def _text(value, limit):
    """``(text or None, None)`` or ``(None, reason)``: one line of plain text."""
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, "must be text"
    raw = str(value)
    text = " ".join(raw.split())
    if len(text) > limit:
        return None, f"is {len(text)} characters long; at most {limit}"
    if _NOT_TEXT.search(raw.replace("\n", " ").replace("\t", " ")):
        return None, "must not contain < > or control characters"
    return text or None, None


def _shown(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def number(value):
    """``(number, None)`` or ``(None, reason)``: a finite figure within ±10^15; a whole one as
    an int, so that ``120`` stays ``120`` through the database's floats."""
    if isinstance(value, str):
        text = value.strip()
        if not _DECIMAL.match(text) or len(text) > 30:
            return None, "must be a number"
        value = float(text.replace(",", "."))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, "must be a number"
    if isinstance(value, float) and not math.isfinite(value):
        return None, "must be a number"
    if abs(value) > MAX_VALUE:
        return None, f"is beyond ±{MAX_VALUE}"
    return plain_number(value), None


def plain_number(value):
    """A stored figure as the file writes it: ``120.0`` -> ``120``, ``12.5`` stays."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def period(value, today):
    """``(text or None, None)`` or ``(None, reason)``: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    if value in (None, ""):
        return None, None
    if type(value) is date:
        value = value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    match = _DATE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None, f"must be YYYY, YYYY-MM or YYYY-MM-DD, not {_shown(value)}"
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        first = date(year, month or 1, day or 1)
    except ValueError:
        return None, f"{value.strip()} is not a date"
    if year < FIRST_YEAR or first > today:
        return None, f"{value.strip()} is not between {FIRST_YEAR} and today"
    return value.strip(), None


def before(later, earlier):
    """True when the period ``later`` lies before ``earlier`` (compared at the coarser of the two)."""
    n = min(len(later), len(earlier))
    return later[:n] < earlier[:n]


def check_indicators(value, problem, today=None):
    """``indicators:`` checked: ``[{name, unit, baseline: {value, date}, result: {value, date},
    source, higher_is_better}]`` (``higher_is_better`` only when false). ``problem(message)``
    hears what is wrong, each message starting ``indicator N:``."""
    today = today or date.today()
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        problem(f"must be a list of {{{', '.join(INDICATOR_FIELDS)}}}")
        return []
    if len(value) > MAX_INDICATORS:
        problem(f"lists {len(value)} indicators; at most {MAX_INDICATORS}")
        return []
    indicators, names = [], set()
    for n, item in enumerate(value, start=1):
        indicator = _indicator(item, lambda message, n=n: problem(f"indicator {n}: {message}"), today)
        if indicator is None:
            continue
        if indicator["name"].casefold() in names:
            problem(f"indicator {n}: name {indicator['name']!r} is listed twice")
            continue
        names.add(indicator["name"].casefold())
        indicators.append(indicator)
    return indicators if len(indicators) == len(value) else []


def _indicator(item, problem, today):
    ok = True
    for key in sorted(set(item) - set(INDICATOR_FIELDS), key=str):
        problem(f"{key} is not a field of an indicator ({', '.join(INDICATOR_FIELDS)})")
        ok = False
    indicator = {}
    for key in ("name", "unit"):
        text, reason = _text(item.get(key), INDICATOR_LIMITS[key])
        if reason:
            problem(f"{key} {reason}")
            ok = False
        elif not text:
            problem(f"{key} is required")
            ok = False
        else:
            indicator[key] = text
    for key in ("baseline", "result"):
        figure = _figure(key, item.get(key), problem, today)
        if figure is None:
            ok = False
        else:
            indicator[key] = figure
    start, end = (indicator[key].get("date") if ok else None for key in ("baseline", "result"))
    if start and end and before(end, start):
        problem(f"result date {end} is before the baseline date {start}")
        ok = False
    source, reason = _text(item.get("source"), INDICATOR_LIMITS["source"])
    if reason:
        problem(f"source {reason}")
        ok = False
    elif source:
        indicator["source"] = source
    better = item.get("higher_is_better", True)
    if not isinstance(better, bool):
        problem(f"higher_is_better must be true or false, not {_shown(better)}")
        ok = False
    elif not better:
        indicator["higher_is_better"] = False
    return {key: indicator[key] for key in INDICATOR_FIELDS if key in indicator} if ok else None


def _figure(key, value, problem, today):
    """``{value, date}`` of a baseline or result, or None after reporting a problem."""
    if value is None:
        problem(f"{key} is required: {{value, date}}")
        return None
    if not isinstance(value, dict) or set(value) - {"value", "date"}:
        problem(f"{key} must be {{value, date}}")
        return None
    if value.get("value") in (None, ""):
        problem(f"{key} value is required")
        return None
    figure_value, reason = number(value["value"])
    if reason:
        problem(f"{key} value {reason}, not {_shown(value['value'])}")
        return None
    figure = {"value": figure_value}
    when, reason = period(value.get("date"), today)
    if reason:
        problem(f"{key} date {reason}")
        return None
    if when:
        figure["date"] = when
    return figure
