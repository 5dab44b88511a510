"""``flask search ...``: rebuild the index, apply waiting changes, show its state."""

import contextlib
import multiprocessing
import os
import time

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from whoosh.index import LockError

from app.extensions import db
from app.search import servers
from app.search.follower import INTERVAL, Follower
from app.search.index import REINDEX_POOL_MB, IndexBehind, IndexBuildFailed, IndexMissing, IndexStore, RebuildBusy
from app.search.models import SearchOutbox, SearchServer
from app.search.servers import server_name

search_cli = AppGroup("search", help="The search index.")


def _store():
    return IndexStore(current_app.config["SEARCH_INDEX_DIR"])


def default_procs():
    """The cores this process may run on, at most 4: a full reindex parallelises over them
    (two cores build 20,000 case studies in about half the time of one). One where processes
    are not forked (macOS, Windows, Python 3.14's Linux default): Whoosh's multiprocess writer
    was checked with fork only (docs/decisions/0096)."""
    method = multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_all_start_methods()[0]
    if method != "fork":
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _record():
    """Record this server's position (docs/decisions/0086), as its follower would."""
    servers.record(db.engine, server_name(current_app.config), _store().applied())


@search_cli.command("reindex")
@click.option(
    "--procs",
    type=click.IntRange(1, 32),
    default=default_procs,
    show_default="the cores this process may use, at most 4",
    help="Indexing processes (Whoosh's multiprocess writer, one index segment each).",
)
@click.option(
    "--pool-mb",
    type=click.IntRange(16, 65536),
    default=REINDEX_POOL_MB,
    show_default=True,
    help="Memory per indexing process for postings before they are sorted on disk.",
)
def reindex_command(procs, pool_mb):
    """Build a new index from the database beside the current one, then switch to it."""
    started = time.perf_counter()
    try:
        count = _store().rebuild(db.engine, procs=procs, wait=False, pool_mb=pool_mb)
    except RebuildBusy:
        raise click.ClickException("another process is rebuilding the index; try again when it is done") from None
    except IndexBuildFailed as error:
        raise click.ClickException(f"{error}; the current index is kept (see the log above)") from None
    _record()
    click.echo(f"Indexed {count} innovations in {time.perf_counter() - started:.1f} s.")


@search_cli.command("sync")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the index writer.")
def sync_command(timeout):
    """Apply the changes still waiting in the outbox (rebuilds a missing index)."""
    store = _store()
    try:
        applied = store.sync(db.engine, timeout=timeout)
    except IndexBehind:
        count = store.rebuild(db.engine)
        _record()
        click.echo(f"The index was left behind the pruned outbox: rebuilt it with {count} innovations.")
        return
    except IndexMissing:
        count = store.rebuild(db.engine)
        _record()
        click.echo(f"No index was found: built one with {count} innovations.")
        return
    except LockError:
        raise click.ClickException(
            f"the index stayed locked for {timeout:.0f} s; nothing was lost, try again"
        ) from None
    _record()
    click.echo(f"Applied {applied} waiting change(s).")


@search_cli.command("status")
def status_command():
    """Show the current index generation, its size, how far it has applied the outbox, and
    the position every server recorded."""
    status = _store().status()
    newest = db.session.scalar(sa.select(sa.func.max(SearchOutbox.id))) or 0
    click.echo(f"generation: {status['generation'] or '(none)'}")
    click.echo(f"documents: {status['documents']}")
    click.echo(f"applied: {status['applied']} of {newest}")
    click.echo(f"this server: {server_name(current_app.config)}")
    for server in db.session.scalars(sa.select(SearchServer).order_by(SearchServer.name)):
        click.echo(f"server {server.name}: applied {server.applied}, reported {server.heartbeat_at:%Y-%m-%d %H:%M:%S}")


@search_cli.command("prune")
@click.option("--days", default=30, show_default=True, help="Keep outbox rows younger than this.")
def prune_command(days):
    """Delete outbox rows older than DAYS that every live server has applied."""
    live_seconds = current_app.config["SEARCH_SERVER_LIVE_SECONDS"]
    deleted, live = servers.prune(db.engine, days, live_seconds)
    click.echo(f"Deleted {deleted} outbox row(s) older than {days} days.")
    for name, applied in live:
        click.echo(f"Kept for live server {name}: changes after {applied}.")


@search_cli.command("follow")
@click.option("--interval", default=INTERVAL, show_default=True, help="Seconds between two looks at the outbox.")
def follow_command(interval):
    """Keep this server's index at the outbox's head and record its position (until stopped).

    gunicorn started with deploy/gunicorn.conf.py does this itself; run it for other setups."""
    follower = Follower(current_app._get_current_object(), interval)
    click.echo(f"Following the search outbox as {follower.name} every {interval} s.")
    with contextlib.suppress(KeyboardInterrupt):
        follower.run()
