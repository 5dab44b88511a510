"""The email outbox: one row per message, from the transaction that caused it to its sending."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.extensions import utcnow as _utcnow


class OutgoingEmail(db.Model):
    """A message to one address. ``sent_at`` is set once it left; until then a sender claims
    it for a while (``claimed_until``) so that two senders never send it at the same time."""

    __tablename__ = "outgoing_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    # Extra headers as "Name: value" lines (List-Unsubscribe for digests).
    headers: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(sa.String(500))

    @property
    def message_id(self):
        """The same Message-ID at every attempt: a resend after a crash is one message to mail
        clients and servers that de-duplicate."""
        return f"<suar-{self.id}-{int(self.created_at.timestamp())}@suar>"

    def __repr__(self):
        return f"<OutgoingEmail {self.id} {self.kind} to {self.to_address}>"
