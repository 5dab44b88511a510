"""``flask files clean``: delete the blobs no row names (docs/decisions/0082)."""

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.files import blob_store, orphans, referenced_digests

files_cli = click.Group("files", help="Stored files (images).")


@files_cli.command("clean")
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
@click.option(
    "--min-age",
    type=click.IntRange(min=0),
    default=3600,
    show_default=True,
    help="Seconds: younger files are kept (an upload may not have committed yet).",
)
@with_appcontext
def clean_command(dry_run, min_age):
    """Delete stored blobs that no row references (and temporary files left by a crash)."""
    store = blob_store()
    found = orphans(store, referenced_digests(db), min_age)
    size = 0
    for path, _digest in found:
        size += path.stat().st_size
        click.echo(f"{'would delete' if dry_run else 'deleted'} {path}")
        if not dry_run:
            store.delete_path(path)
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{verb} {len(found)} orphaned files ({size:,} bytes) from {store.root}.")
