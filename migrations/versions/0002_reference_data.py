"""reference data: the 552 official regions, sectors and themes from content/reference

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

A fresh database must know every region after ``flask db upgrade`` with no further step,
so the reference lists are loaded here. The migration reads the CSV files as they are
when it runs and only inserts what is missing, so running it on a database that already
has some rows is safe; a later change to a list gets a migration of its own.
"""

import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

REFERENCE = Path(__file__).resolve().parents[2] / "content" / "reference"

region = sa.table(
    "region",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("parent_code", sa.String),
    sa.column("lat", sa.Float),
    sa.column("lon", sa.Float),
)
sector = sa.table(
    "sector", sa.column("slug", sa.String), sa.column("name_id", sa.String), sa.column("name_en", sa.String)
)
theme = sa.table(
    "theme", sa.column("slug", sa.String), sa.column("name_id", sa.String), sa.column("name_en", sa.String)
)


def _rows(name):
    with open(REFERENCE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _insert_missing(table, key, rows):
    connection = op.get_bind()
    have = set(connection.scalars(sa.select(table.c[key])))
    fresh = [row for row in rows if row[key] not in have]
    if fresh:
        connection.execute(table.insert(), fresh)


def upgrade():
    regions = [
        {
            "code": r["code"],
            "name": r["name"],
            "kind": r["kind"],
            "parent_code": r["parent_code"] or None,
            "lat": float(r["lat"]) if r["lat"] else None,
            "lon": float(r["lon"]) if r["lon"] else None,
        }
        for r in _rows("regions.csv")
    ]
    # Provinces first, so that every parent exists before its children.
    regions.sort(key=lambda r: (r["parent_code"] is not None, r["code"]))
    _insert_missing(region, "code", regions)
    _insert_missing(sector, "slug", _rows("sectors.csv"))
    _insert_missing(theme, "slug", _rows("themes.csv"))


def downgrade():
    op.execute(theme.delete())
    op.execute(sector.delete())
    op.execute(region.delete().where(region.c.parent_code.is_not(None)))
    op.execute(region.delete())
