"""The request's one commit, and the refusals every service raises.

A view loads, checks, calls a service and renders; the service flushes and never commits.
``commit(change, ...)`` runs the service call and commits, or rolls back and hands back the
refusal when the rules refuse the change: bad input is a 400, a change that lost a race
with someone else's is a 409, a step the user may no longer take is a 403. Views then show
the refusal where it belongs (a form field, a message) with that status.
"""

from app.extensions import db


class Refused(Exception):
    """A change the rules do not allow (400). ``message`` says why in the reader's language;
    ``field`` names the form field it concerns, if any."""

    status = 400

    def __init__(self, message=None, field=None):
        super().__init__(str(message) if message is not None else type(self).__name__)
        self.message = message
        self.field = field


class Conflict(Refused):
    """Someone else saved the record after it was loaded (409)."""

    status = 409


class NotAllowed(Refused):
    """The user may not take this step (any more): it was published meanwhile, say (403)."""

    status = 403


def commit(change, *args, **kwargs):
    """Run ``change(*args, **kwargs)`` and commit. Returns ``(result, None)``, or, when the
    rules refuse the change, rolls everything back and returns ``(None, refusal)``. Any other
    error rolls back and propagates (a 500, whose handler rolls back too)."""
    try:
        result = change(*args, **kwargs)
        db.session.commit()
    except Refused as refusal:
        db.session.rollback()
        return None, refusal
    except BaseException:
        db.session.rollback()
        raise
    return result, None
