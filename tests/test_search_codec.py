"""Packed posting blocks (app/search/codec.py) read back exactly as Whoosh's own codec writes
and reads them: document numbers, weights and positions, through Whoosh's matcher interface,
phrase queries, segment merges and the engine's block reader; and a generation written with
the previous layout is not opened."""

import tempfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Phrase

from app.search import engine
from app.search.codec import Codec, PackedLeafMatcher
from app.search.index import FORMAT_FILE, IndexMissing, IndexStore

WORDS = ["air", "bersih", "desa", "ibu", "hamil", "pulau", "sinyal", "bidan", "jalan", "puskesmas"]
SCHEMA = fields.Schema(
    key=fields.ID(stored=True, unique=True),
    text=fields.TEXT(phrase=True),  # positions: variable-size values
    tag=fields.KEYWORD(),  # frequencies only
    flag=fields.ID(),  # no values at all
)
documents = st.lists(
    st.fixed_dictionaries(
        {
            "text": st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join),
            "tag": st.lists(st.sampled_from(WORDS[:4]), max_size=3).map(" ".join),
            "flag": st.sampled_from(["ya", "tidak"]),
        }
    ),
    min_size=1,
    max_size=700,  # more than two blocks of 256 for the common words
)


def _index(folder, codec, docs, batches):
    ix = FileStorage(folder).create().create_index(SCHEMA)
    for batch in range(batches):
        writer = ix.writer(codec=codec)
        for n, doc in enumerate(docs):
            if n % batches == batch:
                writer.add_document(key=str(n), **doc)
        writer.commit(merge=False)
    return ix


def _postings(ix):
    """Every posting of every term, through Whoosh's posting-by-posting interface, by key."""
    out = {}
    with ix.searcher() as searcher:
        keys = {n: searcher.stored_fields(n)["key"] for n in range(searcher.doc_count_all())}
        reader = searcher.reader()
        for field in ("text", "tag", "flag"):
            for term in reader.lexicon(field):
                matcher = reader.postings(field, term)
                found = []
                while matcher.is_active():
                    found.append((keys[matcher.id()], matcher.weight(), matcher.value()))
                    matcher.next()
                out[field, term] = sorted(found)
    return out


def _phrases(ix):
    with ix.searcher() as searcher:
        return {
            (a, b): sorted(searcher.stored_fields(n)["key"] for n in searcher.docs_for_query(Phrase("text", [a, b])))
            for a, b in zip(WORDS, WORDS[1:], strict=False)
        }


@settings(max_examples=25, deadline=None)
@given(docs=documents, batches=st.integers(1, 3))
def test_packed_postings_read_back_as_whooshs_own(docs, batches):
    with tempfile.TemporaryDirectory() as ours, tempfile.TemporaryDirectory() as theirs:
        packed = _index(ours, Codec(blocklimit=256, compression=0), docs, batches)
        plain = _index(theirs, W3Codec(blocklimit=256, compression=0), docs, batches)
        assert _postings(packed) == _postings(plain)
        assert _phrases(packed) == _phrases(plain)
        _same_blocks_as_whoosh(packed)
        # Deleted documents stay in the postings until a merge: readers leave them out.
        for ix, codec in ((packed, Codec(blocklimit=256, compression=0)), (plain, W3Codec())):
            writer = ix.writer(codec=codec)
            for n in range(0, len(docs), 3):
                writer.delete_by_term("key", str(n))
            writer.commit(merge=False)
        assert _postings(packed) == _postings(plain)
        _same_blocks_as_whoosh(packed)
        # A merge reads the packed blocks back through Whoosh and writes them again.
        packed.writer(codec=Codec(blocklimit=256, compression=0)).commit(optimize=True)
        plain.writer(codec=W3Codec(blocklimit=256, compression=0)).commit(optimize=True)
        assert len(packed.reader().leaf_readers()) == 1
        assert _postings(packed) == _postings(plain)
        assert _phrases(packed) == _phrases(plain)


def _same_blocks_as_whoosh(ix):
    """The engine's block reader gives what Whoosh's posting-by-posting interface gives,
    deleted documents left out."""
    with ix.searcher() as searcher:
        for segreader, offset in searcher.reader().leaf_readers():
            deleted = frozenset(segreader._perdoc.deleted_docs()) if segreader.has_deletions() else frozenset()
            for term in segreader.lexicon("text"):
                blocks = list(engine._postings((segreader, offset, None, deleted), "text", term.decode("utf-8")))
                matcher = segreader.postings("text", term)
                expected = []
                while matcher.is_active():
                    expected.append((matcher.id(), matcher.weight()))
                    matcher.next()
                assert [(i, w) for ids, ws in blocks for i, w in zip(ids, ws, strict=True)] == expected
                # As the scores read them (app/search/vectors.py): numbers past the leaf's offset, doubles.
                assert [
                    (n, w)
                    for ids, ws in blocks
                    for n, w in zip(engine._docnums(ids, offset).tolist(), engine._weights(ws).tolist(), strict=True)
                ] == [(offset + i, w) for i, w in expected]


def test_the_index_reads_its_own_postings_with_the_packed_reader(app):
    from tests.test_search_support import clean_index, load_cases

    with clean_index(app):
        load_cases(app)
        with app.app_context():
            from app.search import service

            snap = service.snapshot()
            segreader = snap.leaves[0][0]
            term = next(iter(segreader.lexicon("body")))
            assert isinstance(segreader.postings("body", term), PackedLeafMatcher)


def test_a_generation_of_the_previous_layout_is_not_opened(app):
    from tests.test_search_support import clean_index, load_cases

    with clean_index(app):
        load_cases(app)
        store = IndexStore(app.config["SEARCH_INDEX_DIR"])
        path = store.current_path()
        (path / FORMAT_FILE).write_text("4")
        with pytest.raises(IndexMissing, match="another version"):
            store.open_current()
