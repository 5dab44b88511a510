"""The official regions are present after ``flask db upgrade`` with no further step."""

import sqlalchemy as sa

from app.catalog.models import Sector, Theme
from app.regions.models import Region


def test_region_counts_per_kind(db):
    counts = dict(db.session.execute(sa.select(Region.kind, sa.func.count()).group_by(Region.kind)).all())
    assert counts == {"province": 38, "regency": 416, "city": 98}


def test_kota_semarang_lies_in_jawa_tengah(db):
    semarang = db.session.get(Region, "33.74")
    assert (semarang.name, semarang.kind) == ("Kota Semarang", "city")
    assert semarang.parent.code == "33" and semarang.parent.name == "Jawa Tengah"
    assert semarang.province_code == "33"
    assert semarang in semarang.parent.children
    assert -8 < semarang.lat < -6 and 110 < semarang.lon < 111


def test_every_regency_and_city_has_a_province_parent(db):
    orphans = db.session.scalars(
        sa.select(Region.code).where(Region.kind != "province", Region.parent_code.is_(None))
    ).all()
    assert orphans == []
    parent = sa.orm.aliased(Region)
    wrong = db.session.scalars(
        sa.select(Region.code).join(parent, Region.parent).where(parent.kind != "province")
    ).all()
    assert wrong == []


def test_provinces_display_with_their_prefix(db):
    assert db.session.get(Region, "33").display_name == "Provinsi Jawa Tengah"
    assert db.session.get(Region, "33.02").display_name == "Kabupaten Banyumas"


def test_sectors_and_themes_are_loaded(db):
    assert db.session.scalar(sa.select(sa.func.count(Sector.id))) == 20
    assert db.session.scalar(sa.select(sa.func.count(Theme.id))) == 7
    health = db.session.scalar(sa.select(Sector).where(Sector.slug == "kesehatan"))
    assert (health.name("id"), health.name("en")) == ("Kesehatan", "Health")
