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

import heapq
from itertools import repeat
from operator import add, itemgetter, mul, truediv

from app.search import keyterms
from app.search.documents import TEXT_FIELDS
from app.search.engine import FIELD_BOOSTS
from app.search.query import concept_scores

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
    docs = None
    for word in concept.alternatives[0].words:  # folded words, as the reader wrote them
        found = snapshot.word_docs(word)
        docs = found if docs is None else docs & found
    return len(docs or ()) / max(snapshot.doc_count, 1)


def _saturate(value):
    return SATURATION * value / (value + SATURATION)


def first_scores(concepts, snapshot):
    """``{docnum: score}`` of the concepts of a problem, and ``[(concept, weight, scores)]``.

    The concepts are scored the most telling (found in the fewest case studies) first.
    Once they have found POOL case studies, a concept found in more than POOL_SHARE of the
    catalogue only adds to those: such concepts count least (a low BM25 weight) and cost
    most (the longest postings), and a case study that only they find would not rank anyway.
    """
    shares = {id(c): _share(c, snapshot) for c in concepts}
    concepts = sorted(concepts, key=lambda c: shares[id(c)])
    scores, maps = {}, []
    language = snapshot.column("language")
    expressible = {}  # case-study language -> weight of the concepts it can express
    for concept in concepts:
        weight = COMMON_WEIGHT if shares[id(concept)] > COMMON_SHARE else 1.0
        found = concept_scores(concept, snapshot)
        maps.append((concept, weight, found))
        for lang in _languages(found, snapshot):
            expressible[lang] = expressible.get(lang, 0.0) + weight
        if len(scores) >= POOL and shares[id(concept)] > POOL_SHARE:
            _add_saturated(scores, found, weight, list(scores.keys() & found.keys()))
        else:
            _add_saturated(scores, found, weight, list(found))
    if len(expressible) > 1:
        most = max(expressible.values())
        factor = {lang: (most / mass) ** LANGUAGE_POWER for lang, mass in expressible.items()}
        if len(set(factor.values())) > 1:
            scores = {d: value * factor[language[d]] for d, value in scores.items()}
    return scores, maps


def _add_saturated(scores, found, weight, docnums):
    """``scores[d] += weight * _saturate(found[d])`` for each of ``docnums``, with C-level map()
    and dict operations (the same floating-point operations, in the same order, as a loop:
    tens of thousands of documents per concept)."""
    values = list(map(found.__getitem__, docnums))
    added = map(truediv, map(mul, repeat(weight * SATURATION), values), map(add, values, repeat(SATURATION)))
    scores.update(zip(docnums, map(add, map(scores.get, docnums, repeat(0.0)), added), strict=True))


def _languages(found, snapshot):
    """The case-study languages among the documents of ``found``, without walking them all."""
    english = snapshot.memo(("suggest", "english"), lambda: _english(snapshot))
    smaller, larger = (english, found) if len(english) < len(found) else (found, english)
    has_english = any(d in larger for d in smaller)
    if len(found) > len(english):
        return {"id", "en"} if has_english else {"id"}
    has_other = any(d not in english for d in found)
    return {lang for lang, present in (("en", has_english), ("id", has_other)) if present}


def _english(snapshot):
    language = snapshot.column("language")
    return frozenset(d for d in snapshot.live if language[d] == "en")


def matched_parts(maps, docnums):
    """``{docnum: [(concept, score)]}``: what of the problem each of ``docnums`` matched."""
    out = {}
    for docnum in docnums:
        out[docnum] = [(c, w * _saturate(found[docnum])) for c, w, found in maps if docnum in found]
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
    scores = {}
    if not terms:
        return scores
    top = max(weight for _, _, weight in terms)
    for lang, term, weight in terms:
        share = weight / top
        for field in TEXT_FIELDS[lang]:
            boost = FIELD_BOOSTS[field.removesuffix("_en")] * share
            found = snapshot.term_scores(field, term)
            for docnum in candidates if len(candidates) < len(found) else found:
                value = found.get(docnum)
                if value is not None and docnum in candidates:
                    scores[docnum] = scores.get(docnum, 0.0) + boost * value
    return scores


def top(scores, snapshot, limit):
    """The ``limit`` best live document numbers of ``scores`` (ties: the older case study first)."""
    facts = snapshot.facts
    # A deleted document may linger in the postings until its segment is merged: take a few
    # more than asked, then drop those.
    best = heapq.nlargest(limit + 16, scores.items(), key=itemgetter(1))
    live = [(score, -facts[n].id, n) for n, score in best if facts[n] is not None]
    return [n for _, _, n in sorted(live, reverse=True)[:limit]]


def combine(first, feedback, candidates, weight=FEEDBACK_WEIGHT):
    """The first scores of ``candidates`` plus the feedback's, scaled so the best of each
    weighs 1 : ``weight``."""
    out = {docnum: first[docnum] for docnum in candidates}
    if not feedback or not out:
        return out
    scale = weight * max(out.values()) / max(feedback.values())
    for docnum, value in feedback.items():
        out[docnum] += scale * value
    return out
