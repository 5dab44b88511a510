"""Stalled replications: no stage change and no message for ``STALLED_AFTER_DAYS`` days.

They are listed on "Minat saya" for the origin's officials and the coordinators involved,
and ``remind`` (``flask replications remind``, daily from cron or the job worker) gives those
people a ``stalled`` notice, once per stall: a replication that moves and stalls again is
reminded of again (docs/decisions/0073)."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.notices import service as notices
from app.notices.models import InboxItem
from app.replication import conversation
from app.replication.models import PROGRESS, Replication, ReplicationMessage

# Stages at which a replication is still under way (institutionalised is done).
UNDER_WAY = PROGRESS[:-1]


def threshold(now=None):
    days = current_app.config["STALLED_AFTER_DAYS"]
    return (now or datetime.now(UTC)) - timedelta(days=days)


def stalled(now=None, among=None):
    """``[(replication, last activity)]`` of the replications under way that have not moved
    since ``threshold``, oldest first; ``among`` limits it to those replications."""
    before = threshold(now)
    recent_message = sa.select(ReplicationMessage.replication_id).where(ReplicationMessage.created_at >= before)
    query = sa.select(Replication).where(
        Replication.stage.in_(UNDER_WAY),
        Replication.updated_at < before,
        Replication.id.not_in(recent_message),
        Replication.is_public,
    )
    if among is not None:
        query = query.where(Replication.id.in_([r.id for r in among] or [0]))
    found = [(r, conversation.last_activity(r)) for r in db.session.scalars(query)]
    return sorted(found, key=lambda pair: pair[1])


def people_to_remind(replication):
    """The origin's officials and the coordinators of the networks involved."""
    return [
        r.user
        for r in conversation.participants(replication)
        if r.role == "coordinator" or r.user.owner_id == replication.innovation.owner_id
    ]


def remind(now=None):
    """A ``stalled`` notice to the people of each stalled replication not yet reminded of
    since it last moved. Returns the number of replications reminded of (flush, no commit)."""
    count = 0
    for replication, since in stalled(now):
        already = db.session.scalar(
            sa.select(sa.func.count(InboxItem.id)).where(
                InboxItem.replication_id == replication.id, InboxItem.kind == "stalled", InboxItem.created_at > since
            )
        )
        if already:
            continue
        people = people_to_remind(replication)
        if not people:
            people = conversation.curators()  # nobody else would ever hear of it
        notices.notify(people, "stalled", replication=replication)
        count += 1
    return count


def daily():
    """The daily task (app/jobs/tasks.py, ``flask jobs run-daily``): remind, and commit."""
    count = remind()
    db.session.commit()
    return count
