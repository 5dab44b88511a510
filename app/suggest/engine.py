"""A first, plain ranking of case studies for a problem (to be replaced by the tuned method).

It scores the problem's most telling words the way "more like this" does (similar.py):
the key terms of the text, weighted per field, over the published case studies.
"""

import heapq

from flask_babel import gettext as _

from app.search import service
from app.search.engine import FIELD_BOOSTS
from app.search.index import IndexMissing

MAX_PROBLEM_CHARS = 5000
KEY_TERMS = 25


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
    return text


def suggest(problem, region_code=None, limit=10):
    """Published case studies for ``problem``, best first, as app.suggest.Suggestion."""
    from app.suggest import Suggestion

    text = check_problem(problem)
    try:
        snap = service.snapshot()
    except IndexMissing:
        return []
    scores = {}
    reader = snap.reader
    for fields in (("title", "summary", "body"), ("title_en", "summary_en", "body_en")):
        try:
            key_terms = snap.searcher.key_terms_from_text(fields[2], text, numterms=KEY_TERMS)
        except ZeroDivisionError:  # Whoosh's Bo1 model on a field no document has
            continue
        for term, weight in key_terms:
            for name in fields:
                if reader.doc_frequency(name, term) == 0:
                    continue
                boost = FIELD_BOOSTS[name.removesuffix("_en")] * weight
                for docnum, score in snap.term_scores(name, term).items():
                    scores[docnum] = scores.get(docnum, 0.0) + boost * score
    facts = snap.facts
    best = heapq.nlargest(limit, (n for n in scores if facts[n] is not None), key=lambda n: scores[n])
    rows = service.fetch([facts[n].id for n in best])
    return [Suggestion(rows[facts[n].id], scores[n], []) for n in best if facts[n].id in rows]
