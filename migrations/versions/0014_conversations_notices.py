"""conversations and notices: a thread per replication, notices of every kind, preferences

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 15:00:00

- ``replication_message``: the messages of a replication's thread (the interest's message
  is the first); ``thread_read``: how far each participant has read a thread.
- ``inbox_item`` becomes the notice of every kind: it may hang on a replication, a case study
  or a message, and records how it is emailed (``delivery``: now, digest or off) and when.
- ``notice_preference``: a user's choice per kind; no row means the kind's default.
- ``user_account.language``: the language of the user's emails (the one they last used).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))

    op.create_table(
        "replication_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("replication_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("routed_to_editors", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["replication_id"],
            ["replication.id"],
            name=op.f("fk_replication_message_replication_id_replication"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_replication_message_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replication_message")),
    )
    with op.batch_alter_table("replication_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replication_message_replication_id"), ["replication_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_replication_message_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_replication_message_created_at"), ["created_at"], unique=False)

    op.create_table(
        "thread_read",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("replication_id", sa.Integer(), nullable=False),
        sa.Column("last_read_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_thread_read_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["replication_id"],
            ["replication.id"],
            name=op.f("fk_thread_read_replication_id_replication"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "replication_id", name=op.f("pk_thread_read")),
    )

    with op.batch_alter_table("inbox_item", schema=None) as batch_op:
        batch_op.alter_column("replication_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("innovation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("delivery", sa.String(length=10), server_default="off", nullable=False))
        batch_op.add_column(sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_inbox_item_innovation_id_innovation"),
            "innovation",
            ["innovation_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_inbox_item_message_id_replication_message"),
            "replication_message",
            ["message_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_inbox_item_innovation_id"), ["innovation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbox_item_message_id"), ["message_id"], unique=False)
        batch_op.create_index("ix_inbox_item_digest", ["delivery", "emailed_at"], unique=False)

    op.create_table(
        "notice_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.CheckConstraint("mode IN ('now', 'digest', 'off')", name=op.f("ck_notice_preference_mode")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_notice_preference_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notice_preference")),
    )


def downgrade():
    op.drop_table("notice_preference")
    # Notices that hang on no replication cannot go back into the old table.
    op.execute("DELETE FROM inbox_item WHERE replication_id IS NULL")
    with op.batch_alter_table("inbox_item", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_item_digest")
        batch_op.drop_index(batch_op.f("ix_inbox_item_message_id"))
        batch_op.drop_index(batch_op.f("ix_inbox_item_innovation_id"))
        batch_op.drop_constraint(batch_op.f("fk_inbox_item_message_id_replication_message"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_inbox_item_innovation_id_innovation"), type_="foreignkey")
        batch_op.drop_column("emailed_at")
        batch_op.drop_column("delivery")
        batch_op.drop_column("message_id")
        batch_op.drop_column("innovation_id")
        batch_op.alter_column("replication_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("thread_read")
    with op.batch_alter_table("replication_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replication_message_created_at"))
        batch_op.drop_index(batch_op.f("ix_replication_message_author_id"))
        batch_op.drop_index(batch_op.f("ix_replication_message_replication_id"))
    op.drop_table("replication_message")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("language")
