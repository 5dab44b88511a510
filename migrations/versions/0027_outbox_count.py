"""the search outbox says when only a replication count may have moved

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 03:30:00

- ``search_outbox.op`` admits ``count``: a change to an innovation's replications, which
  can move its replication count and nothing else of its index document (docs/decisions/
  0104). An index applies it as an ``upsert``. Downgrading records those rows as ``upsert``.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

OLD = "op IN ('upsert', 'delete')"
NEW = "op IN ('upsert', 'delete', 'count')"


def _check(condition):
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_search_outbox_op"), type_="check")
        batch_op.create_check_constraint(op.f("ck_search_outbox_op"), condition)


def upgrade():
    _check(NEW)


def downgrade():
    op.execute("UPDATE search_outbox SET op = 'upsert' WHERE op = 'count'")
    _check(OLD)
