"""A page cache for anonymous readers, correct across workers and servers.

Every write transaction that changes public data bumps one counter in the database (the
data generation), in the same transaction. A cached page is served only while the
generation it was built under is still current, so a change is visible at once on every
worker and every server; an anonymous hit costs one tiny query instead of rendering.
Signed-in users, forms, flashed messages and anything that sets a cookie are never cached.
"""

import os
import time
from collections import OrderedDict
from threading import Lock

import sqlalchemy as sa
from flask import current_app, g, request, session
from flask_babel import get_locale
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# Pages and API answers that are the same for every anonymous reader of a language.
CACHED_ENDPOINTS = {
    "catalog.home", "catalog.catalogue", "catalog.innovation", "catalog.owner", "catalog.region",
    "search.index", "stats.dashboard", "networks.index", "networks.show", "networks.activity",
    "replication.show", "api.innovations", "api.innovation", "api.replications", "api.networks",
    "api.network", "api.region", "api.stats_composition", "api.openapi_document", "opendata.api_docs",
    "opendata.sitemap", "opendata.innovations_feed", "opendata.replications_feed",
}  # fmt: skip
# Search answers also depend on the index (their key carries its version); keep them briefly.
SHORT_LIVED = {"search.index", "api.innovations"}
MAX_AGE, SHORT_AGE = 600, 30
MAX_ENTRIES, MAX_BYTES = 2000, 64 * 1024 * 1024
# Writes that change nothing a reader sees.
_PRIVATE_TABLES = {"login_failure", "inbox_item", "search_outbox", "search_outbox_state", "cache_generation"}


class CacheGeneration(db.Model):
    """One row: the generation of the public data."""

    __tablename__ = "cache_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class _Store:
    """A per-process LRU of rendered responses."""

    def __init__(self):
        self.entries = OrderedDict()
        self.size = 0
        self.lock = Lock()

    def get(self, key, generation):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            built_under, expires, status, headers, body = entry
            if built_under != generation or expires < time.monotonic():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return status, headers, body

    def put(self, key, generation, max_age, status, headers, body):
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = (generation, time.monotonic() + max_age, status, headers, body)
            self.size += len(body)
            while self.entries and (len(self.entries) > MAX_ENTRIES or self.size > MAX_BYTES):
                self._drop(next(iter(self.entries)))

    def _drop(self, key):
        self.size -= len(self.entries.pop(key)[4])

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0


_store = _Store()


class _GenerationReader:
    """Reads the generation on a connection of its own, one per process and database.

    A cache hit must cost less than rendering by a wide margin, and the ORM session and the
    pool cost more than the query itself (measured: 460 us through the session, 7 us on a
    kept connection, on SQLite; 990 us and 140 us on PostgreSQL). The connection is taken
    out of the engine's pool, reads in autocommit (so each read sees the latest commit),
    and is opened again after a fork or an error.
    """

    QUERY = "SELECT value FROM cache_generation WHERE id = 1"

    def __init__(self):
        self.lock = Lock()
        self.connections = {}  # (pid, database URL) -> detached pool connection

    def read(self, engine):
        key = (os.getpid(), engine.url.render_as_string(hide_password=False))
        with self.lock:
            try:
                return self._read(engine, key)
            except engine.dialect.loaded_dbapi.Error:
                # A connection the server closed, or a restart: once more on a new one.
                return self._read(engine, key)

    def _read(self, engine, key):
        connection = self.connections.get(key)
        try:
            if connection is None:
                connection = self.connections[key] = self._open(engine)
            cursor = connection.dbapi_connection.cursor()
            try:
                cursor.execute(self.QUERY)
                row = cursor.fetchone()
            finally:
                cursor.close()
        except engine.dialect.loaded_dbapi.Error:
            self.connections.pop(key, None)
            if connection is not None:
                connection.invalidate()
            raise
        return row[0] if row else 0

    @staticmethod
    def _open(engine):
        connection = engine.raw_connection()
        connection.detach()  # the pool neither counts nor recycles it
        engine.dialect.set_isolation_level(connection.dbapi_connection, "AUTOCOMMIT")
        return connection

    def close(self):
        with self.lock:
            for connection in self.connections.values():
                connection.close()
            self.connections.clear()


_generation = _GenerationReader()


def current_generation():
    """The committed data generation (0 before anything was written)."""
    return _generation.read(db.engine)


def _changes_public_data(session):
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in _PRIVATE_TABLES:
            continue
        if table == "user_account" and obj not in session.new and obj not in session.deleted:
            changed = {a.key for a in sa.inspect(obj).attrs if a.history.has_changes()}
            if changed <= {"last_login_at", "session_token", "password_hash"}:
                continue
        return True
    return False


@event.listens_for(db.session, "before_flush")
def _bump_generation(session, flush_context, instances):
    # In the writing transaction itself: a page can never outlive the data it showed.
    if session.info.get("generation_bumped") or not _changes_public_data(session):
        return
    connection = session.connection()
    table = CacheGeneration.__table__
    bump = sa.update(table).where(table.c.id == 1).values(value=table.c.value + 1)
    if connection.execute(bump).rowcount == 0:
        # The row is created by its migration; should it be gone, two writers may both try
        # to create it, so the insert gives way to the other and the update runs again.
        insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[connection.dialect.name]
        connection.execute(insert(table).values(id=1, value=0).on_conflict_do_nothing())
        connection.execute(bump)
    session.info["generation_bumped"] = True


@event.listens_for(db.session, "after_transaction_end")
def _reset(session, transaction):
    if transaction.parent is None:
        session.info.pop("generation_bumped", None)


def _cacheable_request():
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHED_ENDPOINTS:
        return False
    if not current_app.config.get("PAGE_CACHE_ENABLED", True):
        return False
    # Anonymous readers only: no signed-in user, no message waiting to be shown.
    return "_user_id" not in session and "_flashes" not in session and "remember_token" not in request.cookies


def _index_version():
    from app.search import index_version

    return index_version()


def serve_from_cache():
    """``before_request``: answer from the cache when the page is current."""
    if "page_cache_key" in g or not _cacheable_request():
        return None
    # Search answers also depend on the index, which catches up just after a commit.
    index = _index_version() if request.endpoint in SHORT_LIVED else ""
    g.page_cache_key = (request.full_path, str(get_locale()), index)
    g.page_cache_generation = current_generation()
    hit = _store.get(g.page_cache_key, g.page_cache_generation)
    if hit is None:
        return None
    status, headers, body = hit
    response = current_app.response_class(body, status=status, headers=headers)
    response.headers["X-Page-Cache"] = "hit"
    return response


def _endpoints_without_limits():
    return current_app.extensions.setdefault("suar.pagecache", {"unlimited": set()})["unlimited"]


def serve_before_limits():
    """``before_request``, ahead of the rate limiter: hits on pages the limiter has been seen
    to have no limit for skip its check (a fifth of a hit's cost). Pages with a limit (the
    API) and pages not yet seen are served after the limiter, so every hit still counts."""
    if request.endpoint in _endpoints_without_limits():
        return serve_from_cache()
    return None


def _learn_limits():
    from app.extensions import limiter

    if limiter.enabled and not limiter.current_limits:
        _endpoints_without_limits().add(request.endpoint)


def store_in_cache(response):
    """``after_request``: keep a fresh, shareable page for the next anonymous reader."""
    key = g.pop("page_cache_key", None)
    if key is None or response.headers.get("X-Page-Cache") == "hit":
        return response
    if response.status_code != 200 or response.is_streamed or "Set-Cookie" in response.headers:
        return response
    _learn_limits()
    max_age = SHORT_AGE if request.endpoint in SHORT_LIVED else MAX_AGE
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in ("set-cookie", "content-length")]
    _store.put(key, g.page_cache_generation, max_age, response.status_code, headers, response.get_data())
    response.headers["X-Page-Cache"] = "miss"
    return response


def register_before_limits(app):
    """Serve hits on pages without a rate limit; registered before the limiter."""
    app.before_request(serve_before_limits)


def register(app):
    """Serve and fill the cache around every request. Registered after the rate limiter, so
    cached answers on limited pages still count against it; its after_request runs last of
    the app's."""
    app.before_request(serve_from_cache)
    app.after_request(store_in_cache)


def clear():
    """Empty this process's cache and close its generation connections (tests)."""
    _store.clear()
    _generation.close()
