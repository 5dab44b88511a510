"""URL helpers shared by features."""

from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter


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
