"""URL helpers shared by features."""

from urllib.parse import urlsplit


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
