"""How the index's postings are laid out on disk: Whoosh 2.7.4's own codec (pinned), with each
block's numbers packed as machine arrays (docs/decisions/0099).

Whoosh pickles a block of postings as three tuples: the document numbers, the weights, and
the positions of each posting as a bytes object of its own. Unpickling a block therefore
builds some 700 Python objects, and that was most of the time of scoring a word the server
had not met yet (a suggestion for an unseen problem, a cold search: bench/RESULTS.md). Here
a block is pickled as a few bytes strings instead: document numbers and weights as arrays,
the positions as one string with their lengths beside it. Unpickling costs a tenth, and the
positions are cut apart only when something asks for them (a phrase, a merge).

Vector postings (keyed by term, not by document) keep Whoosh's layout. The reader takes
both layouts, block by block.
"""

import secrets
from array import array
from itertools import accumulate

from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher, W3PostingsWriter, W3Segment
from whoosh.matching import ListMatcher

PACKED = "p1"  # the fourth item of a packed block's data tuple (Whoosh's has three)
_IDS, _WEIGHTS = "I", "d"  # document numbers below 2**32; weights as Python floats, exactly


class Codec(W3Codec):
    """Whoosh's codec, with packed posting blocks and segment names drawn from the operating
    system. Whoosh draws them from the ``random`` module, which a program may seed:
    Hypothesis seeds it alike for every example, and a test's second index update then wrote
    a segment named like its first. (Pickled into the index's table of contents, under this
    module's path; app.search.index.Codec names the same class for indexes written before.)"""

    def new_segment(self, storage, indexname):
        return W3Segment(self, indexname, segid=secrets.token_hex(8))

    def postings_writer(self, dbfile, byteids=False):
        writer = PackedPostingsWriter if not byteids else W3PostingsWriter
        return writer(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        offset, length = terminfo.extent()
        return PackedLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class PackedPostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer, with each block's data as packed arrays."""

    def _mini_ids(self):
        return array(_IDS, self._ids).tobytes()

    def _mini_weights(self):
        weights = super()._mini_weights()  # None (all 1.0), one float (all the same), or a tuple
        return array(_WEIGHTS, weights).tobytes() if isinstance(weights, tuple) else weights

    def _mini_values(self):
        fixed = self._format.fixed_value_size()
        if fixed is not None and fixed >= 0:
            return (super()._mini_values(), PACKED)  # None, or already one bytes string
        return ((b"".join(self._values), array(_IDS, map(len, self._values)).tobytes()), PACKED)


def _is_packed(data):
    values = data[2]
    return isinstance(values, tuple) and len(values) == 2 and values[1] == PACKED


class PackedLeafMatcher(W3LeafMatcher):
    """Whoosh's block reader, for packed blocks and Whoosh's own alike."""

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        ids = self._data[0]
        if _is_packed(self._data):
            ids = _unpack(_IDS, ids)
        elif not self._byteids:
            ids = tuple(accumulate(ids))
        self._ids = ids

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        weights = self._data[1]
        if isinstance(weights, bytes) and _is_packed(self._data):
            self._weights = _unpack(_WEIGHTS, weights)
        elif weights is None or isinstance(weights, float):
            # Every posting of the block weighs the same (1.0 when None): as Whoosh's own reader
            # gives it (an array of single-precision floats), without its generator.
            self._weights = array("f", (1.0 if weights is None else weights,)) * self._blocklength
        else:
            super()._read_weights()

    def _read_values(self):
        if self._data is None:
            self._read_data()
        if not _is_packed(self._data):
            return super()._read_values()
        values, fixed = self._data[2][0], self._fixedsize
        if fixed is None or fixed < 0:
            blob, lengths = values[0], _unpack(_IDS, values[1])
            ends = accumulate(lengths)
            self._values = tuple(blob[end - length : end] for end, length in zip(ends, lengths, strict=True))
        elif fixed == 0:
            self._values = (None,) * self._blocklength
        else:
            self._values = tuple(values[i : i + fixed] for i in range(0, len(values), fixed))


def _unpack(typecode, data):
    out = array(typecode)
    out.frombytes(data)
    return out
