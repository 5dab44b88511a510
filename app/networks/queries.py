"""Reading networks for their pages (and for other features: the owner page, the API)."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.catalog.models import Innovation, Owner
from app.extensions import db
from app.networks.models import Activity, Membership, Network
from app.regions.models import Region


def all_networks():
    """Every network, by name, with its member and activity counts."""
    members = sa.select(sa.func.count(Membership.id)).where(Membership.network_id == Network.id).scalar_subquery()
    activities = sa.select(sa.func.count(Activity.id)).where(Activity.network_id == Network.id).scalar_subquery()
    query = sa.select(Network, members, activities).options(selectinload(Network.province)).order_by(Network.name)
    return [(network, m, a) for network, m, a in db.session.execute(query)]


def memberships(network):
    """The network's memberships, hubs first, then by owner name."""
    query = (
        sa.select(Membership)
        .join(Membership.owner)
        .where(Membership.network_id == network.id)
        .options(selectinload(Membership.owner).selectinload(Owner.region))
        .order_by(Membership.role, Owner.name)
    )
    return list(db.session.scalars(query))


def member_provinces(members):
    """The provinces the members lie in, by name (for the list now, the map later)."""
    codes = {m.owner.region.province_code for m in members if m.owner.region is not None}
    if not codes:
        return []
    return list(db.session.scalars(sa.select(Region).where(Region.code.in_(codes)).order_by(Region.name)))


def member_innovations(network, limit=6):
    """How many innovations the members own, and the newest ``limit`` of them."""
    owner_ids = sa.select(Membership.owner_id).where(Membership.network_id == network.id)
    where = sa.and_(Innovation.owner_id.in_(owner_ids), Innovation.is_public)
    total = db.session.scalar(sa.select(sa.func.count(Innovation.id)).where(where))
    newest = db.session.scalars(
        sa.select(Innovation)
        .where(where)
        .options(selectinload(Innovation.owner))
        .order_by(Innovation.year.desc(), Innovation.title)
        .limit(limit)
    )
    return total, list(newest)


def networks_of_owner(owner):
    """The networks ``owner`` belongs to, with its membership (for the owner's page)."""
    query = (
        sa.select(Network, Membership)
        .join(Membership, Membership.network_id == Network.id)
        .where(Membership.owner_id == owner.id)
        .order_by(Network.name)
    )
    return [(network, membership) for network, membership in db.session.execute(query)]


def innovation_choices(network, activity=None):
    """The activity form's innovations as ``(id, "title (owner)")``: those of the network's
    members, and those the activity already names. Any other is named by its address
    (``innovations_by_slug``): a list of every innovation would be 20,000 options long."""
    owner_ids = sa.select(Membership.owner_id).where(Membership.network_id == network.id)
    named = [i.id for i in activity.public_innovations] if activity is not None else []
    query = (
        sa.select(Innovation.id, Innovation.title, Owner.name)
        .join(Innovation.owner)
        .where(Innovation.is_public, sa.or_(Innovation.owner_id.in_(owner_ids), Innovation.id.in_(named)))
        .order_by(Innovation.title)
    )
    return [(i, f"{title} ({owner})") for i, title, owner in db.session.execute(query)]


def innovations_by_slug(slugs):
    """``{slug: id}`` of the published innovations among ``slugs``."""
    query = sa.select(Innovation.slug, Innovation.id).where(Innovation.slug.in_(slugs), Innovation.is_public)
    return dict(db.session.execute(query).all())


def region_choices(first=None):
    """Every province, regency and city as ``(code, name)`` grouped by province, for the member
    form; the province ``first`` (the network's own) comes first."""
    regions = list(db.session.scalars(sa.select(Region).order_by(Region.code)))
    provinces = {r.code: r.name for r in regions if r.kind == "province"}
    groups = {}
    for region in regions:
        groups.setdefault(region.province_code, []).append((region.code, region.display_name))
    order = sorted(groups, key=lambda code: (code != first, provinces[code]))
    return {provinces[code]: groups[code] for code in order}
