"""Who may do what: every permission of the site in one table, asked as
``user.can(action, record)`` by views, loaders, templates, form choice lists and imports.

A rule takes the user (signed in or anonymous: the helpers below answer False for a visitor)
and the record, and returns True or False. Seeing comes first: a rule for acting on a record
holds only if the user may see it, so that a record one may not see is a 404 everywhere and
never a 403 that confirms it exists (docs/decisions/0039). tests/test_permissions.py checks
the table role by role.
"""

import sqlalchemy as sa

from app.extensions import db
from app.networks.models import Membership

# A case study its owner's officials may still change (docs/decisions/0032).
AUTHOR_EDITABLE = ("draft", "returned")


# --- who the user is ----------------------------------------------------------------------
def _active(user):
    return bool(user.is_authenticated and user.is_active)


def _has(user, role):
    return _active(user) and user.has_role(role)


def curator(user):
    """Editors and admins curate the catalogue, every network and every replication."""
    return _has(user, "admin") or _has(user, "editor")


def official_of(user, innovation):
    """An active official of the owner credited with ``innovation``."""
    return _has(user, "official") and user.owner_id is not None and user.owner_id == innovation.owner_id


def coordinated_networks(user):
    """The networks ``user`` coordinates (none unless an active coordinator)."""
    return list(user.networks) if _has(user, "coordinator") else []


def coordinates(user, network):
    """True when ``user`` is an active coordinator assigned to ``network``."""
    return any(n.id == network.id for n in coordinated_networks(user))


def member_ids(networks):
    """Owner ids of the members of ``networks``."""
    ids = [n.id for n in networks]
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Membership.owner_id).where(Membership.network_id.in_(ids))))


def networks_of(*owner_ids):
    """Ids of the networks any of ``owner_ids`` belongs to."""
    query = sa.select(Membership.network_id).where(Membership.owner_id.in_([i for i in owner_ids if i is not None]))
    return set(db.session.scalars(query))


# --- case studies -------------------------------------------------------------------------
def view_innovation(user, innovation):
    """Published ones everyone; the others their owner's officials, their author and curators."""
    return innovation.is_public or see_unpublished(user, innovation)


def see_unpublished(user, innovation):
    """Curators, the owner's officials and the author see a case study in every status."""
    return curator(user) or official_of(user, innovation) or (_active(user) and innovation.created_by_id == user.id)


def create_innovation(user, record=None):
    """Write a new case study: curators, and officials who belong to an owner."""
    return curator(user) or (_has(user, "official") and user.owner_id is not None)


def edit_innovation(user, innovation):
    """Curators always; the owner's officials while it is a draft or returned to them."""
    return curator(user) or (official_of(user, innovation) and innovation.status in AUTHOR_EDITABLE)


def submit_innovation(user, innovation):
    """Send a draft or returned case study for review: whoever may edit it."""
    return innovation.status in AUTHOR_EDITABLE and edit_innovation(user, innovation)


def withdraw_innovation(user, innovation):
    """Take a submitted case study back to a draft before it is reviewed: the owner's officials,
    who submitted it (curators return it with a comment instead)."""
    return innovation.status == "submitted" and official_of(user, innovation)


def _curator_when(*statuses, exclude=False):
    def rule(user, innovation):
        return curator(user) and ((innovation.status not in statuses) if exclude else (innovation.status in statuses))

    return rule


def see_contacts(user, innovation):
    """A case study's contact people (personal data, UU 27/2022; docs/decisions/0060): signed-in,
    active officials, coordinators, editors and admins; never a visitor, so never the API,
    an export or a cached page."""
    return curator(user) or _has(user, "official") or _has(user, "coordinator")


def confirm_contacts(user, innovation):
    """Say "the contacts are still right": the owner's officials and curators, in any status."""
    return curator(user) or official_of(user, innovation)


def express_interest(user, innovation):
    """An official of another owner may say "we want to replicate" a published case study."""
    return (
        innovation.is_public
        and _has(user, "official")
        and user.owner_id is not None
        and user.owner_id != innovation.owner_id
    )


def log_replication(user, innovation, adopter=None):
    """Log a replication of a published case study (by ``adopter`` when known): curators; a
    coordinator when the origin or the adopter is a member of a network they coordinate."""
    if not innovation.is_public:
        return False
    if curator(user):
        return True
    members = member_ids(coordinated_networks(user))
    if not members:
        return False
    return adopter is None or innovation.owner_id in members or adopter.id in members


def facilitate(user, innovation, adopter, network):
    """Name ``network`` as the one that facilitates ``adopter`` copying ``innovation``: the
    adopter or the origin must be one of its members (its public pipeline shows the
    replication and its coordinators may then change it)."""
    return log_replication(user, innovation, adopter) and network.id in networks_of(adopter.id, innovation.owner_id)


# --- replications, networks, people --------------------------------------------------------
def view_replication(user, replication):
    """A replication is as visible as its case study."""
    return view_innovation(user, replication.innovation)


def edit_replication(user, replication):
    """Curators; coordinators of a network the adopter or the origin belongs to (or the one
    that facilitates it), while the case study is one they may see."""
    if not view_replication(user, replication):
        return False
    return curator(user) or any(coordinates(user, n) for n in replication.networks_involved())


def converse(user, replication):
    """Read and write a replication's thread: the adopter's and the origin's officials, the
    coordinators of the networks involved, and curators. Anyone else gets a 404."""
    if not view_replication(user, replication):
        return False
    if curator(user):
        return True
    if _has(user, "official") and user.owner_id in (replication.adopter_id, replication.innovation.owner_id):
        return True
    return any(coordinates(user, n) for n in replication.networks_involved())


def withdraw_interest(user, replication):
    """Withdraw an interest (while it is one): the adopter's officials."""
    return (
        replication.stage == "interest"
        and _has(user, "official")
        and user.owner_id is not None
        and user.owner_id == replication.adopter_id
    )


def follow_replications(user, record=None):
    """Have a "Minat saya" list: officials of an owner, and coordinators."""
    return (_has(user, "official") and user.owner_id is not None) or bool(coordinated_networks(user))


def import_replications(user, record=None):
    """Upload a CSV of replications: curators and coordinators (each row is then checked)."""
    return curator(user) or bool(coordinated_networks(user))


def view_network(user, record):
    """Networks and their activities are public."""
    return True


def edit_network(user, network):
    """Manage a network's members and activities: curators and its own coordinators."""
    return curator(user) or coordinates(user, network)


def edit_activity(user, activity):
    """Change an activity: whoever may edit its network."""
    return edit_network(user, activity.network)


def manage_users(user, record=None):
    """Create, change and deactivate accounts: admins only."""
    return _has(user, "admin")


def invite_users(user, owner=None, roles=None, networks=()):
    """Invite someone by email. Admins: anyone, with any roles. Coordinators: officials of an
    owner that is a member of a network they coordinate (asked without an owner: may they
    open the invitation page at all)."""
    if _has(user, "admin"):
        return True
    coordinated = coordinated_networks(user)
    if not coordinated:
        return False
    if roles is None and owner is None:
        return True
    return roles == {"official"} and not networks and owner is not None and owner.id in member_ids(coordinated)


def record_awards(user, record=None):
    """Record competition results for many case studies at once: curators."""
    return curator(user)


# --- needs (docs/decisions/0090) ------------------------------------------------------------
def official_for(user, owner_id):
    """An active official of the owner ``owner_id``."""
    return _has(user, "official") and user.owner_id is not None and user.owner_id == owner_id


_need_visibility = {}


def register_need_visibility(can_see):
    """app.needs.access gives its check here when imported (needs build on accounts)."""
    _need_visibility["can_see"] = can_see


def view_need(user, need):
    """Whoever app.needs.access.visible_needs lets see it: the one definition, in SQL. Nobody
    until that module has registered it."""
    can_see = _need_visibility.get("can_see")
    return bool(can_see and can_see(user, need))


def create_need(user, record=None, owner=None):
    """Post a need: an official for their own owner; a coordinator for a member of a network
    they coordinate (asked without an owner: may they post for anyone at all)."""
    if owner is None:
        return (_has(user, "official") and user.owner_id is not None) or bool(member_ids(coordinated_networks(user)))
    return official_for(user, owner.id) or owner.id in member_ids(coordinated_networks(user))


def edit_need(user, need):
    """Change a need and its status: the owner's officials, its author, the coordinators of the
    networks its owner belongs to, and curators."""
    if curator(user) or official_for(user, need.owner_id) or (_active(user) and need.author_id == user.id):
        return True
    return need.owner_id in member_ids(coordinated_networks(user))


def delete_need(user, need):
    """Delete a need for good: its author, the owner's officials, and curators. Coordinators
    who did not write it close it instead (the region's own words are the region's to remove)."""
    return curator(user) or official_for(user, need.owner_id) or (_active(user) and need.author_id == user.id)


def suggest_for_need(user, need):
    """Add a case study to an open need by hand: the coordinators of its owner's networks, and curators."""
    if need.status == "closed":
        return False
    return curator(user) or need.owner_id in member_ids(coordinated_networks(user))


def replicate_for_need(user, need):
    """Ask to replicate a suggestion of a need: the officials of its owner, while it is not closed."""
    return need.status != "closed" and official_for(user, need.owner_id)


def use_inbox(user, record=None):
    """Read one's own inbox: anyone signed in."""
    return _active(user)


RULES = {
    "innovation.view": view_innovation,
    "innovation.create": create_innovation,
    "innovation.edit": edit_innovation,
    "innovation.history": see_unpublished,
    "innovation.submit": submit_innovation,
    "innovation.publish": _curator_when("published", exclude=True),
    "innovation.return": _curator_when("submitted"),
    "innovation.withdraw": withdraw_innovation,
    "innovation.archive": _curator_when("published"),
    "innovation.restore": lambda user, innovation: curator(user),  # an old version, in any status
    "innovation.see_contacts": see_contacts,
    "innovation.confirm_contacts": confirm_contacts,
    "innovation.express_interest": express_interest,
    "innovation.log_replication": log_replication,
    "replication.view": view_replication,
    "replication.edit": edit_replication,
    "replication.converse": converse,
    "replication.withdraw": withdraw_interest,
    "replications.follow": follow_replications,
    "innovation.replication_network": facilitate,
    "replications.import": import_replications,
    "network.view": view_network,
    "activity.view": view_network,
    "network.edit": edit_network,
    "activity.edit": edit_activity,
    "users.manage": manage_users,
    "users.invite": invite_users,
    "awards.record": record_awards,
    "inbox.use": use_inbox,
    "need.view": view_need,
    "need.create": create_need,
    "need.edit": edit_need,
    "need.delete": delete_need,
    "need.suggest": suggest_for_need,
    "need.replicate": replicate_for_need,
}
# Acting on a record needs seeing it first: these rules are only asked after view passed.
VIEW_OF = {"innovation": "innovation.view", "replication": "replication.view", "need": "need.view"}


def allowed(user, action, record=None, **context):
    """True when ``user`` may take ``action`` (a key of RULES) on ``record``."""
    try:
        rule = RULES[action]
    except KeyError:
        raise KeyError(f"no permission rule named {action!r}") from None
    kind = action.split(".")[0]
    if record is not None and kind in VIEW_OF and action != VIEW_OF[kind] and not RULES[VIEW_OF[kind]](user, record):
        return False
    return bool(rule(user, record, **context))
