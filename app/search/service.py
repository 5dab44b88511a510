"""Search as the rest of the app sees it: ``search(filters)`` and ``similar(innovation)``.

Results are Innovation rows fetched by id in rank order; filters and facets are computed
on the index's copy of each document's facts, so counts always describe the results.
Without an index a small catalogue is indexed on the spot; a large one is listed from the
database when there is no query, and a query gets SearchUnavailable (a clear message).
"""

import threading
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup
from sqlalchemy.orm import defer, joinedload, selectinload

from app.catalog.models import Innovation
from app.extensions import db
from app.regions.models import Region
from app.search import query as query_module
from app.search.database import search_database, similar_by_sector
from app.search.engine import Snapshot
from app.search.facets import allowed_docs, count_facets, ranked_page, sorted_page
from app.search.highlight import snippet
from app.search.index import IndexMissing, IndexStore, RebuildBusy
from app.search.models import SearchOutbox
from app.search.similar import similar_docnums
from app.search.vocabulary import load as load_vocabulary

AUTO_BUILD_LIMIT = 5000  # innovations: above this, a missing index is rebuilt by the command only


class SearchUnavailable(RuntimeError):
    """The index cannot answer a text query right now (missing and being built)."""


@dataclass
class Hit:
    """One result: the innovation row, its score, and (made when first asked) a highlighted snippet."""

    innovation: Innovation
    score: float = 0.0
    words: frozenset = frozenset()

    @cached_property
    def snippet(self):
        """The passage that best matches the query, as Markup with ``<mark>`` around its words."""
        if not self.words:
            return Markup("")
        innovation = self.innovation
        return snippet(innovation.summary, innovation.body_md, self.words, innovation.language)


@dataclass
class SearchResult:
    """A page of results with the total, the facets of all results, and hints for the reader."""

    hits: list
    total: int
    page: int
    per_page: int
    facets: dict
    suggestion: str | None = None
    regions: list = field(default_factory=list)  # codes of the places recognised in the query
    from_index: bool = True

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))


_local = threading.local()
_region_cache = {}


def _store(app):
    return IndexStore(app.config["SEARCH_INDEX_DIR"])


def snapshot(app=None):
    """This thread's snapshot of the current index, refreshed when the index changed."""
    app = app or current_app._get_current_object()
    store = _store(app)
    if app.config.get("SEARCH_SYNC_ON_READ", True):
        _catch_up(app, store)
    try:
        path, ix = store.open_current()
    except IndexMissing:
        if _count_innovations() > app.config.get("SEARCH_AUTO_BUILD_LIMIT", AUTO_BUILD_LIMIT):
            raise
        try:
            store.rebuild(db.engine, wait=False)
        except RebuildBusy:
            raise IndexMissing("the search index is being built") from None
        path, ix = store.open_current()
    path = str(path)
    cached = getattr(_local, "snapshots", {}).get(path)
    if cached is not None:
        searcher = cached.searcher.refresh()  # reuses the readers of unchanged segments
        if searcher is cached.searcher:
            return cached
    else:
        for old in getattr(_local, "snapshots", {}).values():
            old.searcher.close()  # a rebuilt index: let the old generation's files go
        searcher = ix.searcher()
    snap = Snapshot(searcher, path)
    _local.snapshots = {path: snap}
    return snap


def _catch_up(app, store):
    # Another server (or worker) may have committed changes this index has not seen.
    path = store.current_path()
    if path is None:
        return
    newest = db.session.scalar(sa.select(sa.func.max(SearchOutbox.id))) or 0
    if newest > store.applied(path):
        from app.search.outbox import apply_pending

        apply_pending(app, timeout=0.0)


def _count_innovations():
    return db.session.scalar(sa.select(sa.func.count(Innovation.id)))


def region_index():
    """Region names -> codes, read once per database."""
    url = str(db.engine.url)
    if url not in _region_cache:
        rows = db.session.execute(sa.select(Region.code, Region.name, Region.kind)).all()
        _region_cache[url] = query_module.region_keys(rows)
    return _region_cache[url]


def vocabulary():
    """The synonyms and glossary of this app's reference folder."""
    return load_vocabulary(current_app.config["REFERENCE_DIR"])


def search(filters):
    """Search the catalogue: ``filters`` is a catalog.filters.Filters (q, filters, sort, page)."""
    try:
        snap = snapshot()
    except IndexMissing:
        if filters.q:
            raise SearchUnavailable("the search index is not available yet") from None
        return search_database(filters)
    facts = snap.facts
    allowed = allowed_docs(snap, filters)
    plan = None
    if filters.q:
        plan = query_module.plan_query(filters.q, snap, vocabulary(), region_index())
        scores = query_module.score(plan, snap, allowed)
        matched = scores.keys()
    else:
        scores = {}
        matched = allowed if allowed is not None else snap.live
    if allowed is None and not filters.q:  # the whole catalogue: the same counts every time
        facets = snap.memo("all-facets", lambda: count_facets(snap, snap.live))  # noqa: B023
    else:
        facets = count_facets(snap, matched)
    first = (filters.page - 1) * filters.per_page
    if filters.sort == "relevance" and plan is not None:
        page_docs = ranked_page(snap, scores, first, filters.per_page)
    else:
        page_docs = sorted_page(snap, matched, filters.sort, first, filters.per_page)
    rows = fetch([facts[n].id for n in page_docs])
    words = frozenset(plan.highlight_words()) if plan else frozenset()
    hits = [Hit(rows[facts[n].id], scores.get(n, 0.0), words) for n in page_docs if facts[n].id in rows]
    return SearchResult(
        hits=hits,
        total=len(matched),
        page=filters.page,
        per_page=filters.per_page,
        facets=facets,
        suggestion=plan.suggestion if plan else None,
        regions=sorted(plan.regions) if plan else [],
    )


def fetch(ids):
    """Innovation rows by id, with what a result list shows, as ``{id: innovation}``."""
    if not ids:
        return {}
    query = (
        sa.select(Innovation)
        .where(Innovation.id.in_(ids))
        .options(
            defer(Innovation.body_html),  # lists show the summary; the page that needs it loads it
            joinedload(Innovation.owner),
            joinedload(Innovation.region),
            selectinload(Innovation.sectors),
            selectinload(Innovation.themes),
            selectinload(Innovation.awards),
        )
    )
    return {innovation.id: innovation for innovation in db.session.scalars(query)}


def similar(innovation, limit=5):
    """Up to ``limit`` innovations most like ``innovation`` (more-like-this), best first."""
    try:
        snap = snapshot()
    except IndexMissing:
        return similar_by_sector(innovation, limit)
    docnums = similar_docnums(snap, innovation, limit)
    rows = fetch([snap.facts[n].id for n in docnums])
    return [rows[snap.facts[n].id] for n in docnums if snap.facts[n].id in rows]


def facet_names(facets, locale):
    """Display names of the sector and province facet values, in the reader's language."""
    from app.catalog.models import Sector

    sectors = list(facets.get("sector", {}))
    provinces = list(facets.get("province", {}))
    names = {"sector": {}, "province": {}}
    if sectors:
        for sector in db.session.scalars(sa.select(Sector).where(Sector.slug.in_(sectors))):
            names["sector"][sector.slug] = sector.name(locale)
    if provinces:
        rows = db.session.execute(sa.select(Region.code, Region.name).where(Region.code.in_(provinces)))
        names["province"] = dict(rows.all())
    return names


def innovation_url(innovation, external=False):
    """The case-study page of an innovation (the catalogue's route when it exists)."""
    from flask import url_for

    if "catalog.innovation" in current_app.view_functions:
        return url_for("catalog.innovation", slug=innovation.slug, _external=external)
    return url_for("catalog.home", _external=external).rstrip("/") + f"/inovasi/{innovation.slug}"


def index_version(app=None):
    """A short string that changes whenever this server's index does (generation, last change
    applied): a cache of search answers keys on it, since the index catches up after commits."""
    app = app or current_app._get_current_object()
    store = _store(app)
    path = store.current_path()
    return f"{path.name}:{store.applied(path)}" if path is not None else "none"
