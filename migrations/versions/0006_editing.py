"""editing: status, version and authorship of innovations; their revisions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 13:10:06.086945

Existing innovations were imported, so they become ``published`` at version 1 (server
defaults) and have no revision yet: the first change on the site records the state it
starts from (docs/decisions/0031).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

STATUSES = "status IN ('draft', 'submitted', 'published', 'returned', 'archived')"
ACTIONS = (
    "action IN ('imported', 'baseline', 'created', 'edited', 'submitted', 'returned', 'published', 'archived', "
    "'restored', 'awarded')"
)


def upgrade():
    op.create_table(
        "innovation_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("innovation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("status_from", sa.String(length=16), nullable=True),
        sa.Column("status_to", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("snapshot_json", sa.Text(), nullable=False),
        sa.CheckConstraint(ACTIONS, name=op.f("ck_innovation_revision_action")),
        sa.ForeignKeyConstraint(
            ["innovation_id"],
            ["innovation.id"],
            name=op.f("fk_innovation_revision_innovation_id_innovation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_innovation_revision_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_innovation_revision")),
        sa.UniqueConstraint("innovation_id", "number", name=op.f("uq_innovation_revision_innovation_id_number")),
    )
    with op.batch_alter_table("innovation_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_innovation_revision_innovation_id"), ["innovation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_innovation_revision_user_id"), ["user_id"], unique=False)

    # Server defaults so that the innovations already imported migrate: published, version 1.
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), server_default="published", nullable=False))
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_index(batch_op.f("ix_innovation_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_innovation_created_by_id_user_account"),
            "user_account",
            ["created_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(op.f("ck_innovation_status"), STATUSES)
        batch_op.create_index(
            "ix_innovation_unpublished",
            ["status"],
            unique=False,
            postgresql_where=sa.text("status != 'published'"),
            sqlite_where=sa.text("status != 'published'"),
        )


def downgrade():
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.drop_index("ix_innovation_unpublished")
        batch_op.drop_constraint(batch_op.f("ck_innovation_status"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_innovation_created_by_id_user_account"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_innovation_created_by_id"))
        batch_op.drop_column("version")
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("edited_at")
        batch_op.drop_column("status")

    with op.batch_alter_table("innovation_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_innovation_revision_user_id"))
        batch_op.drop_index(batch_op.f("ix_innovation_revision_innovation_id"))

    op.drop_table("innovation_revision")
