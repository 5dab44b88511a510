"""Queue email in the caller's transaction; send what is due, each message once at a time."""

import logging
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy import event

from app.extensions import db
from app.mail.models import OutgoingEmail
from app.mail.transport import deliver

log = logging.getLogger(__name__)

QUEUED = "suar.mail.queued"
# A sender owns a message for MAIL_CLAIM_SECONDS; one that died while sending leaves it to the next.
CLAIM_SECONDS = 300
MAX_SUBJECT = 300


def queue(to_address, subject, text, html=None, *, kind, user=None, headers=None):
    """Add a message to the outbox in the current transaction and return it.

    It is sent after the commit, never if the transaction rolls back."""
    email = OutgoingEmail(
        to_address=to_address,
        user_id=getattr(user, "id", None),
        kind=kind,
        subject=" ".join(str(subject).split())[:MAX_SUBJECT],
        body_text=text,
        body_html=html,
        headers="\n".join(f"{name}: {value}" for name, value in (headers or {}).items()),
    )
    db.session.add(email)
    db.session.info[QUEUED] = True
    return email


def backoff(attempts):
    """How long to wait before attempt number ``attempts + 1``: 1, 2, 4 ... minutes, at most a day."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


def due(now=None):
    """Messages not sent, whose next attempt has come and that no live sender holds."""
    now = now or datetime.now(UTC)
    return sa.select(OutgoingEmail.id).where(
        OutgoingEmail.sent_at.is_(None),
        OutgoingEmail.next_attempt_at <= now,
        sa.or_(OutgoingEmail.claimed_until.is_(None), OutgoingEmail.claimed_until < now),
    )


def send_due(app=None, limit=100):
    """Send what is due; returns (sent, failed). Never raises: a failure is kept for a retry.

    Each message is claimed with a conditional UPDATE before it is sent, so two senders (two
    workers, or a request and the worker) never send the same message at once; it is marked
    sent right after it left. A crash between the two resends it later, with the same
    Message-ID."""
    app = app or current_app
    claim = timedelta(seconds=app.config.get("MAIL_CLAIM_SECONDS", CLAIM_SECONDS))
    sent = failed = 0
    with app.app_context():
        ids = db.session.scalars(due().order_by(OutgoingEmail.id).limit(limit)).all()
        for email_id in ids:
            now = datetime.now(UTC)
            claimed = db.session.execute(
                sa.update(OutgoingEmail)
                .where(OutgoingEmail.id == email_id, OutgoingEmail.sent_at.is_(None))
                .where(sa.or_(OutgoingEmail.claimed_until.is_(None), OutgoingEmail.claimed_until < now))
                .values(claimed_until=now + claim)
            ).rowcount
            db.session.commit()
            if not claimed:
                continue
            email = db.session.get(OutgoingEmail, email_id)
            try:
                deliver(app, email)
            except Exception as error:  # noqa: BLE001 - any failure is kept on the row and retried
                email.attempts += 1
                email.last_error = f"{type(error).__name__}: {error}"[:500]
                email.next_attempt_at = datetime.now(UTC) + backoff(email.attempts)
                email.claimed_until = None
                failed += 1
                log.warning("email %s to %s not sent (attempt %s): %s", email.id, email.kind, email.attempts, error)
            else:
                email.attempts += 1
                email.sent_at = datetime.now(UTC)
                email.claimed_until = None
                email.last_error = None
                sent += 1
            db.session.commit()
        db.session.remove()
    return sent, failed


def status():
    """Figures for ``flask mail status`` and the metrics: unsent, failing, oldest unsent."""
    unsent = sa.select(sa.func.count(OutgoingEmail.id)).where(OutgoingEmail.sent_at.is_(None))
    failing = unsent.where(OutgoingEmail.attempts > 0)
    oldest = sa.select(sa.func.min(OutgoingEmail.created_at)).where(OutgoingEmail.sent_at.is_(None))
    return {
        "unsent": db.session.scalar(unsent),
        "failing": db.session.scalar(failing),
        "oldest_unsent": db.session.scalar(oldest),
    }


def _after_commit(session):
    if session.info.pop(QUEUED, False) and has_app_context():
        g.suar_mail_due = True  # sent when the app context ends (see app.mail.register)


def _after_soft_rollback(session, previous_transaction):
    session.info.pop(QUEUED, None)


event.listen(db.session, "after_commit", _after_commit)
event.listen(db.session, "after_soft_rollback", _after_soft_rollback)
