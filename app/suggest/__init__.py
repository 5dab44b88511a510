"""Suggestions: published case studies that address a problem written in an official's words.

The interface the rest of the app uses (needs pages, the "Jelaskan masalah Anda" form and
``GET /api/v1/suggestions``):

    suggest(problem, region_code=None, limit=10, budget=None) -> list[Suggestion]

``problem`` is checked first (``check_problem``): empty, too long, without a single word or
in another script raises ProblemRefused with a message for the reader, and so does an
unknown region code. Each Suggestion carries the published Innovation, its score and the
reasons it was suggested (kind + text for the reader, and a
quote from the case study when the reason is a matched passage).
"""

from dataclasses import dataclass, field

from app.suggest.engine import MAX_PROBLEM_CHARS, MAX_SUGGESTIONS, ProblemRefused, check_problem, suggest

__all__ = [
    "MAX_PROBLEM_CHARS",
    "MAX_SUGGESTIONS",
    "REASON_KINDS",
    "ProblemRefused",
    "Reason",
    "Suggestion",
    "check_problem",
    "suggest",
]


REASON_KINDS = ("matches", "replicated", "institutionalised", "budget", "like_region")


@dataclass
class Reason:
    """Why a case study was suggested: ``kind`` is a stable code, ``text`` is for the reader."""

    kind: str  # one of REASON_KINDS
    text: str
    quote: str | None = None


@dataclass
class Suggestion:
    innovation: object  # app.catalog.models.Innovation, published
    score: float
    reasons: list = field(default_factory=list)
