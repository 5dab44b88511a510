"""The page cache's front door: a WSGI layer that answers anonymous readers from the cache
before Flask builds a request context, runs its hooks or opens a session.

It serves a page only when Flask would serve the same one: a GET or HEAD without a session
or remember cookie (so no one is signed in and no message is waiting), no conditional
headers (Flask answers those with a 304), a page whose generation, and index version for
search answers, are current, and no rate limit on it (Flask's path counts those). In every
other case the request goes on to Flask unchanged.
"""

from werkzeug.wrappers import Request

from app.pagecache import index_version, page_key
from app.pagecache.generation import current_generation
from app.pagecache.store import store

_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


class Front:
    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.engine = None

    def __call__(self, environ, start_response):
        page = self._lookup(environ)
        if page is None:
            return self.wsgi_app(environ, start_response)
        headers = [*page.headers, ("Content-Length", str(len(page.body))), ("X-Page-Cache", "hit")]
        start_response("200 OK", headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [page.body]

    def _lookup(self, environ):
        config = self.app.config
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or not config["PAGE_CACHE_ENABLED"]:
            return None
        if any(name in environ for name in _CONDITIONAL):
            return None
        request = Request(environ)
        cookies = request.cookies
        if config["SESSION_COOKIE_NAME"] in cookies or "remember_token" in cookies:
            return None
        key = page_key(request, config)
        page = store.peek(key)
        if page is None or page.limited:
            return None
        index = index_version(self.app) if page.index is not None else None
        return store.get(key, current_generation(self._engine()), index)

    def _engine(self):
        if self.engine is None:
            from app.extensions import db

            with self.app.app_context():
                self.engine = db.engine
        return self.engine
