"""Back up, lose the database, restore, reindex: the same catalogue, replications, accounts and
revisions come back, and search finds them again. On PostgreSQL through pg_dump and
pg_restore; on SQLite through its backup API."""

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import pagecache
from app.catalog.filters import Filters
from app.catalog.models import Innovation
from app.editing import history
from app.extensions import db as _db
from app.networks.models import Network
from app.search import search
from tests.accounts_fixtures import add_member, make_user
from tests.support import make_app

# What must come back whole, row for row.
TABLES = (
    "innovation", "owner", "award", "replication", "replication_event", "network", "membership",
    "user_account", "user_role", "innovation_revision",
)  # fmt: skip


@pytest.fixture
def filled(databases, tmp_path_factory):
    """An app whose database holds the sample content, replications, people and a revision."""
    app = make_app(databases, tmp_path_factory)
    runner = app.test_cli_runner()
    for command in (["content", "import"], ["networks", "import"], ["replications", "import"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    with app.app_context():
        editor = make_user("penyunting@example.go.id", "editor")
        add_member(_db.session.scalars(sa.select(Network).order_by(Network.id)).first(), "35.08")
        innovation = _db.session.scalars(sa.select(Innovation).order_by(Innovation.id)).first()
        innovation.summary = "Ringkasan yang disunting sebelum cadangan dibuat."
        history.record(innovation, "edited", user=editor, status_from=innovation.status, comment="uji cadangan")
        _db.session.commit()
    yield app
    pagecache.clear()
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _everything(app):
    with app.app_context(), _db.engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1"))]  # noqa: S608
            for table in TABLES
        }


def _lose_the_database(app, databases):
    """The disaster: the database is gone; an empty one of the same name takes its place."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    pagecache.clear()  # its kept connection
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
        return
    admin = sa.create_engine(databases.server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def test_backup_restore_and_reindex_give_back_the_same_site(filled, databases, tmp_path):
    app, runner, dump = filled, filled.test_cli_runner(), str(tmp_path / "suar.dump")
    before = _everything(app)
    assert all(before[table] for table in TABLES), {t: len(rows) for t, rows in before.items() if not rows}

    result = runner.invoke(args=["backup", "create", dump])
    assert result.exit_code == 0, result.output
    assert os.path.getsize(dump) > 0 and Path(dump + ".manifest.json").exists()
    assert runner.invoke(args=["backup", "check", dump]).exit_code == 0

    _lose_the_database(app, databases)
    result = runner.invoke(args=["backup", "restore", dump])
    assert result.exit_code == 0, result.output
    assert "flask search reindex" in result.output
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output

    assert _everything(app) == before
    with app.app_context():
        title = _db.session.scalars(sa.select(Innovation.title).where(Innovation.is_public)).first()
        found = search(Filters(q=title))
        assert title in [hit.innovation.title for hit in found.hits]
    status = app.test_client().get("/readyz")
    assert status.status_code == 200, status.get_json()


def test_a_restore_refuses_a_database_that_is_not_empty(filled, tmp_path):
    runner, dump = filled.test_cli_runner(), str(tmp_path / "suar.dump")
    assert runner.invoke(args=["backup", "create", dump]).exit_code == 0
    result = runner.invoke(args=["backup", "restore", dump])
    assert result.exit_code == 1 and "not empty" in result.output


def test_check_names_what_changed_since_the_backup(filled, tmp_path):
    runner, dump = filled.test_cli_runner(), str(tmp_path / "suar.dump")
    assert runner.invoke(args=["backup", "create", dump]).exit_code == 0
    with filled.app_context():
        make_user("baru@example.go.id", "official")
    result = runner.invoke(args=["backup", "check", dump])
    assert result.exit_code == 1 and "user_account: " in result.output
