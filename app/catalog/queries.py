"""Catalogue queries: the innovations a set of filters selects, and facet counts.

A facet's counts are computed with every other filter applied but not its own, so that
each option says how many innovations choosing it would give.
"""

from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload, selectinload

from app.catalog import cards
from app.catalog.costs import band_case
from app.catalog.filters import FACETS, FILTERS, SORTS, Filters, ordered_counts, param, province_of
from app.catalog.list_scope import list_deps
from app.catalog.models import (
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

ORDER = {name: sort.sql for name, sort in SORTS.items()}  # the CSV export orders by these too


def conditions(filters, skip=None, ids=Innovation.id):
    """SQL conditions for the active filters, leaving out the facet ``skip``.

    They select innovations by ``ids``: Innovation.id, or a link table's innovation_id so
    that a count over sectors, themes or awards need not visit the innovation rows unless a
    filter reads their columns (docs/decisions/0035). Only published case studies are ever
    selected: drafts and archived ones are not public.
    """
    where = [ids.not_in(Innovation.unpublished_ids())]
    columns = []
    # Filters on related tables select ids (``id IN (...)``) rather than test each row
    # (``EXISTS``): the planner then starts from the few matching links.
    for name, value in filters.active.items():
        if name == skip:
            continue
        kind, clause = FILTERS[name].sql(value)
        if kind == "ids":
            where.append(ids.in_(clause))
        else:
            columns.append(clause)
    if columns and ids is not Innovation.id:
        columns = [ids.in_(sa.select(Innovation.id).where(*columns))]
    return where + columns


@cache  # built on first use: building options configures the mappers, which import must not
def card_loads():
    """What a card (catalog/_macros.html innovation_card) shows: the row's own short columns,
    its owner and region (joined: one of each per card), its sectors, awards and first
    picture. Never its body or kit: a card shows the summary, and those texts are most of a
    row's bytes."""
    return (
        defer(Innovation.body_md),
        defer(Innovation.body_html),
        defer(Innovation.kit_steps),
        defer(Innovation.kit_pitfalls),
        joinedload(Innovation.owner, innerjoin=True),
        joinedload(Innovation.region),
        selectinload(Innovation.sectors),
        selectinload(Innovation.awards),
        selectinload(Innovation.images),
    )


def with_card_data(query):
    """Load what an innovation card shows in a fixed number of queries, whatever the number
    of cards (no N+1): the list itself and one for each collection a card shows."""
    return query.options(*card_loads())


def _by_active_filters(filters):
    """What facet counts and totals depend on: the active filters (not q, sort or paging)."""
    return tuple(sorted(filters.active.items()))


def _unordered(filters):
    return list_deps(filters, ordered=False)


@per_generation(key=_by_active_filters, deps=_unordered)
def count_selected(filters):
    """How many published innovations the filters select."""
    return db.session.scalar(sa.select(sa.func.count(Innovation.id)).where(*conditions(filters)))


def browse(filters):
    """One page of innovations and the total, in the order the filters ask for."""
    total = count_selected(filters)
    return _page_of(filters), total


def _page_of(filters):
    query = sa.select(Innovation).where(*conditions(filters)).order_by(*ORDER[filters.sort])
    query = query.limit(filters.per_page).offset((filters.page - 1) * filters.per_page)
    return list(db.session.scalars(with_card_data(query)))


def _by_page(filters):
    return (_by_active_filters(filters), filters.sort, filters.page, filters.per_page)


@per_generation(key=_by_page, deps=list_deps, deps_of=cards.shown)
def page_cards(filters):
    """One page of the catalogue as cards (app/catalog/cards.py), remembered per generation."""
    return tuple(map(cards.card_of, _page_of(filters)))


def browse_cards(filters):
    """browse() as cards: what the catalogue page shows."""
    return page_cards(filters), count_selected(filters)


@per_generation(key=_by_active_filters, deps=_unordered)
def facet_counts(filters):
    """``{facet: {value: count}}`` for every facet, each value counted under the other
    filters (what choosing it would give); values as the query string writes them."""
    counts = {}
    for facet in FACETS:
        rows = db.session.execute(_facet_query(facet, filters)).all()
        if facet in ("digital", "replicated", "no_new_regulation"):
            rows = [(None if key is None else bool(key), n) for key, n in rows]  # SQLite answers 0/1
        counts[facet] = ordered_counts((param(key), n) for key, n in rows if key is not None and n)
    return counts


def _facet_query(facet, filters):
    skip = facet
    if facet in ("sector", "theme"):
        link, column, model = (
            (innovation_theme, innovation_theme.c.theme_id, Theme)
            if facet == "theme"
            else (innovation_sector, innovation_sector.c.sector_id, Sector)
        )
        # A link is one innovation in one sector: counting links counts innovations.
        return (
            sa.select(model.slug, sa.func.count())
            .select_from(link)
            .join(model, model.id == column)
            .where(*conditions(filters, skip, ids=link.c.innovation_id))
            .group_by(model.slug)
        )
    if facet == "award":
        # One innovation may reach the Top 99 in two years: count it once per stage.
        return (
            sa.select(Award.stage, sa.func.count(sa.distinct(Award.innovation_id)))
            .where(*conditions(filters, skip, ids=Award.innovation_id))
            .group_by(Award.stage)
        )
    where = conditions(filters, skip)
    if facet == "owner_kind":
        return (
            sa.select(Owner.kind, sa.func.count())
            .select_from(Innovation)
            .join(Owner, Innovation.owner_id == Owner.id)
            .where(*where)
            .group_by(Owner.kind)
        )
    column = {
        "province": province_of(Innovation.region_code),
        "year": Innovation.year,
        "stage": Innovation.stage,
        "digital": Innovation.digital,
        "replicated": Innovation.replication_count > 0,
        "cost": band_case(Innovation.setup_cost),
        "no_new_regulation": sa.case(
            (Innovation.needs_new_regulation.is_(False), sa.true()),
            (Innovation.needs_new_regulation.is_(True), sa.false()),
            else_=sa.null(),
        ),
    }[facet]
    return sa.select(column, sa.func.count()).where(*where).group_by(column)


@per_generation(deps=CATALOGUE_FIGURES)
def headline_figures():
    """The home page's figures: innovations, owners, provinces reached (published only)."""
    public = Innovation.is_public
    return {
        "innovations": db.session.scalar(sa.select(sa.func.count(Innovation.id)).where(public)),
        "owners": db.session.scalar(sa.select(sa.func.count(sa.distinct(Innovation.owner_id))).where(public)),
        "provinces": db.session.scalar(
            sa.select(sa.func.count(sa.distinct(province_of(Innovation.region_code)))).where(
                public, Innovation.region_code.is_not(None)
            )
        ),
        "replications": db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Innovation.replication_count), 0)).where(public)
        ),
    }


def newest(limit, **where):
    """The newest published innovations, optionally of one owner (``owner_id=``)."""
    query = sa.select(Innovation).where(Innovation.is_public).filter_by(**where).order_by(*ORDER["newest"]).limit(limit)
    return list(db.session.scalars(with_card_data(query)))


@per_generation(deps=CATALOGUE_FIGURES, deps_of=cards.shown)
def newest_cards(limit):
    """The home page's newest innovations, as cards remembered per generation."""
    return tuple(map(cards.card_of, newest(limit)))


@per_generation(deps=CATALOGUE_FIGURES, deps_of=cards.shown)
def most_replicated_cards(limit):
    """The home page's most replicated innovations, as cards remembered per generation."""
    return tuple(map(cards.card_of, most_replicated(limit)))


def most_replicated(limit):
    """The published innovations copied by the most regions (none if nothing was replicated yet)."""
    query = (
        sa.select(Innovation)
        .where(Innovation.is_public, Innovation.replication_count > 0)
        .order_by(*ORDER["most_replicated"])
    )
    return list(db.session.scalars(with_card_data(query.limit(limit))))


def of_region(code, limit=None):
    """Published innovations whose region is exactly ``code`` (a province's own, or a regency's)."""
    query = sa.select(Innovation).where(Innovation.is_public, Innovation.region_code == code).order_by(*ORDER["newest"])
    return list(db.session.scalars(with_card_data(query.limit(limit))))


def counts_by_region(codes):
    """``{region code: number of published innovations}`` for the given codes."""
    query = (
        sa.select(Innovation.region_code, sa.func.count(Innovation.id))
        .where(Innovation.is_public, Innovation.region_code.in_(codes))
        .group_by(Innovation.region_code)
    )
    return dict(db.session.execute(query).all())


@per_generation(deps=CATALOGUE_FIGURES)
def counts_by_province():
    """``{province code: published innovations in it, its own and its regencies' and cities'}``."""
    province = province_of(Innovation.region_code)
    query = sa.select(province, sa.func.count(Innovation.id)).where(
        Innovation.is_public, Innovation.region_code.is_not(None)
    )
    return dict(db.session.execute(query.group_by(province)).all())


@per_generation(deps=CATALOGUE_FIGURES)
def counts_by_sector():
    """``{sector slug: innovations}`` over the whole public catalogue (one query)."""
    return dict(db.session.execute(_facet_query("sector", Filters())).all())


@per_generation(deps=frozenset(), deps_of=cards.shown)
def cards_by_id(ids):
    """The cards of the published innovations among ``ids`` (a tuple), in that order: a list
    chosen elsewhere (more-like-this on the search index), remembered per generation. Which
    case studies it holds is the caller's; what it shows changes only with them (their tags)
    or with a write that is not narrowed (a publication, a change of sectors or owners)."""
    query = with_card_data(sa.select(Innovation).where(Innovation.id.in_(ids), Innovation.is_public))
    rows = {innovation.id: innovation for innovation in db.session.scalars(query)}
    return tuple(cards.card_of(rows[i]) for i in ids if i in rows)


def similar_by_sector(innovation, limit):
    """The newest published innovations sharing a sector: "similar" when there is no index."""
    sector_ids = [s.id for s in innovation.sectors]
    query = (
        sa.select(Innovation)
        .where(Innovation.id != innovation.id, Innovation.is_public, Innovation.sectors.any(Sector.id.in_(sector_ids)))
        .order_by(*ORDER["newest"])
        .limit(limit)
    )
    return list(db.session.scalars(query))


def like_owner(owner, limit):
    """Published innovations of governments of the same kind as ``owner`` (a regency, a city, a
    province), those in its own province first, most replicated first; never its own."""
    same_province = province_of(Innovation.region_code) == (owner.region_code or "")[:2]
    query = (
        sa.select(Innovation)
        .join(Owner, Innovation.owner_id == Owner.id)
        .where(Innovation.is_public, Owner.kind == owner.kind, Innovation.owner_id != owner.id)
        .order_by(sa.case((same_province, 0), else_=1), *ORDER["most_replicated"])
        .limit(limit)
    )
    return list(db.session.scalars(with_card_data(query)))
