"""Replication, its history (ReplicationEvent) and its thread (ReplicationMessage, ThreadRead)."""

import json
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalog.models import Indicator, Innovation, Institution, Owner
from app.extensions import db
from app.extensions import sql_in as _in
from app.extensions import utcnow as _utcnow
from app.networks.models import Activity, Membership, Network

# Forward order of a replication; ``discontinued`` can be reached from any of them.
PROGRESS = ("interest", "planned", "committed", "piloting", "implemented", "institutionalized")
STAGES = (*PROGRESS, "discontinued")
# From piloting on the innovation runs in the adopter's region: it counts as replicated.
REPLICATED = ("piloting", "implemented", "institutionalized")
TRANSFER_MODES = ("technical_assistance", "peer_learning", "study_visit", "staff_exchange", "self_directed")
BUDGET_SOURCES = ("apbd", "dana_insentif_daerah", "village_funds", "other")


def stage_dates_column(stage):
    """The column holding the date a stage was reached: ``planned`` -> ``planned_on``."""
    return f"{stage}_on"


class Replication(db.Model):
    """An adopter (another owner) copying an innovation, through a network or on its own."""

    __tablename__ = "replication"
    __table_args__ = (
        sa.UniqueConstraint("innovation_id", "adopter_id"),
        sa.CheckConstraint(_in("stage", STAGES), name="stage"),
        sa.CheckConstraint(f"transfer_mode IS NULL OR {_in('transfer_mode', TRANSFER_MODES)}", name="transfer_mode"),
        sa.CheckConstraint(f"budget_source IS NULL OR {_in('budget_source', BUDGET_SOURCES)}", name="budget_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(sa.ForeignKey("innovation.id", ondelete="CASCADE"), index=True)
    adopter_id: Mapped[int] = mapped_column(sa.ForeignKey("owner.id"), index=True)
    adopter_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institution.id"))
    network_id: Mapped[int | None] = mapped_column(sa.ForeignKey("network.id", ondelete="SET NULL"), index=True)
    # The facilitating network's activity that produced it (a learning visit, a forum), if any.
    activity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("activity.id", ondelete="SET NULL"), index=True)
    # The need (app/needs) whose official asked to replicate from a suggestion, if any.
    need_id: Mapped[int | None] = mapped_column(sa.ForeignKey("need.id", ondelete="SET NULL"), index=True)
    local_name: Mapped[str | None] = mapped_column(sa.String(200))
    transfer_mode: Mapped[str | None] = mapped_column(sa.String(32))
    stage: Mapped[str] = mapped_column(sa.String(20), index=True)
    discontinued_reason: Mapped[str | None] = mapped_column(sa.Text)
    interest_on: Mapped[date | None] = mapped_column(sa.Date)
    planned_on: Mapped[date | None] = mapped_column(sa.Date)
    committed_on: Mapped[date | None] = mapped_column(sa.Date)
    piloting_on: Mapped[date | None] = mapped_column(sa.Date)
    implemented_on: Mapped[date | None] = mapped_column(sa.Date)
    institutionalized_on: Mapped[date | None] = mapped_column(sa.Date)
    discontinued_on: Mapped[date | None] = mapped_column(sa.Date)
    budget_source: Mapped[str | None] = mapped_column(sa.String(32))
    legal_basis: Mapped[str | None] = mapped_column(sa.String(500))
    evidence: Mapped[str | None] = mapped_column(sa.Text)  # one http(s) link a line
    notes_md: Mapped[str] = mapped_column(sa.Text, default="")
    notes_html: Mapped[str] = mapped_column(sa.Text, default="")
    outcome_value: Mapped[float | None] = mapped_column(sa.Float)
    outcome_unit: Mapped[str | None] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, onupdate=_utcnow)

    # Two people saving at once: the second UPDATE matches no row and SQLAlchemy raises
    # StaleDataError; the service turns that into a conflict the user can see.
    __mapper_args__ = {"version_id_col": version}

    innovation: Mapped[Innovation] = relationship()
    adopter: Mapped[Owner] = relationship()
    adopter_unit: Mapped[Institution | None] = relationship()
    network: Mapped[Network | None] = relationship()
    activity: Mapped[Activity | None] = relationship()
    need: Mapped["Need | None"] = relationship(foreign_keys=[need_id])  # noqa: F821 (app.needs.models)
    events: Mapped[list["ReplicationEvent"]] = relationship(
        back_populates="replication", order_by="ReplicationEvent.id", passive_deletes=True
    )
    indicator_values: Mapped[list["ReplicationIndicator"]] = relationship(
        back_populates="replication", cascade="all, delete-orphan", passive_deletes=True
    )

    @hybrid_property
    def is_public(self):
        """A replication is public when its case study is (also as SQL)."""
        return self.innovation.is_public

    @is_public.inplace.expression
    @classmethod
    def _is_public_sql(cls):
        return cls.innovation_id.not_in(Innovation.unpublished_ids())

    @property
    def evidence_links(self):
        """The evidence links, one per line of ``evidence``."""
        return [line for line in (self.evidence or "").splitlines() if line.strip()]

    @property
    def counts_as_replicated(self):
        """True once the innovation runs in the adopter's region."""
        return self.stage in REPLICATED

    def stage_date(self, stage):
        """The date ``stage`` was reached, if known."""
        return getattr(self, stage_dates_column(stage))

    def networks_involved(self):
        """Networks of which the adopter or the origin owner is a member, and the facilitator."""
        owners = (self.adopter_id, self.innovation.owner_id)
        query = sa.select(Network).join(Membership).where(Membership.owner_id.in_(owners)).distinct()
        found = {n.id: n for n in db.session.scalars(query)}
        if self.network is not None:
            found.setdefault(self.network.id, self.network)
        return list(found.values())

    def __repr__(self):
        return f"<Replication {self.id} {self.stage}>"


class ReplicationIndicator(db.Model):
    """An adopter's own baseline and result for one impact indicator of the case study, so
    that the origin and its adopters compare on the same measure (docs/decisions/0080)."""

    __tablename__ = "replication_indicator"
    __table_args__ = (sa.UniqueConstraint("replication_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    replication_id: Mapped[int] = mapped_column(sa.ForeignKey("replication.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("innovation_indicator.id", ondelete="CASCADE"), index=True)
    baseline_value: Mapped[float | None] = mapped_column(sa.Float)
    baseline_date: Mapped[str | None] = mapped_column(sa.String(10))
    result_value: Mapped[float | None] = mapped_column(sa.Float)
    result_date: Mapped[str | None] = mapped_column(sa.String(10))

    replication: Mapped[Replication] = relationship(back_populates="indicator_values")
    indicator: Mapped[Indicator] = relationship()


class ReplicationEvent(db.Model):
    """One change to a replication: who, when, which stage move, what changed. Never edited."""

    __tablename__ = "replication_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    replication_id: Mapped[int] = mapped_column(sa.ForeignKey("replication.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    from_stage: Mapped[str | None] = mapped_column(sa.String(20))
    to_stage: Mapped[str] = mapped_column(sa.String(20))
    changes_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    note: Mapped[str | None] = mapped_column(sa.Text)

    replication: Mapped[Replication] = relationship(back_populates="events")
    user: Mapped["User | None"] = relationship()  # noqa: F821 (app.accounts.models)

    @property
    def changes(self):
        """``{field: [old, new]}``."""
        return json.loads(self.changes_json or "{}")


class ReplicationMessage(db.Model):
    """A message in a replication's thread (the interest's message is the first). Never edited."""

    __tablename__ = "replication_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    replication_id: Mapped[int] = mapped_column(sa.ForeignKey("replication.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    # Nobody on the other side could receive it, so the editors were told (issue 14).
    routed_to_editors: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, index=True)

    replication: Mapped[Replication] = relationship()
    author: Mapped["User | None"] = relationship()  # noqa: F821 (app.accounts.models)


class ThreadRead(db.Model):
    """How far ``user`` has read the thread of ``replication``: messages after
    ``last_read_id`` are unread for them."""

    __tablename__ = "thread_read"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    replication_id: Mapped[int] = mapped_column(sa.ForeignKey("replication.id", ondelete="CASCADE"), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(default=0)
