"""Sign-ins kept on the server: started at login, looked up on each signed-in request, ended
by logging out, a password change, deactivation or "sign out everywhere"
(docs/decisions/0040).

Services flush, never commit; the view or command that calls them commits once. The one
write that is not theirs is the last-seen time (``_touch``), on a transaction of its own.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import contains_eager

from app.accounts.models import User, UserSession, hash_session_token, new_session_token
from app.extensions import db

# How stale the last-seen time may get: a write every few minutes per sign-in, not one per
# request. The idle limit of a sign-in without "remember me" is as exact as this.
TOUCH_INTERVAL = timedelta(minutes=5)


def start(user, remember=False, now=None):
    """Start a sign-in of ``user``: it becomes ``user.current_session``, its token the user's id.

    The user's sign-ins that have run out are deleted on the way, so the table holds live
    ones and few others.
    """
    now = now or datetime.now(UTC)
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id, _expired(now)))
    token = new_session_token()
    row = UserSession(
        user_id=user.id, token_hash=hash_session_token(token), remember=bool(remember), created_at=now, last_seen_at=now
    )
    db.session.add(row)
    db.session.flush()
    row.token = token
    user.current_session = row
    return row


def load(token, now=None):
    """The active user whose live sign-in has this token, with ``current_session`` set; or None.

    One query (the sign-in joined with its user, by the unique index on the token's hash)
    where the user's id alone used to be; the roles come with the user as before.
    """
    if not token:
        return None
    now = now or datetime.now(UTC)
    query = (
        sa.select(UserSession)
        .join(UserSession.user)
        .options(contains_eager(UserSession.user))
        .where(UserSession.token_hash == hash_session_token(token), User.active == sa.true(), ~_expired(now))
    )
    row = db.session.scalars(query).first()
    if row is None:
        return None
    row.token = token
    if _aware(row.last_seen_at) <= now - TOUCH_INTERVAL:
        _touch(row.id, now)
    row.user.current_session = row
    return row.user


def of(user, now=None):
    """The user's live sign-ins, the most recently used first."""
    now = now or datetime.now(UTC)
    query = (
        sa.select(UserSession)
        .where(UserSession.user_id == user.id, ~_expired(now))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return list(db.session.scalars(query))


def end(user_session):
    """End one sign-in (logging out): its session and remember cookies stop working anywhere."""
    db.session.execute(sa.delete(UserSession).where(UserSession.id == user_session.id))


def end_all(user, keep=None):
    """End every sign-in of ``user``, but ``keep`` (the one changing the password) if given."""
    query = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    db.session.execute(query)


def _expired(now):
    remembered_since = now - _duration(current_app.config["REMEMBER_COOKIE_DURATION"])
    idle_since = now - _duration(current_app.config["LOGIN_SESSION_IDLE"])
    return sa.or_(
        sa.and_(UserSession.remember, UserSession.created_at <= remembered_since),
        sa.and_(sa.not_(UserSession.remember), UserSession.last_seen_at <= idle_since),
    )


def _touch(session_id, now):
    # On a connection of its own, committed at once: a page that only reads commits nothing,
    # and a view's own transaction must neither wait for this write nor carry it. The user
    # is loaded before the view runs (app/accounts/views.py), so no write of the request can
    # hold SQLite's lock yet.
    table = UserSession.__table__
    with db.engine.begin() as connection:
        connection.execute(sa.update(table).where(table.c.id == session_id).values(last_seen_at=now))


def _duration(value):
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def _aware(moment):
    # SQLite returns naive datetimes; they were stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
