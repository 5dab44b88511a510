"""Fixtures: one database per test run (SQLite file, or a PostgreSQL database created for
the run and dropped after it), migrated once; each test starts with an empty catalogue."""

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from app.extensions import db as _db
from tests.support import Databases, make_app

# The live gunicorn server (tests/live.py) serves the browser journeys and concurrency tests.
pytest_plugins = ["tests.live"]

# Property-based tests: fresh random examples on a developer's machine (they hunt), a fixed
# set in CI (a run on main is repeatable). ``HYPOTHESIS_PROFILE=hunt`` runs many more.
settings.register_profile(
    "suar", deadline=None, print_blob=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile("ci", settings.get_profile("suar"), derandomize=True, database=None)
settings.register_profile("hunt", settings.get_profile("suar"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "suar"))

REFERENCE_TABLES = {"region", "sector", "theme", "alembic_version", "cache_generation"}
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory)
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def app(databases, tmp_path_factory):
    app = make_app(databases, tmp_path_factory)
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_catalogue(request):
    """Every test that uses the app starts with the reference data and nothing else."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                if table.name not in REFERENCE_TABLES:
                    connection.execute(table.delete())
    # The search index is derived from the rows just deleted: it goes too.
    index = Path(app.config["SEARCH_INDEX_DIR"])
    shutil.rmtree(index, ignore_errors=True)
    index.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
