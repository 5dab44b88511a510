"""The app's outermost layer (inside ProxyFix): a request id, one log line and the metrics of
every request, and the operations endpoints.

It wraps the page cache's front (app/pagecache/front.py), which answers many readers before
Flask runs, so nothing here can be a Flask hook (docs/decisions/0036). Flask tells this
layer what only it knows (the endpoint, the signed-in user) through the WSGI environ.

``/healthz``, ``/readyz`` and ``/metrics`` are answered here, before Flask: no session,
page cache, rate limit or CSRF applies to them, and a probe or a scraper that addresses the
server by its IP address is not refused by ``TRUSTED_HOSTS`` (they build no links).
"""

import json
import re
import time

import structlog
from structlog.contextvars import bind_contextvars, reset_contextvars
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Response
from werkzeug.wsgi import ClosingIterator, get_host

from app.ops import logs, metrics
from app.ops.health import readiness
from app.ops.logs import new_request_id
from app.pagecache.front import ENVIRON_ENDPOINT, ENVIRON_LAYER

# An id from the proxy is copied into logs and a header: printable, short, no separators.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
ENDPOINT, LAYER, USER = ENVIRON_ENDPOINT, ENVIRON_LAYER, "suar.user_id"
NO_STORE = ("Cache-Control", "no-store")

REQUEST_LOGGER = "suar.request"
log = structlog.get_logger(REQUEST_LOGGER)


class RequestLayer:
    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.trust_request_id = app.config["PROXY_FIX_FOR"] > 0
        self.metrics_networks = metrics.allowed_networks(app.config["METRICS_ALLOW"])
        self.endpoints = {"/healthz": self.healthz, "/readyz": self.readyz, "/metrics": self.metrics}

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        request_id = self._request_id(environ)
        tokens = bind_contextvars(request_id=request_id)
        seen = {"status": 500, "page_cache": None}

        def start(status, headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            seen["page_cache"] = next((v for k, v in headers if k.lower() == "x-page-cache"), None)
            return start_response(status, [*headers, ("X-Request-ID", request_id)], exc_info)

        def finish():
            try:
                self._finish(environ, seen, time.perf_counter() - started)
            finally:
                reset_contextvars(**tokens)

        try:
            handler = self.endpoints.get(environ.get("PATH_INFO", ""))
            if handler is not None:
                environ[ENDPOINT] = "ops" + environ["PATH_INFO"].replace("/", ".")
                body = handler(environ, start)
            elif not self._trusted_host(environ):
                body = _UNKNOWN_HOST(environ, start)
            else:
                body = self.wsgi_app(environ, start)
        except BaseException:
            # Flask logs what its views raise; this is what escaped every other layer.
            log.exception("unhandled error", path=environ.get("PATH_INFO", ""))
            finish()
            raise
        return ClosingIterator(body, finish)

    def _trusted_host(self, environ):
        # Flask checks TRUSTED_HOSTS too, but its 400 page cannot build a link for a host it
        # refused, and the page cache's front would have looked the host up first.
        try:
            get_host(environ, self.app.config["TRUSTED_HOSTS"])
        except SecurityError:
            return False
        return True

    def _request_id(self, environ):
        offered = environ.get("HTTP_X_REQUEST_ID", "")
        if self.trust_request_id and _REQUEST_ID.fullmatch(offered):
            return offered
        return new_request_id()

    def _finish(self, environ, seen, seconds):
        endpoint = environ.get(ENDPOINT)
        method = environ.get("REQUEST_METHOD", "")
        logs.info(
            REQUEST_LOGGER,
            "request",
            method=method,
            path=environ.get("PATH_INFO", ""),
            status=seen["status"],
            duration_ms=round(seconds * 1000, 2),
            user_id=environ.get(USER),
            page_cache=seen["page_cache"],
            endpoint=endpoint,
        )
        metrics.observe(endpoint, method, seen["status"], seconds, seen["page_cache"], environ.get(LAYER, "flask"))

    # --- the operations endpoints --------------------------------------------------------
    def healthz(self, environ, start_response):
        return _json({"status": "ok"}, 200)(environ, start_response)

    def readyz(self, environ, start_response):
        with self.app.app_context():
            ready, checks = readiness(self.app)
        body = {"status": "ready" if ready else "not ready", "checks": checks}
        return _json(body, 200 if ready else 503)(environ, start_response)

    def metrics(self, environ, start_response):
        if not metrics.allowed(environ.get("REMOTE_ADDR"), self.metrics_networks):
            # As if there were nothing here: the public need not know what is behind it.
            return Response("Not Found\n", 404, [NO_STORE], mimetype="text/plain")(environ, start_response)
        with self.app.app_context():
            text = metrics.exposition(self.app)
        return Response(text, 200, [NO_STORE], content_type=metrics.CONTENT_TYPE_LATEST)(environ, start_response)


_UNKNOWN_HOST = Response("Bad Request: unknown host\n", 400, [NO_STORE], mimetype="text/plain")


def _json(body, status):
    return Response(json.dumps(body) + "\n", status, [NO_STORE], mimetype="application/json")
