"""Changes to a network's members and activities. Services flush, never commit."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.catalog.models import Innovation, Owner
from app.catalog.owners import government_owner
from app.changes import Refused
from app.extensions import db
from app.networks.models import Activity, Membership
from app.rendering import render_markdown


class MembershipExists(Refused):
    """The owner is already a member of the network."""


def add_member(network, region, role, since):
    """Make the government of ``region`` a member of ``network``."""
    owner = government_owner(region)
    exists = sa.select(Membership.id).where(Membership.network_id == network.id, Membership.owner_id == owner.id)
    if db.session.scalar(exists) is not None:
        raise MembershipExists(_l("Pemerintah daerah ini sudah menjadi anggota jaringan."), field="region")
    membership = Membership(network=network, owner=owner, role=role, since=since)
    db.session.add(membership)
    db.session.flush()
    return membership


def add_members(network, regions, role, since):
    """Make each region's government a member; those already members are left as they are.
    Returns ``(added memberships, owners already members)``."""
    added, already = [], []
    for region in regions:
        try:
            added.append(add_member(network, region, role, since))
        except MembershipExists:
            already.append(government_owner(region))
    return added, already


def remove_member(membership):
    """End a membership; the network's past activities keep their participants."""
    db.session.delete(membership)
    db.session.flush()


def save_activity(activity, *, kind, title, date, place, report, participant_ids, innovation_ids, user=None):
    """Fill ``activity`` (new or existing) from checked values and render its report."""
    participants = list(db.session.scalars(sa.select(Owner).where(Owner.id.in_(participant_ids))))
    innovations = list(
        db.session.scalars(sa.select(Innovation).where(Innovation.id.in_(innovation_ids), Innovation.is_public))
    )
    # The form offers public case studies only: links to ones archived since are kept.
    innovations += [i for i in activity.innovations if not i.is_public]
    activity.kind = kind
    activity.title = title
    activity.date = date
    activity.place = place or None
    activity.report_md = report or ""
    activity.report_html = render_markdown(report) if report else ""
    activity.participants = participants
    activity.innovations = innovations
    if activity.id is None:
        activity.created_by_id = user.id if user is not None else None
        db.session.add(activity)
    db.session.flush()
    return activity


def new_activity(network):
    """An empty activity of ``network``, to be filled by save_activity (not yet in the session)."""
    return Activity(network_id=network.id)
