"""Who sees which need: one SQL condition (``visible_needs``) that every path goes through:
the list, the network's board, the feed, the API, the CSV export, the sitemap, the statistics
and the loader of one need (docs/decisions/0090). A need the user may not see is a 404.

* ``public``: everyone, the API and the open data included.
* ``signed_in``: everyone signed in (an active account).
* ``networks``: the officials of the owners that share a network with the need's owner,
  the coordinators of those networks, the owner's own officials and the author.

Curators (editors, admins) see every need; nobody else sees more than the above.
"""

import sqlalchemy as sa
from flask import abort

from app.accounts.permissions import coordinated_networks, curator, member_ids, networks_of, register_need_visibility
from app.extensions import db
from app.needs.models import Need
from app.networks.models import Membership

MAX_ID = 2**31 - 1


def _active(user):
    return bool(user.is_authenticated and user.is_active)


def near_owner_ids(user):
    """The owners whose network-only needs ``user`` may read: their own owner (an official),
    the members of the networks it belongs to, and the members of the networks they coordinate."""
    ids = set(member_ids(coordinated_networks(user)))
    if _active(user) and user.has_role("official") and user.owner_id is not None:
        ids.add(user.owner_id)
        shared = networks_of(user.owner_id)
        if shared:
            ids |= set(db.session.scalars(sa.select(Membership.owner_id).where(Membership.network_id.in_(shared))))
    return ids


def visible_needs(user):
    """The SQL condition: needs ``user`` may see (the one definition of it)."""
    if curator(user):
        return sa.true()
    if not _active(user):
        return Need.visibility == "public"
    return sa.or_(
        Need.visibility.in_(("public", "signed_in")),
        Need.owner_id.in_(near_owner_ids(user)),
        Need.author_id == user.id,
    )


def can_see(user, need):
    """True when ``need`` is among the needs ``user`` may see."""
    if need is None or need.id is None:
        return False
    return db.session.scalar(sa.select(Need.id).where(Need.id == need.id, visible_needs(user))) is not None


def need_or_404(need_id, user, action="need.view"):
    """The need: 404 when ``user`` may not see it, 403 when they may see it but not take ``action``."""
    need = db.session.get(Need, need_id) if 0 < need_id <= MAX_ID else None
    if need is None or not user.can("need.view", need):
        abort(404)
    if not user.can(action, need):
        abort(403)
    return need


register_need_visibility(can_see)
