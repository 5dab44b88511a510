"""Making notices, reading them, and each user's choice of how they arrive.

``notify`` is called by the services of the features (replication, editing) inside the
transaction of the change: the notice and its email commit or roll back with it.
"""

from datetime import UTC, datetime

import sqlalchemy as sa

from app.extensions import db
from app.notices import emails
from app.notices.models import DEFAULT_MODE, KINDS, MODES, InboxItem, NoticePreference


def mode_for(user, kind):
    """``now``, ``digest`` or ``off``: the user's choice for ``kind``, else its default."""
    chosen = db.session.get(NoticePreference, (user.id, kind))
    return chosen.mode if chosen is not None else DEFAULT_MODE[kind]


def preferences(user):
    """``{kind: mode}`` for every kind."""
    chosen = dict(
        db.session.execute(
            sa.select(NoticePreference.kind, NoticePreference.mode).where(NoticePreference.user_id == user.id)
        ).all()
    )
    return {kind: chosen.get(kind, DEFAULT_MODE[kind]) for kind in KINDS}


def set_preferences(user, modes):
    """Store ``{kind: mode}`` (unknown kinds and modes are the caller's bug: KeyError)."""
    for kind, mode in modes.items():
        if kind not in KINDS or mode not in MODES:
            raise KeyError((kind, mode))
        row = db.session.get(NoticePreference, (user.id, kind))
        if row is None:
            db.session.add(NoticePreference(user_id=user.id, kind=kind, mode=mode))
        else:
            row.mode = mode
    db.session.flush()


def stop_digests(user):
    """The one-click unsubscribe: every kind that came in the digest comes no more by email."""
    set_preferences(user, {kind: "off" for kind, mode in preferences(user).items() if mode == "digest"})


def notify(users, kind, *, replication=None, innovation=None, message=None, need=None):
    """A notice of ``kind`` to each of ``users`` (inactive accounts are skipped), emailed at
    once when that is their choice. Returns the notices made."""
    about = {"replication": replication, "innovation": innovation, "message": message, "need": need}
    return notify_each(kind, [(users, about)])


def notify_each(kind, notices, modes=None):
    """``notify()`` for many subjects at once, written in one flush: ``notices`` is a list
    of ``(users, about)``, ``about`` the InboxItem's subject (``{"replication": ...}``).
    ``modes`` (a dict a bulk write keeps) remembers each user's choice from one call to the
    next. Returns the notices made."""
    modes = {} if modes is None else modes
    made = []
    for users, about in notices:
        for user in sorted({u.id: u for u in users if u is not None and u.active}.values(), key=lambda u: u.id):
            if (user.id, kind) not in modes:
                modes[user.id, kind] = mode_for(user, kind)
            item = InboxItem(user=user, kind=kind, delivery=modes[user.id, kind], **about)
            db.session.add(item)
            made.append(item)
    db.session.flush()
    for item in made:
        if item.delivery == "now":
            emails.send_now(item)
    return made


def unread_count(user):
    """The number on the bell."""
    query = sa.select(sa.func.count(InboxItem.id)).where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None))
    return db.session.scalar(query) or 0


def mark_read(items):
    """Mark notices as read (their first showing)."""
    now = datetime.now(UTC)
    for item in items:
        if item.read_at is None:
            item.read_at = now
    db.session.flush()


def mark_read_about(user, replication):
    """Opening a thread reads every notice about it."""
    db.session.execute(
        sa.update(InboxItem)
        .where(InboxItem.user_id == user.id, InboxItem.replication_id == replication.id, InboxItem.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
