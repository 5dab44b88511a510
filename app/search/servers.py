"""Several app servers, each with its own index folder, on one database (docs/decisions/0086).

Each server records in ``search_server`` how far its index has applied the outbox; pruning
keeps every change a live server still needs and remembers, in ``search_prune``, the newest
id it deleted. An index whose mark is below that id has lost changes for good: it was left
behind the pruning window, and it is rebuilt rather than caught up.
"""

import os
import socket
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.search.models import SearchOutbox, SearchPrune, SearchServer, utcnow


def server_name(config):
    """``SEARCH_SERVER_NAME``, else the host name and the index folder (unique on a machine)."""
    name = config.get("SEARCH_SERVER_NAME")
    if name:
        return name
    return f"{socket.gethostname()}:{os.path.abspath(config['SEARCH_INDEX_DIR'])}"[:300]


def record(engine, name, applied):
    """Note that server ``name`` is alive and its index has applied the outbox up to ``applied``.

    The recorded position only moves forward, except that a rebuilt index may record a
    lower one (``flask search reindex`` on an empty outbox records 0)."""
    now = utcnow()
    table = SearchServer.__table__
    with engine.begin() as connection:
        updated = connection.execute(
            table.update().where(table.c.name == name).values(applied=applied, heartbeat_at=now)
        ).rowcount
        if updated:
            return
    try:
        with engine.begin() as connection:
            connection.execute(table.insert().values(name=name, applied=applied, heartbeat_at=now))
    except IntegrityError:  # another worker of the same server inserted it first
        with engine.begin() as connection:
            connection.execute(table.update().where(table.c.name == name).values(applied=applied, heartbeat_at=now))


def pruned_through(connection):
    """The newest outbox id ever pruned (0 when nothing was)."""
    return connection.scalar(sa.select(SearchPrune.through).where(SearchPrune.id == 1)) or 0


def left_behind(connection, applied):
    """True when changes newer than ``applied`` were pruned: catching up cannot mend it."""
    return applied < pruned_through(connection)


def live_servers(connection, live_seconds):
    """``[(name, applied)]`` of the servers that reported within ``live_seconds``."""
    since = utcnow() - timedelta(seconds=live_seconds)
    query = sa.select(SearchServer.name, SearchServer.applied).where(SearchServer.heartbeat_at >= since)
    return [tuple(row) for row in connection.execute(query.order_by(SearchServer.name))]


def prune(engine, days, live_seconds):
    """Delete the outbox rows older than ``days`` that every live server has applied.

    Returns ``(deleted, live)``: the number of rows deleted and the live servers
    (``[(name, applied)]``) whose positions bounded it."""
    cutoff = utcnow() - timedelta(days=days)
    with engine.begin() as connection:
        live = live_servers(connection, live_seconds)
        query = sa.select(sa.func.max(SearchOutbox.id)).where(SearchOutbox.created_at < cutoff)
        if live:
            query = query.where(SearchOutbox.id <= min(applied for _, applied in live))
        through = connection.scalar(query)
        if through is None:
            return 0, live
        deleted = connection.execute(
            sa.delete(SearchOutbox).where(SearchOutbox.id <= through, SearchOutbox.created_at < cutoff)
        ).rowcount
        table = SearchPrune.__table__
        previous = connection.execute(sa.select(table.c.through).where(table.c.id == 1)).scalar()
        if previous is None:
            connection.execute(table.insert().values(id=1, through=through, pruned_at=utcnow()))
        else:
            values = {"through": max(previous, through), "pruned_at": utcnow()}
            connection.execute(table.update().where(table.c.id == 1).values(**values))
    return deleted, live
