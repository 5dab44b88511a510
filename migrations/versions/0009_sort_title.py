"""catalogue: titles sort by a stored key, the same in SQL and in the search index

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 18:00:00

"""

import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SORT_TEXT = sa.String(300).with_variant(sa.String(300, collation="C"), "postgresql")


def _sort_key(title):
    # A copy of app.catalog.models.sort_key as it was when this migration was written.
    text = unicodedata.normalize("NFKD", " ".join((title or "").split()))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()[:300]


def upgrade():
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sort_title", SORT_TEXT, server_default="", nullable=False))
    bind = op.get_bind()
    innovation = sa.table("innovation", sa.column("id", sa.Integer), sa.column("title"), sa.column("sort_title"))
    rows = bind.execute(sa.select(innovation.c.id, innovation.c.title)).all()
    for start in range(0, len(rows), 1000):
        bind.execute(
            innovation.update().where(innovation.c.id == sa.bindparam("row_id")).values(sort_title=sa.bindparam("key")),
            [{"row_id": row.id, "key": _sort_key(row.title)} for row in rows[start : start + 1000]],
        )
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.create_index("ix_innovation_sort_title", ["sort_title", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.drop_index("ix_innovation_sort_title")
        batch_op.drop_column("sort_title")
