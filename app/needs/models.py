"""A need (*kebutuhan*): a region's problem in its own words, the case studies suggested for
it by hand, and what it was matched with (the innovation chosen, the replication it led to)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalog.models import Innovation, Owner, Sector
from app.extensions import db
from app.extensions import sql_in as _in
from app.extensions import utcnow as _utcnow

# Who may read a need (docs/decisions/0090): everyone, everyone signed in, or only the
# people of the networks the need's owner belongs to.
VISIBILITIES = ("public", "signed_in", "networks")
STATUSES = ("open", "discussing", "matched", "closed")
# The fixed constraints an official can tick; stored as codes, shown through labels.py.
BUDGET_BANDS = ("lt50jt", "50-500jt", "gt500jt")
CONNECTIVITY = ("none", "weak", "good")
STAFF = ("few", "some", "enough")
TERRAINS = ("islands", "mountains", "remote", "coastal", "border", "urban")
LIMITS = {"title": 200, "problem": 5000, "affected": 1000}

need_sector = sa.Table(
    "need_sector",
    db.metadata,
    sa.Column("need_id", sa.ForeignKey("need.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("sector_id", sa.ForeignKey("sector.id"), primary_key=True, index=True),
)


class Need(db.Model):
    """A problem an owner (a region's government, a ministry, an agency) wants solved."""

    __tablename__ = "need"
    __table_args__ = (
        sa.CheckConstraint(_in("visibility", VISIBILITIES), name="visibility"),
        sa.CheckConstraint(_in("status", STATUSES), name="status"),
        sa.CheckConstraint(f"budget IS NULL OR {_in('budget', BUDGET_BANDS)}", name="budget"),
        sa.CheckConstraint(f"connectivity IS NULL OR {_in('connectivity', CONNECTIVITY)}", name="connectivity"),
        sa.CheckConstraint(f"staff IS NULL OR {_in('staff', STAFF)}", name="staff"),
        sa.Index("ix_need_list", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owner.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(LIMITS["title"]))
    problem: Mapped[str] = mapped_column(sa.Text)
    affected: Mapped[str] = mapped_column(sa.Text, default="")
    budget: Mapped[str | None] = mapped_column(sa.String(16))
    connectivity: Mapped[str | None] = mapped_column(sa.String(16))
    staff: Mapped[str | None] = mapped_column(sa.String(16))
    terrain: Mapped[str] = mapped_column(sa.String(200), default="")  # codes of TERRAINS, comma-separated
    deadline: Mapped[date | None] = mapped_column(sa.Date)
    visibility: Mapped[str] = mapped_column(sa.String(16), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    innovation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("innovation.id", ondelete="SET NULL"))
    replication_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("replication.id", ondelete="SET NULL", use_alter=True, name="fk_need_replication_id_replication")
    )
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, onupdate=_utcnow)

    __mapper_args__ = {"version_id_col": version}

    owner: Mapped[Owner] = relationship()
    author: Mapped["User | None"] = relationship()  # noqa: F821 (app.accounts.models)
    sectors: Mapped[list[Sector]] = relationship(secondary=need_sector, order_by=Sector.slug)
    innovation: Mapped[Innovation | None] = relationship()
    replication: Mapped["Replication | None"] = relationship(  # noqa: F821 (app.replication.models)
        foreign_keys=[replication_id]
    )
    suggestions: Mapped[list["NeedSuggestion"]] = relationship(
        back_populates="need", cascade="all, delete-orphan", passive_deletes=True, order_by="NeedSuggestion.id"
    )

    @property
    def terrains(self):
        """The terrain codes, in the order of TERRAINS."""
        chosen = set(filter(None, (self.terrain or "").split(",")))
        return [t for t in TERRAINS if t in chosen]

    @property
    def province_code(self):
        """The province of the need's owner (None for a ministry or agency)."""
        code = self.owner.region_code
        return code.split(".")[0] if code else None

    def __repr__(self):
        return f"<Need {self.id} {self.status}>"


class NeedSuggestion(db.Model):
    """A published case study a network's coordinator (or an editor) suggested by hand."""

    __tablename__ = "need_suggestion"
    __table_args__ = (sa.UniqueConstraint("need_id", "innovation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("need.id", ondelete="CASCADE"), index=True)
    innovation_id: Mapped[int] = mapped_column(sa.ForeignKey("innovation.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)

    need: Mapped[Need] = relationship(back_populates="suggestions")
    innovation: Mapped[Innovation] = relationship()
    added_by: Mapped["User | None"] = relationship()  # noqa: F821 (app.accounts.models)
