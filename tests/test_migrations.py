"""The schema comes only from migrations, and the migrations match the models."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
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
        assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == "0002"
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
