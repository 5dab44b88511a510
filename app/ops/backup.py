"""``flask backup create|restore|check``: the database to one file and back, with a manifest
that says what was in it, so a restore can be checked (README, "Backups").

PostgreSQL goes through ``pg_dump --format=custom`` and ``pg_restore`` (same major version
as the server); SQLite through its online backup API, which copies a consistent database
while the site keeps running. The search index is not backed up: it is derived, and
``flask search reindex`` rebuilds it from the restored database.
"""

import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db

backup_cli = AppGroup("backup", help="Back up and restore the database.")
FORMAT = "suar-backup-1"


def manifest_path(path):
    return Path(f"{path}.manifest.json")


def contents():
    """Rows per table and the migration revision: what a restore must give back."""
    with db.engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        counts = {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name in tables
        }
        revision = sorted(connection.scalars(sa.text("SELECT version_num FROM alembic_version"))) if (
            "alembic_version" in tables
        ) else []  # fmt: skip
    return {"revision": revision, "tables": counts}


def _libpq(url):
    """libpq's environment for a SQLAlchemy URL: the password never on a command line."""
    env = dict(os.environ)
    values = {
        "PGHOST": url.host or url.query.get("host"),
        "PGPORT": str(url.port) if url.port else url.query.get("port"),
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _run(command, env):
    if shutil.which(command[0]) is None:
        raise click.ClickException(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - fixed programs
    if result.returncode != 0:
        raise click.ClickException(f"{command[0]} failed:\n{result.stderr.strip()}")


def _sqlite_file(url):
    if not url.database or url.database == ":memory:":
        raise click.ClickException("an in-memory SQLite database cannot be backed up")
    return url.database


def _copy_sqlite(source, target):
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def create_command(path):
    """Write the database to PATH and what it holds to PATH.manifest.json."""
    url = db.engine.url
    manifest = {"format": FORMAT, "created": datetime.now(UTC).isoformat(), "database": url.get_backend_name()}
    manifest.update(contents())
    if url.get_backend_name() == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"], _libpq(url))
    elif url.get_backend_name() == "sqlite":
        _copy_sqlite(_sqlite_file(url), path)
    else:
        raise click.ClickException(f"no backup for {url.get_backend_name()} databases")
    manifest_path(path).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    rows = sum(manifest["tables"].values())
    click.echo(f"Backed up {rows} rows in {len(manifest['tables'])} tables to {path}.")


def _read_manifest(path):
    try:
        manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise click.ClickException(f"{manifest_path(path)} is missing: it says what the backup holds") from None
    if manifest.get("format") != FORMAT:
        raise click.ClickException(f"{manifest_path(path)} is not a Suar backup manifest")
    return manifest


def _differences(manifest):
    found = contents()
    problems = []
    if found["revision"] != manifest["revision"]:
        problems.append(f"migration revision {found['revision']}, the backup has {manifest['revision']}")
    for table in sorted(set(manifest["tables"]) | set(found["tables"])):
        expected, actual = manifest["tables"].get(table), found["tables"].get(table)
        if expected != actual:
            problems.append(f"{table}: {actual} rows, the backup has {expected}")
    return problems


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def restore_command(path):
    """Restore PATH into the configured database, which must be empty, then check it."""
    manifest = _read_manifest(path)
    url = db.engine.url
    if manifest["database"] != url.get_backend_name():
        raise click.ClickException(f"the backup is of a {manifest['database']} database, not {url.get_backend_name()}")
    with db.engine.connect() as connection:
        if sa.inspect(connection).get_table_names():
            raise click.ClickException("the database is not empty: restore into a new, empty database")
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "postgresql":
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        _run([*command, f"--dbname={url.database}", path], _libpq(url))
    else:
        _copy_sqlite(path, _sqlite_file(url))
    db.engine.dispose()
    problems = _differences(manifest)
    if problems:
        raise click.ClickException("the restored database differs from the backup:\n" + "\n".join(problems))
    click.echo(f"Restored {sum(manifest['tables'].values())} rows. Now rebuild the search index: flask search reindex")


@backup_cli.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def check_command(path):
    """Compare the configured database with what PATH.manifest.json says the backup holds."""
    problems = _differences(_read_manifest(path))
    if problems:
        raise click.ClickException("the database differs from the backup:\n" + "\n".join(problems))
    click.echo("The database holds what the backup holds.")
