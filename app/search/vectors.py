"""Score vectors: the documents a term, word, concept or query finds, each with its score.

A vector is two numpy arrays side by side, the document numbers in ascending order and
their scores, and sums are made over a dense array of the snapshot's size (one float per
document: 160 KB at 20,000 case studies). Scoring a word the server has not met walks every
posting of its terms, some 170 (field, term) lists per query through synonyms, glossary and
typo alternatives, and that was Python dict and map() work at about 1 µs a posting; here it
is array arithmetic (docs/decisions/0109).

Every score is made with the same floating-point operations, in the same order per
document, as the loops they replace (tests/test_search_vectors.py holds them to those loops).
"""

import numpy as np

DOCS = np.int32  # document numbers of one snapshot
EMPTY_DOCS = np.zeros(0, dtype=DOCS)


class Scores:
    """``{docnum: score}`` as two arrays: ``docs`` ascending, ``values`` beside them. Read-only:
    the vectors are remembered with the snapshot and shared by every query that uses them."""

    __slots__ = ("docs", "values")

    def __init__(self, docs, values):
        self.docs, self.values = docs, values
        docs.flags.writeable = values.flags.writeable = False

    def __len__(self):
        return len(self.docs)

    @property
    def nbytes(self):
        return self.docs.nbytes + self.values.nbytes

    def lookup(self, docnums):
        """The scores of ``docnums`` (an array), NaN where the vector does not hold one."""
        docnums = np.asarray(docnums, dtype=DOCS)
        at = np.searchsorted(self.docs, docnums)
        at[at == len(self.docs)] = 0
        out = np.full(len(docnums), np.nan)
        if len(self.docs):
            held = self.docs[at] == docnums
            out[held] = self.values[at[held]]
        return out

    def as_dict(self):
        """``{docnum: score}`` in ascending document order, as plain Python numbers."""
        return dict(zip(self.docs.tolist(), self.values.tolist(), strict=True))


EMPTY = Scores(EMPTY_DOCS, np.zeros(0))


class Sums:
    """Scores added up per document over a dense array of ``size`` documents, with the
    documents that received any (so that a score of 0.0 still counts as found)."""

    __slots__ = ("sums", "found", "counts")

    def __init__(self, size, counting=False):
        self.sums = np.zeros(size)
        self.found = np.zeros(size, dtype=bool)
        self.counts = np.zeros(size, dtype=np.int32) if counting else None

    def add(self, docs, values, only_found=False, count=1):
        """``sums[d] += values`` for ``docs`` (unique), or only for those already found."""
        if only_found:
            kept = self.found[docs]
            docs, values = docs[kept], values[kept]
        self.sums[docs] += values
        self.found[docs] = True
        if self.counts is not None:
            self.counts[docs] += count

    def docs(self):
        return np.flatnonzero(self.found).astype(DOCS)

    def scores(self):
        docs = self.docs()
        return Scores(docs, self.sums[docs])


def intersect(arrays):
    """The document numbers present in every one of ``arrays`` (each ascending, unique)."""
    arrays = sorted(arrays, key=len)
    common = arrays[0] if arrays else EMPTY_DOCS
    for other in arrays[1:]:
        common = np.intersect1d(common, other, assume_unique=True)
    return common
