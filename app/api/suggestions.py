"""``GET /api/v1/suggestions?problem=...``: published case studies that address a problem.

Items have the shape of ``GET /api/v1/innovations`` items plus ``reasons``; the reasons'
texts are in the language the request asks for (Accept-Language, id by default).
Bad input is a 400 with ``{"error"}`` in English, like the other lists.
"""

import re

from flask import jsonify, request

from app.api.blueprint import bp
from app.api.serializers import innovation_item
from app.catalog.filters import FilterError
from app.suggest import MAX_PROBLEM_CHARS, MAX_SUGGESTIONS, ProblemRefused, suggest
from app.suggest.engine import MAX_BUDGET
from app.suggest.regions import region_or_none

PARAMETERS = ("problem", "region", "per_page", "budget")
DEFAULT_PER_PAGE = 10
LATIN = re.compile(r"[A-Za-z0-9]")  # as the document's pattern says: a Latin letter or a digit


def _number(name, high, default=None):
    value = request.args.get(name, "")
    if value == "":
        return default
    if not (value.isascii() and value.isdigit()) or not 0 <= int(value) <= high:
        raise FilterError(name, f"must be a whole number from {0 if name == 'budget' else 1} to {high}")
    if name == "per_page" and int(value) < 1:
        raise FilterError(name, f"must be a whole number from 1 to {high}")
    return int(value)


def read_arguments():
    """``(problem, region code, per_page, budget)`` from the query string, or FilterError."""
    unknown = sorted(set(request.args) - set(PARAMETERS))
    if unknown:
        raise FilterError(unknown[0], "is not a parameter of this list")
    problem = request.args.get("problem", "")
    # The limit is on the text as sent, as the document says.
    if len(problem) > MAX_PROBLEM_CHARS:
        raise FilterError("problem", f"is longer than {MAX_PROBLEM_CHARS} characters")
    if not problem.strip():
        raise FilterError("problem", "is required: describe the problem in a few sentences")
    if not LATIN.search(problem):
        raise FilterError("problem", "holds no word in Latin letters: write it in Indonesian or English")
    region = request.args.get("region", "") or None
    if region is not None and region_or_none(region) is None:
        raise FilterError("region", "is not a known region code")
    per_page = _number("per_page", MAX_SUGGESTIONS, DEFAULT_PER_PAGE)
    budget = _number("budget", MAX_BUDGET)
    return problem, region, per_page, budget


def reason_item(reason):
    """A reason as the API shows it."""
    return {"kind": reason.kind, "text": str(reason.text), "quote": reason.quote}


@bp.get("/suggestions")
def suggestions():
    """``GET /api/v1/suggestions?problem=...&region=...&per_page=...&budget=...``."""
    problem, region, per_page, budget = read_arguments()
    try:
        found = suggest(problem, region_code=region, limit=per_page, budget=budget)
    except ProblemRefused as error:  # the checks above say the same, in English
        raise FilterError("problem", str(error)) from None
    items = [{**innovation_item(s.innovation), "reasons": [reason_item(r) for r in s.reasons]} for s in found]
    return jsonify(items=items, per_page=per_page)
