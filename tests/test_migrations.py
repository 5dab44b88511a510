"""The schema comes only from migrations, and the migrations match the models."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

from app.extensions import db
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
