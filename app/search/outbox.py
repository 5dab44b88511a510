"""Every change to an innovation writes an outbox row in its own transaction; after the
commit the outbox is applied to the index.

The rows come from session events, so no service has to remember them: a new, changed or
deleted innovation, award, or a renamed owner, unit, sector or theme records the
innovations it touches. Bulk ``UPDATE``/``DELETE`` statements bypass the events; services
change innovations through the ORM (architecture.md), and ``flask search reindex`` mends
anything else.
"""

import logging
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from whoosh.index import LockError

from app.catalog.models import (
    Award,
    Innovation,
    InnovationDocument,
    Institution,
    Owner,
    Sector,
    Theme,
    innovation_sector,
    innovation_theme,
)
from app.datagen.generation import bump
from app.datagen.scopes import ALL
from app.extensions import db
from app.search.index import IndexMissing, IndexStore, RebuildBusy
from app.search.models import SearchOutbox, utcnow

log = logging.getLogger(__name__)

PENDING = "search_outbox_pending"  # session.info: changes seen before a flush
WRITTEN = "search_outbox_written"  # session.info: outbox rows written in this transaction
LOCKED = "search_outbox_locked"
# app.extensions: what applies the outbox after a commit (default: this process, right away).
DISPATCH = "suar.search.dispatch"
# The op of a change to an innovation's replications: its document's replication count may
# have moved, and nothing else of it (docs/decisions/0104). Applied as an upsert.
COUNT = "count"
# PostgreSQL: transactions that write the outbox take this lock, so ids become visible in
# the order they were given out and no index skips an id committed late.
ADVISORY_LOCK_KEY = 0x5EA4C8  # "search"


def _innovation_ids(session, column, value):
    return list(session.execute(sa.select(Innovation.id).where(column == value)).scalars())


def _ids_via(session, table, column, value):
    return list(session.execute(sa.select(table.c.innovation_id).where(table.c[column] == value)).scalars())


def _is_replication(obj):
    # By table name: search reads the replication feature without importing it.
    return getattr(obj, "__tablename__", None) == "replication"


def _may_change_count(replication):
    """The index holds each innovation's replication count, nothing else of its replications:
    a change that leaves a replication with its case study and on the same side of "counts
    as replicated" (its notes, dates, a step from interest to planned) cannot change the
    document, and writing it again would only start a new index version (which drops every
    cached search answer, docs/decisions/0091)."""
    state = sa.inspect(replication)
    if state.attrs.innovation_id.history.has_changes() or state.attrs.innovation.history.has_changes():
        return True
    stage = state.attrs.stage.history
    if not stage.has_changes():
        return False
    counts = type(replication).counts_as_replicated.fget
    sides = {counts(SimpleNamespace(stage=value)) for value in (*stage.deleted, *stage.added)}
    return len(sides) > 1 or not stage.deleted


def _before_flush(session, flush_context, instances):
    pending = session.info.setdefault(PENDING, [])
    for obj in session.new:
        if isinstance(obj, Innovation):
            pending.append((obj, "upsert"))
        elif isinstance(obj, Award | InnovationDocument):
            pending.append((obj.innovation or obj.innovation_id, "upsert"))
    for obj in session.dirty:
        if not session.is_modified(obj):
            continue
        if isinstance(obj, Innovation):
            pending.append((obj, "upsert"))
        elif isinstance(obj, Award | InnovationDocument):
            pending.append((obj.innovation or obj.innovation_id, "upsert"))
        elif isinstance(obj, Owner) and obj.id is not None:
            pending += [(i, "upsert") for i in _innovation_ids(session, Innovation.owner_id, obj.id)]
        elif isinstance(obj, Institution) and obj.id is not None:
            pending += [(i, "upsert") for i in _innovation_ids(session, Innovation.institution_id, obj.id)]
        elif isinstance(obj, Sector) and obj.id is not None:
            pending += [(i, "upsert") for i in _ids_via(session, innovation_sector, "sector_id", obj.id)]
        elif isinstance(obj, Theme) and obj.id is not None:
            pending += [(i, "upsert") for i in _ids_via(session, innovation_theme, "theme_id", obj.id)]
        elif _is_replication(obj) and _may_change_count(obj):
            pending.append((obj.innovation_id, COUNT))
    for obj in session.new:
        if _is_replication(obj):  # the index holds each innovation's replication count
            pending.append((obj.innovation or obj.innovation_id, COUNT))
    for obj in session.deleted:
        if _is_replication(obj):
            pending.append((obj.innovation_id, COUNT))
        if isinstance(obj, Innovation):
            pending.append((obj.id, "delete"))
        elif isinstance(obj, Award | InnovationDocument):
            pending.append((obj.innovation_id, "upsert"))


def _after_flush(session, flush_context):
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    rows = {}
    for target, op in pending:
        innovation_id = target.id if isinstance(target, Innovation) else target
        if innovation_id is not None and (op != COUNT or innovation_id not in rows):
            # The last word on an innovation in this flush wins; "count" says less than the
            # others (only its count may have moved), so it never replaces them.
            rows[innovation_id] = op
    if not rows:
        return
    if "generation_bumped" not in session.info:
        # Every change that reaches the outbox is public and has bumped the data generation
        # in this flush already; should one not have, it bumps it now: readers read the
        # outbox's newest change once per generation (service.newest_change).
        bump(session, {ALL})
    connection = session.connection()
    if connection.dialect.name == "postgresql" and not session.info.get(LOCKED):
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        session.info[LOCKED] = True
    connection.execute(
        SearchOutbox.__table__.insert(),
        [{"innovation_id": i, "op": op, "created_at": utcnow()} for i, op in rows.items()],
    )
    session.info[WRITTEN] = True


def _after_commit(session):
    written = session.info.pop(WRITTEN, False)
    session.info.pop(LOCKED, None)
    if written and has_app_context() and current_app.config["SEARCH_SYNC_AFTER_COMMIT"]:
        # The job queue puts its own dispatcher here (app.jobs): the worker applies the outbox.
        dispatch = current_app.extensions.get(DISPATCH)
        if dispatch is None:
            apply_pending(current_app, timeout=current_app.config["SEARCH_WRITE_TIMEOUT"])
        else:
            dispatch(current_app._get_current_object())


def _after_transaction_end(session, transaction):
    if transaction.parent is None:  # the outermost transaction ended: committed or rolled back
        for key in (PENDING, WRITTEN, LOCKED):
            session.info.pop(key, None)


def apply_pending(app, timeout=5.0):
    """Apply the outbox to this app's index; never raises (the database already holds the truth).

    Returns the number of outbox rows applied, or None when the index could not be reached.
    """
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    try:
        return store.sync(db.engine, timeout=timeout)
    except LockError:
        log.info("search index busy: changes wait in the outbox for the next writer or `flask search sync`")
    except IndexMissing:
        try:
            store.rebuild(db.engine, wait=False)
            return 0
        except RebuildBusy:
            log.info("search index is being rebuilt by another process")
        except Exception:
            log.exception("search index could not be built; run `flask search reindex`")
    except Exception:
        log.exception("search index update failed; changes wait in the outbox")
    return None


event.listen(db.session, "before_flush", _before_flush)
event.listen(db.session, "after_flush", _after_flush)
event.listen(db.session, "after_commit", _after_commit)
event.listen(db.session, "after_transaction_end", _after_transaction_end)
