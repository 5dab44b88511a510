"""Helpers shared by the tests: throw-away databases and migrated apps."""

import os
import uuid
from contextlib import contextmanager

import sqlalchemy as sa
from flask.testing import FlaskClient

from app import create_app
from app.migrations import upgrade
from config import TestConfig


def _server_url():
    """The PostgreSQL server to test against (CI's second pass), or None for SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


class Databases:
    """Creates throw-away databases for this run and drops them at the end."""

    def __init__(self, tmp_path_factory):
        self.tmp = tmp_path_factory
        self.server = _server_url()
        self.created = []

    def new(self):
        if self.server is None:
            return f"sqlite:///{self.tmp.mktemp('db') / 'suar.db'}"
        name = f"suar_test_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(self.server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return sa.make_url(self.server).set(database=name).render_as_string(hide_password=False)

    def drop_all(self):
        if not self.created:
            return
        admin = sa.create_engine(self.server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.created:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Without this, a request made while a test holds an app context (the ``db`` fixture)
    reuses that context: ``g``, Flask-Babel's cached locale and the database session would
    leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        # Buffered: a streamed body is read before the request's context is popped.
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(databases, tmp_path_factory, **overrides):
    """A fully migrated app on a database of its own."""
    config = TestConfig(databases.new(), str(tmp_path_factory.mktemp("index")))
    config.MAIL_FOLDER = str(tmp_path_factory.mktemp("mail"))
    config.UPLOAD_DIR = str(tmp_path_factory.mktemp("uploads"))
    for key, value in overrides.items():
        setattr(config, key, value)
    app = create_app(config)
    app.test_client_class = FreshContextClient
    with app.app_context():
        upgrade()
    return app


@contextmanager
def rate_limited_app(databases, tmp_path_factory, **overrides):
    """An app with the rate limiter on (in memory), on a database of its own.

    The limiter is one object shared by every app of the run, and ``init_app`` sets its
    ``enabled`` flag for all of them: the flag and the counters are put back afterwards.
    """
    from app import pagecache
    from app.extensions import db, limiter

    was_enabled = limiter.enabled
    app = make_app(databases, tmp_path_factory, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **overrides)
    limiter.reset()
    pagecache.clear()
    try:
        yield app
    finally:
        limiter.reset()
        limiter.enabled = was_enabled
        pagecache.clear()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
