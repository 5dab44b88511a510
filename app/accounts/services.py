"""Changes to accounts: creating and updating users, passwords, checking them (and counting
the failures).

Services flush, never commit; the view or command that calls them commits once.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import lockout, sessions
from app.accounts.models import ROLES, User, UserRole, normalise_email
from app.accounts.passwords import describe_in_english, password_problems
from app.changes import Refused
from app.extensions import db


class AccountError(Refused):
    """A change to an account that the rules do not allow; the message says which rule."""


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a password check: the user on success, or whether it was refused unchecked."""

    user: User | None
    locked: bool = False


@cache
def _dummy_hash():
    # Checked against when no account has the email, so that the answer takes as long.
    return generate_password_hash("not a password of anyone")


def find_user(email):
    """The user with this email (compared case-insensitively), or None."""
    return db.session.scalars(sa.select(User).where(User.email == normalise_email(email))).first()


def active_users(roles, owner_id=None):
    """Active users holding any of ``roles`` (of ``owner_id`` when given), by name."""
    query = sa.select(User).join(UserRole).where(UserRole.role.in_(roles), User.active.is_(True))
    if owner_id is not None:
        query = query.where(User.owner_id == owner_id)
    return list(db.session.scalars(query.order_by(User.name, User.id).distinct()))


def create_user(email, name, password, roles, networks=(), owner=None):
    """Create a user; raise AccountError when the email is taken or a rule is broken."""
    email = normalise_email(email)
    if not email or "@" not in email:
        raise AccountError(f"{email!r} is not an email address")
    if find_user(email) is not None:
        raise AccountError(f"a user with the email {email} already exists")
    problems = password_problems(password, email)
    if problems:
        raise AccountError(describe_in_english(problems[0]))
    user = User(email=email, name=" ".join((name or "").split()) or email)
    user.set_password(password)
    _assign(user, roles, networks, owner)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user, name, roles, networks, owner, active, acting_user):
    """Change a user's name, roles, networks, owner and active flag.

    An admin may neither deactivate nor remove the admin role from their own account, so
    that the site never loses its last way in. Deactivation ends every session of the user.
    """
    if user.id == acting_user.id and (not active or "admin" not in roles):
        raise AccountError("you cannot deactivate your own account or remove your own admin role")
    user.name = " ".join(name.split())
    _assign(user, roles, networks, owner)
    if user.active and not active:
        sessions.end_all(user)
    user.active = active
    db.session.flush()


def _assign(user, roles, networks, owner):
    roles = set(roles)
    if not roles or roles - set(ROLES):
        raise AccountError(f"roles must be some of {', '.join(ROLES)}")
    if "coordinator" in roles and not networks:
        raise AccountError("a coordinator needs at least one network")
    if "official" in roles and owner is None:
        raise AccountError("an official needs the owner they belong to")
    user.set_roles(roles)
    user.networks = list(networks) if "coordinator" in roles else []
    user.owner = owner if "official" in roles else None


def change_password(user, new_password, keep=None):
    """Set a new password and end every sign-in of the user but ``keep`` (the one changing it)."""
    problems = password_problems(new_password, user.email)
    if problems:
        raise AccountError(describe_in_english(problems[0]))
    user.set_password(new_password)
    sessions.end_all(user, keep=keep)
    db.session.flush()


def authenticate(email, password, address=None, device=None, now=None):
    """Check a login; count the failures and refuse, unchecked, while they lock this attempt.

    ``device`` is what the browser's device cookie says (lockout.Device), if it has one for
    this email. Emails without an account are counted and locked alike, and their password
    is checked against a dummy hash, so that neither the answer nor its time tells whether
    an account exists (docs/decisions/0011, 0041).
    """
    now = now or datetime.now(UTC)
    email = normalise_email(email)
    user = find_user(email)
    nonce = _device_nonce(device, user)
    if lockout.is_locked(email, address, nonce, now):
        return LoginResult(user=None, locked=True)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        ok = False
    else:
        ok = user.check_password(password) and user.active
    if not ok:
        lockout.record_failure(email, address, nonce, now)
        return LoginResult(user=None)
    lockout.forgive(email, address, nonce)
    user.last_login_at = now
    db.session.flush()
    return LoginResult(user=user)


def confirm_password(user, password, address=None, device=None, now=None):
    """Check a signed-in user's current password (before changing it), counted like a login.

    Someone holding a stolen session must not get unlimited guesses at the password that
    would let them take the account over.
    """
    now = now or datetime.now(UTC)
    nonce = _device_nonce(device, user)
    if lockout.is_locked(user.email, address, nonce, now):
        return LoginResult(user=None, locked=True)
    if not user.check_password(password):
        lockout.record_failure(user.email, address, nonce, now)
        return LoginResult(user=None)
    lockout.forgive(user.email, address, nonce)
    db.session.flush()
    return LoginResult(user=user)


def _device_nonce(device, user):
    # A device cookie counts only for the account it was issued to: not for an account
    # created later with the same email.
    if device is None or user is None or device.account != lockout.account_mark(user):
        return None
    return device.nonce
