"""The search outbox: an ordered log of innovations whose index document must change."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db, utcnow


class SearchOutbox(db.Model):
    """One change to an innovation, written in the transaction that made it.

    Each index remembers the last id it applied; ids only grow (AUTOINCREMENT on SQLite,
    a sequence on PostgreSQL), so every index can catch up from its own mark.
    """

    __tablename__ = "search_outbox"
    __table_args__ = (
        sa.CheckConstraint("op IN ('upsert', 'delete')", name="op"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    # No foreign key: the row of a deleted innovation is gone, its change must stay.
    innovation_id: Mapped[int] = mapped_column(index=True)
    op: Mapped[str] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
