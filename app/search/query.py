"""From what an official typed to a scored set of case studies.

A query becomes *concepts*: a word, a phrase in quotes, or a run of words that the
vocabulary knows (``buang air besar sembarangan``). Each concept has *alternatives*: the
words as typed, their synonyms and acronyms, their translation, a typo's correction.
A document's score sums, per concept, its best alternative (BM25 over the fields), and
is scaled by the share of concepts it matches: all words rank first, some words still
answer. Very common words (``pelayanan``) only add to documents found by the others.
A region named in the query (``kesehatan jawa tengah``) boosts that region's case studies
instead of being searched as text.
"""

import re
from dataclasses import dataclass, field

import numpy as np
from whoosh.query import Or, Phrase

from app.search.analysis import JOINERS, STOP_ALL, fold, split_word, words
from app.search.engine import FIELDS, STEM
from app.search.spelling import correct
from app.search.vectors import DOCS, Scores, Sums, intersect
from app.search.vocabulary import MAX_SPAN
from app.search.vocabulary import entry_keys as _keys

SYNONYM_WEIGHT = 0.9  # another term of the same group
SECOND_HOP_WEIGHT = 0.7  # a synonym of a synonym or translation
COMMON_SHARE = 0.4  # a word in more than this share of documents ranks, but does not select
COMMON_WEIGHT = 0.4
TIEBREAK = 0.2  # a document using two synonyms of a concept gets a little more than one
COORD_POWER = 2.0
REGION_BOOST = 1.0
PLACE_TEXT_WEIGHT = 0.3  # the words of a recognised place still count a little as text
MAX_CONCEPTS = 12
MAX_ALTERNATIVES = 24
LOOSE_WEIGHT = 0.35
COMPOSED_WEIGHT = 0.8  # every word of a known term, each in any of its own forms
RELATED_WEIGHT = 0.6  # a related term of the vocabulary (pupuk bersubsidi -> kartu tani)
QUOTED = re.compile(r'"([^"]*)"?')
REGION_PREFIXES = {"kabupaten": "regency", "kab": "regency", "kota": "city", "provinsi": "province", "prov": "province"}


@dataclass
class Alternative:
    """Words that must all appear (each folded, unstemmed), and how much a match counts."""

    words: tuple  # folded words, or Concepts (the words of a term, each with its synonyms)
    weight: float = 1.0
    loose: bool = False  # some of the words are enough, for less


@dataclass
class Concept:
    """One thing the reader asked for, with the ways a case study may say it."""

    text: str
    alternatives: list
    weight: float = 1.0
    common: bool = False
    phrase: tuple | None = None  # a quoted phrase: its words must appear next to each other
    size: int = 1  # query words it stands for: a known two-word term counts as two words


@dataclass
class Plan:
    """The concepts of a query, the regions it names, and the corrected query if any."""

    concepts: list = field(default_factory=list)
    regions: dict = field(default_factory=dict)  # region code -> strength (0..1)
    suggestion: str | None = None

    def highlight_words(self):
        """Every folded word a snippet should mark."""
        return _concept_words(self.concepts)


def _concept_words(concepts):
    found = set()
    for concept in concepts:
        for alternative in concept.alternatives:
            for item in alternative.words:
                found |= _concept_words([item]) if isinstance(item, Concept) else {item}
    return found


@dataclass
class _Word:
    raw: str  # as typed
    surface: str  # folded
    parts: tuple  # what it is searched as: hyphen parts and the joined form


def _read_words(text):
    out = []
    for surface, start, end in words(text):
        parts = tuple(p for p in split_word(surface) if p not in STOP_ALL and (len(p) > 1 or p.isdigit()))
        out.append(_Word(text[start:end], surface, parts))
    return out


def _word_alternatives(word):
    if len(word.parts) > 1:  # ktp-el: the joined form, or its parts together
        return [Alternative((word.parts[-1],)), Alternative(word.parts[:-1])]
    return [Alternative(word.parts)] if word.parts else []


# --- places ------------------------------------------------------------------------------
def region_keys(regions):
    """``{name words: {code}}`` for every region, with and without its kind word."""
    keys = {}
    for code, name, kind in regions:
        folded = fold(name).split()
        bare = (
            [w for w in folded if w not in ("kabupaten", "kota", "provinsi")]
            if folded[0] in ("kabupaten", "kota")
            else folded
        )
        keys.setdefault(tuple(bare), set()).add(code)
        prefix = {"province": "provinsi", "regency": "kabupaten", "city": "kota"}[kind]
        keys.setdefault((prefix, *bare), set()).add(code)
        if kind == "regency":
            keys.setdefault(("kab", *bare), set()).add(code)
    return keys


def _find_places(items, keys, vocabulary):
    """Spans of ``items`` that name a region: ``[(start, end, codes, confident)]``."""
    found, i = [], 0
    while i < len(items):
        for length in range(min(5, len(items) - i), 0, -1):
            span = tuple(w.surface for w in items[i : i + length])
            codes = set(keys.get(span, ()))
            alias = False
            if not codes:  # jatim, ntt, east java: a vocabulary group holding a region's name
                for number in vocabulary.groups_for(span):
                    for entry in vocabulary.groups[number]:
                        codes |= keys.get(entry.words, set())
                alias = bool(codes)
            if codes:
                confident = length > 1 or alias or span[0] in REGION_PREFIXES
                found.append((i, i + length, codes, confident))
                i += length
                break
        else:
            i += 1
    return found


# --- concepts ----------------------------------------------------------------------------
def _parts(words_):
    """Searchable words of a vocabulary entry; empty when dropping stop words would change
    its meaning (``dalam jaringan`` is not ``jaringan``)."""
    parts = []
    for word in words_:
        pieces = split_word(word)
        if len(pieces) > 1 and len(pieces) - 1 == len(JOINERS.split(word)):
            parts += pieces[:-1]  # ktp-el: its parts, which a text may also write apart
        else:
            parts.append(pieces[-1])  # e-learning: the joined form, "learning" alone is not it
    kept = tuple(p for p in parts if p not in STOP_ALL and (len(p) > 1 or p.isdigit()))
    return kept if len(kept) > 1 or len(parts) == 1 else ()


def _group_concept(span_words, numbers, vocabulary):
    typed = tuple(p for w in span_words for p in w.parts)
    alternatives = {typed: 1.0}
    seen_keys = set(_keys(typed))

    def add(entries, weight):
        for entry in entries:
            parts = _parts(entry.words)
            keys = _keys(parts)
            if parts and not keys & seen_keys and len(alternatives) < MAX_ALTERNATIVES:
                alternatives[parts] = weight
                seen_keys.update(keys)

    hops = set()
    for number in sorted(numbers):
        add(vocabulary.groups[number], SYNONYM_WEIGHT)
        for entry in vocabulary.groups[number]:
            hops |= vocabulary.groups_for(entry.words)
    for number in sorted(numbers):
        add(vocabulary.related.get(number, ()), RELATED_WEIGHT)
    # One hop on: a translation's own synonyms (training -> pelatihan -> diklat).
    for number in sorted(hops - numbers):
        add(vocabulary.groups[number], SECOND_HOP_WEIGHT)
    text = " ".join(w.raw for w in span_words)
    result = [Alternative(words, weight) for words, weight in alternatives.items()]
    if len(span_words) > 1:
        # The term's words, each with its own synonyms: "asuransi nelayan" is also said
        # "jaminan sosial ... penangkap ikan". All of them rank above some of them.
        parts = [c for w in span_words for c in _text_concepts([w], vocabulary)]
        if len(parts) > 1:
            result.append(Alternative(tuple(parts), COMPOSED_WEIGHT))
            result.append(Alternative(tuple(parts), LOOSE_WEIGHT, loose=True))
    return Concept(text, result, size=len(span_words))


def _text_concepts(items, vocabulary):
    concepts, i = [], 0
    while i < len(items):
        for length in range(min(MAX_SPAN, len(items) - i), 0, -1):
            span = items[i : i + length]
            numbers = vocabulary.groups_for(tuple(p for w in span for p in w.parts))
            if numbers:
                concepts.append(_group_concept(span, numbers, vocabulary))
                i += length
                break
        else:
            alternatives = _word_alternatives(items[i])
            if alternatives:
                concepts.append(Concept(items[i].raw, alternatives))
            i += 1
    return concepts


def plan_query(q, snapshot, vocabulary, region_index):
    """Read query ``q`` into a Plan, correcting typos against the index's own words."""
    plan = Plan()
    phrases = [p for p in QUOTED.findall(q) if p.strip()]
    loose_text = QUOTED.sub(" ", q)
    items = [w for w in _read_words(loose_text) if w.parts]
    place_words = {w for key in region_index for w in key}

    # Typos first, so that a corrected word also finds its synonyms.
    suggestion, changed = loose_text, False
    for item in items:
        if len(item.parts) == 1:
            fixed = correct(item.parts[0], snapshot, vocabulary, place_words)
            if fixed:
                suggestion = re.sub(rf"(?<!\w){re.escape(item.raw)}(?!\w)", fixed, suggestion, count=1)
                item.surface, item.parts, changed = fixed, (fixed,), True
    if changed:
        plan.suggestion = " ".join(" ".join(f'"{p}"' for p in phrases).split() + suggestion.split())

    places = _find_places(items, region_index, vocabulary)
    taken = set()
    for start, end, codes, confident in places:
        for code in codes:
            plan.regions[code] = max(plan.regions.get(code, 0.0), 1.0 if confident else 0.5)
        if confident:
            taken.update(range(start, end))
    text_items = [w for n, w in enumerate(items) if n not in taken]
    plan.concepts = _text_concepts(text_items, vocabulary)
    for start, end, _, confident in places:
        if confident:
            place = items[start:end]
            alternative = Alternative(tuple(p for w in place for p in w.parts), 1.0)
            plan.concepts.append(Concept(" ".join(w.raw for w in place), [alternative], PLACE_TEXT_WEIGHT, True))
    for phrase in phrases:
        parts = tuple(p for w in _read_words(phrase) for p in w.parts)
        if parts:
            plan.concepts.append(Concept(phrase, [Alternative(parts)], phrase=parts))
    plan.concepts = plan.concepts[:MAX_CONCEPTS]
    for concept in plan.concepts:
        if not concept.common and concept.phrase is None:
            concept.common = _frequency(concept.alternatives[0], snapshot) > COMMON_SHARE
            if concept.common:
                concept.weight = COMMON_WEIGHT
    return plan


def _frequency(alternative, snapshot):
    docs = intersect([snapshot.word_docs(word) for word in alternative.words])
    return len(docs) / max(snapshot.doc_count, 1)


# --- scoring -----------------------------------------------------------------------------
# Score vectors (app/search/vectors.py): each document's score is made with the same
# floating-point operations, in the same order, as a loop over documents would make it.
def _alternative_scores(alternative, snapshot):
    maps = [
        concept_scores(w, snapshot) if isinstance(w, Concept) else snapshot.word_scores(w) for w in alternative.words
    ]
    if len(maps) == 1:
        return maps[0]
    n = len(maps)
    if alternative.loose:  # (sum / n) * (words found / n), for every document with any
        total = Sums(len(snapshot.facts), counting=True)
        for m in maps:
            total.add(m.docs, m.values)
        docs = total.docs()
        return Scores(docs, (total.sums[docs] / n) * (total.counts[docs] / n))
    common = intersect([m.docs for m in maps])  # every word: their mean
    total = Sums(len(snapshot.facts))
    for m in maps:
        kept = np.isin(m.docs, common, assume_unique=True)
        total.add(m.docs[kept], m.values[kept])
    return Scores(common, total.sums[common] / n)


def _signature(concept):
    return (
        concept.weight,
        concept.size,
        tuple(
            (tuple(_signature(w) if isinstance(w, Concept) else w for w in a.words), a.weight, a.loose)
            for a in concept.alternatives
        ),
    )


def concept_scores(concept, snapshot):
    """Scores vector: the best alternative per document, plus a little of the others."""
    return snapshot.memo(("concept", _signature(concept)), lambda: _concept_scores(concept, snapshot))


def _concept_scores(concept, snapshot):
    size = len(snapshot.facts)
    best = np.full(size, -np.inf)
    total = Sums(size)
    for alternative in concept.alternatives:
        found = _alternative_scores(alternative, snapshot)
        scaled = found.values * alternative.weight
        best[found.docs] = np.maximum(best[found.docs], scaled)
        total.add(found.docs, scaled)
    docs = total.docs()
    top = best[docs]
    weight = concept.weight * concept.size
    return Scores(docs, weight * (top + TIEBREAK * (total.sums[docs] - top)))


def phrase_docs(words_, snapshot):
    """Documents where the (stemmed) words appear next to each other, in any text field."""
    queries = [Phrase(f, [STEM[lang](w) for w in words_]) for f, lang, _ in FIELDS if f != "meta"]
    return set(snapshot.searcher.docs_for_query(Or(queries)))


def _mask(size, docnums):
    mask = np.zeros(size, dtype=bool)
    mask[np.fromiter(docnums, dtype=DOCS, count=len(docnums))] = True
    return mask


def score(plan, snapshot, allowed=None):
    """``{docnum: score}`` of every document the plan matches (within ``allowed``, if given)."""
    size = len(snapshot.facts)
    selecting = [c for c in plan.concepts if not c.common] or plan.concepts
    ranking = [c for c in plan.concepts if c.common and c not in selecting]
    per_concept = [(c, concept_scores(c, snapshot)) for c in selecting]
    matched = np.zeros(size, dtype=bool)
    for _, found in per_concept:
        matched[found.docs] = True
    for concept in selecting:
        if concept.phrase is not None:
            matched &= _mask(size, phrase_docs(concept.phrase, snapshot))
    if allowed is not None:
        matched &= _mask(size, allowed)
    scores = np.zeros(size)
    hits = np.zeros(size, dtype=np.int64)
    for concept, found in per_concept:
        inside = matched[found.docs]
        docs = found.docs[inside]
        scores[docs] += found.values[inside]
        hits[docs] += concept.size
    for concept in ranking:  # common words only add to the documents the others found
        found = concept_scores(concept, snapshot)
        inside = matched[found.docs]
        scores[found.docs[inside]] += found.values[inside]
    docs = np.flatnonzero(matched)
    count = sum(c.size for c in selecting)
    # (hits / count) ** COORD_POWER, as Python's pow() gives it, for the few counts there are
    coord = np.array([pow(h / count, COORD_POWER) for h in range(count + 1)]) if count else np.ones(1)
    values = scores[docs] * coord[hits[docs]]
    scores = dict(zip(docs.tolist(), values.tolist(), strict=True))
    if plan.regions:
        facts = snapshot.facts
        for docnum in scores:
            scores[docnum] *= 1.0 + REGION_BOOST * _region_strength(facts[docnum], plan.regions)
    return scores


def _region_strength(facts, regions):
    if facts.region is None:
        return 0.0
    return max(regions.get(facts.region, 0.0), regions.get(facts.province, 0.0))
