"""Filters, facet counts and sort orders over a snapshot's in-memory facts.

Sets of documents per filter value and sort orders are remembered per snapshot, and counts
are taken with C-level tools (itemgetter, Counter), so that a facet over 20,000 documents
costs a few milliseconds. The meaning of each filter is the same as in database.py.
"""

import heapq
from collections import Counter
from itertools import chain
from operator import itemgetter

FACETS = ("sector", "owner_kind", "province", "year", "award")
MULTI = {"sector": "sectors", "theme": "themes", "award": "awards"}
SINGLE = {"owner_kind": "owner_kind", "province": "province", "year": "year", "stage": "stage"}


def _docs_where(snapshot, name, value):
    def compute():
        live = snapshot.live
        if name in MULTI:
            column = snapshot.column(MULTI[name])
            return frozenset(n for n in live if value in column[n])
        if name in SINGLE:
            column = snapshot.column(SINGLE[name])
            return frozenset(n for n in live if column[n] == value)
        if name == "region":  # the region itself and every region inside it
            column, inside = snapshot.column("region"), value + "."
            return frozenset(n for n in live if column[n] and (column[n] == value or column[n].startswith(inside)))
        if name == "replicated":
            column = snapshot.column("replication_count")
            return frozenset(n for n in live if (column[n] > 0) == value)
        raise ValueError(name)

    return snapshot.memo(("where", name, value), compute)


def allowed_docs(snapshot, filters):
    """The documents passing every active filter, or None when no filter is active."""
    active = filters.active
    if not active:
        return None
    sets = sorted((_docs_where(snapshot, name, value) for name, value in active.items()), key=len)
    return set(sets[0]).intersection(*sets[1:])


def _pick(column, docnums):
    if len(docnums) == 1:
        return (column[docnums[0]],)
    return itemgetter(*docnums)(column)


def count_facets(snapshot, docnums):
    """Facet counts over ``docnums``, each facet sorted by count (most first)."""
    docnums = list(docnums)
    if not docnums:
        return {name: {} for name in FACETS}
    provinces = Counter(_pick(snapshot.column("province"), docnums))
    provinces.pop(None, None)
    years = Counter(_pick(snapshot.column("year"), docnums))
    return {
        "sector": dict(Counter(chain.from_iterable(_pick(snapshot.column("sectors"), docnums))).most_common()),
        "owner_kind": dict(Counter(_pick(snapshot.column("owner_kind"), docnums)).most_common()),
        "province": dict(provinces.most_common()),
        "year": {str(year): count for year, count in years.most_common()},
        "award": dict(Counter(chain.from_iterable(_pick(snapshot.column("awards"), docnums))).most_common()),
    }


SORT_KEYS = {
    "newest": lambda f: (-f.year, f.title_key, f.id),
    "most_replicated": lambda f: (-f.replication_count, -f.year, f.title_key, f.id),
    "title": lambda f: (f.title_key, f.id),
}


def sorted_page(snapshot, docnums, sort, first, count):
    """``count`` document numbers from position ``first`` of ``docnums`` in ``sort`` order."""
    key = SORT_KEYS.get(sort, SORT_KEYS["newest"])
    order = snapshot.order(sort, key)
    if docnums is snapshot.live:  # the whole catalogue
        return order[first : first + count]
    wanted = docnums if isinstance(docnums, set | frozenset) else set(docnums)
    page, seen = [], 0
    for n in order:
        if n in wanted:
            if seen >= first:
                page.append(n)
                if len(page) == count:
                    break
            seen += 1
    return page


def ranked_page(snapshot, scores, first, count):
    """``count`` document numbers from position ``first`` by score (ties: newest, then title)."""
    top = heapq.nlargest(first + count, scores, key=scores.__getitem__)
    facts = snapshot.facts
    top.sort(key=lambda n: (-scores[n], -facts[n].year, facts[n].title_key))
    return top[first : first + count]
