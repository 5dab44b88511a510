"""Notices: what the site tells a user (someone wants to copy your innovation, a message, a
stage changed, a case study to review, returned or published, a replication stalled).

Each notice is a row in the user's inbox, written in the transaction of the change that
caused it; by the user's choice for its kind it is also emailed at once (queued in the same
transaction through the email outbox, app/mail), gathered into a daily digest, or neither
(docs/decisions/0070).
"""


def register(app):
    """The unread count of the bell in every page of a signed-in user."""
    from flask_login import current_user

    from app.notices import service

    @app.context_processor
    def _bell():
        if not getattr(current_user, "is_authenticated", False):
            return {"unread_notices": 0}
        return {"unread_notices": service.unread_count(current_user)}
