"""Score vectors (app/search/vectors.py) give every document the score a plain loop over
documents gives it, to the last bit: the query's concepts, alternatives and coordination,
the suggestions' feedback, and more-like-this."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.search import query, service
from app.search.vectors import DOCS, Scores, Sums, intersect
from app.suggest import ranking
from tests.test_search_keyterms import NOISE, several_segments  # noqa: F401 (a fixture)

score_maps = st.dictionaries(st.integers(0, 60), st.floats(0.0, 50.0, allow_nan=False), max_size=40)


def vector(mapping):
    docs = sorted(mapping)
    return Scores(np.array(docs, dtype=DOCS), np.array([mapping[d] for d in docs], dtype=float))


@given(mapping=score_maps, asked=st.lists(st.integers(-5, 70), max_size=30))
def test_a_vector_reads_as_the_mapping_it_holds(mapping, asked):
    scores = vector(mapping)
    assert scores.as_dict() == mapping and len(scores) == len(mapping)
    found = scores.lookup(np.array([n for n in asked if n >= 0], dtype=DOCS)).tolist()
    for n, value in zip([n for n in asked if n >= 0], found, strict=True):
        assert value == mapping[n] if n in mapping else math.isnan(value)
    assert not scores.docs.flags.writeable and not scores.values.flags.writeable  # shared by every query


@given(maps=st.lists(score_maps, max_size=6), only=st.lists(st.booleans(), min_size=6, max_size=6))
def test_sums_add_as_a_loop_does(maps, only):
    sums, expected = Sums(61, counting=True), {}
    counts = {}
    for mapping, only_found in zip(maps, only, strict=False):
        found = vector(mapping)
        sums.add(found.docs, found.values, only_found=only_found)
        for d, value in mapping.items():
            if not only_found or d in expected:
                expected[d] = expected.get(d, 0.0) + value
                counts[d] = counts.get(d, 0) + 1
    assert sums.scores().as_dict() == expected
    assert {d: int(sums.counts[d]) for d in sums.docs().tolist()} == counts
    assert set(intersect([vector(m).docs for m in maps]).tolist()) == (
        set.intersection(*(set(m) for m in maps)) if maps else set()
    )


# --- the query's scores, against the loops they replace ---------------------------------
def plain_alternative(alternative, snap):
    maps = [
        plain_concept(w, snap) if isinstance(w, query.Concept) else snap.word_scores(w).as_dict()
        for w in alternative.words
    ]
    if len(maps) == 1:
        return maps[0]
    n = len(maps)
    if alternative.loose:
        total, hits = {}, {}
        for m in maps:
            for d, value in m.items():
                total[d] = total.get(d, 0.0) + value
                hits[d] = hits.get(d, 0) + 1
        return {d: (value / n) * (hits[d] / n) for d, value in total.items()}
    common = set.intersection(*(set(m) for m in maps))
    return {d: sum(m[d] for m in maps) / n for d in common}


def plain_concept(concept, snap):
    best, total = {}, {}
    for alternative in concept.alternatives:
        for d, value in plain_alternative(alternative, snap).items():
            scaled = value * alternative.weight
            best[d] = max(best[d], scaled) if d in best else scaled
            total[d] = total[d] + scaled if d in total else scaled
    weight = concept.weight * concept.size
    return {d: weight * (best[d] + query.TIEBREAK * (total[d] - best[d])) for d in best}


def plain_score(plan, snap):
    selecting = [c for c in plan.concepts if not c.common] or plan.concepts
    ranking_ = [c for c in plan.concepts if c.common and c not in selecting]
    per_concept = [(c, plain_concept(c, snap)) for c in selecting]
    matched = set().union(*(s.keys() for _, s in per_concept)) if per_concept else set()
    for concept in selecting:
        if concept.phrase is not None:
            matched &= query.phrase_docs(concept.phrase, snap)
    scores, hits = dict.fromkeys(matched, 0.0), dict.fromkeys(matched, 0)
    for concept, found in per_concept:
        for d in matched & found.keys():
            scores[d] += found[d]
            hits[d] += concept.size
    for concept in ranking_:
        found = plain_concept(concept, snap)
        for d in matched & found.keys():
            scores[d] += found[d]
    count = sum(c.size for c in selecting)
    scores = {d: value * (hits[d] / count) ** query.COORD_POWER for d, value in scores.items()}
    for d in scores:
        if plan.regions:
            scores[d] *= 1.0 + query.REGION_BOOST * query._region_strength(snap.facts[d], plan.regions)
    return scores


TERMS = ["stunting", "akta kelahiran", "bank sampah", "jawa timur", "pelayanan", "teacher training", "kab"]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_query_scores_as_the_loops_do(several_segments, data):  # noqa: F811 (the fixture)
    snap, words = several_segments
    pieces = data.draw(
        st.lists(st.sampled_from(words) | st.sampled_from(TERMS) | st.sampled_from(NOISE), min_size=1, max_size=8)
    )
    if data.draw(st.booleans()):  # a quoted phrase of two of them
        pieces.append(f'"{" ".join(data.draw(st.lists(st.sampled_from(words), min_size=2, max_size=2)))}"')
    plan = query.plan_query(" ".join(pieces), snap, service.vocabulary(), service.region_index())
    for concept in plan.concepts:
        assert query.concept_scores(concept, snap).as_dict() == plain_concept(concept, snap)
    assert query.score(plan, snap) == plain_score(plan, snap)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_feedback_adds_as_a_loop_does(several_segments, data):  # noqa: F811 (the fixture)
    snap, words = several_segments
    terms = [("id", w, data.draw(st.floats(0.1, 5.0))) for w in data.draw(st.lists(st.sampled_from(words), max_size=6))]
    candidates = set(data.draw(st.lists(st.sampled_from(snap.live), max_size=12)))
    expected = {}
    if terms:
        top = max(weight for _, _, weight in terms)
        for lang, term, weight in terms:
            for field in ranking.TEXT_FIELDS[lang]:
                boost = ranking.FIELD_BOOSTS[field.removesuffix("_en")] * (weight / top)
                found = snap.term_scores(field, term).as_dict()
                for d in sorted(candidates):
                    if d in found:
                        expected[d] = expected.get(d, 0.0) + boost * found[d]
    assert ranking.feedback_scores(snap, terms, candidates) == expected


def test_ties_rank_the_older_case_study_first(several_segments):  # noqa: F811 (the fixture)
    snap, _ = several_segments
    live = snap.live
    tied = Scores(np.array(live, dtype=DOCS), np.ones(len(live)))
    by_age = sorted(live, key=lambda n: snap.facts[n].id)
    for limit in range(1, len(live) + 1):
        assert ranking.top(tied, snap, limit) == by_age[:limit]
    scored = Scores(np.array(live, dtype=DOCS), np.arange(len(live), dtype=float))
    assert ranking.top(scored, snap, 2) == list(reversed(live))[:2]


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.sampled_from([0.5, 1.0, 1.0, 2.0, 3.25]), min_size=1, max_size=120),
    deleted=st.sets(st.integers(0, 119), max_size=16),
    limit=st.integers(1, 60),
    seed=st.randoms(use_true_random=False),
)
def test_top_is_the_best_live_documents_ties_by_age(values, deleted, limit, seed):
    """With at most 16 deleted documents lingering among them (as app.suggest.ranking.top
    allows), the best ``limit`` live ones by score, the older case study first on a tie."""
    ids = list(range(1, len(values) + 1))
    seed.shuffle(ids)
    facts = [None if n in deleted else type("F", (), {"id": ids[n]}) for n in range(len(values))]
    snap = type("Snap", (), {"facts": facts})
    got = ranking.top(Scores(np.arange(len(values), dtype=DOCS), np.array(values)), snap, limit)
    live = [n for n in range(len(values)) if facts[n] is not None]
    assert got == sorted(live, key=lambda n: (-values[n], facts[n].id))[:limit]
