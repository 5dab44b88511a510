"""``flask jobs worker``: an RQ worker that runs each job in an app context and sweeps.

The sweep, at start and every ``JOBS_SWEEP_SECONDS``, wakes the mail and search outboxes
(retries of failed sends, changes whose wake-up was lost while Redis was away, messages a
killed worker held) and, on the first sweep of each day (UTC), enqueues the daily tasks:
nothing waits for the next commit on the web, and no cron or extra scheduler is needed.
"""

import logging
import os
import socket
import uuid
from datetime import UTC, datetime

from rq import SimpleWorker, Worker

from app import jobs
from app.extensions import db

log = logging.getLogger(__name__)

RUN_DAILY = "app.jobs.tasks.run_daily"
SWEPT = (jobs.SEND_MAIL, jobs.APPLY_SEARCH, "app.jobs.tasks.run_bulk")
DAILY_KEY_SECONDS = 3 * 24 * 3600


def daily_key(queue_name, day):
    return f"suar:jobs:{queue_name}:daily:{day.isoformat()}"


def sweep(app, redis):
    """Wake the outboxes; the first sweep of a day (across all workers) enqueues ``run_daily``."""
    for path in SWEPT:
        jobs.wake(app, path)
    today = datetime.now(UTC).date()
    if redis.set(daily_key(app.config["JOBS_QUEUE"], today), "1", nx=True, ex=DAILY_KEY_SECONDS):
        jobs.enqueue(app, RUN_DAILY)


class _AppJobs:
    """Each job in a fresh app context of the worker's app; the sweep with RQ's maintenance
    (registry clean-up), whose interval and idle wake-up follow ``JOBS_SWEEP_SECONDS``."""

    flask_app = None

    def perform_job(self, job, queue):
        with self.flask_app.app_context(), jobs.logged_as(job.meta.get("request_id")):
            return super().perform_job(job, queue)

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        try:
            sweep(self.flask_app, self.connection)
        except Exception:  # noqa: BLE001 - a failed sweep is retried at the next one
            log.exception("jobs sweep failed")


class AppWorker(_AppJobs, Worker):
    """Forks a work horse per job: a job that crashes or leaks cannot take the worker down."""

    def main_work_horse(self, job, queue):
        # The horse must not use the database connections it inherited from its parent.
        with self.flask_app.app_context():
            db.engine.dispose(close=False)
        super().main_work_horse(job, queue)


class AppSimpleWorker(_AppJobs, SimpleWorker):
    """Runs jobs in its own process (tests, and machines where fork is unwelcome)."""


def make_worker(app, *, simple=False, redis=None):
    """A worker on the app's queue, with its own Redis connection (RQ sets its timeouts)."""
    from redis import Redis

    redis = redis if redis is not None else Redis.from_url(app.config["REDIS_URL"])
    kind = AppSimpleWorker if simple else AppWorker
    interval = app.config["JOBS_SWEEP_SECONDS"]
    name = f"{app.config['JOBS_QUEUE']}.{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:6]}"
    worker = kind(
        [jobs.queue(app, redis)],
        name=name,
        connection=redis,
        maintenance_interval=interval,
        worker_ttl=interval + 15,  # RQ waits for a job worker_ttl - 15 seconds before maintenance
    )
    worker.flask_app = app
    return worker


def run(app, *, burst=False, simple=False):
    """Work until stopped (or, with ``burst``, until the queue is empty); returns whether any
    job ran. RQ's scheduler runs alongside: it re-enqueues the jobs waiting for a retry."""
    worker = make_worker(app, simple=simple)
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
