"""Reading needs: the filters of the list (the same for the pages, the API and the CSV), the
list query through the one visibility condition, and the suggestions for a need's text."""

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.catalog.filters import MAX_PAGE, MAX_PER_PAGE, FilterError
from app.catalog.models import Innovation, Owner, Sector
from app.extensions import db
from app.memo import per_generation
from app.needs.access import visible_needs
from app.needs.labels import BUDGET_LABELS, CONNECTIVITY_LABELS, STAFF_LABELS, TERRAIN_LABELS
from app.needs.models import STATUSES, Need, need_sector
from app.networks.models import Membership, Network
from app.regions.models import Region
from app.slugs import is_valid_slug

FILTERS = ("sector", "province", "network", "status")
PAGE_SIZE = 20
SUGGESTIONS = 8


@dataclass(frozen=True)
class NeedFilters:
    sector: str | None = None
    province: str | None = None
    network: str | None = None
    status: str | None = None
    page: int = 1
    per_page: int = PAGE_SIZE

    @property
    def active(self):
        return {name: getattr(self, name) for name in FILTERS if getattr(self, name)}


def _number(args, name, default, high):
    value = args.get(name, "")
    if value == "":
        return default
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= high:
        message = _l("Nomor halaman tidak sah.") if name == "page" else _l("Jumlah per halaman tidak sah.")
        raise FilterError(name, f"must be a whole number from 1 to {high}", message)
    return int(value)


def parse_filters(args, strict=False, extra=()):
    """The filters of ``args``; FilterError names a value that names nothing. ``strict`` (the
    API, the CSV): an unknown parameter is an error too."""
    if strict:
        unknown = sorted(set(args) - {*FILTERS, "page", "per_page", *extra})
        if unknown:
            raise FilterError(unknown[0][:40], "is not a known parameter", _l("Parameter tidak dikenal."))
    values = {name: args.get(name, "") or None for name in FILTERS}
    if values["sector"] and db.session.scalar(sa.select(Sector.id).where(Sector.slug == values["sector"][:64])) is None:
        raise FilterError("sector", "is not a sector slug", _l("Sektor tidak dikenal."))
    if values["province"]:
        region = db.session.get(Region, values["province"][:13]) if "\x00" not in values["province"] else None
        if region is None or region.kind != "province":
            raise FilterError("province", "is not a province code", _l("Provinsi tidak dikenal."))
    # The pages name what the reader chose; the API and CSV, like /replications, answer a
    # well-formed slug that names no network with nothing.
    network = values["network"]
    if network and (not is_valid_slug(network) or (not strict and not _network_exists(network))):
        raise FilterError("network", "is not a network slug", _l("Jaringan tidak dikenal."))
    if values["status"] and values["status"] not in STATUSES:
        raise FilterError("status", f"must be one of {', '.join(STATUSES)}", _l("Status tidak dikenal."))
    page = _number(args, "page", 1, MAX_PAGE)
    per_page = _number(args, "per_page", PAGE_SIZE, MAX_PER_PAGE)
    return NeedFilters(**values, page=page, per_page=per_page)


def _network_exists(slug):
    return db.session.scalar(sa.select(Network.id).where(Network.slug == slug)) is not None


def needs_query(user, filters=None):
    """The needs ``user`` may see that ``filters`` select, newest first."""
    query = sa.select(Need).where(visible_needs(user)).order_by(Need.created_at.desc(), Need.id.desc())
    filters = filters or NeedFilters()
    if filters.sector:
        query = query.where(
            Need.id.in_(sa.select(need_sector.c.need_id).join(Sector).where(Sector.slug == filters.sector))
        )
    if filters.province:
        query = query.where(
            Need.owner_id.in_(
                sa.select(Owner.id).where(
                    sa.or_(Owner.region_code == filters.province, Owner.region_code.startswith(filters.province + "."))
                )
            )
        )
    if filters.network:
        members = sa.select(Membership.owner_id).join(Network).where(Network.slug == filters.network)
        query = query.where(Need.owner_id.in_(members))
    if filters.status:
        query = query.where(Need.status == filters.status)
    return query.options(selectinload(Need.owner), selectinload(Need.sectors))


def page_of(user, filters):
    """``(total, needs)``: one page of what ``filters`` select for ``user``."""
    query = needs_query(user, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(filters.per_page).offset((filters.page - 1) * filters.per_page)).all()
    return total, rows


def network_board(user, network, limit=None):
    """The needs of a network's members that ``user`` may see, open ones first."""
    members = sa.select(Membership.owner_id).where(Membership.network_id == network.id)
    order = sa.case((Need.status == "closed", 1), else_=0)
    query = (
        sa.select(Need)
        .where(visible_needs(user), Need.owner_id.in_(members))
        .order_by(order, Need.created_at.desc(), Need.id.desc())
        .options(selectinload(Need.owner), selectinload(Need.sectors))
    )
    return list(db.session.scalars(query.limit(limit) if limit else query))


def problem_text(need):
    """What is matched: the problem, who is affected, and the constraints in words."""
    parts = [need.title, need.problem, need.affected]
    parts += [str(labels[value]) for labels, value in ((BUDGET_LABELS, need.budget),
              (CONNECTIVITY_LABELS, need.connectivity), (STAFF_LABELS, need.staff)) if value]  # fmt: skip
    parts += [str(TERRAIN_LABELS[t]) for t in need.terrains]
    return "\n".join(p for p in parts if p)


def _suggestion_key(text, region_code, locale):
    return hashlib.sha256(text.encode()).hexdigest(), region_code, locale


@per_generation(key=_suggestion_key)
def _ranked(text, region_code, locale):
    """``(innovation id, score, reasons)`` of the suggestions for ``text`` (kept per data generation)."""
    from app.suggest import ProblemRefused, suggest

    try:
        found = suggest(text, region_code=region_code, limit=SUGGESTIONS)
    except ProblemRefused as refusal:
        return str(refusal), ()
    return None, tuple((s.innovation.id, s.score, tuple(s.reasons)) for s in found)


def suggestions_for(need):
    """``(refusal message or None, [(innovation, reasons)])``: what Suar suggests for ``need``;
    only published case studies, whatever the suggester returned."""
    refusal, ranked = _ranked(problem_text(need), need.owner.region_code, str(get_locale()))
    ids = [item_id for item_id, _score, _reasons in ranked]
    rows = {
        i.id: i for i in db.session.scalars(sa.select(Innovation).where(Innovation.id.in_(ids), Innovation.is_public))
    }
    return refusal, [(rows[i], list(reasons)) for i, _score, reasons in ranked if i in rows]
