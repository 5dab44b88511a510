"""Flask extensions, created unbound here and bound to the app in ``create_app``; and the
two helpers every model uses."""

from datetime import UTC, datetime

from flask import request
from flask_babel import Babel
from flask_babel.speaklater import LazyString
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from markupsafe import escape
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

# Named constraints, so that migrations can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
# Limits are declared where they apply (login, API); storage comes from RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

LOCALE_COOKIE = "lang"


def utcnow():
    """Now, in UTC: the default of every timestamp column (called per row, not at import)."""
    return datetime.now(UTC)


def sql_in(column, values):
    """A CHECK constraint's text: ``column IN ('a', 'b')``."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


def _lazy_string_as_html(self):
    return escape(str(self))


def escape_lazy_strings():
    """A lazy translation is text: its HTML is its escaped text.

    Flask-Babel 4.0's LazyString.__html__ returns the string as it is, which Jinja (and
    Markup, and the ``join`` filter) take for safe markup: a message such as
    ``_l("Bukan tautan yang sah: %(line)s", line=what_was_typed)`` printed what a user typed
    as HTML. No message of ours holds markup (tests/test_security_attacks.py holds to it)."""
    LazyString.__html__ = _lazy_string_as_html


def select_locale():
    """The visitor's choice (cookie) first, then the browser's languages, then Indonesian."""
    from flask import current_app, has_request_context

    if not has_request_context():  # commands and services outside a request speak Indonesian
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return locale_of(request, current_app.config)


def locale_of(request, config):
    """The language of a request (a Flask or a plain Werkzeug one): the page cache keys on it."""
    languages = config["LANGUAGES"]
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or config["BABEL_DEFAULT_LOCALE"]


@event.listens_for(Engine, "connect")
def _connection_settings(dbapi_connection, connection_record):
    """Each new connection gets its database's settings, whichever engine opens it."""
    driver = type(dbapi_connection).__module__
    if driver == "sqlite3":
        # Enforce foreign keys; WAL and a busy timeout so several workers can share the file.
        # SQLite lets one writer in at a time; on a busy machine a writer may wait behind
        # several others for seconds. Waiting is the right answer there (PostgreSQL's row
        # locks wait too), an error page after 5 s was not.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
    elif driver.startswith("psycopg"):
        # No JIT compilation: Suar's queries are short, and the planner compiles any whose
        # estimated cost passes jit_above_cost (a join on tables not yet analysed, an
        # aggregate over 50,000 replications), 50-600 ms where running takes a few
        # (docs/decisions/0106). Committed: a setting made in a transaction that is rolled
        # back would not stay.
        dbapi_connection.execute("SET jit = off")
        dbapi_connection.commit()


def refresh_statistics():
    """After a bulk write, let the planner know the tables' sizes. Without statistics SQLite
    trusts any index, even one on a column where every row has the same value, and sorts
    20,000 rows for a LIMIT 6. PostgreSQL's autovacuum does both by itself, but only a while
    after an import: until then the pages are planned on the sizes of the tables before it,
    and the counts cannot answer from their covering index alone (its pages are not yet
    marked all-visible), so they read every row (docs/decisions/0087)."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    elif db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE)")  # not inside a transaction
