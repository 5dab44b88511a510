"""Suggestions for a problem: read it (reading.py), rank the published case studies on the
search's index (ranking.py), and say why each was suggested (reasons.py, regions.py).

Two passes over the index: the concepts of the problem, then the telling words of the first
few case studies found (pseudo-relevance feedback), which bring up the case studies that
describe the same problem in other words. See docs/decisions/0089-suggestions.md.
"""

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalog.models import Innovation
from app.extensions import db
from app.search import service
from app.search.documents import plain_text
from app.search.index import IndexMissing
from app.suggest import ranking
from app.suggest.reading import read_problem
from app.suggest.reasons import match_reason, record_reasons
from app.suggest.regions import Likeness, region_or_none, used_in

MAX_PROBLEM_CHARS = 5000
LATIN = re.compile(r"[A-Za-z0-9]")
MAX_SUGGESTIONS = 50
MAX_BUDGET = 10**15  # rupiah: beyond any regional budget, and within a 64-bit integer


class ProblemRefused(ValueError):
    """The problem text cannot be matched; ``str(error)`` is the message for the reader."""


def check_problem(problem):
    """The problem text, stripped, or ProblemRefused with what is wrong with it."""
    text = (problem or "").strip()
    if not text:
        raise ProblemRefused(_("Tuliskan masalahnya dulu: apa yang terjadi, siapa yang terdampak."))
    if len(text) > MAX_PROBLEM_CHARS:
        raise ProblemRefused(
            _("Uraian masalah terlalu panjang: paling banyak %(limit)d karakter.", limit=MAX_PROBLEM_CHARS)
        )
    if not any(ch.isalnum() for ch in text):
        raise ProblemRefused(_("Uraian masalah tidak berisi kata yang bisa dicari."))
    if not LATIN.search(text):  # the catalogue is written in Indonesian and English
        raise ProblemRefused(_("Tuliskan masalahnya dalam bahasa Indonesia atau bahasa Inggris."))
    return text


def check_region(region_code):
    """The Region of ``region_code`` (None when not given), or ProblemRefused for an unknown one."""
    if not region_code:
        return None
    region = region_or_none(region_code)
    if region is None:
        raise ProblemRefused(_("Daerah tidak dikenal: pilih daerah dari daftar."))
    return region


def rank(text, snap, limit):
    """``([(docnum, score)], {docnum: [(concept, score)]})``: the best case studies for ``text``."""
    concepts = read_problem(text, snap, service.vocabulary())
    if not concepts:
        return [], {}
    first, maps = ranking.first_scores(concepts, snap)
    candidates = ranking.top(first, snap, ranking.CANDIDATES)
    best = tuple(candidates[: ranking.FEEDBACK_DOCS])
    # The same few case studies come first for many problems of one topic: their key terms
    # are remembered with the index snapshot they were read under.
    found = snap.memo(
        ("suggest", "key terms", best), lambda: ranking.key_terms(snap, _texts([snap.facts[n].id for n in best]))
    )
    terms = ranking.feedback_concepts(found, concepts)
    candidates = set(candidates)
    scores = ranking.combine(first, ranking.feedback_scores(snap, terms, candidates), candidates)
    ranked = ranking.top(scores, snap, limit)
    ranked = list(zip(ranked, scores.lookup(ranked).tolist(), strict=True))
    return ranked, ranking.matched_parts(maps, [n for n, _ in ranked])


def _texts(ids):
    """``{language: text}`` of the public case studies ``ids``: title, summary and body."""
    texts = {"id": [], "en": []}
    query = sa.select(Innovation.language, Innovation.title, Innovation.summary, Innovation.body_md).where(
        Innovation.id.in_(ids), Innovation.is_public
    )
    for language, title, summary, body in db.session.execute(query):
        texts[language if language in texts else "id"] += [title, summary, plain_text(body)]
    return {lang: " ".join(parts) for lang, parts in texts.items()}


def suggest(problem, region_code=None, limit=10, budget=None):
    """Published case studies for ``problem``, best first, as app.suggest.Suggestion.

    ``region_code`` is the writer's region (reasons name regions like it); ``budget`` is
    what the writer can spend to set up, in rupiah (a reason says when the cost is within).
    """
    from app.suggest import Suggestion

    text = check_problem(problem)
    region = check_region(region_code)
    limit = max(1, min(int(limit), MAX_SUGGESTIONS))
    try:
        snap = service.snapshot()
    except IndexMissing:
        return []
    # The ranking reads the index alone (and the texts of the case studies in it): it is
    # remembered with the snapshot, so a need's page shown again does not rank again, and a
    # change of the index (a case study published, edited or withdrawn) starts afresh.
    ranked, parts = snap.memo(("suggest", text, limit), lambda: rank(text, snap, limit))
    facts = snap.facts
    rows = service.fetch([facts[n].id for n, _ in ranked])
    ranked = [(rows[facts[n].id], score, parts.get(n, [])) for n, score in ranked if facts[n].id in rows]
    likeness = Likeness(region) if region is not None else None
    places = used_in([row.id for row, _, _ in ranked]) if likeness else {}
    out = []
    for row, score, matched in ranked:
        reasons = [match_reason(row, matched)] if matched else []
        reasons += record_reasons(row, budget)
        if likeness is not None:
            alike = likeness.reason(places.get(row.id, ()))
            if alike is not None:
                reasons.append(alike)
        out.append(Suggestion(row, score, reasons))
    return out
