"""Which lists of the catalogue a moved replication count can change (docs/decisions/0102).

A replication that reaches or leaves a replicated stage moves its case study's replication
count. Of a catalogue list (its page of cards, its total, its facet counts), the count is
read in two places only: the ``replicated`` filter and facet (whether the count is above
zero) and the ``most_replicated`` order. So a moved count changes a list only when

* it crossed zero, and the case study passes every other filter of the list (the
  ``replicated`` facet counts it under them), or all but one when the list filters on
  ``replicated`` (each other facet counts under all the filters but its own); or
* the list is ordered by the count and the case study passes its filters.

The card of the case study itself, wherever shown, depends on ``innovation:<id>`` already.

The write says whose count moved, from what to what, and what else the case study is (its
facts, as the filters read them) in one tag, ``count:<id>:<before>:<after>:<facts>``; a list
depends on ``list?<its filters>``. The data generation's ``affects`` (app/datagen/scopes.py)
asks ``changes`` below whether the one may change the other. Anything the facts do not
say for sure (a value not known) counts as passing: a list is then rendered again, never
kept wrongly.
"""

import json
from functools import lru_cache
from types import SimpleNamespace
from urllib.parse import parse_qsl, quote, unquote, urlencode

import sqlalchemy as sa

from app.catalog.filters import FILTERS, param
from app.catalog.models import Award, Innovation, Owner, Sector, Theme, innovation_sector, innovation_theme
from app.datagen import scopes

ORDERED = "most_replicated"  # the one order that reads the count
_BOOLEAN = frozenset({"digital", "replicated", "no_new_regulation"})
# The fact each filter reads: a filter on a fact that is not known is taken to pass.
_FACT = {"sector": "sectors", "theme": "themes", "award": "awards", "cost": "setup_cost",
         "no_new_regulation": "needs_new_regulation"}  # fmt: skip


def count_moved(session, innovation_id, before, after):
    """The tags of a write that moved a case study's replication count from ``before`` to
    ``after``, its facts read afresh from the database (not from rows the session loaded
    earlier: another writer may have changed them since). The caller's transaction must
    already have started its data generation (``generation.bump``): every writer that
    committed before it is then visible to these reads, and every later one comes after."""
    row = session.execute(
        sa.select(
            Innovation.region_code,
            Innovation.year,
            Innovation.stage,
            Innovation.digital,
            Innovation.setup_cost,
            Innovation.needs_new_regulation,
            Owner.kind,
        )
        .outerjoin(Owner, Owner.id == Innovation.owner_id)
        .where(Innovation.id == innovation_id)
    ).one()
    region = row.region_code

    def slugs(link, column, model):
        query = sa.select(model.slug).join(link, column == model.id).where(link.c.innovation_id == innovation_id)
        return sorted(session.scalars(query))

    facts = {
        "sectors": slugs(innovation_sector, innovation_sector.c.sector_id, Sector),
        "themes": slugs(innovation_theme, innovation_theme.c.theme_id, Theme),
        "owner_kind": row.kind,
        "province": region.split(".")[0] if region else None,
        "region": region,
        "year": row.year,
        "awards": sorted(set(session.scalars(sa.select(Award.stage).where(Award.innovation_id == innovation_id)))),
        "stage": row.stage,
        "digital": row.digital,
        "setup_cost": row.setup_cost,
        "needs_new_regulation": row.needs_new_regulation,
    }
    text = quote(json.dumps(facts, separators=(",", ":"), sort_keys=True), safe="")
    return {scopes.innovation(innovation_id), scopes.COUNTS, f"{scopes.COUNT}{innovation_id}:{before}:{after}:{text}"}


def list_deps(filters, ordered=True):
    """What a list under ``filters`` depends on: the catalogue, and the moved counts that can
    change it (its order too when ``ordered``: the cards of a page, not its total or facets).
    A list with a text query is the search's, not narrowed here: every moved count."""
    if filters.q:
        return frozenset({scopes.CATALOGUE, scopes.COUNTS})
    args = urlencode(sorted((name, param(value)) for name, value in filters.active.items()))
    order = ORDERED if ordered and filters.sort == ORDERED else ""
    return frozenset({scopes.CATALOGUE, f"{scopes.LIST}{args}#{order}"})


def changes(dep, tags):
    """Whether a count named among ``tags`` may change the list ``dep`` (see above)."""
    active, ordered = _list(dep)
    replicated = active.get("replicated")
    for tag in tags:
        if not tag.startswith(scopes.COUNT):
            continue
        before, after, facts = _count(tag)
        if (before > 0) != (after > 0) and counted_in_facets(active, facts):
            return True
        if ordered and not failing(active, facts) and (replicated is None or replicated in (before > 0, after > 0)):
            return True
    return False


def failing(active, facts):
    """How many of the filters ``active`` but ``replicated`` a case study with ``facts`` fails
    (one whose fact is not known passes)."""
    return sum(1 for name, value in active.items() if name != "replicated" and not _passes(name, value, facts))


def counted_in_facets(active, facts):
    """Whether a list (or a search answer) under the filters ``active`` counts a case study with
    ``facts`` in its total or a facet once its count crosses zero: it passes every filter but
    ``replicated``, or all but one when the list filters on ``replicated`` (each other facet
    counts under all the filters but its own). Also used by app/search/counts.py."""
    return failing(active, facts) <= (0 if "replicated" not in active else 1)


def _passes(name, value, facts):
    fact = getattr(facts, _FACT.get(name, name), None)
    if fact is None and name != "cost":  # not known (a cost not known is the band "unknown")
        return True
    return FILTERS[name].holds(facts, value)


@lru_cache(maxsize=1024)
def _list(dep):
    query, _, order = dep[len(scopes.LIST) :].partition("#")
    active = {name: _typed(name, value) for name, value in parse_qsl(query, keep_blank_values=True)}
    return active, order == ORDERED


def _typed(name, value):
    if name in _BOOLEAN:
        return value == "true"
    if name == "year":
        return int(value)
    return value


@lru_cache(maxsize=1024)
def _count(tag):
    _, before, after, text = tag[len(scopes.COUNT) :].split(":", 3)
    facts = json.loads(unquote(text))
    facts = {key: tuple(value) if isinstance(value, list) else value for key, value in facts.items()}
    return int(before), int(after), SimpleNamespace(**facts)


scopes.match_lists(changes)
