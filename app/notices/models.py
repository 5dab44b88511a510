"""A notice in a user's inbox, and a user's choice of how each kind reaches them."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.extensions import sql_in as _in
from app.extensions import utcnow as _utcnow

# What a notice is about. ``stage`` and ``stalled`` are digest material by default; the rest
# ask for an answer and are emailed at once.
KINDS = ("interest", "message", "stage", "submitted", "returned", "published", "stalled", "need_suggestion")
MODES = ("now", "digest", "off")
DEFAULT_MODE = {
    "interest": "now",
    "message": "now",
    "stage": "digest",
    "submitted": "now",
    "returned": "now",
    "published": "now",
    "stalled": "digest",
    "need_suggestion": "now",
}


class InboxItem(db.Model):
    """One notice to one user, about a replication, a message of its thread or a case study.

    ``delivery`` is how it is emailed (chosen when it was made): ``now`` (queued at once),
    ``digest`` (in the next daily digest, then ``emailed_at`` is set) or ``off``."""

    __tablename__ = "inbox_item"
    __table_args__ = (sa.Index("ix_inbox_item_digest", "delivery", "emailed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    replication_id: Mapped[int | None] = mapped_column(sa.ForeignKey("replication.id", ondelete="CASCADE"), index=True)
    innovation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("innovation.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("replication_message.id", ondelete="CASCADE"), index=True
    )
    # A need (app/needs) the notice is about: a case study suggested for it by hand.
    need_id: Mapped[int | None] = mapped_column(sa.ForeignKey("need.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    delivery: Mapped[str] = mapped_column(sa.String(10), default="off", server_default="off")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    emailed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    replication: Mapped["Replication | None"] = relationship()  # noqa: F821 (app.replication.models)
    innovation: Mapped["Innovation | None"] = relationship()  # noqa: F821 (app.catalog.models)
    message: Mapped["ReplicationMessage | None"] = relationship()  # noqa: F821 (app.replication.models)
    need: Mapped["Need | None"] = relationship()  # noqa: F821 (app.needs.models)
    user: Mapped["User"] = relationship()  # noqa: F821 (app.accounts.models)

    @property
    def subject(self):
        """The case study the notice is about (directly, or through its replication)."""
        return self.innovation if self.replication is None else self.replication.innovation


class NoticePreference(db.Model):
    """How notices of ``kind`` reach ``user``; without a row, ``DEFAULT_MODE[kind]``."""

    __tablename__ = "notice_preference"
    __table_args__ = (sa.CheckConstraint(_in("mode", MODES), name="mode"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    mode: Mapped[str] = mapped_column(sa.String(10))
