"""Every connection the app opens gets its database's settings, whichever pool hands it out:
SQLite its pragmas, PostgreSQL no JIT compilation (docs/decisions/0106)."""

import sqlalchemy as sa

from app.extensions import db


def _settings(connection):
    if connection.dialect.name == "postgresql":
        return {"jit": connection.execute(sa.text("SHOW jit")).scalar_one()}
    return {"foreign_keys": connection.execute(sa.text("PRAGMA foreign_keys")).scalar_one()}


EXPECTED = {"postgresql": {"jit": "off"}, "sqlite": {"foreign_keys": 1}}


def test_every_new_connection_has_the_settings_even_after_a_rollback(app):
    with app.app_context():
        db.engine.dispose()  # new connections from here on
        with db.engine.connect() as first, db.engine.connect() as second:
            for connection in (first, second):
                assert _settings(connection) == EXPECTED[connection.dialect.name]
                connection.rollback()  # what the pool does when it takes a connection back
                assert _settings(connection) == EXPECTED[connection.dialect.name]
        with db.engine.connect() as again:  # from the pool, after its reset
            assert _settings(again) == EXPECTED[again.dialect.name]


def test_the_setting_holds_in_a_separate_engine_too(app):
    """Engines made outside Flask-SQLAlchemy (commands, benchmarks, the tests' own) get it as well."""
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as connection:
            assert _settings(connection) == EXPECTED[connection.dialect.name]
    finally:
        engine.dispose()
