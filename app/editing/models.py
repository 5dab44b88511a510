"""Revisions: every saved version of a case study, kept whole so that nothing is ever lost."""

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalog.models import Innovation
from app.extensions import db
from app.extensions import utcnow as _utcnow

# What a revision records: a change of content, a step of the workflow, or both.
ACTIONS = ("imported", "baseline", "created", "edited", "submitted", "returned", "published", "archived",
           "restored", "awarded", "withdrawn")  # fmt: skip


class Revision(db.Model):
    """One saved version of a case study: its whole content (the case-study file's front
    matter and body, as JSON), who saved it, when, the status change and a comment.

    Revisions are only ever added; restoring an old one adds a new one.
    """

    __tablename__ = "innovation_revision"
    __table_args__ = (
        sa.UniqueConstraint("innovation_id", "number"),
        sa.CheckConstraint(f"action IN ({', '.join(repr(a) for a in ACTIONS)})", name="action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(sa.ForeignKey("innovation.id", ondelete="CASCADE"), index=True)
    # 1, 2, 3... per case study: what the history page and its URLs show.
    number: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    action: Mapped[str] = mapped_column(sa.String(16))
    status_from: Mapped[str | None] = mapped_column(sa.String(16))
    status_to: Mapped[str] = mapped_column(sa.String(16))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    restored_from: Mapped[int | None]
    snapshot_json: Mapped[str] = mapped_column(sa.Text)

    innovation: Mapped[Innovation] = relationship()
    user: Mapped["User | None"] = relationship()  # noqa: F821 (app.accounts.models)

    @property
    def snapshot(self):
        """The case study as it was: ``{"front_matter": {...}, "body": "..."}``."""
        return json.loads(self.snapshot_json)

    def __repr__(self):
        return f"<Revision {self.innovation_id}#{self.number} {self.action}>"
