"""``flask jobs worker``, ``flask jobs status`` and ``flask jobs run-daily``."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app import jobs
from app.jobs import bulk

jobs_cli = AppGroup("jobs", help="Background jobs (email, search outbox, daily tasks).")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Quit once the queue is empty.")
@click.option("--simple", is_flag=True, help="Run jobs in the worker's own process (no fork per job).")
def worker_command(burst, simple):
    """Run the jobs of the queue (needs REDIS_URL)."""
    from app.jobs import worker

    app = current_app._get_current_object()
    if not jobs.configured(app):
        raise click.ClickException("REDIS_URL is not set: jobs run in the web process after each commit")
    worker.run(app, burst=burst, simple=simple)


@jobs_cli.command("run-daily")
def run_daily_command():
    """Run the daily tasks now, in this process (cron without a queue, or by hand)."""
    from app.jobs import tasks

    for name, result in tasks.run_daily().items():
        click.echo(f"{name}: {result}")


@jobs_cli.command("status")
def status_command():
    """Queue depth, running, waiting for a retry and failed jobs; the email and search
    outboxes; bulk runs (CSV imports, award results). Exits 1 when Redis does not answer."""
    from app.mail import outbox
    from app.ops.health import search_state

    app = current_app._get_current_object()
    reachable = _queue_status(app)
    mail = outbox.status()
    oldest = mail["oldest_unsent"]
    click.echo(f"emails unsent: {mail['unsent']}")
    click.echo(f"emails failing: {mail['failing']}")
    click.echo(f"oldest unsent email: {oldest.isoformat() if oldest else '-'}")
    click.echo(f"search outbox pending: {search_state(app)['lag']}")
    waiting, failed, oldest_run = bulk.status()
    click.echo(f"bulk runs waiting: {waiting}")
    click.echo(f"bulk runs failed: {failed}")
    click.echo(f"oldest waiting bulk run: {oldest_run.isoformat() if oldest_run else '-'}")
    if not reachable:
        sys.exit(1)


def _queue_status(app):
    if not jobs.configured(app):
        click.echo("queue: none (REDIS_URL not set: jobs run in the web process after each commit)")
        return True
    from redis.exceptions import RedisError
    from rq import Worker

    queue = jobs.queue(app)
    try:
        figures = {
            "queued": queue.count,
            "started": queue.started_job_registry.count,
            "waiting for a retry": queue.scheduled_job_registry.count,
            "failed": queue.failed_job_registry.count,
            "workers": Worker.count(connection=queue.connection, queue=queue),
        }
    except RedisError as error:
        click.echo(f"queue {queue.name}: Redis unreachable ({type(error).__name__}: {error})")
        return False
    click.echo(f"queue: {queue.name}")
    for label, value in figures.items():
        click.echo(f"{label}: {value}")
    return True
