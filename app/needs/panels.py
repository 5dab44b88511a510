"""What the needs feature shows on other features' pages (see app.panels): a network's board
and the statistics' count of needs met by replication."""

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from app import panels
from app.accounts.models import AnonymousUser
from app.extensions import db
from app.needs.access import visible_needs
from app.needs.models import Need
from app.needs.queries import network_board

BOARD_SIZE = 5


@panels.provide("network", order=20)
def board(network):
    """The newest needs of the network's members that the reader may see, and the whole board."""
    needs = network_board(current_user, network, limit=BOARD_SIZE + 1)
    return render_template("needs/_board.html", network=network, needs=needs[:BOARD_SIZE], more=len(needs) > BOARD_SIZE)


def met_by_replication():
    """``(public needs, those matched with a replication)``: the statistics count what the
    public may see (docs/decisions/0090)."""
    public = visible_needs(AnonymousUser())
    total = db.session.scalar(sa.select(sa.func.count(Need.id)).where(public)) or 0
    met = db.session.scalar(
        sa.select(sa.func.count(Need.id)).where(
            public, Need.replication_id.is_not(None), Need.status.in_(("matched", "closed"))
        )
    )
    return total, met or 0


@panels.provide("statistics", order=50)
def statistics(_record):
    total, met = met_by_replication()
    return render_template("needs/_statistics.html", total=total, met=met)
