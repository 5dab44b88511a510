"""Loading a network, an activity or a membership for a request, with permission built in.
Networks and their activities are public; managing them is for curators and the network's
coordinators (docs/decisions/0039)."""

import sqlalchemy as sa
from flask import abort

from app.catalog.access import clean_key
from app.extensions import db
from app.networks.models import Activity, Membership, Network


def network_or_404(slug, user, action="network.view"):
    """The network ``slug``: 404 when unknown, 403 when ``user`` may not take ``action``."""
    slug = clean_key(slug, 120)
    network = db.session.scalar(sa.select(Network).where(Network.slug == slug)) if slug else None
    if network is None:
        abort(404)
    if not user.can(action, network):
        abort(403)
    return network


def activity_or_404(slug, activity_id, user, action="activity.view"):
    """An activity of the network ``slug`` (another network's is a 404)."""
    network = network_or_404(slug, user)
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.network_id != network.id:
        abort(404)
    if not user.can(action, activity):
        abort(403)
    return activity


def membership_or_404(slug, membership_id, user, action="network.edit"):
    """A membership of the network ``slug`` that ``user`` may manage (another network's is a 404)."""
    network = network_or_404(slug, user, action)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.network_id != network.id:
        abort(404)
    return membership
