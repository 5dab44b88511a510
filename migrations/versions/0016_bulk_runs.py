"""bulk runs: replication CSV imports and award results, done by a background job

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 17:30:00

- ``bulk_run``: what a person confirmed (the file or list, its form values) and what the
  job that did it wrote or refused (docs/decisions/0081).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bulk_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'done', 'refused', 'failed')", name=op.f("ck_bulk_run_status")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("bulk_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bulk_run_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bulk_run_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_bulk_run_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("bulk_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bulk_run_created_at"))
        batch_op.drop_index(batch_op.f("ix_bulk_run_status"))
        batch_op.drop_index(batch_op.f("ix_bulk_run_user_id"))
    op.drop_table("bulk_run")
