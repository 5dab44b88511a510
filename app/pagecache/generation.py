"""The data generation: one counter bumped by every write of public data, in the writing
transaction, and read cheaply on every cache hit."""

import os
from threading import Lock

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# Writes that change nothing a reader sees.
_PRIVATE_TABLES = {
    "login_failure",
    "user_session",
    "inbox_item",
    "outgoing_email",
    "account_token",
    "search_outbox",
    "search_outbox_state",
    "cache_generation",
    # Conversations and notices are shown to their participants only, never on a cached page.
    "replication_message",
    "thread_read",
    "notice_preference",
    # Bulk runs are shown to their sender and admins only; what a run writes bumps it itself.
    "bulk_run",
    # Download counts of documents (docs/decisions/0083): a page may show a count a little old.
    "document_download",
}


class CacheGeneration(db.Model):
    """One row: the generation of the public data."""

    __tablename__ = "cache_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


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


def current_generation(engine=None):
    """The committed data generation (0 before anything was written)."""
    return _generation.read(engine if engine is not None else db.engine)


def close_connections():
    """Close this process's generation connections (tests)."""
    _generation.close()


def _changes_public_data(session):
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in _PRIVATE_TABLES:
            continue
        if table == "user_account" and obj not in session.new and obj not in session.deleted:
            changed = {a.key for a in sa.inspect(obj).attrs if a.history.has_changes()}
            if changed <= {"last_login_at", "password_hash", "language"}:
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
