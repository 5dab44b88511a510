"""The database migrations (``migrations/``, Alembic through Flask-Migrate), set up only where
they are used (docs/decisions/0108).

Flask-Migrate imports Alembic, about 11 MiB in every process that imports it, and a web
worker never migrates. So ``flask db ...`` is a command group that sets Flask-Migrate up when
it is run; code that migrates in-process (tests, benchmarks) calls ``upgrade`` or
``downgrade`` here; and readiness (/readyz) reads the head revisions from the migration
files themselves (``heads``).
"""

import ast
from functools import cache
from pathlib import Path

import click

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
HELP = "Perform database migrations (Flask-Migrate)."


def setup(app):
    """Bind Flask-Migrate to ``app`` (once): what its commands and functions read."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        from app.extensions import db

        Migrate(render_as_batch=True, compare_type=True).init_app(app, db, directory=str(MIGRATIONS))
    return app.extensions["migrate"]


def upgrade(revision="head"):
    """Flask-Migrate's ``upgrade`` for the current app."""
    _bound().upgrade(revision=revision)


def downgrade(revision="-1"):
    """Flask-Migrate's ``downgrade`` for the current app."""
    _bound().downgrade(revision=revision)


def _bound():
    """Flask-Migrate, set up for the current app."""
    import flask_migrate
    from flask import current_app

    setup(current_app._get_current_object())
    return flask_migrate


class _Commands(click.Command):
    """``flask db ...``: hands every argument to Flask-Migrate's own command group, imported and
    bound to the app when the command runs (``flask db --help`` is Flask-Migrate's too)."""

    def __init__(self, app):
        settings = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}
        super().__init__("db", help=HELP, context_settings=settings)
        self.app = app

    def invoke(self, ctx):
        setup(self.app)
        from flask_migrate.cli import db as group

        with group.make_context(ctx.info_name, list(ctx.args), parent=ctx.parent) as real:
            return group.invoke(real)


def register(app):
    app.cli.add_command(_Commands(app))


@cache  # the scripts do not change while a process runs
def heads(directory=MIGRATIONS):
    """The head revisions of the migration scripts in ``directory/versions``: those no other
    script names as its ``down_revision``. Read from each script's module-level assignments,
    as Alembic reads them, without importing Alembic."""
    revisions, parents = set(), set()
    for path in sorted(Path(directory, "versions").glob("*.py")):
        values = dict(_assignments(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))))
        if "revision" not in values:
            continue
        revisions.add(values["revision"])
        down = values.get("down_revision")
        parents.update(down if isinstance(down, tuple | list) else [down] if down else [])
    return frozenset(revisions - parents)


def _assignments(module):
    """``(name, value)`` of the module's top-level ``revision`` and ``down_revision``, plain
    or annotated (``revision: str = "0027"``)."""
    for node in module.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target = node.target
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            yield target.id, ast.literal_eval(node.value)
