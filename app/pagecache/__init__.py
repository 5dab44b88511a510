"""A page cache for anonymous readers, correct across workers and servers.

Every write transaction that changes public data bumps one counter in the database (the
data generation), in the same transaction (generation.py). A cached page is served only
while the generation it was built under is still current: a change is visible at once on
the worker that made it, and within PAGE_CACHE_RECHECK_MS (50 ms) on every other worker and
server, which read the generation at most that often (docs/decisions/0097). Signed-in
users, forms, flashed messages and anything that sets a cookie are never cached.

Pages are stored by Flask hooks here, after every other hook has run, and served from two
places: by the WSGI front (front.py) to readers without a session cookie, before Flask does
any work; and by a ``before_request`` hook to the other anonymous readers (docs/decisions/0006
and 0035). A page under a rate limit is only served where the limiter counts it.
"""

import time

from flask import current_app, g, request, session

from app.datagen import scopes
from app.datagen.generation import (
    CacheGeneration,
    close_connections,
    current_generation,
    forget_changes,
    recent_generation,
)
from app.datagen.generation import still_current as _still_current
from app.extensions import db, locale_of
from app.pagecache.store import Page, packed, store

__all__ = ["CacheGeneration", "current_generation", "register", "clear", "CACHED_ENDPOINTS"]

# Pages and API answers that are the same for every anonymous reader of a language.
CACHED_ENDPOINTS = {
    "catalog.home", "catalog.catalogue", "catalog.innovation", "catalog.owner", "catalog.region",
    "search.index", "stats.dashboard", "networks.index", "networks.show", "networks.activity",
    "replication.show", "api.innovations", "api.innovation", "api.replications", "api.networks",
    "api.network", "api.region", "api.stats_composition", "api.openapi_document", "opendata.api_docs",
    "opendata.sitemap", "opendata.sitemap_part", "opendata.innovations_feed", "opendata.replications_feed",
}  # fmt: skip
# Search answers also depend on the index (stored with its version and what the index
# answered, kept across index versions that answer the same: docs/decisions/0094); keep
# them briefly.
SHORT_LIVED = {"search.index", "api.innovations"}
MAX_AGE, SHORT_AGE = 600, 30
# What browsers and proxies are told (docs/decisions/0052): any of them may reuse a page for
# a few seconds, then must ask again; the ETag makes asking cheap (a 304, from the front).
# Vary keeps a page stored for an anonymous reader from a signed-in one, languages apart, and
# the gzip-compressed page (store.py) from the page as built.
SHARED_CACHE_SECONDS = 5
CACHE_CONTROL = f"public, max-age={SHARED_CACHE_SECONDS}, must-revalidate"
VARY = ("Cookie", "Accept-Language", "Accept-Encoding")


def page_key(request, config):
    """What a stored page is found by: everything its links are built from. Absolute links
    (feeds, the API's Link header, OpenGraph) come from the scheme and host, and every link
    from the script root (SCRIPT_NAME, which gunicorn takes from a trusted proxy's header): a
    request with a forged Host or SCRIPT_NAME must not plant its links in the pages everyone
    else is served."""
    return (request.scheme, request.host, request.script_root, request.full_path, locale_of(request, config))


def index_version(app):
    from app.search import index_version

    return index_version(app)


def catch_up_index(app):
    from app.search.service import catch_up

    catch_up(app)


def same_answers(page):
    """For ``store.get``: whether the current index still gives every answer the page took
    from it (docs/decisions/0094): the cheap index query again, without a row or a render."""
    from app.search.service import answer, unchanged_by_counts

    if unchanged_by_counts(page.index, page.answers):  # only moved counts no answer can show
        return True
    return all(answer(filters) == fingerprint for filters, fingerprint in page.answers)


def still_current(engine):
    """For ``store.get``: whether a page built under an older generation is still exact."""
    return lambda page, generation: _still_current(page.generation, page.deps, generation, engine)


def _cacheable_request():
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHED_ENDPOINTS:
        return False
    if not current_app.config["PAGE_CACHE_ENABLED"]:
        return False
    # Anonymous readers only: no signed-in user, no message waiting to be shown.
    return "_user_id" not in session and "_flashes" not in session and "remember_token" not in request.cookies


def serve_from_cache():
    """``before_request``, after the rate limiter: answer from the cache when the page is current."""
    if not _cacheable_request():
        return None
    app = current_app._get_current_object()
    key = page_key(request, app.config)
    generation = recent_generation(app.config["PAGE_CACHE_RECHECK_SECONDS"])
    index = None
    if request.endpoint in SHORT_LIVED:
        stored = store.peek(key)
        if stored is not None and stored.generation != generation:
            catch_up_index(app)  # what the writes since put in the outbox, as a fresh render would
        index = index_version(app)
    g.page_cache = (key, generation, index)
    page = store.get(key, generation, index, still_current(db.engine), same_answers)
    if page is None:
        scopes.track(request.endpoint)  # what the page about to be built depends on
        if index is not None:
            g.index_answers = []  # what it asks the index (search.service records it)
        return None
    headers, body = page.representation(request.headers.get("Accept-Encoding"))
    response = app.response_class(body, headers=headers)
    response.headers["X-Page-Cache"] = "hit"
    return response.make_conditional(request)


def store_in_cache(response):
    """``after_request``, the last to run: keep a fresh, shareable page for the next reader."""
    from app.extensions import limiter

    built = g.pop("page_cache", None)
    if built is None or response.headers.get("X-Page-Cache") == "hit":
        return response
    if response.status_code != 200 or response.is_streamed or "Set-Cookie" in response.headers:
        return response
    key, generation, index = built
    deps = scopes.collected(db.session())
    answers = g.pop("index_answers", None)
    answers = tuple(answers) if index is not None and answers else None
    max_age = SHORT_AGE if request.endpoint in SHORT_LIVED else MAX_AGE
    if "ETag" not in response.headers:
        response.add_etag()  # of the body: the same page has the same ETag on every worker
    response.headers["Cache-Control"] = CACHE_CONTROL
    for name in VARY:
        response.vary.add(name)
    headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in ("set-cookie", "content-length"))
    limits = limiter.current_limits if limiter.enabled else []
    body, gzip_headers = packed(headers, response.get_data())
    expires = time.monotonic() + max_age
    page = Page(
        generation,
        index,
        bool(limits),
        expires,
        headers,
        body,
        request.endpoint,
        deps,
        answers,
        _countable(limits),
        gzip_headers,
    )
    store.put(key, page)
    response.headers["X-Page-Cache"] = "miss"
    return response.make_conditional(request)


def _countable(limits):
    """The page's rate limit as the WSGI front can count it itself, or None.

    Flask-Limiter counts a limit under ``[key prefix,] key, scope``. When the page has one
    limit, keyed by the reader's address (``get_remote_address``, the limiter's default),
    the front counts a hit under the same key with the same limit, through the limiter's own
    strategy and storage, so a reader has one budget whichever layer answers them."""
    from flask_limiter.util import get_remote_address

    from app.extensions import limiter

    if len(limits) != 1:
        return None
    # What the front would not reproduce: rate-limit headers on each answer, meta limits (not
    # listed in current_limits). Neither is configured; should one be, Flask counts again.
    if getattr(limiter, "_headers_enabled", True) or getattr(limiter, "_meta_limits", True):
        return None
    args = list(limits[0].request_args)
    if len(args) < 2 or args[-2] != get_remote_address():
        return None
    return limits[0].limit, tuple(args[:-2]), tuple(args[-1:])


def register(app):
    """Put the WSGI front before the app; serve and fill the cache around every request.
    Registered after the rate limiter, so that cached answers still count against it, and
    before the blueprints and the security headers, whose after_request hooks then run
    before the cache stores."""
    from app.pagecache.front import Front

    scopes.listen()
    app.before_request(serve_from_cache)
    app.after_request(store_in_cache)
    app.wsgi_app = Front(app, app.wsgi_app)


def clear():
    """Empty this process's cache and close its generation connections (tests)."""
    store.clear()
    forget_changes()
    close_connections()
