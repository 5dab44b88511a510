"""Liveness and readiness: ``/healthz`` says the process answers, ``/readyz`` says this server
can serve readers now (docs/decisions/0050).

Ready means: the database answers, its schema is at the migrations' head, this server's
search index exists, was not left behind the pruned outbox (docs/decisions/0086) and is at
most ``SEARCH_READY_MAX_LAG`` outbox changes behind, and Redis
answers when the rate limits or the job queue (`REDIS_URL`) are kept there. A new or rebuilt server is
therefore not ready until ``flask search reindex`` has built its index.
"""

import logging

import sqlalchemy as sa

from app.extensions import db
from app.migrations import heads

log = logging.getLogger(__name__)
REDIS_TIMEOUT = 1.0  # seconds: a probe must answer before the load balancer gives up on it


def search_state(app):
    """This server's index against the outbox: ``present``, ``applied``, ``lag`` (outbox
    changes newer than the index), ``outbox`` (rows kept until ``flask search prune``) and
    ``behind`` (changes it never applied were pruned: it must be rebuilt)."""
    from app.search.index import IndexMissing, IndexStore
    from app.search.models import SearchOutbox
    from app.search.servers import left_behind

    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    try:
        path, _ = store.open_current()
        present, applied = True, store.applied(path)
    except IndexMissing:
        present, applied = False, 0
    with db.engine.connect() as connection:
        outbox = connection.scalar(sa.select(sa.func.count()).select_from(SearchOutbox))
        lag = outbox if not applied else connection.scalar(
            sa.select(sa.func.count()).select_from(SearchOutbox).where(SearchOutbox.id > applied)
        )  # fmt: skip
        behind = present and left_behind(connection, applied)
    return {"present": present, "applied": applied, "lag": lag, "outbox": outbox, "behind": behind}


_redis_clients = {}


def _database_and_migrations(app):
    with db.engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
        # Read directly: alembic's MigrationContext logs two lines each time it is set up.
        if sa.inspect(connection).has_table("alembic_version"):
            current = set(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))
        else:
            current = set()
    head = heads()  # read from the scripts once per process, without Alembic (decision 0108)
    return {"ok": True}, {"ok": current == head, "current": sorted(current), "head": sorted(head)}


def _redis_urls(config):
    urls = [config.get("RATELIMIT_STORAGE_URI") or "", config.get("REDIS_URL") or ""]
    return [url for url in dict.fromkeys(urls) if url.startswith(("redis://", "rediss://", "redis+", "unix://"))]


def _ping(url):
    from limits.storage import storage_from_string

    # The limiter's own storage class understands every URL the limiter accepts
    # (redis+unix://, redis+sentinel://, ...); one client per URL and process.
    storage = _redis_clients.get(url)
    if storage is None:
        options = {"socket_timeout": REDIS_TIMEOUT, "socket_connect_timeout": REDIS_TIMEOUT}
        storage = _redis_clients[url] = storage_from_string(url.replace("unix://", "redis+unix://", 1), **options)
    return storage.check()


def _failed(name, error):
    log.warning("readiness check %s failed: %s", name, error)
    # The class only: a message may name hosts, users or paths.
    return {"ok": False, "error": type(error).__name__}


def readiness(app):
    """``(ready, checks)``: every check's result, in the order a person would look at them."""
    checks = {}
    try:
        checks["database"], checks["migrations"] = _database_and_migrations(app)
    except Exception as error:
        checks["database"] = _failed("database", error)
    if checks["database"]["ok"] and checks["migrations"]["ok"]:
        limit = app.config["SEARCH_READY_MAX_LAG"]
        try:
            state = search_state(app)
            ok = state["present"] and not state["behind"] and state["lag"] <= limit
            checks["search_index"] = {"ok": ok, "present": state["present"], "lag": state["lag"], "max_lag": limit}
            if state["behind"]:  # left behind the pruning window: being rebuilt
                checks["search_index"]["behind"] = True
        except Exception as error:
            checks["search_index"] = _failed("search_index", error)
    for url in _redis_urls(app.config):
        try:
            checks["redis"] = {"ok": bool(_ping(url))}
        except Exception as error:
            checks["redis"] = _failed("redis", error)
        if not checks["redis"]["ok"]:
            break
    return all(check["ok"] for check in checks.values()), checks
