"""Reading the index fast: a snapshot of one Whoosh reader with each document's facts and
field lengths in memory (cached per immutable segment), and BM25 scores of one term.

Scoring terms here, rather than through Whoosh's query objects, lets the query side combine
synonyms, translations and typo corrections the way a reader expects (query.py) and keeps
a search over 20,000 case studies within a few tens of milliseconds.
"""

import math
from array import array
from collections import OrderedDict
from itertools import chain

import numpy as np
from whoosh.reading import TermNotFound

from app.search.analysis import stem_en, stem_id
from app.search.codec import PackedLeafMatcher
from app.search.documents import TEXT_FIELDS
from app.search.segments import forget_segments_besides, segment_of
from app.search.vectors import DOCS, EMPTY, Scores, Sums

K1 = 1.2
B = 0.75
# Field weights: a word in the title says more about the case study than one in its body.
# The words of its documents (a regulation, an SOP) say least: a case study that names a
# word itself ranks above one whose attachment alone does (docs/decisions/0083).
FIELD_BOOSTS = {"title": 3.0, "summary": 1.5, "body": 1.0, "meta": 1.0, "docs": 0.3}
FIELDS = [
    (field, lang, FIELD_BOOSTS[field.removesuffix("_en")]) for lang in ("id", "en") for field in TEXT_FIELDS[lang]
] + [("meta", "id", FIELD_BOOSTS["meta"]), ("docs", "id", FIELD_BOOSTS["docs"])]
LENGTH_FIELDS = [field for field, _, _ in FIELDS] + ["spell"]
STEM = {"id": stem_id, "en": stem_en}
# The unstemmed word counts a little on its own: Sastrawi cuts some words to another
# word's root (pemasaran -> pasar, perbaikan -> baik); the exact form ranks them apart.
SURFACE_WEIGHT = 0.5

MEMO_SIZE = 4096  # remembered results per snapshot: popular words cost nothing the second time
# Text queries' scores remembered per snapshot (service._plan), counted in matching documents:
# at most this many over all of them, the least recently asked dropped first. A query's entry
# takes about 150 bytes per match, so a reader sending many broad queries spelt differently
# cannot make a worker keep more than about 15 MiB of them.
QUERY_MEMO_MATCHES = 100_000


class Snapshot:
    """One consistent view of the index: documents by number, with their facts."""

    def __init__(self, searcher, generation):
        self.searcher = searcher
        self.path = generation  # the index generation's folder
        self.reader = searcher.reader()
        self.leaves = []  # (segment reader, docnum offset, Segment, deleted docnums of the segment)
        total = self.reader.doc_count_all()
        self.facts = [None] * total  # None for a deleted document
        lengths = {field: [0] * total for field in LENGTH_FIELDS}
        for segreader, offset in self.reader.leaf_readers():
            if segreader.segment() is None:  # an index of nothing (Whoosh's EmptyReader)
                continue
            segment = segment_of(generation, segreader, LENGTH_FIELDS)
            count = len(segment.facts)
            deleted = frozenset(segreader._perdoc.deleted_docs()) if segreader.has_deletions() else frozenset()
            self.leaves.append((segreader, offset, segment, deleted))
            live = segreader.all_doc_ids() if deleted else range(count)
            for n in live:
                self.facts[offset + n] = segment.facts[n]
            for field in lengths:
                lengths[field][offset : offset + count] = segment.lengths[field]
        forget_segments_besides(generation, {leaf[0].segment().segment_id() for leaf in self.leaves})
        self.live = [n for n, facts in enumerate(self.facts) if facts is not None]
        self.docnum_of = {self.facts[n].id: n for n in self.live}
        self.lengths = lengths
        # Averages and document counts over the documents that have the field, so that the
        # few English case studies are scored on the same scale as the Indonesian ones.
        self.field_docs = {}
        self.avg_length = {}
        for field, values in lengths.items():
            present = [values[n] for n in self.live if values[n]]
            self.field_docs[field] = max(len(present), 1)
            self.avg_length[field] = (sum(present) / len(present)) if present else 1.0
        self._memo = OrderedDict()  # term scores, concept scores, filter sets
        self._queries = OrderedDict()  # key -> (value, size): text queries' scores (memo_query)
        self._queries_size = 0
        self._columns = {}  # facts by column and sort orders: small, built once per snapshot

    @property
    def doc_count(self):
        return len(self.live)

    def memo(self, key, compute):
        """``compute()``, remembered for this snapshot (the index it reads never changes)."""
        try:
            self._memo.move_to_end(key)
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            if len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
            return value

    def memo_query(self, key, compute):
        """``value`` of ``compute() -> (value, size)``, remembered for this snapshot while the
        sizes of all remembered stay within ``QUERY_MEMO_MATCHES`` (least recently asked
        dropped first; one larger than that is not remembered)."""
        found = self._queries.get(key)
        if found is not None:
            self._queries.move_to_end(key)
            return found[0]
        value, size = compute()
        if size <= QUERY_MEMO_MATCHES:
            self._queries[key] = (value, size)
            self._queries_size += size
            while self._queries_size > QUERY_MEMO_MATCHES:
                _, (_, dropped) = self._queries.popitem(last=False)
                self._queries_size -= dropped
        return value

    def column(self, name):
        """One fact of every document, by document number (None for a deleted one)."""
        if name not in self._columns:
            self._columns[name] = [getattr(f, name) if f else None for f in self.facts]
        return self._columns[name]

    def segment_column(self, name, compute, missing):
        """``[compute(facts)]`` by document number (``missing`` for a deleted one), joined
        from each segment's own column (kept per immutable segment), once per snapshot."""
        if name not in self._columns:
            column = [missing] * len(self.facts)
            for _, offset, segment, deleted in self.leaves:
                part = segment.column(name, compute)
                column[offset : offset + len(part)] = part
                for n in deleted:
                    column[offset + n] = missing
            self._columns[name] = column
        return self._columns[name]

    def segment_where(self, key, compute):
        """The live document numbers for which ``compute(facts)`` holds, joined from each
        segment's own set (kept per immutable segment); remembered in the snapshot's memo."""

        def join():
            parts = []
            for _, offset, segment, deleted in self.leaves:
                docs = segment.where(key, compute)
                if deleted:
                    docs = docs - deleted
                parts.append(frozenset(map(offset.__add__, docs)) if offset else docs)
            if len(parts) == 1:
                return parts[0]
            return frozenset().union(*parts)

        return self.memo(("where", key), join)

    def column_of(self, name, compute):
        """``compute()``, built once per snapshot under ``name``: a column of facts (the same
        for every query), kept apart from the memo of query results."""
        if name not in self._columns:
            self._columns[name] = compute()
        return self._columns[name]

    def order(self, name, key):
        """Live document numbers sorted by ``key(facts)``, remembered under ``name``."""
        name = ("order", name)
        if name not in self._columns:
            facts = self.facts
            self._columns[name] = sorted(self.live, key=lambda n: key(facts[n]))
        return self._columns[name]

    def frequency_tables(self, field):
        """``[{term: how often the segment holds it}]`` of ``field``, one per segment in the
        reader's order (kept per immutable segment: never merged per snapshot, as an index
        built by several processes, or written to since, has several)."""
        return [segment.frequencies(segreader, field) for segreader, _, segment, _ in self.leaves]

    def prefix_words(self, field, prefix):
        """The terms of ``field`` that start with ``prefix``, each once, from every segment
        (Whoosh's ``expand_prefix``, without merging the segments' term lists in Python: each
        segment's list is kept with the segment, so a new snapshot after a write reads only
        the new segment's)."""
        parts = [segment.words(segreader, field, prefix) for segreader, _, segment, _ in self.leaves]
        return list(dict.fromkeys(chain.from_iterable(parts))) if len(parts) > 1 else list(parts[0] if parts else ())

    def collection_frequency(self, field, term, tables=None):
        """Whoosh's ``frequency(field, term)``, from the segments' tables; None when no
        segment holds the term (Whoosh's ``(field, term) in reader`` is false)."""
        total = None
        for table in tables if tables is not None else self.frequency_tables(field):
            weight = table.get(term)
            if weight is not None:  # Whoosh adds 0 for the others: the same sum
                total = weight if total is None else total + weight
        return total

    def doc_frequency(self, field, term):
        """How many documents hold ``term`` in ``field`` (deleted ones included, cheaply)."""
        return self.reader.doc_frequency(field, term)

    def term_scores(self, field, term):
        """BM25 score of ``term`` in ``field`` for every document holding it (a Scores vector)."""
        return self.memo((field, term), lambda: self._term_scores(field, term, 1.0) or EMPTY)

    def _length_norms(self, field):
        # BM25's length part, per document: K1 * (1 - B + B * length / average length).
        if ("norms", field) not in self._columns:
            scale = K1 * B / self.avg_length[field]
            # An array of doubles, 8 bytes a document, as [K1 * (1 - B) + scale * n] computes them.
            self._columns["norms", field] = np.array([K1 * (1.0 - B) + scale * n for n in self.lengths[field]])
        return self._columns["norms", field]

    def _term_infos(self, field, term):
        """``[(leaf, term bytes, Whoosh TermInfo)]`` of the segments that hold ``term`` in
        ``field``: one look-up in each segment's term table, where doc_frequency() and
        postings() would make three."""
        found = []
        for leaf in self.leaves:
            segreader = leaf[0]
            if field not in segreader.schema:
                return found
            btext = segreader.schema[field].to_bytes(term)
            try:
                found.append((leaf, btext, segreader._terms.term_info(field, btext)))
            except TermNotFound:
                continue
        return found

    def _term_scores(self, field, term, boost):
        """``boost`` x BM25 of ``term`` in ``field`` as a Scores vector; None when no live
        document holds it."""
        docs, weights = [], []
        for leaf, btext, info in self._term_infos(field, term):
            for ids, block_weights in _blocks(leaf, field, btext, info):
                docs.append(_docnums(ids, leaf[1]))
                weights.append(_weights(block_weights))
        # The live documents that hold the term, as the document count and lengths are of
        # live documents: Whoosh's doc_frequency also counts a deleted document until its
        # segment is merged, so writing a document again (a moved replication count) would
        # change the score of every other document with one of its words
        # (docs/decisions/0104).
        df = sum(map(len, docs))
        if not df:
            return None
        n = self.field_docs[field]
        factor = boost * math.log(1.0 + (n - df + 0.5) / (df + 0.5)) * (K1 + 1.0)
        docs = np.concatenate(docs) if len(docs) > 1 else docs[0]
        weights = np.concatenate(weights) if len(weights) > 1 else weights[0]
        # factor * weight / (weight + norm): the operations of the loop it replaces, in its
        # order. Ascending: blocks hold ascending numbers, leaves come by their offsets.
        return Scores(docs, (factor * weights) / (weights + self._length_norms(field)[docs]))

    def word_scores(self, word):
        """Weighted sum over the text fields of one folded word, stemmed per field language."""
        return self.memo(("word", word), lambda: self._word_scores(word))

    def _word_scores(self, word):
        total = Sums(len(self.facts))
        for field, lang, boost in FIELDS:
            found = self._term_scores(field, STEM[lang](word), boost)
            if found is not None:
                total.add(found.docs, found.values)
        if stem_id(word) != word:  # the exact form, where stemming changed it
            found = self._term_scores("spell", word, SURFACE_WEIGHT)
            if found is not None:
                total.add(found.docs, found.values, only_found=True)
        return total.scores()

    def live_frequency(self, field, term):
        """How many live documents hold ``term`` in ``field``. Whoosh keeps a deleted
        document's terms until its segment is merged (doc_frequency counts them): a word
        found only in an archived case study must not be suggested to anyone."""

        def compute():
            found = self._term_infos(field, term)
            blocks = (weights for leaf, btext, info in found for _, weights in _blocks(leaf, field, btext, info))
            return sum(map(len, blocks))  # one weight per posting

        return self.memo(("live", field, term), compute)

    def word_docs(self, word):
        """Document numbers whose text holds ``word``, ascending (an array)."""
        return self.word_scores(word).docs


def _docnums(ids, offset):
    """A block's document numbers within its segment (an ``array("I")``, or a tuple from
    Whoosh's own layout) as the snapshot's numbers."""
    ids = np.frombuffer(ids, dtype=np.uint32) if isinstance(ids, array) and ids.itemsize == 4 else np.array(ids)
    return (ids + offset).astype(DOCS) if offset else ids.astype(DOCS)


def _weights(weights):
    """A block's weights (doubles, single-precision floats, or a list) as doubles."""
    if isinstance(weights, array) and weights.typecode in "fd":
        return np.frombuffer(weights, dtype=np.float32 if weights.typecode == "f" else np.float64).astype(np.float64)
    return np.array(weights, dtype=np.float64)


def _postings(leaf, field, term):
    """Blocks of ``(docnums, weights)`` of a term in one leaf of a snapshot (``Snapshot.leaves``)."""
    segreader = leaf[0]
    if field not in segreader.schema:
        return
    btext = segreader.schema[field].to_bytes(term)
    try:
        info = segreader._terms.term_info(field, btext)
    except TermNotFound:
        return
    yield from _blocks(leaf, field, btext, info)


def _blocks(leaf, field, btext, info):
    """Blocks of ``(docnums, weights)`` of the term ``btext`` whose TermInfo in the leaf's segment
    is ``info``, without the segment's deleted documents (as Whoosh's postings() leaves them out)."""
    segreader, _, _, deleted = leaf
    matcher = segreader._codec.postings_reader(segreader._terms._postfile, info, segreader.schema[field].format)
    # The block reader of codec.py (Whoosh 2.7.4, pinned): whole blocks at once, document
    # numbers and weights unpacked as arrays, are many times faster than the posting-by-posting
    # interface, which anything else falls back to.
    if isinstance(matcher, PackedLeafMatcher):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids, weights = matcher._ids, matcher._weights
            if deleted and not deleted.isdisjoint(ids):
                kept = [n for n, docnum in enumerate(ids) if docnum not in deleted]
                ids, weights = [ids[n] for n in kept], [weights[n] for n in kept]
            yield ids, weights
            matcher._next_block()
        return
    ids, weights = [], []
    while matcher.is_active():
        if matcher.id() not in deleted:
            ids.append(matcher.id())
            weights.append(matcher.weight())
        matcher.next()
    yield ids, weights
