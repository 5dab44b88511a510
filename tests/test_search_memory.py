"""The index read without private copies, and term scores as BM25 defines them (decision 0093)."""

import io
import math
import os
import pickle
import random
import shutil
import time
from dataclasses import astuple

import pytest

from app.catalog.filters import parse_filters
from app.search.documents import Facts
from app.search.engine import FIELDS, K1, STEM, B
from app.search.index import PEEK, IndexStore, _MemoryFile, _SharedBufferFile
from app.search.service import snapshot
from tests.test_search_support import clean_index, load_cases


@pytest.fixture
def catalogue(app):
    with clean_index(app):
        yield load_cases(app)


def test_a_memory_file_reads_like_a_file():
    rng = random.Random(7)
    data = bytes(rng.choice(b"ab\ncd\x00\xff") for _ in range(3000))
    ours, theirs = _MemoryFile(memoryview(data)), io.BytesIO(data)
    for _ in range(400):
        action = rng.choice(("read", "readline", "seek", "seek_end", "seek_rel", "peek"))
        if action == "peek":  # a look ahead that does not move
            here = theirs.tell()
            assert ours.peek(rng.choice((0, 1, 100000))) == data[here : here + PEEK]
        elif action == "read":
            size = rng.choice((-1, 0, 1, 5, 300, 5000))
            assert ours.read(size) == theirs.read(size)
        elif action == "readline":
            assert ours.readline() == theirs.readline()
        elif action == "seek":
            where = rng.randrange(0, 3100)
            assert ours.seek(where) == theirs.seek(where)
        elif action == "seek_rel":
            where = rng.randrange(0, 50)
            assert ours.seek(where, 1) == theirs.seek(where, 1)
        else:
            where = -rng.randrange(0, 100)
            assert ours.seek(where, 2) == theirs.seek(where, 2)
        assert ours.tell() == theirs.tell()
    ours.seek(0)
    theirs.seek(0)
    assert list(ours) == list(theirs)


def test_pickles_load_from_a_memory_file_one_after_another():
    # pickle reads ahead with peek() and then takes exactly what it used.
    items = [(256, 12345, 3.0, 0, 7, 200), "x" * 500, (1, None, 2.5), list(range(100)), b"", {"a": [1.5]}]
    data = b"".join(pickle.dumps(item, protocol) for item in items for protocol in (2, 5)) + b"rest"
    ours = _MemoryFile(memoryview(data))
    for item in items:
        assert pickle.load(ours) == item and pickle.load(ours) == item  # noqa: S301 -- our own bytes
    assert ours.read() == b"rest"


def test_the_segments_are_read_in_place(catalogue):
    with catalogue.test_request_context():
        snap = snapshot()
        files = [segreader._terms._postfile for segreader, *_ in snap.leaves]
    assert files and all(isinstance(f, _SharedBufferFile) for f in files)
    # In place: the file's bytes are a view of the mapped segment, not a copy of them.
    assert all(isinstance(f._buf, memoryview) and not isinstance(f.file, io.BytesIO) for f in files)


def test_facts_are_the_stored_ones_with_common_values_kept_once(catalogue):
    with catalogue.test_request_context():
        snap = snapshot()
        live = list(snap.live)
        assert len(live) > 5
        for segreader, offset, *_ in snap.leaves:
            for n in segreader.all_doc_ids():
                stored = segreader.stored_fields(n)["facts"]
                assert snap.facts[offset + n] == Facts(*stored)
                assert [type(v) for v in astuple(snap.facts[offset + n])] == [type(v) for v in stored]
        # Within a segment, equal sector tuples, provinces and stages are one object each.
        shared = 0
        for segreader, offset, *_ in snap.leaves:
            docs = [offset + n for n in segreader.all_doc_ids()]
            for name in ("sectors", "province", "stage", "language"):
                values = [getattr(snap.facts[n], name) for n in docs]
                assert len({id(v) for v in values}) == len(set(values)), name
                shared += len(values) - len(set(values))
        assert shared > 10  # the fixture's documents have values in common


def _reference_scores(snap, field, term, boost):
    """BM25 of ``term`` in ``field`` through Whoosh's public posting interface, one posting at a time."""
    df = snap.reader.doc_frequency(field, term)
    n = snap.field_docs[field]
    factor = boost * math.log(1.0 + (n - df + 0.5) / (df + 0.5)) * (K1 + 1.0)
    out = {}
    for segreader, offset, *_ in snap.leaves:
        btext = segreader.schema[field].to_bytes(term)
        if (field, btext) not in segreader:
            continue
        matcher = segreader.postings(field, btext)
        while matcher.is_active():
            docnum, weight = offset + matcher.id(), matcher.weight()
            norm = K1 * (1.0 - B) + K1 * B / snap.avg_length[field] * snap.lengths[field][docnum]
            out[docnum] = factor * weight / (weight + norm)
            matcher.next()
    return out


def test_word_scores_are_bm25_summed_over_the_fields(catalogue):
    checked = 0
    with catalogue.test_request_context():
        snap = snapshot()
        for word in ("stunting", "pelayanan", "akta", "kelahiran", "online", "sampah", "izin", "usaha"):
            expected = {}
            for field, lang, boost in FIELDS:
                for docnum, value in _reference_scores(snap, field, STEM[lang](word), boost).items():
                    expected[docnum] = expected.get(docnum, 0.0) + value
            got = snap.word_scores(word).as_dict()
            if not expected:
                assert not got, word
                continue
            checked += 1
            assert got.keys() >= expected.keys()  # the exact form (spell field) adds to these only
            assert all(math.isclose(got[d], expected[d], rel_tol=0.5) for d in expected)
            if STEM["id"](word) == word:  # no surface bonus: exactly the fields' sum
                assert got == pytest.approx(expected, rel=1e-12)
    assert checked >= 4


def test_live_frequency_counts_postings(catalogue):
    with catalogue.test_request_context():
        snap = snapshot()
        for word in ("stunting", "sampah", "tidakadakata"):
            docs = _reference_scores(snap, "spell", word, 1.0)
            assert snap.live_frequency("spell", word) == len(docs)
    assert IndexStore(catalogue.config["SEARCH_INDEX_DIR"]).status()["documents"] > 0


def test_remembered_queries_are_bounded_by_their_matches(catalogue, monkeypatch):
    from app.search import engine

    monkeypatch.setattr(engine, "QUERY_MEMO_MATCHES", 10)
    with catalogue.test_request_context():
        snap = snapshot()
        asked = []

        def compute(name, size):
            def run():
                asked.append(name)
                return name, size

            return run

        assert snap.memo_query("a", compute("a", 4)) == "a"
        assert snap.memo_query("b", compute("b", 4)) == "b"
        assert snap.memo_query("a", compute("a", 4)) == "a"  # remembered, and now the latest
        assert snap.memo_query("c", compute("c", 4)) == "c"  # 12 > 10: "b" goes, "a" stays
        assert snap.memo_query("a", compute("a", 4)) == "a" and asked == ["a", "b", "c"]
        assert snap.memo_query("b", compute("b", 4)) == "b" and asked == ["a", "b", "c", "b"]
        assert snap.memo_query("huge", compute("huge", 11)) == "huge"
        assert snap.memo_query("huge", compute("huge", 11)) == "huge" and asked.count("huge") == 2
        assert snap._queries_size == sum(size for _, size in snap._queries.values()) <= 10


def test_an_edited_synonym_applies_to_a_query_already_asked(app, db, tmp_path):
    from app.search import service
    from app.search.index import IndexStore
    from app.search.vocabulary import SYNONYMS_FILE
    from tests import factories

    reference = tmp_path / "reference"
    shutil.copytree(app.config["REFERENCE_DIR"], reference)
    factories.innovation("Gawai Pintar untuk Desa", summary="Setiap kantor desa memakai gawai.")
    db.session.commit()
    IndexStore(app.config["SEARCH_INDEX_DIR"]).rebuild(db.engine)
    saved = app.config["REFERENCE_DIR"]
    app.config["REFERENCE_DIR"] = str(reference)
    try:
        with app.test_request_context():
            filters = parse_filters({"q": "ponsel"})
            assert service.search(filters).total == 0
            path = reference / SYNONYMS_FILE
            path.write_text(path.read_text(encoding="utf-8") + "\nponsel, gawai\n", encoding="utf-8")
            os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))  # a later stamp
            assert service.search(filters).total == 1  # the same snapshot, the new vocabulary
    finally:
        app.config["REFERENCE_DIR"] = saved
