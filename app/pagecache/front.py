"""The page cache's front door: a WSGI layer that answers anonymous readers from the cache
before Flask builds a request context, runs its hooks or opens a session.

It serves a page only when Flask would serve the same one: a GET or HEAD without a session
or remember cookie (so no one is signed in and no message is waiting), a page whose
generation, and index version for search answers, are current, and whose rate limit, if it
has one, the front can count as Flask's limiter would: one limit keyed by the reader's
address, counted through the limiter's own strategy and storage under its own key (any
other limit is left to Flask's path). A search answer whose generation or index version is no
longer current goes on to Flask too, which can ask the index whether the answer still
holds (docs/decisions/0094). In every other case the request goes on to Flask unchanged.
A reader who already holds the page (``If-None-Match`` with its ETag) gets a 304. Pages
carry no Last-Modified, so ``If-Modified-Since`` alone changes nothing.
"""

from werkzeug.http import parse_etags, unquote_etag
from werkzeug.wrappers import Request

from app.datagen.generation import recent_generation
from app.pagecache import index_version, page_key, still_current
from app.pagecache.store import store

# Told to the request layer around the front (app/ops/wsgi.py), for its log line and metrics.
ENVIRON_ENDPOINT, ENVIRON_LAYER = "suar.endpoint", "suar.page_cache_layer"
# What a 304 repeats of the page's headers (RFC 9110, 15.4.5), and the API's CORS and paging
# headers, as Flask's own 304 does (without CORS a browser drops a cross-origin 304).
_NOT_MODIFIED_HEADERS = {"etag", "cache-control", "vary", "content-location", "expires", "date",
                         "access-control-allow-origin", "access-control-expose-headers", "link"}  # fmt: skip


# Everything ``page_key`` and the cookie check read of a request (ProxyFix, outside, has
# already put what a trusted proxy says into these): equal parts give an equal key.
KEY_PARTS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "PATH_INFO",
             "QUERY_STRING", "HTTP_COOKIE", "HTTP_ACCEPT_LANGUAGE")  # fmt: skip
MAX_KEYS = 4096


class Front:
    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.engine = None
        self.keys = {}  # KEY_PARTS of a request -> (its page key, or None when signed in)

    def __call__(self, environ, start_response):
        page = self._lookup(environ)
        if page is None:
            return self.wsgi_app(environ, start_response)
        environ[ENVIRON_ENDPOINT], environ[ENVIRON_LAYER] = page.endpoint, "front"
        accept_encoding = environ.get("HTTP_ACCEPT_ENCODING")
        if _not_modified(environ.get("HTTP_IF_NONE_MATCH"), page):
            headers, _ = page.representation(accept_encoding, body=False)
            headers = [(k, v) for k, v in headers if k.lower() in _NOT_MODIFIED_HEADERS]
            start_response("304 Not Modified", [*headers, ("X-Page-Cache", "hit")])
            return [b""]
        headers, body = page.representation(accept_encoding)
        start_response("200 OK", [*headers, ("Content-Length", str(len(body))), ("X-Page-Cache", "hit")])
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _lookup(self, environ):
        config = self.app.config
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or not config["PAGE_CACHE_ENABLED"]:
            return None
        key = self._key(environ, config)
        if key is None:
            return None
        page = store.peek(key)
        if page is None or (page.limited and page.limit is None):
            return None
        engine = self._engine()
        generation = recent_generation(config["PAGE_CACHE_RECHECK_SECONDS"], engine)
        index = None
        if page.index is not None:
            if page.generation != generation and self._index_behind(engine):
                return None  # a search answer after a write: Flask's hook lets the index catch up first
            index = index_version(self.app)
        page = store.get(key, generation, index, still_current(engine))
        if page is not None and page.limited and not _counted(page.limit, environ):
            return None  # over the limit (Flask's limiter refuses it), or the limiter could not count
        return page

    def _key(self, environ, config):
        """The page key of this request (``page_key``), or None for a reader with a session or
        remember cookie. Remembered by the parts of the environ it is made of: parsing the
        request, its cookies and its languages was a third of a cache hit's time, and most
        requests repeat the parts of an earlier one."""
        parts = tuple(map(environ.get, KEY_PARTS))
        known = self.keys.get(parts)
        if known is None:
            request = Request(environ)
            cookies = request.cookies
            signed = config["SESSION_COOKIE_NAME"] in cookies or "remember_token" in cookies
            known = (None if signed else page_key(request, config),)
            if len(self.keys) >= MAX_KEYS:
                self.keys.clear()  # a crawl of new addresses: start again rather than grow
            self.keys[parts] = known
        return known[0]

    def _index_behind(self, engine):
        """Whether the index has yet to apply what the writes up to the current generation put
        in the outbox (its newest change read once per generation, after the generation)."""
        from app.search.service import behind, newest_change

        return behind(self.app, newest_change(self.app, engine))

    def _engine(self):
        if self.engine is None:
            from app.extensions import db

            with self.app.app_context():
                self.engine = db.engine
        return self.engine


def _counted(limit, environ):
    """Count this request against the page's rate limit (``Page.limit``) as Flask-Limiter
    would for the same reader: the same strategy and storage, the same key. False when the
    limit is reached or cannot be counted here (Flask then counts it, and refuses it)."""
    from app.extensions import limiter

    if limit is None or not limiter.enabled:
        return False
    item, before, after = limit
    address = environ.get("REMOTE_ADDR") or "127.0.0.1"  # as get_remote_address, after ProxyFix
    try:
        return limiter.limiter.hit(item, *before, address, *after)
    except Exception:  # the storage is down: Flask's limiter decides (it may fall back or refuse)
        return False


def _not_modified(if_none_match, page):
    if not if_none_match:
        return False
    etag = next((v for k, v in page.headers if k.lower() == "etag"), None)
    return etag is not None and parse_etags(if_none_match).contains_weak(unquote_etag(etag)[0])
