"""``flask networks ...``: import network files."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from app.content.problems import ImportFailed
from app.extensions import db
from app.networks.importer import import_networks

networks_cli = click.Group("networks", help="JIPP network files.")


@networks_cli.command("import")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@with_appcontext
def import_command(path, dry_run):
    """Import networks from PATH (default: the content folder's networks/), all or nothing."""
    path = path or current_app.config["CONTENT_DIR"]
    try:
        report = import_networks(path, dry_run=dry_run)
    except ImportFailed as failed:
        db.session.rollback()
        for problem in failed.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"Nothing imported: {len(failed.problems)} problem(s) in {path}.", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "Would import" if dry_run else "Imported"
    click.echo(
        f"{verb} {report.total} networks from {report.folder}: {len(report.created)} new, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged."
    )
    for slug in report.missing:
        click.echo(f"warning: {slug} was imported from this folder but its file is gone; it was kept.")
