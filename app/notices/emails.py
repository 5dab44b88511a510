"""The emails of notices: one at once, or a daily digest with a one-click unsubscribe.

Each is written in the recipient's language (the one they last used the site in), as text
and HTML, with absolute links built from the configured base URL (app/mail/links.py); a
link leads to the page after sign-in (the page asks for it and comes back)."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from app.extensions import db
from app.mail import outbox
from app.mail.links import absolute_url
from app.notices import kinds
from app.notices.models import InboxItem

SUBJECT_LIMIT = 150


def language_of(user):
    return user.language if user.language in current_app.config["LANGUAGES"] else "id"


def _entry(item):
    endpoint, values = kinds.link(item)
    excerpt = item.message.body if item.message is not None else None
    return {"text": kinds.describe(item), "link": absolute_url(endpoint, **values), "excerpt": excerpt}


def send_now(item):
    """Queue the email of one notice (in the caller's transaction)."""
    user = item.user
    with force_locale(language_of(user)):
        entry = _entry(item)
        settings = absolute_url("notices.preferences")
        text = render_template("mail/notice.txt", user=user, entry=entry, settings=settings)
        html = render_template("mail/notice.html", user=user, entry=entry, settings=settings)
        subject = f"Suar: {entry['text']}"
        if len(subject) > SUBJECT_LIMIT:
            subject = subject[: SUBJECT_LIMIT - 1] + "…"
    outbox.queue(user.email, subject, text, html, kind=f"notice-{item.kind}", user=user)
    item.emailed_at = datetime.now(UTC)


def unsubscribe_token(user):
    return URLSafeSerializer(current_app.secret_key, salt="suar-digest-unsubscribe").dumps(user.id)


def user_id_from_token(token):
    """The user id the token was made for, or None for a token that is not ours."""
    try:
        value = URLSafeSerializer(current_app.secret_key, salt="suar-digest-unsubscribe").loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def send_digests(now=None):
    """One email per user with the digest notices not emailed yet; notices they already read
    on the site, or may no longer see, are left out. Returns the number of digests queued.

    Each user's notices are claimed by setting ``emailed_at`` in the same transaction that
    queues the digest, so two runs at once never send the same notice twice."""
    now = now or datetime.now(UTC)
    pending = sa.select(InboxItem.user_id).where(InboxItem.delivery == "digest", InboxItem.emailed_at.is_(None))
    sent = 0
    for user_id in sorted(set(db.session.scalars(pending))):
        claimed = db.session.execute(
            sa.update(InboxItem)
            .where(InboxItem.user_id == user_id, InboxItem.delivery == "digest", InboxItem.emailed_at.is_(None))
            .values(emailed_at=now)
            .returning(InboxItem.id)
        ).scalars()
        items = [db.session.get(InboxItem, item_id) for item_id in sorted(claimed)]
        user = items[0].user if items else None
        fresh = [i for i in items if i.read_at is None and kinds.visible(user, i)] if user and user.active else []
        if fresh:
            _queue_digest(user, fresh)
            sent += 1
        db.session.commit()
    return sent


def _queue_digest(user, items):
    with force_locale(language_of(user)):
        entries = [_entry(item) for item in items]
        unsubscribe = absolute_url("notices.unsubscribe", token=unsubscribe_token(user))
        settings = absolute_url("notices.preferences")
        context = {"user": user, "entries": entries, "unsubscribe": unsubscribe, "settings": settings}
        text = render_template("mail/digest.txt", **context)
        html = render_template("mail/digest.html", **context)
        subject = _("Ringkasan harian Suar: %(count)s kabar", count=len(entries))
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    outbox.queue(user.email, subject, text, html, kind="digest", user=user, headers=headers)
