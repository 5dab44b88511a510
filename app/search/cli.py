"""``flask search ...``: rebuild the index, apply waiting changes, show its state."""

import time
from datetime import timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from whoosh.index import LockError

from app.extensions import db
from app.search.index import IndexMissing, IndexStore, RebuildBusy
from app.search.models import SearchOutbox, utcnow

search_cli = AppGroup("search", help="The search index.")


def _store():
    return IndexStore(current_app.config["SEARCH_INDEX_DIR"])


@search_cli.command("reindex")
@click.option("--procs", default=1, show_default=True, help="Indexing processes (Whoosh's multiprocess writer).")
def reindex_command(procs):
    """Build a new index from the database beside the current one, then switch to it."""
    started = time.perf_counter()
    try:
        count = _store().rebuild(db.engine, procs=procs, wait=False)
    except RebuildBusy:
        raise click.ClickException("another process is rebuilding the index; try again when it is done") from None
    click.echo(f"Indexed {count} innovations in {time.perf_counter() - started:.1f} s.")


@search_cli.command("sync")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the index writer.")
def sync_command(timeout):
    """Apply the changes still waiting in the outbox (rebuilds a missing index)."""
    store = _store()
    try:
        applied = store.sync(db.engine, timeout=timeout)
    except IndexMissing:
        count = store.rebuild(db.engine)
        click.echo(f"No index was found: built one with {count} innovations.")
        return
    except LockError:
        raise click.ClickException(
            f"the index stayed locked for {timeout:.0f} s; nothing was lost, try again"
        ) from None
    click.echo(f"Applied {applied} waiting change(s).")


@search_cli.command("status")
def status_command():
    """Show the current index generation, its size, and how far it has applied the outbox."""
    status = _store().status()
    newest = db.session.scalar(sa.select(sa.func.max(SearchOutbox.id))) or 0
    click.echo(f"generation: {status['generation'] or '(none)'}")
    click.echo(f"documents: {status['documents']}")
    click.echo(f"applied: {status['applied']} of {newest}")


@search_cli.command("prune")
@click.option("--days", default=30, show_default=True, help="Keep outbox rows younger than this.")
def prune_command(days):
    """Delete outbox rows older than DAYS (every index must have applied them by then)."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(sa.delete(SearchOutbox).where(SearchOutbox.created_at < cutoff))
    db.session.commit()
    click.echo(f"Deleted {result.rowcount} outbox row(s) older than {days} days.")
