"""The choices a replication form offers, from the permission table (app/accounts/permissions.py):
a user is only offered what they may choose, and what they send is checked again."""

import sqlalchemy as sa

from app.accounts.permissions import coordinated_networks, curator, member_ids, networks_of
from app.catalog.models import GOVERNMENT_KINDS, Owner
from app.extensions import db
from app.networks.models import Network
from app.regions.models import Region


def adopter_choices(user, innovation):
    """``(region code, label)`` of the governments this user may log as adopters."""
    query = sa.select(Region).order_by(Region.code)
    if not curator(user):
        members = member_ids(coordinated_networks(user))
        if innovation.owner_id not in members:
            owned = sa.select(Owner.region_code).where(Owner.id.in_(members), Owner.kind.in_(GOVERNMENT_KINDS))
            query = query.where(Region.code.in_(owned))
    return [
        (region.code, f"{region.display_name} ({region.code})")
        for region in db.session.scalars(query)
        if region.code != (innovation.owner.region_code if innovation.owner.kind in GOVERNMENT_KINDS else None)
    ]


def network_choices(user, innovation, adopter=None, current=None):
    """The networks that may be named as facilitating: those the origin (or, when known, the
    adopter) belongs to, and for a new replication the networks the user coordinates, whose
    members they may log as adopters. ``current`` stays offered (older records)."""
    ids = networks_of(innovation.owner_id, adopter.id if adopter is not None else None)
    if adopter is None:
        ids |= {n.id for n in coordinated_networks(user)}
        if curator(user):
            ids = None  # any network: the adopter chosen decides, and the service checks it
    query = sa.select(Network).order_by(Network.name)
    if ids is not None:
        query = query.where(Network.id.in_(ids | ({current.id} if current is not None else set())))
    return list(db.session.scalars(query))
