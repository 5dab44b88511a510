"""page cache: what each data generation changed, so that a write drops only the pages it affects

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 08:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cache_change",
        sa.Column("generation", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("generation", name=op.f("pk_cache_change")),
    )


def downgrade():
    op.drop_table("cache_change")
