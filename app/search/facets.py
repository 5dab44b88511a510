"""The catalogue's filters, facets and sorts over a snapshot's in-memory facts.

Each filter and sort is the catalogue's own definition (app/catalog/filters.py), applied to
the documents' Facts. Sets of documents per filter value and sort orders are remembered per
snapshot, and counts are taken with C-level tools (Counter, chain), so that a facet over
20,000 documents costs a few milliseconds.
"""

import heapq
from collections import Counter
from itertools import chain

from app.catalog.filters import FACETS, FILTERS, SORTS, ordered_counts, param


def docs_where(snapshot, name, value):
    """The live documents passing filter ``name`` = ``value`` (remembered per snapshot, and
    per immutable segment: a new snapshot after a write tests the new segment's documents only)."""
    holds = FILTERS[name].holds
    return snapshot.segment_where((name, value), lambda facts: holds(facts, value))


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
    built once per immutable segment and joined once per snapshot: counting is then a
    C-level walk. Equal tuples are stored once, so the column costs a pointer per document."""
    keys, shared = FILTERS[facet].keys, {}

    def key_of(facts):
        key = keys(facts)
        return shared.setdefault(key, key)

    return snapshot.segment_column(("facet", facet), key_of, ())


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
