"""Users, their roles, their sign-ins, and failed logins. Permission checks are methods of
the user."""

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from app.catalog.models import Owner
from app.extensions import db
from app.extensions import utcnow as _utcnow
from app.networks.models import Network, network_coordinator

ROLES = ("admin", "editor", "coordinator", "official")
# A case study its owner's officials may still change (docs/decisions/0032).
AUTHOR_EDITABLE = ("draft", "returned")


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


class User(UserMixin, db.Model):
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

    # Permissions
    def can_manage_users(self):
        """Create, deactivate and assign roles to users: admins only."""
        return self.is_admin

    def can_edit_network(self, network):
        """Manage a network's members and activities: admins, editors, its own coordinators."""
        return self.is_admin or self.is_editor or network.is_coordinated_by(self)

    def can_edit_activity(self, activity):
        """Edit an activity: whoever may edit its network."""
        return self.can_edit_network(activity.network)

    # Case studies (app/editing)
    @property
    def is_curator(self):
        """Editors and admins review, publish, archive and edit every case study."""
        return self.is_admin or self.is_editor

    def is_official_of(self, innovation):
        """An active official of the owner credited with ``innovation``."""
        owner_id = self.owner_id if self.is_active and self.has_role("official") else None
        return owner_id is not None and owner_id == innovation.owner_id

    def can_create_innovation(self):
        """Write a new case study: editors, admins, and officials who belong to an owner."""
        return self.is_curator or (self.is_active and self.has_role("official") and self.owner_id is not None)

    def can_view_innovation(self, innovation):
        """Published ones everyone; the others their owner's officials, their author and curators."""
        if innovation.is_public or self.is_curator or self.is_official_of(innovation):
            return True
        return self.is_active and innovation.created_by_id == self.id

    def can_view_history(self, innovation):
        """The revision history: curators, the owner's officials and the author."""
        return (
            self.is_curator
            or self.is_official_of(innovation)
            or (self.is_active and innovation.created_by_id == self.id)
        )

    def can_edit_innovation(self, innovation):
        """Curators always; the owner's officials while it is a draft or returned to them."""
        return self.is_curator or (self.is_official_of(innovation) and innovation.status in AUTHOR_EDITABLE)

    def can_submit_innovation(self, innovation):
        """Send a draft or returned case study for review: whoever may edit it."""
        return innovation.status in AUTHOR_EDITABLE and self.can_edit_innovation(innovation)

    def can_publish(self, innovation):
        """Publish a case study (again, after archiving): curators only."""
        return self.is_curator and innovation.status != "published"

    def can_return_innovation(self, innovation):
        """Return a submitted case study to its authors with a comment: curators."""
        return self.is_curator and innovation.status == "submitted"

    def can_archive_innovation(self, innovation):
        """Take a published case study out of the catalogue: curators."""
        return self.is_curator and innovation.status == "published"

    def can_restore_revision(self, innovation):
        """Make an old version the current one (as a new revision): curators."""
        return self.is_curator

    def __repr__(self):
        return f"<User {self.email}>"


class AnonymousUser(AnonymousUserMixin):
    """A visitor who has not signed in: holds no role, may change nothing."""

    roles = frozenset()
    is_admin = False
    is_editor = False
    networks = ()
    owner = None

    def has_role(self, role):
        """Anonymous visitors hold no role."""
        return False

    def can_manage_users(self):
        """Anonymous visitors manage nothing."""
        return False

    def can_edit_network(self, network):
        """Anonymous visitors edit nothing."""
        return False

    def can_edit_activity(self, activity):
        """Anonymous visitors edit nothing."""
        return False

    is_curator = False

    def is_official_of(self, innovation):
        """Anonymous visitors belong to no owner."""
        return False

    def can_create_innovation(self):
        """Anonymous visitors write nothing."""
        return False

    def can_view_innovation(self, innovation):
        """Anonymous visitors read published case studies only."""
        return innovation.is_public

    def can_view_history(self, innovation):
        """Anonymous visitors see no revision history."""
        return False

    def can_edit_innovation(self, innovation):
        """Anonymous visitors edit nothing."""
        return False

    def can_submit_innovation(self, innovation):
        """Anonymous visitors submit nothing."""
        return False

    def can_publish(self, innovation):
        """Anonymous visitors publish nothing."""
        return False

    def can_return_innovation(self, innovation):
        """Anonymous visitors review nothing."""
        return False

    def can_archive_innovation(self, innovation):
        """Anonymous visitors archive nothing."""
        return False

    def can_restore_revision(self, innovation):
        """Anonymous visitors restore nothing."""
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
