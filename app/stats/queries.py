"""The figures of the statistics page and of the API, from one set of queries."""

import sqlalchemy as sa

from app.catalog.models import (
    AWARD_STAGES,
    OWNER_KINDS,
    Award,
    Innovation,
    Owner,
    Sector,
    Theme,
    innovation_sector,
    innovation_theme,
)
from app.extensions import db
from app.memo import CATALOGUE_FIGURES, per_generation
from app.regions.models import Region


def reached(stage):
    """The award stages at or beyond ``stage``: a Top 45 innovation is also in the Top 99."""
    return AWARD_STAGES[AWARD_STAGES.index(stage) :]


def _awarded(year, stage, competition="KIPP"):
    """Ids of the published innovations that reached ``stage`` of ``competition`` in ``year``."""
    return (
        sa.select(Award.innovation_id)
        .where(Award.innovation_id.not_in(Innovation.unpublished_ids()))
        .where(Award.competition == competition, Award.year == year, Award.stage.in_(reached(stage)))
        .distinct()
    )


@per_generation(deps=CATALOGUE_FIGURES)
def award_years():
    """The competition years of the published catalogue, newest first."""
    query = sa.select(Award.year).where(Award.innovation_id.not_in(Innovation.unpublished_ids()))
    return list(db.session.scalars(query.distinct().order_by(Award.year.desc())))


@per_generation(deps=CATALOGUE_FIGURES)
def newest_year_reaching(stage, competition="KIPP"):
    """The newest year in which a published innovation reached ``stage`` (or a later one), or
    None: the statistics open on a year that has something to show."""
    query = (
        sa.select(sa.func.max(Award.year))
        .where(Award.innovation_id.not_in(Innovation.unpublished_ids()))
        .where(Award.competition == competition, Award.stage.in_(reached(stage)))
    )
    return db.session.scalar(query)


@per_generation(deps=CATALOGUE_FIGURES)
def composition(year, stage):
    """Per owner kind, distinct owners and innovations that reached ``stage`` in ``year``.

    ``{"ministry": {"owners": 12, "innovations": 19}, ...}``, every kind present, in order.
    """
    query = (
        sa.select(Owner.kind, sa.func.count(sa.distinct(Owner.id)), sa.func.count(sa.distinct(Innovation.id)))
        .join(Innovation, Innovation.owner_id == Owner.id)
        .where(Innovation.id.in_(_awarded(year, stage)))
        .group_by(Owner.kind)
    )
    found = {kind: (owners, innovations) for kind, owners, innovations in db.session.execute(query)}
    return {
        kind: {"owners": found.get(kind, (0, 0))[0], "innovations": found.get(kind, (0, 0))[1]} for kind in OWNER_KINDS
    }


@per_generation(deps=CATALOGUE_FIGURES)
def by_province(year=None, stage=None):
    """Per province: innovations of the provincial government and of its regencies and cities.

    ``{"33": {"own": 3, "local": 22}}``; with ``year`` and ``stage``, only those awarded.
    """
    province = sa.func.substr(Innovation.region_code, 1, 2)
    is_own = Innovation.region_code == province
    query = sa.select(province, is_own, sa.func.count(Innovation.id)).where(
        Innovation.is_public, Innovation.region_code.is_not(None)
    )
    if year and stage:
        query = query.where(Innovation.id.in_(_awarded(year, stage)))
    result = {}
    for code, own, count in db.session.execute(query.group_by(province, is_own)):
        result.setdefault(code, {"own": 0, "local": 0})["own" if own else "local"] += count
    return result


@per_generation(deps=CATALOGUE_FIGURES)
def province_names():
    """``{code: name}`` of the 38 provinces."""
    return dict(db.session.execute(sa.select(Region.code, Region.name).where(Region.kind == "province")).all())


def _by_taxonomy(model, link, year=None, stage=None):
    # A link is one innovation in one sector: counting links counts innovations, and the
    # innovation rows are never read (docs/decisions/0035).
    innovation_id = link.c.innovation_id
    count = sa.func.count()
    query = (
        sa.select(model.slug, model.name_id, model.name_en, count)
        .select_from(link)
        .join(model, getattr(link.c, f"{model.__tablename__}_id") == model.id)
        .where(innovation_id.not_in(Innovation.unpublished_ids()))
        .group_by(model.slug, model.name_id, model.name_en)
        .order_by(count.desc(), model.slug)
    )
    if year and stage:
        query = query.where(innovation_id.in_(_awarded(year, stage)))
    return db.session.execute(query).all()


@per_generation(deps=CATALOGUE_FIGURES)
def by_sector(year=None, stage=None):
    """``[(slug, name_id, name_en, count)]``, largest first."""
    return _by_taxonomy(Sector, innovation_sector, year, stage)


@per_generation(deps=CATALOGUE_FIGURES)
def by_theme(year=None, stage=None):
    """``[(slug, name_id, name_en, count)]``, largest first."""
    return _by_taxonomy(Theme, innovation_theme, year, stage)


@per_generation(deps=CATALOGUE_FIGURES)
def by_year():
    """``[(year, published innovations entered that year)]``, oldest first: the catalogue's trend."""
    query = (
        sa.select(Innovation.year, sa.func.count(Innovation.id))
        .where(Innovation.is_public)
        .group_by(Innovation.year)
        .order_by(Innovation.year)
    )
    return db.session.execute(query).all()


def most_replicated(limit=10):
    """The published innovations copied by the most regions."""
    query = (
        sa.select(Innovation)
        .where(Innovation.is_public, Innovation.replication_count > 0)
        .order_by(Innovation.replication_count.desc(), Innovation.title)
        .limit(limit)
    )
    return list(db.session.scalars(query))
