"""What a write changes and what a page shows, as tags (docs/decisions/0091).

Every write of public data still starts a new data generation (generation.py); it also
records which tags it touched. A cached page or a remembered figure records the tags it
depends on, and stays in use across later generations whose tags it does not share.

Both sides default to everything: a write is narrowed only when every row it changes is of
a kind listed here, and a page only when its endpoint is listed in ``PAGES``. Anything else
(a new case study, a change of sectors, owners, networks, accounts, ...) empties every page
and figure, as before.

Tags:

* ``innovation:<id>``: what one case study shows of itself (its page, its card anywhere).
  A page depends on it for every case study it loaded (ORM load events and the session's
  identity map: nothing to declare by hand).
* ``replications:<id>``: the replications of one case study (their stage, dates, notes,
  history). A page depends on it for every replication it loaded, and a query that selects
  the replications of one case study says so (``execution_options(cache_tags=...)``).
* ``replications``: any replication. A page that reads the replication tables in any
  other way depends on it (the statistics, say), found from the statements themselves.
* ``catalogue``: which case studies a list selects, in what order, and every count over
  them (facets, totals, the home page's figures, statistics), for any reason but a moved
  replication count. No write says it today (what would is ``*``); it is kept for one.
* ``counts``: a case study's replication count moved. Written with ``count:<id>:<before>:
  <after>:<facts>`` (app/catalog/list_scope.py), which says whose count moved and what else
  that case study is, so that a list of the catalogue can tell whether it may show the
  change (docs/decisions/0102).
* ``list?<filters>``: on the read side only, a list of the catalogue under those filters,
  which depends on the ``count:`` tags that can change it: decided by the matcher the
  catalogue registers (``match_lists``); without one, on every write.
"""

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.sql.util import find_tables

ALL = "*"
CATALOGUE = "catalogue"
COUNTS = "counts"
COUNT = "count:"
LIST = "list?"
REPLICATIONS = "replications"

# Cached endpoints that depend on less than everything: the tags they depend on besides the
# case studies and replications they load. Every other cached endpoint depends on everything.
PAGES = {
    "catalog.home": {CATALOGUE, COUNTS},
    # Its list, total and facet counts depend on ``list?<its filters>`` (their figures say so).
    "catalog.catalogue": {CATALOGUE},
    "catalog.innovation": set(),
    # A search answer's list and counts come from the search index, checked against it on
    # every index change (docs/decisions/0094); the database's answer without an index
    # declares ``catalogue`` itself (search.service).
    "search.index": set(),
    "api.innovations": set(),
    "stats.dashboard": {CATALOGUE, COUNTS, REPLICATIONS},
}

# Columns of a case study that no list selects by, orders by or counts (catalog.filters,
# catalog.queries, stats.queries, the search index's facts): an edit of these alone
# changes that case study's page and the cards that show it, nothing else.
DISPLAY_ONLY = frozenset(
    {"summary", "body_md", "body_html", "legal_basis", "started", "updated_at", "edited_at", "version",
     "kit_steps", "kit_pitfalls"}
)  # fmt: skip
# Columns of a replication that only its own pages and its case study's page show, and
# the statistics and cross-case-study lists (``replications``): any but the ones that move
# it to another case study, adopter, network or activity (pages that depend on everything).
_REPLICATION_MOVES = frozenset(
    {"innovation_id", "innovation", "adopter_id", "adopter", "network_id", "network", "activity_id", "activity"}
)


# Reading any of these without saying which replications makes a page depend on them all.
REPLICATION_TABLES = frozenset({"replication", "replication_event", "replication_indicator"})


def innovation(innovation_id):
    return f"innovation:{innovation_id}"


def replications_of(innovation_id):
    return f"replications:{innovation_id}"


def encode(tags):
    return ALL if ALL in tags else " ".join(sorted(tags))


def decode(text):
    return frozenset(text.split())


def affects(tags, deps):
    """Whether a write with ``tags`` may change something that depends on ``deps`` (None: everything)."""
    if deps is None or ALL in tags or not tags.isdisjoint(deps):
        return True
    return COUNTS in tags and any(dep.startswith(LIST) and _list_changed(dep, tags) for dep in deps)


_list_matcher = None


def match_lists(matcher):
    """Register ``matcher(dep, tags) -> bool``: whether the ``count:`` tags among ``tags`` may
    change the catalogue list ``dep`` (``list?...``). The catalogue registers it on import."""
    global _list_matcher
    _list_matcher = matcher


def _list_changed(dep, tags):
    return _list_matcher is None or _list_matcher(dep, tags)


# -- the write side -----------------------------------------------------------------------


def _changed(obj):
    return {a.key for a in sa.inspect(obj).attrs if a.history.has_changes()}


def _innovation_ids_of_replication(session, replication):
    """The case studies a replication belongs to, before and after the change (or None)."""
    ids = set()
    history = sa.inspect(replication).attrs.innovation_id.history
    ids.update(v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None)
    linked = sa.inspect(replication).dict.get("innovation")  # set, or loaded: no query
    if linked is not None and linked.id is not None:
        ids.add(linked.id)
    return ids or None


# Rows are told apart by their table, not their class: the features' models build on this
# package, which never imports them.
def _table(obj):
    return sa.inspect(obj).mapper.local_table.name


def _model(table_name):
    from app.extensions import db

    for mapper in db.Model.registry.mappers:
        if mapper.local_table.name == table_name:
            return mapper.class_
    raise LookupError(table_name)


def tags_of_object(session, obj, *, new, deleted):
    """The tags a change of ``obj`` touches, or ``{ALL}`` when it is not one of the narrow kinds."""
    table = _table(obj)
    if table == "innovation" and not (new or deleted):
        return {innovation(obj.id)} if _changed(obj) <= DISPLAY_ONLY else {ALL}
    if table == "innovation_revision" and not deleted and obj.innovation_id is not None:
        return {innovation(obj.innovation_id)}  # shown on editing pages only, never cached
    if table == "replication":
        if not new and not deleted and _changed(obj) & _REPLICATION_MOVES:
            return {ALL}
        ids = _innovation_ids_of_replication(session, obj)
        return {ALL} if ids is None else {REPLICATIONS, *map(replications_of, ids)}
    if table == "replication_event" and not deleted:
        replication = obj.replication
        if replication is None and obj.replication_id is not None:
            replication = session.get(_model("replication"), obj.replication_id)
        ids = None if replication is None else _innovation_ids_of_replication(session, replication)
        return {ALL} if ids is None else {REPLICATIONS, *map(replications_of, ids)}
    return {ALL}


# -- the read side ------------------------------------------------------------------------


def track(endpoint):
    """Start collecting what the page being built depends on."""
    g.page_deps = set(PAGES[endpoint]) if endpoint in PAGES else None


def depend(tags):
    """The page being built (if any) depends on ``tags`` too (None: on everything)."""
    if not has_request_context() or "page_deps" not in g or g.page_deps is None:
        return
    if tags is None or ALL in tags:
        g.page_deps = None
    else:
        g.page_deps.update(tags)


def collected(session):
    """What the page depends on, once built: what was declared, plus every case study and
    replication the session holds (loaded before the page began, say, in a test)."""
    deps = g.pop("page_deps", None)
    if deps is None:
        return None
    for obj in list(session.identity_map.values()):
        # An expired row the page did not touch again is not on it (touching it reloads it).
        table = _table(obj)
        if table == "innovation":
            deps.add(innovation(sa.inspect(obj).identity[0]))
        elif table == "replication" and "innovation_id" in sa.inspect(obj).dict:
            deps.add(replications_of(sa.inspect(obj).dict["innovation_id"]))
    return frozenset(deps)


def _loaded(target, context, *args):
    table = _table(target)
    if table == "innovation":
        depend((innovation(sa.inspect(target).identity[0]),))
    elif table == "replication":
        innovation_id = sa.inspect(target).dict.get("innovation_id")
        depend(None if innovation_id is None else (replications_of(innovation_id),))


def _statement(state):
    """A query that reads the replication tables without saying which replications it
    selects makes the page depend on every replication."""
    if not state.is_select or not has_request_context() or g.get("page_deps") is None:
        return
    declared = state.execution_options.get("cache_tags")
    if declared is not None:
        depend(declared)
        return
    if any(_name(table) in REPLICATION_TABLES for table in find_tables(state.statement, include_aliases=True)):
        depend((REPLICATIONS,))


def _name(table):
    while not isinstance(table, sa.Table) and getattr(table, "element", None) is not None:
        table = table.element  # an alias: the table under it
    return getattr(table, "name", None)


def listen():
    """Every case study or replication a page loads, and every statement it runs, tells
    what it depends on."""
    from app.extensions import db

    # On the declarative base, propagated: every mapped class, those mapped later included.
    for name in ("load", "refresh"):
        if not event.contains(db.Model, name, _loaded):
            event.listen(db.Model, name, _loaded, propagate=True)
    if not event.contains(db.session, "do_orm_execute", _statement):
        event.listen(db.session, "do_orm_execute", _statement)
