"""The catalogue's filters, facets and sorts in SQL: the answer when there is no index yet
and no query, and the same meaning of every filter as the index side (service._matches)."""

from collections import Counter

import sqlalchemy as sa

from app.catalog.models import Award, Innovation, Owner, Sector, Theme, innovation_sector
from app.extensions import db


def filtered_ids(filters):
    """A SELECT of the ids of the public innovations that pass ``filters`` (q is not applied)."""
    query = sa.select(Innovation.id).where(Innovation.is_public)
    if filters.sector is not None:
        query = query.where(Innovation.sectors.any(Sector.slug == filters.sector))
    if filters.theme is not None:
        query = query.where(Innovation.themes.any(Theme.slug == filters.theme))
    if filters.owner_kind is not None:
        query = query.where(Innovation.owner.has(Owner.kind == filters.owner_kind))
    if filters.province is not None:
        query = query.where(
            sa.or_(
                Innovation.region_code == filters.province, Innovation.region_code.startswith(filters.province + ".")
            )
        )
    if filters.region is not None:
        query = query.where(
            sa.or_(Innovation.region_code == filters.region, Innovation.region_code.startswith(filters.region + "."))
        )
    if filters.year is not None:
        query = query.where(Innovation.year == filters.year)
    if filters.award is not None:
        query = query.where(Innovation.awards.any(Award.stage == filters.award))
    if filters.stage is not None:
        query = query.where(Innovation.stage == filters.stage)
    if filters.replicated is not None:
        count = Innovation.replication_count
        query = query.where(count > 0 if filters.replicated else count == 0)
    return query


def facets_of(ids):
    """Facet counts of the innovations selected by ``ids`` (a SELECT of innovation ids)."""
    session = db.session
    ids = ids.scalar_subquery() if hasattr(ids, "scalar_subquery") else ids
    sector = session.execute(
        sa.select(Sector.slug, sa.func.count())
        .join(innovation_sector, innovation_sector.c.sector_id == Sector.id)
        .where(innovation_sector.c.innovation_id.in_(ids))
        .group_by(Sector.slug)
    ).all()
    owner_kind = session.execute(
        sa.select(Owner.kind, sa.func.count()).join(Innovation.owner).where(Innovation.id.in_(ids)).group_by(Owner.kind)
    ).all()
    regions = session.execute(
        sa.select(Innovation.region_code, sa.func.count())
        .where(Innovation.id.in_(ids), Innovation.region_code.is_not(None))
        .group_by(Innovation.region_code)
    ).all()
    province = Counter()
    for code, count in regions:
        province[code.split(".")[0]] += count
    year = session.execute(
        sa.select(Innovation.year, sa.func.count()).where(Innovation.id.in_(ids)).group_by(Innovation.year)
    ).all()
    award = session.execute(
        sa.select(Award.stage, sa.func.count(sa.distinct(Award.innovation_id)))
        .where(Award.innovation_id.in_(ids))
        .group_by(Award.stage)
    ).all()
    as_dict = lambda rows: dict(Counter({str(k): v for k, v in rows}).most_common())  # noqa: E731
    return {
        "sector": as_dict(sector),
        "owner_kind": as_dict(owner_kind),
        "province": dict(province.most_common()),
        "year": as_dict(year),
        "award": as_dict(award),
    }


ORDER = {
    "newest": (Innovation.year.desc(), Innovation.title, Innovation.id),
    "most_replicated": (Innovation.replication_count.desc(), Innovation.year.desc(), Innovation.title, Innovation.id),
    "title": (Innovation.title, Innovation.id),
}


def search_database(filters):
    """A SearchResult for ``filters`` without a query, straight from the database."""
    from app.search.service import Hit, SearchResult, fetch  # service imports this module

    ids = filtered_ids(filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery()))
    order = ORDER.get(filters.sort, ORDER["newest"])
    page_ids = list(
        db.session.scalars(
            sa.select(Innovation.id)
            .where(Innovation.id.in_(ids.scalar_subquery()))
            .order_by(*order)
            .offset((filters.page - 1) * filters.per_page)
            .limit(filters.per_page)
        )
    )
    rows = fetch(page_ids)
    return SearchResult(
        hits=[Hit(rows[i]) for i in page_ids if i in rows],
        total=total,
        page=filters.page,
        per_page=filters.per_page,
        facets=facets_of(ids),
        from_index=False,
    )


def similar_by_sector(innovation, limit):
    """Newest innovations sharing a sector: "similar" when there is no index."""
    sector_ids = [s.id for s in innovation.sectors]
    query = (
        sa.select(Innovation)
        .where(Innovation.id != innovation.id, Innovation.is_public, Innovation.sectors.any(Sector.id.in_(sector_ids)))
        .order_by(Innovation.year.desc(), Innovation.title)
        .limit(limit)
    )
    return list(db.session.scalars(query))
