"""What a snapshot keeps of each immutable Whoosh segment, cached across snapshots: every
document's facts and field lengths, and (when asked) columns, filter sets, term frequencies
and the terms of a prefix. A new snapshot after a write builds only its new segment's
(docs/decisions/0104).
"""

import os
from itertools import compress

from app.lru import Lru
from app.search.documents import Facts

MAX_CACHED_SEGMENTS = 256
_segment_cache = Lru(MAX_CACHED_SEGMENTS)  # (generation path, segment id) -> Segment
MAX_SEGMENT_SETS = 64  # filter sets (a sector's or a province's documents) and prefixes kept per segment


class Segment:
    """Facts and field lengths of one immutable Whoosh segment, and (when asked) its term frequencies."""

    def __init__(self, segreader, length_fields):
        count = segreader.doc_count_all()
        shared = {name: {} for name in SHARED_FACTS}
        self.facts = [_shared(segreader.stored_fields(n)["facts"], shared) for n in range(count)]
        self.lengths = {
            field: [segreader.doc_field_length(n, field, 0) or 0 for n in range(count)] for field in length_fields
        }
        self._frequencies = {}  # field -> {term: collection frequency}, built when first asked
        self._columns = {}  # name -> a value per document (deleted ones too), built when first asked
        self._where = Lru(MAX_SEGMENT_SETS)  # (filter, value) -> documents passing it (deleted ones too)
        self._words = Lru(MAX_SEGMENT_SETS)  # (field, prefix) -> the segment's terms that start with it

    def column(self, name, compute):
        """``[compute(facts)]`` of every document of the segment, under ``name``: a snapshot
        joins its segments' columns, so a new snapshot after one write builds only the new
        segment's (docs/decisions/0104)."""
        column = self._columns.get(name)
        if column is None:
            column = self._columns[name] = [compute(facts) for facts in self.facts]
        return column

    def where(self, key, compute):
        """The segment's document numbers for which ``compute(facts)`` holds, under ``key``;
        the last ``MAX_SEGMENT_SETS`` asked are kept."""
        return self._where.get(key, lambda: frozenset(compress(range(len(self.facts)), map(compute, self.facts))))

    def words(self, segreader, field, prefix):
        """The segment's terms of ``field`` that start with ``prefix`` (deleted documents'
        too, as Whoosh lists them), decoded; the last ``MAX_SEGMENT_SETS`` asked are kept."""

        def read():
            if field not in segreader.schema:
                return ()
            decode = segreader.schema[field].from_bytes
            return tuple(decode(term) for term in segreader.expand_prefix(field, prefix))

        return self._words.get((field, prefix), read)

    def frequencies(self, segreader, field):
        """``{term: how often the segment holds it}`` of one field (deleted documents included,
        as Whoosh counts them): about 0.1 s for the body of 20,000 case studies, once."""
        table = self._frequencies.get(field)
        if table is None:
            table = {}
            if field in segreader.schema:
                decode = segreader.schema[field].from_bytes
                table = {decode(term): info.weight() for term, info in segreader.iter_field(field)}
            self._frequencies[field] = table
        return table


# Facts that many documents have in common (a sector tuple, a province code, a stage): each
# distinct value is kept once per segment, not once per document as unpickling gives them.
# About 9 MiB less per worker at 20,000 case studies. Per fact, so that equal values of
# different types (1 and True) are never mixed up.
SHARED_FACTS = frozenset(Facts.__dataclass_fields__) - {"id", "title_key", "setup_cost"}


def _shared(stored, shared):
    """The Facts of a stored tuple, each shared value taken from ``shared`` (fact -> value -> value)."""
    return Facts(
        *(
            shared[name].setdefault(value, value) if name in shared else value
            for name, value in zip(Facts.__dataclass_fields__, stored, strict=True)
        )
    )


def segment_of(generation, segreader, length_fields):
    """The cached Segment of ``segreader`` in the index generation ``generation``."""
    key = (generation, segreader.segment().segment_id())
    return _segment_cache.get(key, lambda: Segment(segreader, length_fields))


def forget_segments_besides(generation, kept):
    """Drop the cached segments of this index folder that the newest snapshot does not read:
    merged away, or of an older generation. Each holds every document's facts and field
    lengths, and term tables once asked (snapshots that still read them keep their own)."""
    root = os.path.dirname(generation)
    _segment_cache.drop(lambda key: os.path.dirname(key[0]) == root and (key[0] != generation or key[1] not in kept))
