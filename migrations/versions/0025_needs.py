"""needs: a region's problem in its own words, suggestions by hand, the replication it led to

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-05 08:00:00

- ``need``: an owner's problem (title, the problem, who is affected, constraints, deadline),
  who may read it (``visibility``: public, signed_in, networks) and where it stands
  (``status``: open, discussing, matched, closed), with the innovation chosen and the
  replication it led to (docs/decisions/0090).
- ``need_sector``: its sectors; ``need_suggestion``: case studies suggested by hand.
- ``replication.need_id``: the need an interest was expressed from, if any.
- ``inbox_item.need_id``: a notice about a need (a case study suggested for it).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("affected", sa.Text(), nullable=False),
        sa.Column("budget", sa.String(length=16), nullable=True),
        sa.Column("connectivity", sa.String(length=16), nullable=True),
        sa.Column("staff", sa.String(length=16), nullable=True),
        sa.Column("terrain", sa.String(length=200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("innovation_id", sa.Integer(), nullable=True),
        sa.Column("replication_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("visibility IN ('public', 'signed_in', 'networks')", name=op.f("ck_need_visibility")),
        sa.CheckConstraint("status IN ('open', 'discussing', 'matched', 'closed')", name=op.f("ck_need_status")),
        sa.CheckConstraint(
            "budget IS NULL OR budget IN ('lt50jt', '50-500jt', 'gt500jt')", name=op.f("ck_need_budget")
        ),
        sa.CheckConstraint(
            "connectivity IS NULL OR connectivity IN ('none', 'weak', 'good')", name=op.f("ck_need_connectivity")
        ),
        sa.CheckConstraint("staff IS NULL OR staff IN ('few', 'some', 'enough')", name=op.f("ck_need_staff")),
        sa.ForeignKeyConstraint(["owner_id"], ["owner.id"], name=op.f("fk_need_owner_id_owner"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_need_author_id_user_account"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["innovation_id"], ["innovation.id"], name=op.f("fk_need_innovation_id_innovation"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["replication_id"], ["replication.id"], name="fk_need_replication_id_replication", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need")),
    )
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_visibility"), ["visibility"], unique=False)
        batch_op.create_index("ix_need_list", ["status", "created_at"], unique=False)

    op.create_table(
        "need_sector",
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("sector_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["need_id"], ["need.id"], name=op.f("fk_need_sector_need_id_need"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sector_id"], ["sector.id"], name=op.f("fk_need_sector_sector_id_sector")),
        sa.PrimaryKeyConstraint("need_id", "sector_id", name=op.f("pk_need_sector")),
    )
    with op.batch_alter_table("need_sector", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_sector_sector_id"), ["sector_id"], unique=False)

    op.create_table(
        "need_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("innovation_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_need_suggestion_need_id_need"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["innovation_id"],
            ["innovation.id"],
            name=op.f("fk_need_suggestion_innovation_id_innovation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user_account.id"],
            name=op.f("fk_need_suggestion_added_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_suggestion")),
        sa.UniqueConstraint("need_id", "innovation_id", name=op.f("uq_need_suggestion_need_id_innovation_id")),
    )
    with op.batch_alter_table("need_suggestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_suggestion_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_suggestion_innovation_id"), ["innovation_id"], unique=False)

    with op.batch_alter_table("replication", schema=None) as batch_op:
        batch_op.add_column(sa.Column("need_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_replication_need_id"), ["need_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_replication_need_id_need"), "need", ["need_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("inbox_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("need_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_inbox_item_need_id"), ["need_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_inbox_item_need_id_need"), "need", ["need_id"], ["id"], ondelete="CASCADE"
        )


def downgrade():
    with op.batch_alter_table("inbox_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_inbox_item_need_id_need"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_inbox_item_need_id"))
        batch_op.drop_column("need_id")

    with op.batch_alter_table("replication", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_replication_need_id_need"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_replication_need_id"))
        batch_op.drop_column("need_id")

    op.drop_table("need_suggestion")
    op.drop_table("need_sector")
    op.drop_table("need")
