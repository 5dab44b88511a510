"""``flask replications import FILE``: replications from a CSV file, all or nothing."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.replication import csvio, services

replications_cli = click.Group("replications", help="Replication records.")


@replications_cli.command("import")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@with_appcontext
def import_command(path, dry_run):
    """Import replications from PATH (default: content/replications.csv)."""
    path = Path(path or Path(current_app.config["CONTENT_DIR"]) / "replications.csv")
    if not path.is_file():
        click.echo(f"error: {path} does not exist", err=True)
        sys.exit(1)
    parsed = csvio.read(path.read_bytes())
    if parsed.problems:
        for problem in parsed.problems:
            click.echo(f"error: {path}:{problem.row}: {problem.column}: {problem.message}", err=True)
        click.echo(f"Nothing imported: {len(parsed.problems)} problem(s).", err=True)
        sys.exit(1)
    if parsed.absent:
        click.echo(f"Not in {path.name}, so kept as stored: {', '.join(parsed.absent)}.")
    try:
        counts = csvio.write(parsed, user=None)
    except services.ReplicationError as error:
        db.session.rollback()
        click.echo(f"error: {path}: {error.message}", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} {len(parsed.rows)} replications from {path}: {counts['created']} new, "
               f"{counts['updated']} updated, {counts['unchanged']} unchanged.")  # fmt: skip


@replications_cli.command("remind")
@with_appcontext
def remind_command():
    """Notify the origin's officials and the coordinators of each stalled replication (daily)."""
    from app.replication import stalled

    count = stalled.daily()
    app = current_app._get_current_object()
    app.extensions["suar.mail.dispatch"](app)  # those who chose "at once": now
    days = current_app.config["STALLED_AFTER_DAYS"]
    click.echo(f"{count} stalled replication(s) (no change or message for {days} days) reminded of.")
