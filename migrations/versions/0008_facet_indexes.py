"""catalogue: narrow indexes for facet counts and the sector and theme filters

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 15:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_innovation_facets",
            ["region_code", "year", "stage", "digital", "replication_count", "owner_id"],
            unique=False,
        )
    with op.batch_alter_table("innovation_sector", schema=None) as batch_op:
        batch_op.create_index("ix_innovation_sector_by_sector", ["sector_id", "innovation_id"], unique=False)
    with op.batch_alter_table("innovation_theme", schema=None) as batch_op:
        batch_op.create_index("ix_innovation_theme_by_theme", ["theme_id", "innovation_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's planner knows nothing of a new index until ANALYZE (PostgreSQL's
        # autovacuum does this by itself); without it, it may keep scanning the rows.
        op.execute("ANALYZE")


def downgrade():
    with op.batch_alter_table("innovation_theme", schema=None) as batch_op:
        batch_op.drop_index("ix_innovation_theme_by_theme")
    with op.batch_alter_table("innovation_sector", schema=None) as batch_op:
        batch_op.drop_index("ix_innovation_sector_by_sector")
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.drop_index("ix_innovation_facets")
