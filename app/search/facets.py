"""The catalogue's filters, facets and sorts over a snapshot's in-memory facts.

Each filter and sort is the catalogue's own definition (app/catalog/filters.py), applied to
the documents' Facts. Sets of documents per filter value and sort orders are remembered per
snapshot, and counts are taken with C-level tools (Counter, chain), so that a facet over
20,000 documents costs a few milliseconds.
"""

import heapq
from collections import Counter
from itertools import chain, compress, repeat

from app.catalog.filters import FACETS, FILTERS, SORTS, ordered_counts, param


def docs_where(snapshot, name, value):
    """The live documents passing filter ``name`` = ``value`` (remembered per snapshot)."""

    def compute():
        live = snapshot.live
        tested = map(FILTERS[name].holds, map(snapshot.facts.__getitem__, live), repeat(value))
        return frozenset(compress(live, tested))

    return snapshot.memo(("where", name, value), compute)


def filter_sets(snapshot, filters):
    """``{filter name: documents passing it}`` for every active filter."""
    return {name: docs_where(snapshot, name, value) for name, value in filters.active.items()}


def intersect(base, sets):
    """``base`` (a set of document numbers, or None for every document) within every one of ``sets``."""
    ordered = sorted(sets, key=len)
    if base is None:
        if not ordered:
            return None
        base, ordered = ordered[0], ordered[1:]
    result = set(base)
    for docs in ordered:
        result &= docs
    return result


def count_facets(snapshot, base, sets):
    """Facet counts: each facet over ``base`` (the documents a query matches, None for all)
    within every active filter but its own, as the catalogue counts them."""
    everything = None
    counts = {}
    for facet in FACETS:
        others = [docs for name, docs in sets.items() if name != facet]
        if len(others) == len(sets):  # the facet's own filter is not active: one shared set
            if everything is None:
                everything = _docs(snapshot, intersect(base, others))
            docnums = everything
        else:
            docnums = _docs(snapshot, intersect(base, others))
        keys_of = facet_keys(snapshot, facet).__getitem__
        counter = Counter(chain.from_iterable(map(keys_of, docnums)))
        counter.pop(None, None)
        counts[facet] = ordered_counts((param(key), n) for key, n in counter.items())
    return counts


def facet_keys(snapshot, facet):
    """The facet values of every document, by document number (``()`` for a deleted one),
    computed once per snapshot: counting is then a C-level walk. Equal tuples are stored once,
    so the column costs a pointer per document."""

    def compute():
        keys, shared = FILTERS[facet].keys, {}
        return [shared.setdefault(k, k) for k in (keys(f) if f is not None else () for f in snapshot.facts)]

    return snapshot.column_of(("facet", facet), compute)


def _docs(snapshot, docnums):
    return snapshot.live if docnums is None else docnums


def sorted_page(snapshot, docnums, sort, first, count):
    """``count`` document numbers from position ``first`` of ``docnums`` in ``sort`` order."""
    order = snapshot.order(sort, SORTS[sort].key)
    if docnums is None:  # the whole catalogue
        return order[first : first + count]
    page, seen = [], 0
    for n in order:
        if n in docnums:
            if seen >= first:
                page.append(n)
                if len(page) == count:
                    break
            seen += 1
    return page


def ranked_page(snapshot, scores, first, count):
    """``count`` document numbers from position ``first`` by score (ties: newest first)."""
    facts = snapshot.facts
    rank = lambda n: (scores[n], facts[n].year, facts[n].id)  # noqa: E731
    top = heapq.nlargest(first + count, scores, key=rank)
    return top[first : first + count]
