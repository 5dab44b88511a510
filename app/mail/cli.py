"""``flask mail send`` (what is due, for cron or after an outage) and ``flask mail status``."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.mail import outbox

mail_cli = AppGroup("mail", help="The email outbox.")


@mail_cli.command("send")
def send_command():
    """Send every message that is due (failed ones after their back-off)."""
    sent, failed = outbox.send_due(current_app._get_current_object(), limit=10_000)
    click.echo(f"{sent} sent, {failed} failed (kept for a retry)")


@mail_cli.command("status")
def status_command():
    """Unsent messages, those that failed at least once, and the oldest unsent."""
    figures = outbox.status()
    oldest = figures["oldest_unsent"]
    click.echo(f"unsent: {figures['unsent']}")
    click.echo(f"failing: {figures['failing']}")
    click.echo(f"oldest unsent: {oldest.isoformat() if oldest else '-'}")
