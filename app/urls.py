"""URL helpers shared by features."""

from urllib.parse import urlencode, urlsplit

from flask import url_for
from werkzeug.routing import IntegerConverter

# Werkzeug's own (werkzeug.urls._urlencode, as its rules build a query string).
_QUERY_SAFE = "!$'()*,/:;?@"


def safe_next(target):
    """``target`` if it is a path on this site, else None: ``next`` never leaves the site."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def query_links(endpoint):
    """``link(args)``, the same as ``url_for(endpoint, **args)`` for an endpoint without
    path arguments: the path is built once, each link adds its query string. A results
    page has about ninety links (every facet option); each ``url_for`` costs 30-60 µs."""
    path = url_for(endpoint)

    def link(args):
        return f"{path}?{urlencode(args, safe=_QUERY_SAFE)}" if args else path

    return link


class RecordId(IntegerConverter):
    """``<int:...>`` in every route: a record id, 1 to 2^31 - 1 (PostgreSQL's integer). A
    larger number names no record: a 404, never an overflow error from the database."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def register(app):
    """Route converters of the whole app (before any route is added)."""
    app.url_map.converters["int"] = RecordId
