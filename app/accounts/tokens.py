"""Single-use links sent by email: a password reset (valid one hour) and an invitation
(valid seven days). The database keeps only each token's SHA-256 (docs/decisions/0045)."""

import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User, hash_session_token
from app.extensions import db
from app.extensions import utcnow as _utcnow

PURPOSES = ("reset", "invitation")
LIFETIME = {"reset": timedelta(hours=1), "invitation": timedelta(days=7)}


class AccountToken(db.Model):
    """A link that lets its holder set the password of one account, once."""

    __tablename__ = "account_token"
    __table_args__ = (sa.CheckConstraint("purpose IN ('reset', 'invitation')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


def issue(user, purpose, created_by=None, now=None):
    """A new token for ``user``: returns the raw token (for the link); only its hash is kept."""
    now = now or datetime.now(UTC)
    raw = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            user=user,
            purpose=purpose,
            token_hash=hash_session_token(raw),
            created_at=now,
            expires_at=now + LIFETIME[purpose],
            created_by=created_by,
        )
    )
    db.session.flush()
    return raw


def find(raw, purpose, now=None):
    """The live token ``raw`` names for ``purpose`` (unused, unexpired, of an active account), or None."""
    now = now or datetime.now(UTC)
    if not raw or len(raw) > 100:
        return None
    token = db.session.scalars(
        sa.select(AccountToken).where(
            AccountToken.token_hash == hash_session_token(raw), AccountToken.purpose == purpose
        )
    ).first()
    if token is None or token.used_at is not None or _aware(token.expires_at) <= now or not token.user.active:
        return None
    return token


def use(token, now=None):
    """Spend the token; False when another request spent it first (the UPDATE is conditional)."""
    now = now or datetime.now(UTC)
    spent = db.session.execute(
        sa.update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return spent == 1


def issued_since(user, purpose, since):
    """How many tokens of ``purpose`` were issued to ``user`` since ``since``."""
    return db.session.scalar(
        sa.select(sa.func.count(AccountToken.id)).where(
            AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.created_at >= since
        )
    )


def invited_by_since(user, since):
    """How many invitations ``user`` sent since ``since``."""
    return db.session.scalar(
        sa.select(sa.func.count(AccountToken.id)).where(
            AccountToken.created_by_id == user.id,
            AccountToken.purpose == "invitation",
            AccountToken.created_at >= since,
        )
    )


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
