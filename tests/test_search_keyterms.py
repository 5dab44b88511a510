"""Key terms from tables of collection frequencies (app/search/keyterms.py) are Whoosh's own,
to the last bit; and the suggestions' first ranking adds concept scores as a plain loop would."""

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from app.catalog.models import Innovation
from app.search import keyterms, service
from app.search.documents import document, load_innovations
from app.search.index import _codec
from app.suggest import ranking
from app.suggest.reading import read_problem
from tests.test_search_support import clean_index, load_cases, store

NOISE = ["<script>alert(1)</script>", "'; DROP TABLE innovation; --", "../../etc/passwd", "zzqx", "  ", "\u00e9t\u00e9"]


@pytest.fixture
def several_segments(app, db):
    """The fixture case studies in one segment, two of them written again into a second (so
    the first holds deleted documents, as a long-running index does)."""
    with clean_index(app):
        load_cases(app)
        with app.app_context():
            ids = list(db.session.scalars(sa.select(Innovation.id).order_by(Innovation.id).limit(2)))
            ix = store(app).open_current()[1]
            writer = ix.writer(codec=_codec())
            for innovation in load_innovations(db.session, ids).values():
                writer.update_document(**document(innovation))
            writer.commit(merge=False)
            snap = service.snapshot()
            assert len(snap.leaves) == 2 and snap.reader.doc_count_all() > snap.doc_count
            lexicon = sorted(t.decode("utf-8") for t in snap.reader.lexicon("body"))
            yield snap, [w for w in lexicon if w.isalpha()]


def test_collection_frequencies_are_whooshs(several_segments):
    snap, _ = several_segments
    for field in ("body", "body_en", "title", "summary"):
        tables = snap.frequency_tables(field)
        assert len(tables) == 2
        terms = [t.decode("utf-8") for t in snap.reader.lexicon(field)]
        assert set().union(*tables) == set(terms) and terms
        for term in terms:
            assert snap.collection_frequency(field, term) == snap.reader.frequency(field, term)
        assert snap.collection_frequency(field, "zzqxnotaword") is None
    assert snap.frequency_tables("no-such-field") == [{}, {}]


def test_the_words_of_a_prefix_come_from_every_segment(app, db):
    """A word only a later segment holds (a case study edited since the index was built)."""
    with clean_index(app):
        load_cases(app)
        with app.app_context():
            first = db.session.scalar(sa.select(Innovation.id).order_by(Innovation.id))
            ix = store(app).open_current()[1]
            writer = ix.writer(codec=_codec())
            for innovation in load_innovations(db.session, [first]).values():
                fields = document(innovation)
                writer.update_document(**{**fields, "spell": fields["spell"] + " kuantumsegmen"})
            writer.commit(merge=False)
            snap = service.snapshot()
            assert len(snap.leaves) == 2
            assert "kuantumsegmen" in snap.prefix_words("spell", "ku")
            assert sorted(snap.prefix_words("spell", "ku")) == [
                t.decode("utf-8") for t in snap.reader.expand_prefix("spell", "ku")
            ]


@settings(max_examples=60, deadline=None)
@given(prefix=st.text(alphabet="abdegikmnprstuy", min_size=1, max_size=3), field=st.sampled_from(["spell", "body"]))
def test_the_words_of_a_prefix_are_whooshs(several_segments, prefix, field):
    """Each segment's terms of a prefix, kept with the segment, joined: Whoosh's expand_prefix
    over the whole reader (the spelling's candidates), deleted documents' terms included."""
    snap, _ = several_segments
    expected = [t.decode("utf-8") for t in snap.reader.expand_prefix(field, prefix)]
    assert sorted(snap.prefix_words(field, prefix)) == expected
    assert len(set(snap.prefix_words(field, prefix))) == len(expected)
    assert snap.prefix_words("no-such-field", prefix) == []


@settings(max_examples=120, deadline=None)
@given(data=st.data(), field=st.sampled_from(["body", "body_en", "title"]), number=st.integers(1, 40))
def test_key_terms_are_whooshs(several_segments, data, field, number):
    snap, words = several_segments
    pieces = data.draw(st.lists(st.sampled_from(words) | st.sampled_from(NOISE) | st.text(max_size=12), max_size=80))
    text = " ".join(pieces)
    try:
        expected = snap.searcher.key_terms_from_text(field, text, numterms=number)
    except ZeroDivisionError:  # Whoosh's Bo1 when no word of the text is in the index
        assert keyterms.key_terms(snap, field, text, number) == []
        return
    assert keyterms.key_terms(snap, field, text, number) == expected


def plain_first_scores(concepts, snapshot):
    """first_scores as it was first written: a loop over documents."""
    shares = {id(c): ranking._share(c, snapshot) for c in concepts}
    scores = {}
    language = snapshot.column("language")
    expressible = {}
    for concept in sorted(concepts, key=lambda c: shares[id(c)]):
        weight = ranking.COMMON_WEIGHT if shares[id(concept)] > ranking.COMMON_SHARE else 1.0
        found = ranking.concept_scores(concept, snapshot).as_dict()
        for lang in {"en" if language[d] == "en" else "id" for d in found}:
            expressible[lang] = expressible.get(lang, 0.0) + weight
        factor = weight * ranking.SATURATION
        if len(scores) >= ranking.POOL and shares[id(concept)] > ranking.POOL_SHARE:
            for docnum in list(scores):
                if docnum in found:
                    scores[docnum] = scores[docnum] + factor * found[docnum] / (found[docnum] + ranking.SATURATION)
            continue
        for docnum, value in found.items():
            scores[docnum] = scores.get(docnum, 0.0) + factor * value / (value + ranking.SATURATION)
    if len(expressible) > 1:
        most = max(expressible.values())
        factor = {lang: (most / mass) ** ranking.LANGUAGE_POWER for lang, mass in expressible.items()}
        if len(set(factor.values())) > 1:
            scores = {d: value * factor[language[d]] for d, value in scores.items()}
    return scores


@pytest.mark.parametrize("pool", [ranking.POOL, 3])  # 3: the common concepts only add to the first ones
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_first_scores_add_as_a_loop_does(several_segments, data, pool, monkeypatch):
    snap, words = several_segments
    monkeypatch.setattr(ranking, "POOL", pool)
    monkeypatch.setattr(ranking, "POOL_SHARE", 0.0 if pool == 3 else ranking.POOL_SHARE)
    text = " ".join(data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=30)))
    concepts = read_problem(text, snap, service.vocabulary())
    scores, _ = ranking.first_scores(concepts, snap)
    assert scores.as_dict() == plain_first_scores(concepts, snap)


def test_segments_no_snapshot_reads_are_not_kept(several_segments, app, db):
    """A merge, then a new generation: the segment cache keeps only what the newest snapshot
    of the folder reads (each holds every document's facts, lengths and term tables)."""
    from app.search import segments

    snap, _ = several_segments
    snap.frequency_tables("body")
    root = str(store(app).root)

    def cached():
        return {key for key in segments._segment_cache.held() if key[0].startswith(root)}

    def read_by(snapshot):  # the newest snapshot reads the current generation
        return {(str(store(app).current_path()), seg.segment().segment_id()) for seg, *_ in snapshot.leaves}

    assert cached() == read_by(snap) and len(cached()) == 2
    with app.app_context():
        ix = store(app).open_current()[1]
        ix.optimize()  # the two segments merged into one
        merged = service.snapshot()
    assert len(merged.leaves) == 1 and cached() == read_by(merged)
    with app.app_context():
        store(app).rebuild(db.engine, procs=1)
        rebuilt = service.snapshot()
    assert cached() == read_by(rebuilt) and {key[0] for key in cached()} == {str(store(app).current_path())}
