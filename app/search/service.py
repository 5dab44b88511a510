"""Search as the rest of the app sees it: ``search(filters)`` and ``similar(innovation)``.

Results are Innovation rows fetched by id in rank order; filters and facets are computed
on the index's copy of each document's facts, so counts always describe the results.
Without an index a small catalogue is indexed on the spot; a large one is listed from the
database when there is no query, and a query gets SearchUnavailable (a clear message).
"""

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from markupsafe import Markup
from sqlalchemy.orm import defer, joinedload, selectinload

from app.catalog import queries as catalog_queries
from app.catalog import reference as catalog_reference
from app.catalog.models import Innovation, InnovationDocument
from app.datagen import scopes
from app.datagen.generation import read_rows, recent_generation
from app.extensions import db
from app.search import counts
from app.search import query as query_module
from app.search.engine import Snapshot
from app.search.facets import count_facets, filter_sets, intersect, ranked_page, sorted_page
from app.search.highlight import snippet
from app.search.index import IndexMissing, IndexStore, RebuildBusy
from app.search.similar import similar_docnums
from app.search.vocabulary import load as load_vocabulary

log = logging.getLogger(__name__)


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
    _record(None)  # read outside search(): a page that reads it cannot be vouched for by its answers
    return _snapshot(app)


def _snapshot(app=None):
    app = app or current_app._get_current_object()
    store = _store(app)
    if app.config["SEARCH_SYNC_ON_READ"]:
        _catch_up(app, store)
    try:
        path, ix = store.open_current()
    except IndexMissing:
        if _count_innovations() > app.config["SEARCH_AUTO_BUILD_LIMIT"]:
            raise
        try:
            store.rebuild(db.engine, wait=False)
        except RebuildBusy:
            raise IndexMissing("the search index is being built") from None
        path, ix = store.open_current()
    path = str(path)
    cached = getattr(_local, "snapshots", {}).get(path)
    if cached is not None and ix.latest_generation() == cached.searcher.reader().generation():
        return cached
    # A new searcher rather than Whoosh's refresh(): refresh() reuses no reader in Whoosh
    # 2.7.4 (it looks old readers up by the wrong key) and, when a concurrent merge deletes
    # a segment while it opens the new ones, its retry closes the old readers twice and
    # raises ReaderClosed. Facts and lengths are cached per segment (engine.py) anyway.
    searcher = ix.searcher()
    for old in getattr(_local, "snapshots", {}).values():
        _close_quietly(old.searcher)
    snap = Snapshot(searcher, path)
    _local.snapshots = {path: snap}
    return snap


def _close_quietly(searcher):
    try:
        searcher.close()
    except Exception:  # already closed, or its files are gone: nothing is left to free
        log.debug("an old searcher could not be closed", exc_info=True)


def catch_up(app=None):
    """Apply what other servers committed and this index has not seen, as a read does
    (``SEARCH_SYNC_ON_READ``): a cached answer is checked against the index a fresh one
    would be computed on."""
    app = app or current_app._get_current_object()
    if app.config["SEARCH_SYNC_ON_READ"]:
        _catch_up(app, _store(app))


# The newest change in the outbox (read on the generation's connection by the page cache's front).
NEWEST_CHANGE = "SELECT max(id) FROM search_outbox"


def behind(app, newest):
    """Whether this server's index has not yet applied the outbox up to ``newest``."""
    store = _store(app)
    path = store.current_path()
    return path is not None and newest > store.applied(path)


def _catch_up(app, store):
    # Another server (or worker) may have committed changes this index has not seen.
    path = store.current_path()
    if path is None:
        return
    if newest_change(app, db.engine) > store.applied(path):
        from app.search.outbox import apply_pending

        apply_pending(app, timeout=0.0)


def newest_change(app, engine):
    """The outbox's newest change, read once per data generation in this process, on the
    generation's own connection (docs/decisions/0094, 0101): the flush that adds to the
    outbox bumps the generation in the same transaction (app/search/outbox.py,
    app/datagen/generation.py), so while the generation stays, so does the outbox's newest
    change. The generation is the one a cache hit is served under (at most
    ``PAGE_CACHE_RECHECK_MS`` old for another process's commits, at once for this process's
    own: docs/decisions/0097), read before the outbox."""
    generation = recent_generation(app.config["PAGE_CACHE_RECHECK_SECONDS"], engine)
    known = app.extensions.get(_NEWEST)
    if known is None or known[0] != generation:
        rows = read_rows(NEWEST_CHANGE, engine)
        known = app.extensions[_NEWEST] = (generation, (rows[0][0] if rows else None) or 0)
    return known[1]


_NEWEST = "suar.search_newest_change"  # app.extensions: (generation, newest change under it)


def _count_innovations():
    return db.session.scalar(sa.select(sa.func.count(Innovation.id)))


def region_index():
    """Region names -> codes, read once per database."""
    url = str(db.engine.url)
    if url not in _region_cache:
        rows = [(code, name, kind) for code, (name, kind) in catalog_reference.regions().items()]
        _region_cache[url] = query_module.region_keys(rows)
    return _region_cache[url]


def vocabulary():
    """The synonyms and glossary of this app's reference folder."""
    return load_vocabulary(current_app.config["REFERENCE_DIR"])


def search(filters, loads=None):
    """Search the catalogue: ``filters`` is a catalog.filters.Filters (q, filters, sort, page).
    ``loads``: loader options for the page's rows when the caller shows less than the API."""
    try:
        snap = _snapshot()
    except IndexMissing:
        if filters.q:
            raise SearchUnavailable("the search index is not available yet") from None
        _record(None)  # the database's answer: no fingerprint of the index vouches for it
        return _search_database(filters)
    page_docs, total, facets, plan, scores = _ask(snap, filters)
    facts = snap.facts
    words = frozenset(plan.highlight_words()) if plan else frozenset()
    _record((filters, _fingerprint(snap, page_docs, total, facets, plan, words)))
    rows = fetch([facts[n].id for n in page_docs], loads)
    hits = [Hit(rows[facts[n].id], scores.get(n, 0.0), words) for n in page_docs if facts[n].id in rows]
    return SearchResult(
        hits=hits,
        total=total,
        page=filters.page,
        per_page=filters.per_page,
        facets=facets,
        suggestion=plan.suggestion if plan else None,
        regions=sorted(plan.regions) if plan else [],
    )


def answer(filters):
    """What the index answers for ``filters``, without a row fetched or a page rendered: a
    fingerprint of everything a results page or API list takes from the index (the ids of
    the page in order, the total, the facet counts, the corrected query, the regions and
    the words a snippet marks). Two snapshots that give one fingerprint give one page, the
    rows of the database being the same (docs/decisions/0094). None without an index."""
    try:
        snap = _snapshot()
    except IndexMissing:
        return None
    page_docs, total, facets, plan, _ = _ask(snap, filters)
    words = frozenset(plan.highlight_words()) if plan else frozenset()
    return _fingerprint(snap, page_docs, total, facets, plan, words)


def unchanged_by_counts(version, answers):
    """Whether the answers a page recorded under the index version ``version`` are still what
    the current index gives, known without asking it: every change since is a moved count
    none of them can show (app/search/counts.py). False when that is not sure."""
    try:
        snap = _snapshot()
    except IndexMissing:
        return False
    return counts.unchanged(snap, version, answers)


def _ask(snap, filters):
    """The index's answer: the page's document numbers, the total, the facets, the plan, the scores."""
    sets = filter_sets(snap, filters)
    if filters.q:
        vocab = vocabulary()  # read again when its files change: part of the key
        asked = ("query", filters.q, id(vocab))
        plan, scores, base, _ = snap.memo_query(asked, lambda: _plan(filters.q, snap, vocab))
    else:
        asked, plan, scores, base = None, None, {}, None
    if base is None and not sets:  # the whole catalogue: the same counts every time
        matched = None
        facets = snap.memo("all-facets", lambda: count_facets(snap, None, {}))
    else:
        # The same for every page, sort and language of these filters and query (the API and
        # the search page alike): remembered per snapshot, sized by what they hold.
        key = ("narrowed", asked, tuple(sorted(filters.active.items())))
        matched, facets = snap.memo_query(key, lambda: _narrow(snap, base, sets))
    first = (filters.page - 1) * filters.per_page
    if filters.sort == "relevance" and plan is not None:
        page_docs = ranked_page(snap, {n: scores[n] for n in matched}, first, filters.per_page)
    else:
        page_docs = sorted_page(snap, matched, filters.sort, first, filters.per_page)
    total = len(matched) if matched is not None else snap.doc_count
    return page_docs, total, facets, plan, scores


def _narrow(snap, base, sets):
    """The documents of ``base`` (None: all) within every filter set, and their facet counts,
    with their size for Snapshot.memo_query: matches plus counted values."""
    matched = intersect(base, sets.values())
    facets = count_facets(snap, base, sets)
    matched = frozenset(matched) if matched is not None else None
    return (matched, facets), len(matched or ()) + sum(map(len, facets.values()))


def _plan(q, snap, vocab):
    """The plan of the text query ``q``, its scores and the documents it matches, with the
    vocabulary it was planned with (kept so that its id, in the memo's key, is not reused):
    the same for every filter, page and sort (the search page under each province, the next
    page), so remembered per snapshot (Snapshot.memo_query, sized by the matches). Nobody
    changes them: the scores are read, the set is copied before it is narrowed
    (facets.intersect)."""
    plan = query_module.plan_query(q, snap, vocab, region_index())
    scores = query_module.score(plan, snap)
    return (plan, scores, frozenset(scores), vocab), len(scores)


def _fingerprint(snap, page_docs, total, facets, plan, words):
    facts = snap.facts
    shown = (
        tuple(facts[n].id for n in page_docs),
        total,
        facets,
        plan.suggestion if plan else None,
        sorted(plan.regions) if plan else [],
        sorted(words),
    )
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).digest()


def _record(asked):
    """A page being rendered for the page cache lists in ``g.index_answers`` what it asked the
    index and what the index answered (``(filters, fingerprint)``), so that the cache can keep
    it while later indexes give the same answers; None once it read the index another way."""
    if has_request_context() and isinstance(g.get("index_answers"), list):
        if asked is None:
            g.index_answers = None
        else:
            g.index_answers.append(asked)


def _search_database(filters):
    """The catalogue's own SQL answer when there is no index (and so no text query)."""
    # Its list and counts are the catalogue's (docs/decisions/0094), its cards in any order.
    scopes.depend({scopes.CATALOGUE, scopes.COUNTS})
    innovations, total = catalog_queries.browse(filters)
    return SearchResult(
        hits=[Hit(innovation) for innovation in innovations],
        total=total,
        page=filters.page,
        per_page=filters.per_page,
        facets=catalog_queries.facet_counts(filters),
        from_index=False,
    )


def fetch(ids, loads=None):
    """Innovation rows by id, with what a result list shows, as ``{id: innovation}``."""
    if not ids:
        return {}
    if loads is not None:  # the caller's own loader options (the search page: its owner only)
        query = sa.select(Innovation).where(Innovation.id.in_(ids), Innovation.is_public).options(*loads)
        return {innovation.id: innovation for innovation in db.session.scalars(query)}
    # The index may lag behind the database for a moment (a case study archived while the
    # writer was busy): every hit is checked against the public scope before it is shown.
    query = (
        sa.select(Innovation)
        .where(Innovation.id.in_(ids), Innovation.is_public)
        .options(
            defer(Innovation.body_html),  # lists show the summary; the page that needs it loads it
            joinedload(Innovation.owner),
            joinedload(Innovation.region),
            # One to three sectors and themes each: joined, a few rows per case study.
            joinedload(Innovation.sectors),
            joinedload(Innovation.themes),
            selectinload(Innovation.awards),
            selectinload(Innovation.images),
            selectinload(Innovation.documents).joinedload(InnovationDocument.downloads),
        )
    )
    return {innovation.id: innovation for innovation in db.session.scalars(query).unique()}


def similar(innovation, limit=5):
    """The cards (app/catalog/cards.py) of up to ``limit`` published innovations most like
    ``innovation`` (more-like-this), best first."""
    try:
        snap = snapshot()
    except IndexMissing:
        return catalog_queries.cards_by_id(tuple(i.id for i in catalog_queries.similar_by_sector(innovation, limit)))
    # Remembered per snapshot (a new one after any indexed change): a case study's page is
    # rendered again after every write, and the words it shares cost 20-30 ms to score. The
    # key holds what the scoring reads of the row: its version changes with every edit of
    # it, and sectors live in a table of their own.
    sectors = frozenset(sector.slug for sector in innovation.sectors)
    key = ("similar", innovation.id, innovation.version, sectors, limit)
    docnums = snap.memo(key, lambda: similar_docnums(snap, innovation, limit))
    # Shown as cards, remembered per data generation: a case study's page is rendered again
    # after every write, and most writes touch none of the five it shows.
    return list(catalog_queries.cards_by_id(tuple(snap.facts[n].id for n in docnums)))


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
    return _store(app).version()
