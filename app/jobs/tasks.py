"""The jobs: module-level functions the worker imports by their dotted path.

Each runs in an app context (the worker's, or the caller's without a queue) and may run
twice or late without harm: it works off an outbox whose rows are the truth. They call up
into the features by design (pyproject.toml lets this module, and only it, do so).
"""

import logging

from flask import current_app

from app import jobs

log = logging.getLogger(__name__)

# Run once a day by the worker (and by `flask jobs run-daily`): (name, dotted path) of
# argument-less, idempotent functions. Other features add theirs here.
DAILY_TASKS = [
    ("mail", jobs.SEND_MAIL),  # the retry sweep: whatever is due, even if no worker swept lately
    # Stalled replications first, so that their notices go out in today's digest.
    ("stalled", "app.replication.stalled.daily"),
    ("digest", "app.notices.emails.send_digests"),
]
MAIL_BATCH = 100


def send_mail():
    """Send every email that is due; failures stay in the outbox with their back-off."""
    from app.mail import outbox

    jobs.started(jobs.SEND_MAIL)
    app = current_app._get_current_object()
    sent = failed = 0
    while True:
        batch_sent, batch_failed = outbox.send_due(app, limit=MAIL_BATCH)
        sent, failed = sent + batch_sent, failed + batch_failed
        if batch_sent + batch_failed < MAIL_BATCH:
            return {"sent": sent, "failed": failed}


class SearchIndexBusy(RuntimeError):
    """The index could not take the outbox now; the job is retried with back-off."""


def apply_search():
    """Apply the search outbox to this server's index."""
    from app.search.outbox import apply_pending

    jobs.started(jobs.APPLY_SEARCH)
    app = current_app._get_current_object()
    applied = apply_pending(app, timeout=app.config["SEARCH_WRITE_TIMEOUT"])
    if applied is None:
        raise SearchIndexBusy("the search index is busy or missing; the changes wait in the outbox")
    return {"applied": applied}


def run_bulk():
    """Do every bulk run that waits (a CSV of replications, a list of award results)."""
    from app.jobs import bulk

    jobs.started(bulk.RUN_BULK)
    return {"ended": bulk.work_off(current_app._get_current_object())}


def run_daily():
    """Run every daily task; one that fails is logged and does not stop the others."""
    results = {}
    for name, path in DAILY_TASKS:
        try:
            results[name] = jobs.run_now(current_app._get_current_object(), path)
        except Exception:  # noqa: BLE001 - each task is independent; tomorrow's run tries again
            log.exception("daily task %s (%s) failed", name, path)
            results[name] = "failed"
    return results
