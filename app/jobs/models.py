"""Bulk work a person asked for (a CSV of replications, a list of award results): one row
from the request that confirmed it until a job has done it (docs/decisions/0081)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.extensions import utcnow as _utcnow

STATUSES = ("queued", "done", "refused", "failed")


class BulkRun(db.Model):
    """What was asked (``kind``, ``payload``), by whom, and what came of it.

    ``status`` stays ``queued`` until the job that does the work commits it together with
    the work (``done``), or records why nothing was written (``refused``: the rules said
    no when the job re-checked the batch; ``failed``: it broke every time it was tried)."""

    __tablename__ = "bulk_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="queued", index=True)
    # The uploaded file or the checked list, as it was confirmed (at most MAX_CONTENT_LENGTH).
    payload: Mapped[bytes] = mapped_column(sa.LargeBinary)
    # Form values that go with the payload (competition, year, stage of award results).
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    rows: Mapped[int] = mapped_column(default=0)
    # Counts of what was written, or the problems found: {"problems": [[line, message], ...]}.
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    # Times a worker started it, and times its handler raised (docs/decisions/0081).
    attempts: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (sa.CheckConstraint(f"status IN {STATUSES!r}", name="status"),)

    @property
    def pending(self):
        return self.status == "queued"

    def __repr__(self):
        return f"<BulkRun {self.id} {self.kind} {self.status}>"
