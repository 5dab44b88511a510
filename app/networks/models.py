"""Network models: a JIPP network, the owners that are its members, and its activities."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalog.images import FORMATS as IMAGE_FORMATS
from app.catalog.models import Innovation, Owner
from app.catalog.pictures import PictureMixin
from app.extensions import db
from app.extensions import sql_in as _in
from app.extensions import utcnow as _utcnow
from app.regions.models import Region

MEMBER_ROLES = ("hub", "member")
ACTIVITY_KINDS = ("learning_visit", "workshop", "replication_forum", "coaching", "staff_exchange", "competition_clinic")


# Users who coordinate a network; the User side lives in app.accounts.models.
network_coordinator = sa.Table(
    "network_coordinator",
    db.metadata,
    sa.Column("network_id", sa.ForeignKey("network.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True),
)

activity_participant = sa.Table(
    "activity_participant",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("owner_id", sa.ForeignKey("owner.id", ondelete="CASCADE"), primary_key=True, index=True),
)

activity_innovation = sa.Table(
    "activity_innovation",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("innovation_id", sa.ForeignKey("innovation.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Network(db.Model):
    """A JIPP network (Jaringan Inovasi Pelayanan Publik), imported from content/networks/*.md."""

    __tablename__ = "network"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    province_code: Mapped[str] = mapped_column(sa.ForeignKey("region.code"), index=True)
    # "YYYY", "YYYY-MM" or "YYYY-MM-DD": sources often give only the month of a launch.
    launched: Mapped[str | None] = mapped_column(sa.String(10))
    legal_basis: Mapped[str | None] = mapped_column(sa.Text)
    description_md: Mapped[str] = mapped_column(sa.Text)
    description_html: Mapped[str] = mapped_column(sa.Text)
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    source_path: Mapped[str | None] = mapped_column(sa.String(1000))
    source_hash: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, onupdate=_utcnow)

    province: Mapped[Region] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="network", cascade="all, delete-orphan", passive_deletes=True
    )
    activities: Mapped[list["Activity"]] = relationship(
        back_populates="network",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Activity.date.desc(), Activity.id.desc())",
    )
    coordinators: Mapped[list["User"]] = relationship(  # noqa: F821 (app.accounts.models)
        secondary=network_coordinator, back_populates="networks", order_by="User.name"
    )

    @property
    def launched_date(self):
        """The first day of the launch period, for sorting and comparisons (None when unknown)."""
        if not self.launched:
            return None
        parts = [int(p) for p in self.launched.split("-")] + [1, 1]
        return date(parts[0], parts[1], parts[2])

    @property
    def launched_precision(self):
        """``year``, ``month`` or ``day``: how much of the launch date is known."""
        if not self.launched:
            return None
        return ("year", "month", "day")[self.launched.count("-")]

    def __repr__(self):
        return f"<Network {self.slug}>"


class Membership(db.Model):
    """An owner's membership of a network: since when, and whether it is the network's hub."""

    __tablename__ = "membership"
    __table_args__ = (
        sa.UniqueConstraint("network_id", "owner_id"),
        sa.CheckConstraint(_in("role", MEMBER_ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owner.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(16), default="member")
    since: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)

    network: Mapped[Network] = relationship(back_populates="memberships")
    owner: Mapped[Owner] = relationship()


class Activity(db.Model):
    """A knowledge-transfer event of a network: a learning visit, workshop, replication forum..."""

    __tablename__ = "activity"
    __table_args__ = (sa.CheckConstraint(_in("kind", ACTIVITY_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(200))
    date: Mapped[date] = mapped_column(sa.Date, index=True)
    place: Mapped[str | None] = mapped_column(sa.String(200))
    report_md: Mapped[str] = mapped_column(sa.Text, default="")
    report_html: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, onupdate=_utcnow)

    network: Mapped[Network] = relationship(back_populates="activities")
    participants: Mapped[list[Owner]] = relationship(secondary=activity_participant, order_by=Owner.name)
    innovations: Mapped[list[Innovation]] = relationship(secondary=activity_innovation, order_by=Innovation.title)
    # Pictures, in order (docs/decisions/0085): the first is the page's og:image.
    images: Mapped[list["ActivityImage"]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", passive_deletes=True, order_by="ActivityImage.number"
    )

    @property
    def public_innovations(self):
        """The case studies discussed that are public: one archived since stays linked, unseen."""
        return [innovation for innovation in self.innovations if innovation.is_public]

    def __repr__(self):
        return f"<Activity {self.id} {self.kind} {self.date}>"


class ActivityImage(PictureMixin, db.Model):
    """A picture of an activity, kept as a case study's is (app/catalog/pictures.py)."""

    __tablename__ = "activity_image"
    __table_args__ = (
        sa.UniqueConstraint("activity_id", "name"),
        sa.CheckConstraint(_in("format", IMAGE_FORMATS), name="format"),
        sa.CheckConstraint("number >= 1", name="number"),
    )
    URL_ENDPOINT = "activity_pictures.image"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True)

    activity: Mapped[Activity] = relationship(back_populates="images")

    def url_values(self):
        return {"slug": self.activity.network.slug, "activity_id": self.activity_id}

    def __repr__(self):
        return f"<ActivityImage {self.activity_id}#{self.number} {self.name}>"
