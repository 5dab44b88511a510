"""The schema comes only from migrations, and the migrations match the models."""

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from app.extensions import db
from app.migrations import MIGRATIONS, downgrade, heads, upgrade
from tests.live import PROJECT
from tests.support import make_app


def _drift(app):
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = compare_metadata(context, db.metadata)
        db.engine.dispose()  # the database is dropped at the end of the run
        return diffs


def test_upgrade_on_an_empty_database_matches_the_models(databases, tmp_path_factory):
    app = make_app(databases, tmp_path_factory)
    assert _drift(app) == []
    with app.app_context():
        heads = current_app.extensions["migrate"].migrate.get_config().get_main_option("script_location")
        script = ScriptDirectory(heads)
        assert len(script.get_heads()) == 1, "migrations must form one line"
        assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == script.get_current_head()
        db.session.remove()
        db.engine.dispose()


def test_downgrade_to_nothing_and_up_again(databases, tmp_path_factory):
    app = make_app(databases, tmp_path_factory)
    with app.app_context():
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert db.session.scalar(sa.text("SELECT count(*) FROM region")) == 552
        db.session.remove()
        db.engine.dispose()
    assert _drift(app) == []


def test_migrations_keep_existing_data(databases, tmp_path_factory):
    """Upgrading a database that holds case studies keeps every row and every link.

    SQLite's batch mode rebuilds tables; with foreign keys enforced that once deleted every
    innovation-sector link (migrations/env.py turns them off while migrating).
    """
    from tests.support import TestConfig, create_app

    app = create_app(TestConfig(databases.new(), str(tmp_path_factory.mktemp("index"))))
    with app.app_context():
        upgrade(revision="0002")
        statements = [
            "INSERT INTO owner (id, slug, name, kind, region_code) VALUES (1, 'kabupaten-banyumas', 'Kabupaten Banyumas', 'regency', '33.02')",
            "INSERT INTO institution (id, owner_id, name) VALUES (1, 1, 'Dinas Kesehatan')",
            "INSERT INTO innovation (id, slug, title, owner_id, institution_id, region_code, year, stage, digital, language,"
            " summary, body_md, body_html, sample, replication_count, created_at, updated_at) VALUES (1, 'uji', 'Uji', 1, 1,"
            " '33.02', 2019, 'implemented', false, 'id', 'Ringkas', 'Isi', '<p>Isi</p>', false, 0, '2024-01-01', '2024-01-01')",
            "INSERT INTO innovation_sector (innovation_id, sector_id) SELECT 1, id FROM sector WHERE slug = 'kesehatan'",
            "INSERT INTO innovation_theme (innovation_id, theme_id) SELECT 1, id FROM theme WHERE slug = 'jemput-bola'",
            "INSERT INTO award (innovation_id, competition, year, stage) VALUES (1, 'KIPP', 2019, 'top99')",
        ]
        for statement in statements:
            db.session.execute(sa.text(statement))
        db.session.commit()
        upgrade()
        counts = {
            table: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608 - fixed table names
            for table in ("innovation", "innovation_sector", "innovation_theme", "award", "owner", "institution")
        }
        assert counts == dict.fromkeys(counts, 1)
        if db.engine.dialect.name == "sqlite":  # and enforcement is back on for the app
            assert db.session.scalar(sa.text("PRAGMA foreign_keys")) == 1
        db.session.remove()
        db.engine.dispose()


def test_outbox_ids_keep_growing_across_a_migration_and_a_prune(databases, tmp_path_factory):
    """Every index remembers the last outbox id it applied: an id must never be given twice,
    not after a prune that empties the outbox, and not after a migration that rebuilds the
    table (SQLite's batch mode, 0027), even when the newest rows were pruned before it."""
    from tests.support import TestConfig, create_app

    insert = "INSERT INTO search_outbox (innovation_id, op, created_at) VALUES (1, 'upsert', '2020-01-01')"
    app = create_app(TestConfig(databases.new(), str(tmp_path_factory.mktemp("index"))))
    with app.app_context():
        upgrade(revision="0026")
        with db.engine.begin() as connection:
            for _ in range(5):
                connection.execute(sa.text(insert))
            connection.execute(sa.text("DELETE FROM search_outbox WHERE id > 2"))  # the newest pruned
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(sa.text(insert))
            assert connection.execute(sa.text("SELECT max(id) FROM search_outbox")).scalar() == 6
            connection.execute(sa.text("DELETE FROM search_outbox"))  # a prune that empties it
            connection.execute(sa.text(insert))
            assert connection.execute(sa.text("SELECT max(id) FROM search_outbox")).scalar() == 7
            connection.execute(sa.text("DELETE FROM search_outbox"))
        downgrade(revision="0026")
        with db.engine.begin() as connection:
            connection.execute(sa.text(insert))
            assert connection.execute(sa.text("SELECT max(id) FROM search_outbox")).scalar() == 8
        db.session.remove()
        db.engine.dispose()


# Flask-Migrate and Alembic are set up only where migrations run (decision 0108).


def test_the_heads_read_from_the_scripts_are_alembics():
    assert heads() == set(ScriptDirectory(str(MIGRATIONS)).get_heads()) == {_last_revision()}


def _last_revision():
    return max(path.name.split("_")[0] for path in (MIGRATIONS / "versions").glob("*.py"))


def test_heads_follow_branches_merges_and_annotated_assignments(tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir()
    scripts = {
        "a": 'revision = "a"\ndown_revision = None\n',
        "b": 'revision: str = "b"\ndown_revision: str | None = "a"\n',
        "c": '"""Branch."""\nimport sqlalchemy\nrevision = "c"\ndown_revision = "a"\n',
        "d": 'revision = "d"\ndown_revision = ("b", "c")\ndepends_on = None\n',
        "e": 'revision = "e"\ndown_revision = "b"\n',
    }
    for name, text in scripts.items():
        (versions / f"{name}.py").write_text(text)
    assert heads(tmp_path) == {"d", "e"} == set(ScriptDirectory(str(tmp_path)).get_heads())


@pytest.fixture
def sqlite_environment(tmp_path):
    """The environment of `flask` commands and the app on a SQLite database of their own."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}", "FLASK_APP": "wsgi"}
    environment.update(SEARCH_INDEX_DIR=str(tmp_path / "index"), SECRET_KEY="x" * 40, LOG_FORMAT="text")
    return environment


def _run(environment, *args):
    done = subprocess.run([sys.executable, *args], cwd=PROJECT, env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_web_process_never_imports_alembic(sqlite_environment):
    """The app made, pages and /readyz served, on a database upgraded by `flask db upgrade`."""
    program = (
        "import sys\n"
        "from wsgi import app\n"
        "client = app.test_client()\n"
        "pages = [client.get(path).status_code for path in ('/', '/inovasi', '/readyz', '/healthz')]\n"
        "print(pages, sorted(m for m in ('alembic', 'flask_migrate') if m in sys.modules))\n"
    )
    _run(sqlite_environment, "-m", "flask", "db", "upgrade")
    served = _run(sqlite_environment, "-c", program)
    assert served.strip().splitlines()[-1] == "[200, 200, 503, 200] []"  # not ready: no index yet


def test_the_db_commands_are_flask_migrates(sqlite_environment):
    listed = _run(sqlite_environment, "-m", "flask", "db", "--help")
    assert "flask db [OPTIONS] COMMAND" in listed and all(
        name in listed for name in ("upgrade", "downgrade", "heads", "migrate")
    )
    assert f"{_last_revision()} (head)" in _run(sqlite_environment, "-m", "flask", "db", "heads")
    _run(sqlite_environment, "-m", "flask", "db", "upgrade", "0002")
    assert _run(sqlite_environment, "-m", "flask", "db", "current").strip().endswith("0002")
