"""``flask notices digest``: the daily digest emails (cron, or the job worker once a day)."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.notices import emails

notices_cli = AppGroup("notices", help="Notices and their emails.")


@notices_cli.command("digest")
def digest_command():
    """Queue one digest email per user with digest notices not yet emailed, and send them."""
    count = emails.send_digests()
    app = current_app._get_current_object()
    app.extensions["suar.mail.dispatch"](app)  # now, not when the command's context ends
    click.echo(f"{count} digest(s) queued")
