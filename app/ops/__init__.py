"""Running Suar in production: behind a proxy, with request logs, health checks and metrics.

``register(app)`` is called last by the factory, so that its WSGI layers wrap everything else:

    ProxyFix (PROXY_FIX_FOR > 0)  real client address and scheme from the proxy's headers
    RequestLayer (wsgi.py)        request id, log line, metrics; /healthz, /readyz, /metrics
    page cache front              anonymous readers answered from the cache
    Flask
"""

from flask import current_app, request, request_finished
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app.ops import logs
from app.ops.static import register as register_static_versions
from app.ops.wsgi import ENDPOINT, USER, RequestLayer

# Anything not said to be shareable stays between the server and this browser.
PRIVATE = "private, no-cache"


def register(app):
    """Logs, the request layer, proxy trust and the cache policy of pages not in the page cache."""
    logs.configure(app.config["LOG_FORMAT"])
    # Flask keeps its own handler on app.logger unless a handler is already there: drop it,
    # the root logger's handler renders every line.
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)
    request_finished.connect(_note_request, app)
    app.after_request(_private_by_default)
    register_static_versions(app)
    app.wsgi_app = RequestLayer(app, app.wsgi_app)
    proxies = app.config["PROXY_FIX_FOR"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def _note_request(sender, response, **extra):
    """Tell the request layer the endpoint and the user (its number, never the email)."""
    environ = request.environ
    environ[ENDPOINT] = request.endpoint
    try:
        user = current_user._get_current_object()
        environ[USER] = user.id if user.is_authenticated else None
    except Exception:  # a log field must never turn an answer into an error
        current_app.logger.debug("user unknown for the request log", exc_info=True)


def _private_by_default(response):
    # Registered after the page cache's hook, so it runs before it: the cache then marks the
    # pages it stores as shareable (app/pagecache, docs/decisions/0052).
    response.headers.setdefault("Cache-Control", PRIVATE)
    return response
