"""Helpers for the job tests: the Redis on 127.0.0.1:6379, a database number picked per run,
queue names of their own (two test passes share the server: only our keys are deleted)."""

import os
import random
import signal
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app.extensions import db

REDIS_DB = random.randint(1, 15)
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
REFERENCE_TABLES = {"region", "sector", "theme", "alembic_version", "cache_generation"}


def redis_or_skip():
    """A client for this run's Redis database; the tests are skipped without a server, except
    in CI, where a missing Redis is a failure."""
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=10)
    try:
        client.ping()
    except RedisError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis on 127.0.0.1:6379 ({error})")
    return client


def new_queue_name():
    return f"suar-test-{uuid.uuid4().hex[:12]}"


def delete_queue_keys(client, queue_name):
    """Every key RQ and app.jobs made for ``queue_name`` (job ids carry it too)."""
    keys = list(client.scan_iter(match=f"*{queue_name}*", count=1000))
    if keys:
        client.delete(*keys)
    client.srem("rq:queues", f"rq:queue:{queue_name}")
    workers = [name for name in client.smembers("rq:workers") if queue_name.encode() in name]
    if workers:
        client.srem("rq:workers", *workers)


def empty_database(app):
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in REFERENCE_TABLES:
                    connection.execute(table.delete())


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@contextmanager
def signals_kept():
    """An RQ worker installs its own SIGINT/SIGTERM handlers: put pytest's back after it."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
