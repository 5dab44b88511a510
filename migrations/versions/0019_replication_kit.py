"""the replication kit of case studies

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 18:00:00

- ``innovation`` gains the replication kit (docs/decisions/0084): ``kit_steps``, the steps
  to copy the case study, each ``{"step", "weeks"}`` (at most 15), and ``kit_pitfalls``, the
  pitfalls to avoid (at most 10), both JSON lists as the file format holds them. No query
  filters on them: they are read with the case study, so JSON columns rather than tables.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kit_steps", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("kit_pitfalls", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.drop_column("kit_pitfalls")
        batch_op.drop_column("kit_steps")
