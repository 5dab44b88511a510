"""Users, their roles, their sign-ins, and failed logins. Permission checks are methods of
the user."""

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import permissions
from app.catalog.models import Owner
from app.extensions import db
from app.extensions import utcnow as _utcnow
from app.networks.models import Network, network_coordinator

ROLES = ("admin", "editor", "coordinator", "official")


def new_session_token():
    """A fresh random token: the id kept in the session and the remember cookie."""
    return secrets.token_urlsafe(32)


def hash_session_token(token):
    """What the database keeps of a token: its SHA-256, so that a copy of the table signs no one in.

    A token has 256 random bits: a fast hash is enough, and lets the token be looked up by
    its hash in an index (docs/decisions/0040).
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_email(email):
    """Emails compare case-insensitively: they are stored stripped and lower-cased."""
    return (email or "").strip().lower()


class UserRole(db.Model):
    """One role held by one user; a user may hold several."""

    __tablename__ = "user_role"
    __table_args__ = (sa.CheckConstraint("role IN ('admin', 'editor', 'coordinator', 'official')", name="role"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(16), primary_key=True)


class PermissionsMixin:
    """``user.can(action, record)``: the one table of app/accounts/permissions.py."""

    def can(self, action, record=None, **context):
        """True when this user (or visitor) may take ``action`` on ``record``."""
        return permissions.allowed(self, action, record, **context)


class User(PermissionsMixin, UserMixin, db.Model):
    """A person who signs in: an admin, editor, network coordinator or regional official."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("owner.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The language of the user's emails: the one they last used the site in.
    language: Mapped[str | None] = mapped_column(sa.String(5))

    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    networks: Mapped[list[Network]] = relationship(
        secondary=network_coordinator, back_populates="coordinators", order_by=Network.name
    )
    owner: Mapped[Owner | None] = relationship()

    @validates("email")
    def _normalise_email(self, key, value):
        return normalise_email(value)

    # Flask-Login
    @property
    def is_active(self):
        return self.active

    # The sign-in (UserSession) this object was loaded through or has just started; not a
    # column: each request loads its own user object (app/accounts/sessions.py).
    current_session = None

    def get_id(self):
        """The token of the current sign-in: what the session and remember cookies carry."""
        if self.current_session is None or not self.current_session.token:
            raise RuntimeError("no sign-in to identify: start one with app.accounts.sessions.start")
        return self.current_session.token

    # Passwords
    def set_password(self, password):
        """Store a salted scrypt hash of ``password``; the password itself is never stored."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        """True when ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    # Roles
    @property
    def roles(self):
        """The roles this user holds, as a frozenset of names."""
        return frozenset(r.role for r in self.role_rows)

    def set_roles(self, roles):
        """Replace the user's roles; unknown names raise ValueError."""
        wanted = set(roles)
        unknown = wanted - set(ROLES)
        if unknown:
            raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")
        self.role_rows = [r for r in self.role_rows if r.role in wanted]
        have = {r.role for r in self.role_rows}
        self.role_rows.extend(UserRole(role=role) for role in ROLES if role in wanted - have)

    def has_role(self, role):
        """True when the user holds ``role``."""
        return role in self.roles

    @property
    def is_admin(self):
        """Admins may do everything, including managing users."""
        return self.is_active and self.has_role("admin")

    @property
    def is_editor(self):
        """Editors curate the catalogue and may edit every network."""
        return self.is_active and self.has_role("editor")

    @property
    def is_curator(self):
        """Editors and admins review, publish, archive and edit every case study."""
        return self.is_admin or self.is_editor

    def __repr__(self):
        return f"<User {self.email}>"


class AnonymousUser(PermissionsMixin, AnonymousUserMixin):
    """A visitor who has not signed in: holds no role, may change nothing."""

    roles = frozenset()
    is_admin = False
    is_editor = False
    is_curator = False
    networks = ()
    owner = None
    owner_id = None

    def has_role(self, role):
        """Anonymous visitors hold no role."""
        return False


class UserSession(db.Model):
    """One sign-in of a user in one browser: ended by logging out there, and by a password
    change (the others), deactivation or "sign out everywhere" (all of them).

    The browser holds the token in its session cookie and, with "remember me", in the
    remember cookie; the database holds only its hash (docs/decisions/0040).
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # With "remember me" a sign-in lasts REMEMBER_COOKIE_DURATION from its start; without,
    # it ends after LOGIN_SESSION_IDLE without a request.
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)

    user: Mapped[User] = relationship()

    # The token itself, known only to the request that started the sign-in or was sent it.
    token = None


class LoginFailure(db.Model):
    """One failed password check for an email address (whether or not an account has it).

    Counted in the database so that the limits hold across worker processes even when the
    rate limiter has no shared store (docs/decisions/0011), per email and address, per
    email across addresses, and per device cookie (docs/decisions/0041).
    """

    __tablename__ = "login_failure"
    __table_args__ = (sa.Index("ix_login_failure_email_at", "email", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    address: Mapped[str | None] = mapped_column(sa.String(64))
    # The nonce of the device cookie the attempt came with, if it held one for this account.
    device: Mapped[str | None] = mapped_column(sa.String(32))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, index=True)
