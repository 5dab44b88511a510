"""Who may do what with replications. The user object answers; these gather the networks."""

import sqlalchemy as sa

from app.catalog.models import GOVERNMENT_KINDS, Owner
from app.extensions import db
from app.networks.models import Membership
from app.regions.models import Region


def coordinated_networks(user):
    """The networks ``user`` coordinates (none unless an active coordinator)."""
    if not (user.is_authenticated and user.is_active and user.has_role("coordinator")):
        return []
    return list(user.networks)


def member_ids(networks):
    """Owner ids of the members of ``networks``."""
    ids = [n.id for n in networks]
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Membership.owner_id).where(Membership.network_id.in_(ids))))


def can_log(user, innovation, adopter=None):
    """Log a replication of ``innovation`` (by ``adopter`` when known).

    Editors and admins always; a coordinator when the origin or the adopter is a member of
    a network they coordinate.
    """
    if not user.is_authenticated:
        return False
    if user.is_admin or user.is_editor:
        return True
    members = member_ids(coordinated_networks(user))
    if not members:
        return False
    if adopter is None:
        return True  # the adopter they choose is checked when the form is sent
    return innovation.owner_id in members or adopter.id in members


def can_express_interest(user, innovation):
    """An official of another owner may say "we want to replicate this"."""
    return (
        user.is_authenticated
        and user.is_active
        and user.has_role("official")
        and user.owner is not None
        and user.owner.id != innovation.owner_id
    )


def adopter_choices(user, innovation):
    """``(region code, label)`` of the governments this user may log as adopters."""
    query = sa.select(Region).order_by(Region.code)
    if not (user.is_admin or user.is_editor):
        members = member_ids(coordinated_networks(user))
        if innovation.owner_id not in members:
            owned = sa.select(Owner.region_code).where(Owner.id.in_(members), Owner.kind.in_(GOVERNMENT_KINDS))
            query = query.where(Region.code.in_(owned))
    return [
        (region.code, f"{region.display_name} ({region.code})")
        for region in db.session.scalars(query)
        if region.code != (innovation.owner.region_code if innovation.owner.kind in GOVERNMENT_KINDS else None)
    ]
