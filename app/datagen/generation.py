"""The data generation: one counter bumped by every write of public data, in the writing
transaction, and read cheaply for cache hits (at most every PAGE_CACHE_RECHECK_MS per
process, its own commits at once: docs/decisions/0097); and what each generation changed
(its tags, scopes.py), so that a page or figure it cannot affect stays in use
(docs/decisions/0091)."""

import os
import time
import weakref
from collections import deque
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
    "cache_change",
    # How far each server's index applied the outbox, and the outbox's pruning.
    "search_server",
    "search_prune",
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


class CacheChange(db.Model):
    """What one generation changed: its tags (scopes.py), written in the same transaction
    as the bump. The last ``KEEP_CHANGES`` are kept; a process that missed more than that
    drops everything it built before."""

    __tablename__ = "cache_change"

    generation: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    tags: Mapped[str] = mapped_column(sa.Text)


KEEP_CHANGES = 2000
# A transaction that touches more than this many tags (a bulk import recounting hundreds of
# case studies) records ``*`` instead: it changes most pages anyway, and its row, rewritten
# on every statement that adds to it and read by every process, stays small.
MAX_TAGS = 200
clock = time.monotonic  # how old a generation read is (tests set the time)


_URLS = weakref.WeakKeyDictionary()  # engine -> its URL with the password, rendered once


def _key(engine):
    """What this process's connections and views of one database are kept under."""
    url = _URLS.get(engine)
    if url is None:
        url = _URLS[engine] = engine.url.render_as_string(hide_password=False)
    return os.getpid(), url


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
        self.recent = {}  # (pid, database URL) -> (generation, monotonic time it was known)

    def read(self, engine):
        rows = self.fetch(engine, self.QUERY)
        return rows[0][0] if rows else 0

    def read_recent(self, engine, seconds):
        """The generation as read at most ``seconds`` ago in this process, or as this process's
        own last commit set it, whichever is newer; read again when older."""
        key = _key(engine)
        known = self.recent.get(key)
        now = clock()
        if known is not None and now - known[1] < seconds:
            return known[0]
        value = self.read(engine)
        with self.lock:
            latest = self.recent.get(key)
            if latest is None or value >= latest[0] or latest is known:
                # Newer (or the same) as anything known; or nothing was learnt since this read
                # was decided on, so it stands even when lower (the counter started again).
                same = latest is not None and value == latest[0]
                self.recent[key] = (value, max(now, latest[1]) if same else now)
                return value
            # Another thread read, or this process committed, something newer meanwhile.
            return latest[0]

    def learn(self, engine, generation):
        """This process committed ``generation``: serve under it at once (read_recent)."""
        key = _key(engine)
        with self.lock:
            known = self.recent.get(key)
            if known is None or known[0] < generation:
                self.recent[key] = (generation, clock())

    def fetch(self, engine, query):
        key = _key(engine)
        with self.lock:
            try:
                return self._fetch(engine, key, query)
            except engine.dialect.loaded_dbapi.Error:
                # A connection the server closed, or a restart: once more on a new one.
                return self._fetch(engine, key, query)

    def _fetch(self, engine, key, query):
        connection = self.connections.get(key)
        try:
            if connection is None:
                connection = self.connections[key] = self._open(engine)
            cursor = connection.dbapi_connection.cursor()
            try:
                cursor.execute(query)
                rows = cursor.fetchall()
            finally:
                cursor.close()
        except engine.dialect.loaded_dbapi.Error:
            self.connections.pop(key, None)
            if connection is not None:
                connection.invalidate()
            raise
        return rows

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
            self.recent.clear()


_generation = _GenerationReader()


def current_generation(engine=None):
    """The committed data generation (0 before anything was written)."""
    return _generation.read(engine if engine is not None else db.engine)


def recent_generation(seconds, engine=None):
    """The data generation as this process knew it at most ``seconds`` ago, or newer: what a
    cache hit is served under (docs/decisions/0097). A commit made by this process counts at
    once; one made by another process within ``seconds``. ``seconds`` 0 reads it every time."""
    return _generation.read_recent(engine if engine is not None else db.engine, seconds)


def read_rows(query, engine=None):
    """The rows of a small read-only ``query`` (a literal), read like the generation: on this
    process's kept connection, in autocommit, outside any session."""
    return _generation.fetch(engine if engine is not None else db.engine, query)


def close_connections():
    """Close this process's generation connections (tests)."""
    _generation.close()


class _Changes:
    """This process's view of the recent generations' tags, per database: fetched once per
    new generation, on the generation connection, and kept for the last ``KEEP_CHANGES``.

    Entries are fetched only up to a generation already read as committed: the bump and its
    row are written in one transaction, and writers bump one after the other (the row lock),
    so every row up to a committed generation is there to read, or was pruned (a gap).
    """

    def __init__(self):
        self.lock = Lock()
        self.views = {}  # (pid, database URL) -> [known_from, applied, deque of (generation, tags)]

    def still_current(self, engine, built, deps, current):
        """Whether what was built under generation ``built``, depending on ``deps`` (tags,
        None for everything), is unchanged by every generation up to ``current``."""
        from app.datagen.scopes import affects

        if built == current:
            return True
        if deps is None or built > current:
            return False
        with self.lock:
            view = self._advance(engine, current)
            known_from, _, entries = view
            if built < known_from:
                return False  # what came between is no longer known
            for generation, tags in reversed(entries):  # newest first: usually one or two to read
                if generation <= built:
                    return True
                if generation <= current and affects(tags, deps):
                    return False
            return True

    def _advance(self, engine, current):
        from app.datagen.scopes import decode

        key = _key(engine)
        view = self.views.get(key)
        if view is not None and current < view[1] and not self._still_there(engine, view[1]):
            view = None  # the counter started again (its row was recreated): forget it all
        if view is None:
            start = max(0, current - KEEP_CHANGES)
            view = self.views[key] = [start, start, deque()]
        known_from, applied, entries = view
        if current <= applied:
            return view  # known already (a reader's older snapshot reads what it needs)
        rows = _generation.fetch(
            engine,
            f"SELECT generation, tags FROM cache_change WHERE generation > {int(applied)} "  # noqa: S608 - integers
            f"AND generation <= {int(current)} ORDER BY generation",
        )
        # Only an unbroken run up to ``current`` can vouch for anything: rows are missing when
        # pruned, or when the table was emptied (tests).
        run = current
        for generation, _ in reversed(rows):
            if generation != run:
                break
            run -= 1
        if run != applied:
            entries.clear()
            known_from = run
            rows = [row for row in rows if row[0] > run]
        entries.extend((generation, decode(tags)) for generation, tags in rows)
        while len(entries) > KEEP_CHANGES:
            known_from = entries.popleft()[0]
        view[0], view[1] = known_from, current
        return view

    @staticmethod
    def _still_there(engine, generation):
        query = f"SELECT generation FROM cache_change WHERE generation = {int(generation)}"  # noqa: S608 - integer
        return bool(_generation.fetch(engine, query))

    def clear(self):
        with self.lock:
            self.views.clear()


_changes = _Changes()


def forget_changes():
    """Forget what this process knew of recent generations (tests)."""
    _changes.clear()


def still_current(built, deps, current, engine=None):
    """Whether a page or figure built under generation ``built`` that depends on ``deps``
    (tags, None for everything) is still exact at the committed generation ``current``."""
    return _changes.still_current(engine if engine is not None else db.engine, built, deps, current)


def _public_tags(session):
    """The tags this flush touches (empty when it changes nothing a reader sees)."""
    from app.datagen.scopes import ALL, tags_of_object

    tags = set()
    kinds = ((session.new, True, False), (session.dirty, False, False), (session.deleted, False, True))
    for objects, new, deleted in kinds:
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table in _PRIVATE_TABLES:
                continue
            if table == "user_account" and not new and not deleted:
                changed = {a.key for a in sa.inspect(obj).attrs if a.history.has_changes()}
                if changed <= {"last_login_at", "password_hash", "language"}:
                    continue
            tags |= tags_of_object(session, obj, new=new, deleted=deleted)
            if ALL in tags:
                return {ALL}
    return tags


@event.listens_for(db.session, "before_flush")
def _bump_on_flush(session, flush_context, instances):
    # In the writing transaction itself: a page can never outlive the data it showed.
    with session.no_autoflush:
        tags = _public_tags(session)
    if tags:
        bump(session, tags)


@event.listens_for(db.session, "do_orm_execute")
def _bump_on_statement(state):
    """An INSERT, UPDATE or DELETE run through the session (not the unit of work) bumps too:
    with the tags its caller gives in ``execution_options(cache_tags=...)``, or everything."""
    from app.datagen.scopes import ALL

    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _PRIVATE_TABLES:
        return
    tags = state.execution_options.get("cache_tags", {ALL})
    if tags:
        bump(state.session, set(tags))


def bump(session, tags):
    """Start a new generation in the session's transaction (once per transaction) and record
    ``tags`` as what it changed (added to, when the transaction writes again)."""
    from app.datagen.scopes import ALL, encode

    info = session.info
    done = info.get("generation_tags")
    if done is not None and (ALL in done or tags <= done):
        return
    connection = session.connection()
    table = CacheGeneration.__table__
    changes = CacheChange.__table__
    if done is None:
        bump = sa.update(table).where(table.c.id == 1).values(value=table.c.value + 1)
        if connection.execute(bump).rowcount == 0:
            # The row is created by its migration; should it be gone, two writers may both try
            # to create it, so the insert gives way to the other and the update runs again.
            insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[connection.dialect.name]
            connection.execute(insert(table).values(id=1, value=0).on_conflict_do_nothing())
            connection.execute(bump)
            connection.execute(changes.delete())  # generations start again: the old tags mean nothing
        generation = connection.scalar(sa.select(table.c.value).where(table.c.id == 1))
        done = {ALL} if ALL in tags or len(tags) > MAX_TAGS else set(tags)
        connection.execute(changes.insert().values(generation=generation, tags=encode(done)))
        if generation % 100 == 0:
            connection.execute(changes.delete().where(changes.c.generation <= generation - KEEP_CHANGES))
        info["generation_bumped"] = generation
        info["generation_tags"] = done
        return
    done |= tags
    if ALL in done or len(done) > MAX_TAGS:
        done.clear()
        done.add(ALL)
    connection.execute(
        changes.update().where(changes.c.generation == info["generation_bumped"]).values(tags=encode(done))
    )


def changes_everything(session):
    """Whether the session's transaction already records ``*`` (narrower tags would add nothing)."""
    from app.datagen.scopes import ALL

    return ALL in session.info.get("generation_tags", ())


@event.listens_for(db.session, "after_commit")
def _learn_own_commit(session):
    generation = session.info.get("generation_bumped")
    if generation is not None:
        _generation.learn(session.get_bind(), generation)


@event.listens_for(db.session, "after_transaction_end")
def _reset(session, transaction):
    if transaction.parent is None:
        session.info.pop("generation_bumped", None)
        session.info.pop("generation_tags", None)
