"""A replication's thread: who takes part, who a message reaches, posting, reading, limits.

From the interest on, a replication has one thread between the adopter's officials, the
origin's officials, the coordinators of the networks involved, and the editors. A message
reaches everyone in it but its author; when nobody on the other side can receive it (the
origin has no official and no network coordinator is involved) it goes to the editors, and
the author is told so before sending (docs/decisions/0071).
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import User, UserRole
from app.accounts.services import active_users
from app.changes import Refused
from app.extensions import db
from app.forms import has_nul, markdown_refusal
from app.networks.models import network_coordinator
from app.notices import service as notices
from app.rendering import render_markdown
from app.replication.models import Replication, ReplicationMessage, ThreadRead

MAX_MESSAGE = 4000
# Nobody can flood a thread or everyone's mailboxes: messages per author per hour.
MAX_PER_THREAD_PER_HOUR = 10
MAX_PER_AUTHOR_PER_HOUR = 30


class MessageRefused(Refused):
    """A message that cannot be posted; the message says why."""


class Recipient:
    """A person a message reaches, and why (``role``: official, coordinator or editor;
    ``of``: the owner or network they stand for)."""

    def __init__(self, user, role, of=None):
        self.user, self.role, self.of = user, role, of


def _officials(owner_id):
    return active_users(("official",), owner_id=owner_id)


def curators():
    """Active editors and admins."""
    return active_users(("editor", "admin"))


class Lookups:
    """Who takes part in threads and how each wants their notices, remembered for one bulk
    write: an import of thousands of rows names the same few owners, networks and people
    again and again. Made for the write and dropped after it; the write itself changes no
    account, role, membership or preference."""

    def __init__(self):
        self.officials = {}  # owner id -> active officials
        self.networks = {}  # (adopter id, origin owner id, facilitator id) -> networks involved
        self.coordinators = {}  # network id -> active coordinators
        self.modes = {}  # (user id, kind) -> how the notice arrives (notices.service)


def _remembered(lookups, table, key, compute):
    if lookups is None:
        return compute()
    memo = getattr(lookups, table)
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _coordinators(network_id):
    query = (
        sa.select(User)
        .join(network_coordinator, network_coordinator.c.user_id == User.id)
        .join(UserRole)
        .where(network_coordinator.c.network_id == network_id, UserRole.role == "coordinator")
        .where(User.active.is_(True))
    )
    return list(db.session.scalars(query))


def participants(replication, lookups=None):
    """Everyone who takes part but the editors, as Recipients (each person once).
    ``lookups`` (a bulk write's Lookups) remembers the answers from one row to the next."""
    found = {}
    adopter_id, owner_id = replication.adopter_id, replication.innovation.owner_id
    for user in _remembered(lookups, "officials", adopter_id, lambda: _officials(adopter_id)):
        found.setdefault(user.id, Recipient(user, "official", replication.adopter.name))
    for user in _remembered(lookups, "officials", owner_id, lambda: _officials(owner_id)):
        found.setdefault(user.id, Recipient(user, "official", replication.innovation.owner.name))
    involved = (adopter_id, owner_id, replication.network_id)
    for network in _remembered(lookups, "networks", involved, replication.networks_involved):
        for user in _remembered(lookups, "coordinators", network.id, lambda n=network.id: _coordinators(n)):
            found.setdefault(user.id, Recipient(user, "coordinator", network.name))
    return list(found.values())


def recipients(replication, author):
    """``(recipients, routed)``: who a message by ``author`` reaches; ``routed`` is True when
    nobody outside the author's own side could receive it, so the editors get it instead."""
    others = [r for r in participants(replication) if r.user.id != author.id]
    own_owner = author.owner_id if author.has_role("official") else None
    counterparts = [r for r in others if r.role == "coordinator" or r.user.owner_id != own_owner]
    if counterparts or author.is_curator:
        return others, False
    editors = [Recipient(user, "editor") for user in curators() if user.id != author.id]
    return others + editors, True


def check_body(body):
    """The text of a message, trimmed; refused when empty, too long or unreadable."""
    body = (body or "").strip()
    if not body:
        raise MessageRefused(_l("Tulis pesannya."), field="body")
    if len(body) > MAX_MESSAGE:
        raise MessageRefused(_l("Paling banyak %(max)d karakter.", max=MAX_MESSAGE), field="body")
    if has_nul(body):
        raise MessageRefused(_l("Berisi karakter yang tidak sah (NUL)."), field="body")
    problem = markdown_refusal(body)
    if problem:
        raise MessageRefused(problem, field="body")
    return body


def _check_rate(replication, author, now):
    since = now - timedelta(hours=1)
    mine = sa.select(sa.func.count(ReplicationMessage.id)).where(
        ReplicationMessage.author_id == author.id, ReplicationMessage.created_at >= since
    )
    if db.session.scalar(mine.where(ReplicationMessage.replication_id == replication.id)) >= MAX_PER_THREAD_PER_HOUR:
        raise MessageRefused(
            _l(
                "Paling banyak %(count)s pesan per jam di satu percakapan. Coba lagi nanti.",
                count=MAX_PER_THREAD_PER_HOUR,
            )
        )
    if db.session.scalar(mine) >= MAX_PER_AUTHOR_PER_HOUR:
        raise MessageRefused(
            _l("Paling banyak %(count)s pesan per jam. Coba lagi nanti.", count=MAX_PER_AUTHOR_PER_HOUR)
        )


def post(replication, author, body, *, kind="message", now=None):
    """Add a message by ``author`` to the thread and notify its recipients (flush, no commit)."""
    if not author.can("replication.converse", replication):
        raise MessageRefused(_l("Anda tidak ikut dalam percakapan ini."))
    body = check_body(body)
    now = now or datetime.now(UTC)
    _check_rate(replication, author, now)
    reached, routed = recipients(replication, author)
    message = ReplicationMessage(
        replication=replication,
        author_id=author.id,
        body=body,
        body_html=render_markdown(body),
        routed_to_editors=routed,
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    mark_thread_read(replication, author, message.id)
    notices.notify([r.user for r in reached], kind, replication=replication, message=message)
    return message


def messages(replication):
    return list(
        db.session.scalars(
            sa.select(ReplicationMessage)
            .where(ReplicationMessage.replication_id == replication.id)
            .order_by(ReplicationMessage.id)
        )
    )


def last_read(replication, user):
    row = db.session.get(ThreadRead, (user.id, replication.id))
    return row.last_read_id if row is not None else 0


def mark_thread_read(replication, user, up_to):
    """The user has read the thread up to message ``up_to`` (never moves back)."""
    row = db.session.get(ThreadRead, (user.id, replication.id))
    if row is None:
        db.session.add(ThreadRead(user_id=user.id, replication_id=replication.id, last_read_id=up_to))
    elif up_to > row.last_read_id:
        row.last_read_id = up_to
    notices.mark_read_about(user, replication)
    db.session.flush()


def followed(user):
    """The replications on the user's "Minat saya": their owner's (as adopter or origin) for an
    official, those of the networks they coordinate for a coordinator; newest activity first."""
    from app.accounts.permissions import coordinated_networks, member_ids
    from app.catalog.models import Innovation

    clauses = []
    if user.has_role("official") and user.owner_id is not None:
        clauses.append(Replication.adopter_id == user.owner_id)
        clauses.append(Replication.innovation.has(Innovation.owner_id == user.owner_id))
    networks = coordinated_networks(user)
    if networks:
        members = member_ids(networks) or {0}
        clauses.append(Replication.adopter_id.in_(members))
        clauses.append(Replication.innovation.has(Innovation.owner_id.in_(members)))
        clauses.append(Replication.network_id.in_([n.id for n in networks]))
    if not clauses:
        return []
    found = db.session.scalars(sa.select(Replication).where(sa.or_(*clauses))).all()
    return [r for r in found if user.can("replication.view", r)]


def summaries(user, replications):
    """Per replication: its last message and how many messages the user has not read."""
    ids = [r.id for r in replications] or [0]
    last_ids = dict(
        db.session.execute(
            sa.select(ReplicationMessage.replication_id, sa.func.max(ReplicationMessage.id))
            .where(ReplicationMessage.replication_id.in_(ids))
            .group_by(ReplicationMessage.replication_id)
        ).all()
    )
    last = {m.replication_id: m for m in db.session.scalars(
        sa.select(ReplicationMessage).where(ReplicationMessage.id.in_(list(last_ids.values()) or [0]))
    )}  # fmt: skip
    unread = dict(
        db.session.execute(
            sa.select(ReplicationMessage.replication_id, sa.func.count(ReplicationMessage.id))
            .outerjoin(
                ThreadRead,
                sa.and_(ThreadRead.replication_id == ReplicationMessage.replication_id, ThreadRead.user_id == user.id),
            )
            .where(ReplicationMessage.replication_id.in_(ids))
            .where(ReplicationMessage.id > sa.func.coalesce(ThreadRead.last_read_id, 0))
            .where(sa.or_(ReplicationMessage.author_id.is_(None), ReplicationMessage.author_id != user.id))
            .group_by(ReplicationMessage.replication_id)
        ).all()
    )
    return {r.id: {"last": last.get(r.id), "unread": unread.get(r.id, 0)} for r in replications}


def last_activity(replication):
    """When the replication last moved: its last change or its last message."""
    newest = db.session.scalar(
        sa.select(sa.func.max(ReplicationMessage.created_at)).where(ReplicationMessage.replication_id == replication.id)
    )
    moments = [m for m in (replication.updated_at, newest) if m is not None]
    return max(aware(m) for m in moments)


def aware(moment):
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
