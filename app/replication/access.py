"""Loading a replication for a request, with visibility and permission built in: a
replication is as visible as its case study (docs/decisions/0039)."""

from flask import abort

from app.extensions import db
from app.replication.models import Replication


def replication_or_404(replication_id, user, action="replication.view"):
    """The replication: 404 when ``user`` may not see it, 403 when they may not take ``action``."""
    replication = db.session.get(Replication, replication_id)
    if replication is None or not user.can("replication.view", replication):
        abort(404)
    if not user.can(action, replication):
        abort(403)
    return replication
