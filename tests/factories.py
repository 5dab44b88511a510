"""Test records made through the real models (no mocks): owners, units, innovations."""

import itertools

import sqlalchemy as sa

from app.catalog.models import (
    GOVERNMENT_KINDS,
    Award,
    Contact,
    Indicator,
    Innovation,
    Institution,
    Owner,
    Sector,
    Theme,
)
from app.extensions import db
from app.regions.models import Region
from app.rendering import render_markdown
from app.slugs import slugify

_numbers = itertools.count(1)


def owner(kind="regency", region="33.02", name=None):
    """The owner of a region (created once), or a named ministry/agency/SOE."""
    if kind in GOVERNMENT_KINDS:
        found = db.session.scalar(sa.select(Owner).where(Owner.region_code == region))
        if found:
            return found
        name = db.session.get(Region, region).display_name
    name = name or f"Kementerian Uji {next(_numbers)}"
    found = db.session.scalar(sa.select(Owner).where(Owner.slug == slugify(name)))
    if found:
        return found
    item = Owner(name=name, slug=slugify(name), kind=kind, region_code=region if kind in GOVERNMENT_KINDS else None)
    db.session.add(item)
    db.session.flush()
    return item


def innovation(title=None, kind="regency", region="33.02", sectors=("kesehatan",), themes=(), awards=(), **fields):
    """An innovation with sensible defaults; ``awards`` as ``(year, stage)`` pairs of KIPP;
    ``contacts`` and ``indicators`` as dicts of Contact's and Indicator's fields."""
    n = next(_numbers)
    contacts = fields.pop("contacts", ())
    indicators = fields.pop("indicators", ())
    title = title or f"Inovasi Uji {n}"
    who = fields.pop("owner", None) or owner(kind, region)
    body = fields.pop("body", "## Latar Belakang\nMasalah.\n\n## Inovasi\nSolusi.\n")
    unit = Institution(owner=who, name=fields.pop("institution", f"Dinas Uji {n}"))
    db.session.add(unit)
    item = Innovation(
        slug=fields.pop("slug", None) or f"{slugify(title)[:80]}-{n}",
        title=title,
        owner=who,
        institution=unit,
        region_code=region if kind in GOVERNMENT_KINDS else fields.pop("region_code", None),
        year=fields.pop("year", 2020),
        summary=fields.pop("summary", "Ringkasan inovasi uji."),
        body_md=body,
        body_html=render_markdown(body),
        **fields,
    )
    db.session.add(item)
    item.sectors = list(db.session.scalars(sa.select(Sector).where(Sector.slug.in_(sectors))))
    item.themes = list(db.session.scalars(sa.select(Theme).where(Theme.slug.in_(themes))))
    item.awards = [Award(competition="KIPP", year=year, stage=stage) for year, stage in awards]
    item.contacts = [Contact(number=number, **contact) for number, contact in enumerate(contacts, start=1)]
    item.indicators = [Indicator(number=number, **fields) for number, fields in enumerate(indicators, start=1)]
    db.session.add(item)
    db.session.flush()
    return item
