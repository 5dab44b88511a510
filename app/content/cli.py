"""``flask content ...``: import case-study files, and export the published catalogue as files."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from app.content.export import export_catalogue
from app.content.importer import import_case_studies
from app.content.problems import ImportFailed
from app.extensions import db, refresh_statistics

content_cli = click.Group("content", help="Case-study files.")


@content_cli.command("import")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@click.option("--force", is_flag=True, help="Also overwrite case studies changed on the site since their last import.")
@with_appcontext
def import_command(path, dry_run, force):
    """Import case studies from PATH (default: the content folder), all or nothing."""
    path = path or current_app.config["CONTENT_DIR"]
    report = run_import(lambda: import_case_studies(path, dry_run=dry_run, force=force), path, dry_run)
    if not dry_run:
        refresh_statistics()
    report_import(report, "innovations", dry_run)
    for slug in report.skipped:
        click.echo(
            f"warning: {slug} was changed on the site since its last import; its file was not applied "
            "(export it with 'flask content export', or import again with --force to overwrite the site's version)."
        )


def run_import(importer, path, dry_run):
    """Run an all-or-nothing import: on problems list them and exit 1; commit unless dry."""
    try:
        report = importer()
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
    return report


def report_import(report, noun, dry_run):
    """One line of counts, then a warning for each file that disappeared."""
    verb = "Would import" if dry_run else "Imported"
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    click.echo(
        f"{verb} {report.total} {noun} from {report.folder}: {len(report.created)} new, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged{skipped}."
    )
    for slug in report.missing:
        click.echo(f"warning: {slug} was imported from this folder but its file is gone; it was kept.")


@content_cli.command("export")
@click.argument("path", type=click.Path(file_okay=False, dir_okay=True))
@with_appcontext
def export_command(path):
    """Write the published case studies to PATH as files (<slug>.md) in the import's format."""
    try:
        report = export_catalogue(path)
    except OSError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    finally:
        db.session.rollback()  # the export only reads
    click.echo(
        f"Exported {report.total} published innovations to {report.folder}: {len(report.created)} new, "
        f"{len(report.changed)} changed, {len(report.unchanged)} unchanged."
    )
