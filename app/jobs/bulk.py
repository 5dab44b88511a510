"""Bulk runs (docs/decisions/0081): a confirmed CSV of replications or list of award
results is written to ``bulk_run`` in the request, then done by the job ``run_bulk``.

The row is the outbox: the job claims the oldest waiting run (a conditional update that a
second worker waits behind), lets the feature that owns its ``kind`` re-check and write it,
and commits the writes and the run's new status together. A worker killed half-way leaves
the run waiting (its writes rolled back) for the next sweep; a run done is never done
again. Without a queue the request that submitted the run does it right after its commit.
"""

import logging
from datetime import UTC, datetime
from importlib import import_module

import sqlalchemy as sa
from flask import current_app

from app import jobs
from app.extensions import db
from app.jobs.models import BulkRun

log = logging.getLogger(__name__)

RUN_BULK = "app.jobs.tasks.run_bulk"
# A run whose handler raises (an error, not a refusal) is tried at each sweep and marked
# failed after this many errors; without a queue after the first (the user is waiting).
MAX_FAILURES = 3
# A run that was started this many times (errors and workers killed half-way alike) is
# marked failed: it must not take a worker down at every sweep for ever.
MAX_ATTEMPTS = 6
# kind -> dotted path of ``handler(run) -> (status, result)``, status "done" or "refused".
# The handler checks again as the run's user (their rights may have changed since), writes
# without committing and returns counts; or returns problems and writes nothing.
HANDLERS = {
    "replications": "app.replication.bulk.run",
    "awards": "app.editing.awards.run",
}


def submit(kind, user, payload, *, params=None, rows=0):
    """Record a run (committed), then start it: now in this process without a queue, else
    on the queue. Returns the run, refreshed (``pending`` while a worker has it to do)."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown bulk run kind {kind!r}")
    params = {**(params or {}), "request_id": jobs.request_id()}
    run = BulkRun(kind=kind, user_id=user.id, payload=payload, params=params, rows=rows)
    db.session.add(run)
    db.session.commit()
    jobs.wake(current_app._get_current_object(), RUN_BULK)
    db.session.refresh(run)
    return run


def waiting_ids():
    return db.session.scalars(sa.select(BulkRun.id).where(BulkRun.status == "queued").order_by(BulkRun.id)).all()


def work_off(app):
    """Do every waiting run, oldest first; returns how many runs ended (done, refused or failed)."""
    ended = 0
    for run_id in waiting_ids():
        ended += bool(do(app, run_id))
    return ended


def do(app, run_id):
    """Do one run if it still waits. Returns its final status, or None when it still waits
    (another worker has it, or it broke and will be tried again)."""
    run = db.session.get(BulkRun, run_id)
    if run is None or run.status != "queued":
        db.session.rollback()
        return None
    # The attempt is counted in its own transaction, so that a run that kills its worker
    # every time still ends, as failed, after MAX_ATTEMPTS.
    counted = db.session.execute(
        sa.update(BulkRun)
        .where(BulkRun.id == run_id, BulkRun.status == "queued")
        .values(attempts=BulkRun.attempts + 1, started_at=datetime.now(UTC))  # shown as "being processed"
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if counted.rowcount != 1 or not _claim(run_id):  # another worker did it, or has it now
        db.session.rollback()
        return None
    run = db.session.execute(
        sa.select(BulkRun).where(BulkRun.id == run_id), execution_options={"populate_existing": True}
    ).scalar_one()
    # Read under the claim: no other worker is in the middle of this run now. (Workers that
    # counted an attempt and then found it claimed add to ``attempts`` too; MAX_ATTEMPTS is
    # generous for that.)
    if run.failures >= _failures_allowed(app) or run.attempts > MAX_ATTEMPTS:
        run.status, run.finished_at = "failed", datetime.now(UTC)
        db.session.commit()
        return "failed"
    module, name = HANDLERS[run.kind].rsplit(".", 1)
    try:
        with jobs.logged_as(run.params.get("request_id")):  # the request that sent the run
            status, result = getattr(import_module(module), name)(run)
    except Exception as error:  # noqa: BLE001 - recorded on the run; the sweep tries again
        db.session.rollback()
        log.exception("bulk run %s broke", run_id)
        db.session.execute(
            sa.update(BulkRun)
            .where(BulkRun.id == run_id, BulkRun.status == "queued")
            .values(failures=BulkRun.failures + 1, last_error=f"{type(error).__name__}: {error}"[:500])
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if db.session.get(BulkRun, run_id).failures >= _failures_allowed(app):
            return _finish(run_id, "failed", None)
        return None
    if status == "done":
        run.status, run.result, run.finished_at = "done", result, datetime.now(UTC)
        db.session.commit()
        return "done"
    # Refused: nothing of what the handler may have flushed is kept.
    db.session.rollback()
    return _finish(run_id, "refused", result)


def _failures_allowed(app):
    return MAX_FAILURES if jobs.configured(app) else 1


def _claim(run_id):
    """Take the run for this transaction: the first write of it, so that a second worker's
    claim waits for this transaction (a row lock on PostgreSQL, the database's write lock on
    SQLite) and then finds the run no longer waiting. True when this worker has it."""
    claimed = db.session.execute(
        sa.update(BulkRun)
        .where(BulkRun.id == run_id, BulkRun.status == "queued")
        .values(started_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _finish(run_id, status, result):
    """Mark a run that wrote nothing as ended, if it still waits."""
    ended = db.session.execute(
        sa.update(BulkRun)
        .where(BulkRun.id == run_id, BulkRun.status == "queued")
        .values(status=status, result=result, finished_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return status if ended.rowcount == 1 else None


def status():
    """``(waiting, failed, oldest waiting's submission time or None)`` for ``flask jobs status``."""
    waiting = db.session.scalar(sa.select(sa.func.count()).where(BulkRun.status == "queued"))
    failed = db.session.scalar(sa.select(sa.func.count()).where(BulkRun.status == "failed"))
    oldest = db.session.scalar(sa.select(sa.func.min(BulkRun.created_at)).where(BulkRun.status == "queued"))
    return waiting, failed, oldest
