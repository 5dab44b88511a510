"""Ranking case studies for the concepts of a problem, on the search's own index.

Each concept is scored as the search scores it (BM25 over the fields, best alternative per
document: query.concept_scores), so synonyms, translations and affix forms count the same
way. A paragraph is not a query, though:

* no concept is required and there is no coordination penalty: a case study rarely says
  everything the writer said; a concept counts by how telling it is (its BM25 weight) and a
  word found in a large share of the catalogue counts little;
* one concept cannot carry a document alone: its score is saturated, so a case study that
  answers three parts of the problem ranks above one that repeats one word often;
* a concept that a case study's language cannot express (an English word without a
  glossary entry, against an Indonesian text) is left out of that document's share, so the
  few English case studies do not win an English problem just by sharing its language;
* feedback from the corpus: the telling words of the first few case studies are added,
  weakly, so the case studies that describe the same problem in other words come up.
"""

import numpy as np

from app.search import keyterms
from app.search.documents import TEXT_FIELDS
from app.search.engine import FIELD_BOOSTS
from app.search.query import concept_scores
from app.search.vectors import DOCS, Scores, intersect

COMMON_SHARE = 0.25  # a concept found in more than this share of the catalogue counts less
COMMON_WEIGHT = 0.35
SATURATION = 6.0  # per-concept score where a concept gives half of what it can
LANGUAGE_POWER = 0.5  # how far a language's share of what it can express is made up
POOL = 2000  # case studies found by the most telling concepts, which the common ones only add to
POOL_SHARE = 0.05  # a concept found in more than this share of the catalogue is a common one
FEEDBACK_DOCS = 5
CANDIDATES = 400  # the first ranking's best, which the feedback re-ranks
FEEDBACK_TERMS = 20
FEEDBACK_WEIGHT = 0.3
MAX_DOC_SHARE = 0.2  # feedback terms in more than this share of the catalogue are left out


def _share(concept, snapshot):
    """Share of the catalogue the concept's first alternative (its words as written) finds."""
    words = concept.alternatives[0].words  # folded words, as the reader wrote them
    return len(intersect([snapshot.word_docs(word) for word in words])) / max(snapshot.doc_count, 1)


def _saturate(value):
    return SATURATION * value / (value + SATURATION)


def first_scores(concepts, snapshot):
    """Scores vector of the concepts of a problem, and ``[(concept, weight, scores)]``.

    The concepts are scored the most telling (found in the fewest case studies) first.
    Once they have found POOL case studies, a concept found in more than POOL_SHARE of the
    catalogue only adds to those: such concepts count least (a low BM25 weight) and cost
    most (the longest postings), and a case study that only they find would not rank anyway.
    Each document's score is made with the operations of a loop over documents, in its order
    (app/search/vectors.py).
    """
    shares = {id(c): _share(c, snapshot) for c in concepts}
    concepts = sorted(concepts, key=lambda c: shares[id(c)])
    size = len(snapshot.facts)
    scores, found_any, pool = np.zeros(size), np.zeros(size, dtype=bool), 0
    maps = []
    english = _english(snapshot)
    expressible = {}  # case-study language -> weight of the concepts it can express
    for concept in concepts:
        weight = COMMON_WEIGHT if shares[id(concept)] > COMMON_SHARE else 1.0
        found = concept_scores(concept, snapshot)
        maps.append((concept, weight, found))
        for lang in _languages(found, english):
            expressible[lang] = expressible.get(lang, 0.0) + weight
        docs, values = found.docs, found.values
        if pool >= POOL and shares[id(concept)] > POOL_SHARE:
            kept = found_any[docs]
            docs, values = docs[kept], values[kept]
        else:
            pool += len(docs) - int(np.count_nonzero(found_any[docs]))
            found_any[docs] = True
        scores[docs] += (weight * SATURATION) * values / (values + SATURATION)
    docs = np.flatnonzero(found_any).astype(DOCS)
    values = scores[docs]
    if len(expressible) > 1:
        most = max(expressible.values())
        factor = {lang: (most / mass) ** LANGUAGE_POWER for lang, mass in expressible.items()}
        if len(set(factor.values())) > 1:
            values = values * np.where(english[docs], factor.get("en", 1.0), factor.get("id", 1.0))
    return Scores(docs, values), maps


def _languages(found, english):
    """The case-study languages among the documents of ``found`` (English or not)."""
    in_english = english[found.docs]
    return {lang for lang, present in (("en", in_english.any()), ("id", not in_english.all())) if present}


def _english(snapshot):
    """Whether each document number is a live case study in English (an array of booleans)."""

    def compute():
        language = snapshot.column("language")
        return np.fromiter((lang == "en" for lang in language), dtype=bool, count=len(language))

    return snapshot.memo(("suggest", "english"), compute)


def matched_parts(maps, docnums):
    """``{docnum: [(concept, score)]}``: what of the problem each of ``docnums`` matched."""
    out = {docnum: [] for docnum in docnums}
    for concept, weight, found in maps:
        for docnum, value in zip(docnums, found.lookup(docnums).tolist(), strict=True):
            if value == value:  # not NaN: the concept found the document
                out[docnum].append((concept, weight * _saturate(value)))
    return out


def key_terms(snapshot, texts, limit=FEEDBACK_TERMS):
    """``[(language, term, weight)]``: the telling words of the best case studies' ``texts``
    (``{language: text}``), found in at most MAX_DOC_SHARE of the catalogue."""
    reader = snapshot.reader
    out = []
    for lang, text in texts.items():
        if not text.strip():
            continue
        field = TEXT_FIELDS[lang][2]
        if snapshot.field_docs.get(field, 0) <= 1:  # no (or one) case study in that language
            continue
        terms = keyterms.key_terms(snapshot, field, text, limit * 2)
        ceiling = MAX_DOC_SHARE * snapshot.field_docs[field]
        for term, weight in terms:
            if len(term) >= 3 and reader.doc_frequency(field, term) <= ceiling:
                out.append((lang, term, weight))
    return out


def feedback_concepts(terms, concepts, limit=FEEDBACK_TERMS):
    """The key ``terms`` of the best case studies that the problem did not say itself, as
    weak concepts (pseudo-relevance feedback)."""
    known = {w for c in concepts for a in c.alternatives for w in a.words if isinstance(w, str)}
    out = [item for item in terms if item[1] not in known]
    out.sort(key=lambda item: -item[2])
    return out[:limit]


def feedback_scores(snapshot, terms, candidates):
    """``{docnum: score}`` of feedback terms over ``candidates``, each over the text fields of its language."""
    if not terms or not candidates:
        return {}
    docnums = np.array(sorted(candidates), dtype=DOCS)
    scores, found_any = np.zeros(len(docnums)), np.zeros(len(docnums), dtype=bool)
    top = max(weight for _, _, weight in terms)
    for lang, term, weight in terms:
        share = weight / top
        for field in TEXT_FIELDS[lang]:
            boost = FIELD_BOOSTS[field.removesuffix("_en")] * share
            values = snapshot.term_scores(field, term).lookup(docnums)
            held = ~np.isnan(values)
            scores[held] += boost * values[held]
            found_any |= held
    return dict(zip(docnums[found_any].tolist(), scores[found_any].tolist(), strict=True))


def top(scores, snapshot, limit):
    """The ``limit`` best live document numbers of the Scores ``scores`` (ties: the older
    case study first)."""
    facts = snapshot.facts
    values = scores.values
    if len(values) > limit + 16:
        # Every document scored at least the (limit + 16)th best, ties included; a deleted
        # document may linger in the postings until its segment is merged: a few more than asked.
        floor = np.partition(values, len(values) - limit - 16)[len(values) - limit - 16]
        chosen = np.flatnonzero(values >= floor)
    else:
        chosen = np.arange(len(values))
    best = zip(scores.docs[chosen].tolist(), values[chosen].tolist(), strict=True)
    live = [(score, -facts[n].id, n) for n, score in best if facts[n] is not None]
    return [n for _, _, n in sorted(live, reverse=True)[:limit]]


def combine(first, feedback, candidates, weight=FEEDBACK_WEIGHT):
    """Scores vector: the first scores (a Scores vector) of ``candidates`` plus the
    feedback's, scaled so the best of each weighs 1 : ``weight``."""
    docnums = np.array(sorted(candidates), dtype=DOCS)
    values = first.lookup(docnums)
    if feedback and len(docnums):
        scale = weight * values.max() / max(feedback.values())
        values[np.searchsorted(docnums, list(feedback))] += scale * np.array(list(feedback.values()))
    return Scores(docnums, values)
