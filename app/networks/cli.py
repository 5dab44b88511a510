"""``flask networks ...``: import network files."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app.content.cli import report_import, run_import
from app.networks.importer import import_networks

networks_cli = click.Group("networks", help="JIPP network files.")


@networks_cli.command("import")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@with_appcontext
def import_command(path, dry_run):
    """Import networks from PATH (default: the content folder's networks/), all or nothing."""
    path = path or current_app.config["CONTENT_DIR"]
    report = run_import(lambda: import_networks(path, dry_run=dry_run), path, dry_run)
    report_import(report, "networks", dry_run)
