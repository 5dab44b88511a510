"""Static file URLs carry a version of the file's content (``/static/css/suar.css?v=1a2b3c4d5e``),
so nginx can let browsers keep them for a year (deploy/nginx/suar.conf) and a changed file
is fetched at once under its new URL."""

import hashlib
import os
import threading

_versions = {}  # (path, mtime, size) -> version
_lock = threading.Lock()


def version(path):
    """Ten hex digits of the file's SHA-256, or None when it does not exist."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    with _lock:
        found = _versions.get(key)
    if found is None:
        with open(path, "rb") as handle:
            found = hashlib.sha256(handle.read()).hexdigest()[:10]
        with _lock:
            _versions[key] = found
    return found


def register(app):
    if not app.static_folder:
        return
    folder = os.path.realpath(app.static_folder)

    @app.url_defaults
    def _static_version(endpoint, values):
        if endpoint != "static" or "v" in values or "filename" not in values:
            return
        path = os.path.realpath(os.path.join(folder, values["filename"]))
        if path.startswith(folder + os.sep):
            found = version(path)
            if found:
                values["v"] = found
