"""Files kept by the site, behind one small interface (docs/decisions/0082).

A blob is a run of bytes named by its SHA-256: the same bytes are stored once, a name never
changes its content (so its URL may be cached for a year), and nothing needs a lock. The
local store keeps them under ``UPLOAD_DIR/blobs/ab/abcdef...``, written to a temporary file
and renamed into place, so that a reader never sees half a blob and a crash leaves at most a
temporary file (removed by ``flask files clean``). A shared store (object storage) can replace
:class:`LocalBlobStore` by offering the same methods.

Rows name their blobs in columns marked ``info={"blob": True}``; a blob no such column names
is an orphan, and ``flask files clean`` deletes it.
"""

import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

from flask import current_app

__all__ = ["LocalBlobStore", "blob_column", "blob_store", "digest_of", "is_digest"]

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_TEMPORARY_PREFIX = ".tmp-"


def digest_of(data):
    """The name of ``data`` as a blob: its SHA-256 in lower-case hex."""
    return hashlib.sha256(data).hexdigest()


def is_digest(text):
    """True when ``text`` could name a blob (64 lower-case hex digits)."""
    return isinstance(text, str) and bool(_DIGEST.match(text))


class LocalBlobStore:
    """Content-addressed blobs in a local folder."""

    def __init__(self, root):
        self.root = Path(root)

    def path(self, digest):
        """Where the blob ``digest`` lives (whether or not it exists)."""
        if not is_digest(digest):
            raise ValueError(f"not a blob name: {digest!r}")
        return self.root / digest[:2] / digest

    def exists(self, digest):
        return is_digest(digest) and self.path(digest).is_file()

    def put(self, data):
        """Store ``data``; return ``(digest, created)``, ``created`` False when it was already there."""
        digest = digest_of(data)
        target = self.path(digest)
        if target.is_file():
            return digest, False
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=_TEMPORARY_PREFIX)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return digest, True

    def read(self, digest):
        """The bytes of the blob ``digest`` (FileNotFoundError when there is none)."""
        return self.path(digest).read_bytes()

    def delete(self, digest):
        """Remove the blob ``digest``, if it is there."""
        self.path(digest).unlink(missing_ok=True)

    def entries(self):
        """``(digest or None, path, modified time)`` of every file under the store; ``None`` for
        what is no blob (a temporary file left by a crash)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir() or folder.is_symlink():
                continue
            for path in sorted(folder.iterdir()):
                if not path.is_file() or path.is_symlink():
                    continue
                name = path.name
                digest = name if is_digest(name) and name[:2] == folder.name else None
                yield digest, path, path.stat().st_mtime

    def delete_path(self, path):
        path.unlink(missing_ok=True)


def blob_store(app=None):
    """The store of the app (``UPLOAD_DIR/blobs``)."""
    app = app or current_app
    return LocalBlobStore(Path(app.config["UPLOAD_DIR"]) / "blobs")


def blob_column(nullable=False):
    """A column naming a blob, marked so that ``flask files clean`` knows every blob a row names."""
    import sqlalchemy as sa
    from sqlalchemy.orm import mapped_column

    return mapped_column(sa.String(64), nullable=nullable, info={"blob": True})


def referenced_digests(db):
    """Every blob named by a row: the values of every column marked ``info={"blob": True}``."""
    import sqlalchemy as sa

    names = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if column.info.get("blob"):
                query = sa.select(column).where(column.is_not(None)).distinct()
                names.update(db.session.scalars(query))
    return names


def orphans(store, referenced, min_age_seconds, now=None):
    """``[(path, digest or None)]``: files of ``store`` no row names, older than ``min_age_seconds``
    (a blob written by an upload whose transaction has not committed yet is younger)."""
    now = time.time() if now is None else now
    found = []
    for digest, path, modified in store.entries():
        if digest in referenced or now - modified < min_age_seconds:
            continue
        found.append((path, digest))
    return found
