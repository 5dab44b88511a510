"""Failed password checks, counted in the database, and when they lock (docs/decisions/0041).

- A browser the account does not know is refused after ``LOGIN_MAX_FAILURES`` failures of
  the email from its address, or ``LOGIN_MAX_FAILURES_PER_EMAIL`` from all such browsers
  together (guessing spread over many addresses).
- A browser holding the account's device cookie (it signed in before) is refused only
  after ``LOGIN_MAX_FAILURES`` failures made with that cookie: nobody elsewhere can lock it.

All within ``LOGIN_FAILURE_WINDOW``. Emails without an account are counted alike.
"""

from datetime import UTC, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from app.accounts.models import LoginFailure
from app.extensions import db


class Device(NamedTuple):
    """What a valid device cookie says: the account it was issued to, and its own nonce."""

    account: str  # account_mark() of the user it was issued to
    nonce: str


def account_mark(user):
    """The account a device cookie speaks for: its id and creation time, so that an account
    created later with the same email (and, on SQLite, perhaps the same id) is another."""
    created = user.created_at if user.created_at.tzinfo else user.created_at.replace(tzinfo=UTC)
    return f"{user.id}:{round(created.timestamp() * 1_000_000)}"


def is_locked(email, address, nonce, now):
    """True when this attempt is refused without checking the password.

    ``nonce`` is the device cookie's, when the attempt came with one of this account's.
    """
    config = current_app.config
    recent = sa.select(sa.func.count(LoginFailure.id)).where(LoginFailure.email == email, LoginFailure.at > _since(now))
    if nonce is not None:
        return db.session.scalar(recent.where(LoginFailure.device == nonce)) >= config["LOGIN_MAX_FAILURES"]
    from_here = sa.func.coalesce(sa.func.sum(sa.case((_same_address(address), 1), else_=0)), 0)
    everywhere, here = db.session.execute(recent.add_columns(from_here).where(LoginFailure.device.is_(None))).one()
    return here >= config["LOGIN_MAX_FAILURES"] or everywhere >= config["LOGIN_MAX_FAILURES_PER_EMAIL"]


def record_failure(email, address, nonce, now):
    """Count one failed password check (a refused, locked attempt is not counted)."""
    # Old rows say nothing any more; dropping them here keeps the table small.
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at <= _since(now)))
    db.session.add(LoginFailure(email=email[:254], address=_address(address), device=nonce, at=now))
    db.session.flush()


def forgive(email, address, nonce):
    """After the right password: forget the failures this attempt was counted with, no others.

    With a device cookie, that cookie's; without, those of unknown browsers at this address.
    The owner signing in hands no fresh allowance to a guesser elsewhere, nor, from a known
    browser, to one behind the same address.
    """
    if nonce is not None:
        mine = LoginFailure.device == nonce
    else:
        mine = sa.and_(LoginFailure.device.is_(None), _same_address(address))
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.email == email, mine))


def _address(address):
    return (address or "")[:64] or None


def _same_address(address):
    address = _address(address)
    return LoginFailure.address.is_(None) if address is None else LoginFailure.address == address


def _since(now):
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    return now - (window if isinstance(window, timedelta) else timedelta(seconds=window))
