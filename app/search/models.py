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
        sa.CheckConstraint("op IN ('upsert', 'delete', 'count')", name="op"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    # No foreign key: the row of a deleted innovation is gone, its change must stay.
    innovation_id: Mapped[int] = mapped_column(index=True)
    op: Mapped[str] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)


class SearchServer(db.Model):
    """An app server with its own index folder: how far that index has applied the outbox.

    Each server's follower (app/search/follower.py) updates its row; ``flask search prune``
    keeps every change a live server (one that reported within ``SEARCH_SERVER_LIVE_SECONDS``)
    has not applied yet.
    """

    __tablename__ = "search_server"

    name: Mapped[str] = mapped_column(sa.String(300), primary_key=True)
    applied: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), default=0)
    heartbeat_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class SearchPrune(db.Model):
    """One row: the newest outbox id ``flask search prune`` ever deleted. An index whose mark is
    below it has lost changes for good (it was left behind the pruning window) and must be
    rebuilt; ids skipped by rolled-back transactions never count as lost."""

    __tablename__ = "search_prune"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    through: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), default=0)
    pruned_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
