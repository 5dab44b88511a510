"""``flask content ...``: import case-study files."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from app.content.importer import import_case_studies
from app.content.problems import ImportFailed
from app.extensions import db

content_cli = click.Group("content", help="Case-study files.")


@content_cli.command("import")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@with_appcontext
def import_command(path, dry_run):
    """Import case studies from PATH (default: the content folder), all or nothing."""
    path = path or current_app.config["CONTENT_DIR"]
    try:
        report = import_case_studies(path, dry_run=dry_run)
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
        f"{verb} {report.total} innovations from {report.folder}: {len(report.created)} new, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged."
    )
    for slug in report.missing:
        click.echo(f"warning: {slug} was imported from this folder but its file is gone; it was kept.")
