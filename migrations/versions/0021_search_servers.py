"""several app servers on one database: each records how far its index applied the outbox

Revision ID: 0021
Revises: 0023
Create Date: 2026-12-05 05:15:00

- ``search_server``: one row per app server (its name, the last outbox id its index applied,
  when it last reported). ``flask search prune`` keeps what a live server has not applied.
- ``search_prune``: one row, the newest outbox id ever pruned; an index below it was left
  behind and is rebuilt (docs/decisions/0086).

The brief asked for ``down_revision = "0019"``; on this branch 0023 already follows 0019,
and the migrations must form one line, so this one follows 0023 until the merger re-chains it.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0023"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "search_server",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("applied", ID, nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_search_server")),
    )
    op.create_table(
        "search_prune",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("through", ID, nullable=False),
        sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_search_prune_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_prune")),
    )


def downgrade():
    op.drop_table("search_prune")
    op.drop_table("search_server")
