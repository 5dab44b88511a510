"""The Region model: provinces, regencies (kabupaten) and cities (kota)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class Region(db.Model):
    """An official region; ``33`` is Jawa Tengah, ``33.74`` Kota Semarang inside it."""

    __tablename__ = "region"
    __table_args__ = (sa.CheckConstraint("kind IN ('province', 'regency', 'city')", name="kind"),)

    code: Mapped[str] = mapped_column(sa.String(13), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16), index=True)
    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("region.code"), index=True)
    lat: Mapped[float | None] = mapped_column(sa.Float)
    lon: Mapped[float | None] = mapped_column(sa.Float)

    parent: Mapped["Region | None"] = relationship(remote_side=[code], back_populates="children")
    children: Mapped[list["Region"]] = relationship(back_populates="parent", order_by="Region.code")

    @property
    def province_code(self):
        """The code of the province this region lies in (itself for a province)."""
        return self.code.split(".")[0]

    @property
    def display_name(self):
        """The name as people write it: provinces get their ``Provinsi`` prefix."""
        return f"Provinsi {self.name}" if self.kind == "province" else self.name

    def __repr__(self):
        return f"<Region {self.code} {self.name}>"
