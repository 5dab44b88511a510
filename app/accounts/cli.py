"""``flask users ...``: create users and reset passwords from the command line."""

import sys

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.accounts import services
from app.accounts.models import ROLES, User
from app.catalog.owners import resolve_owner
from app.extensions import db
from app.networks.models import Network

users_cli = click.Group("users", help="User accounts.")


def _read_password():
    """The password: typed twice (hidden) on a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _fail(message):
    db.session.rollback()
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES), help="Repeat for several.")
@click.option("--network", "network_slugs", multiple=True, help="Slug of a network a coordinator runs (repeatable).")
@click.option("--owner", help="For an official: a region code (35.78) or an owner's slug or name.")
@click.option("--name", help="The person's name (default: the email).")
@with_appcontext
def create_command(email, roles, network_slugs, owner, name):
    """Create a user; the password is read from standard input."""
    networks = []
    for slug in network_slugs:
        network = db.session.scalars(sa.select(Network).where(Network.slug == slug)).first()
        if network is None:
            _fail(f"no network with the slug {slug!r} (import them with: flask networks import)")
        networks.append(network)
    owner_row = None
    if owner:
        owner_row = resolve_owner(owner)
        if owner_row is None:
            _fail(f"no region code, owner slug or owner name {owner!r}")
    password = _read_password()
    try:
        user = services.create_user(email, name or email, password, roles, networks, owner_row)
    except services.AccountError as exc:
        _fail(str(exc))
    db.session.commit()
    extra = f", networks {', '.join(n.slug for n in networks)}" if networks else ""
    extra += f", owner {owner_row.name}" if owner_row else ""
    click.echo(f"Created {user.email} with role(s) {', '.join(sorted(user.roles))}{extra}.")


@users_cli.command("set-password")
@click.argument("email")
@with_appcontext
def set_password_command(email):
    """Set a user's password (read from standard input); their sessions end."""
    user = services.find_user(email)
    if user is None:
        _fail(f"no user with the email {email}")
    try:
        services.change_password(user, _read_password())
    except services.AccountError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"Password of {user.email} changed; their sessions have ended.")


@users_cli.command("list")
@with_appcontext
def list_command():
    """List users with their roles."""
    for user in db.session.scalars(sa.select(User).order_by(User.email)):
        state = "" if user.active else " (inactive)"
        click.echo(f"{user.email}\t{','.join(sorted(user.roles))}{state}")
