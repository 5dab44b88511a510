"""a replication names the network activity that produced it

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-05 06:00:00

- ``replication.activity_id``: the facilitating network's activity (a learning visit, a
  replication forum) that led to the replication (issue 17), optional; an activity removed
  leaves the replication without one.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("replication", schema=None) as batch_op:
        batch_op.add_column(sa.Column("activity_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_replication_activity_id"), ["activity_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_replication_activity_id_activity"), "activity", ["activity_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("replication", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_replication_activity_id_activity"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_replication_activity_id"))
        batch_op.drop_column("activity_id")
