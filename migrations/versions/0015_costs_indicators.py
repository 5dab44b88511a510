"""costs, resources and impact indicators of case studies, and replications' own figures

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 16:00:00

- ``innovation`` gains the costs and resources of a case study: set-up and yearly cost
  (whole Rupiah), budget source, staff, months from decision to launch, three short
  prerequisites and whether a new regulation is needed (true, false or NULL: not known).
  The set-up cost is indexed: the catalogue filters and sorts on it (docs/decisions/0080).
- ``innovation_indicator``: impact indicators, before and after, several per case study.
- ``replication_indicator``: an adopter's own baseline and result for those indicators.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

BUDGET_SOURCES = "'apbd', 'apbn', 'dak', 'dana_desa', 'csr', 'other'"


def upgrade():
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("setup_cost", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("yearly_cost", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("budget_source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("staff_needed", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("months_to_launch", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("needs_infrastructure", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("needs_regulation_text", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("needs_partners", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("needs_new_regulation", sa.Boolean(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_innovation_budget_source"), f"budget_source IS NULL OR budget_source IN ({BUDGET_SOURCES})"
        )
        batch_op.create_check_constraint(op.f("ck_innovation_costs"), "setup_cost >= 0 AND yearly_cost >= 0")
        batch_op.create_index(batch_op.f("ix_innovation_setup_cost"), ["setup_cost"], unique=False)

    op.create_table(
        "innovation_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("innovation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=60), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=False),
        sa.Column("baseline_date", sa.String(length=10), nullable=True),
        sa.Column("result_value", sa.Float(), nullable=False),
        sa.Column("result_date", sa.String(length=10), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("higher_is_better", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(
            ["innovation_id"],
            ["innovation.id"],
            name=op.f("fk_innovation_indicator_innovation_id_innovation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_innovation_indicator")),
        sa.UniqueConstraint("innovation_id", "name", name=op.f("uq_innovation_indicator_innovation_id_name")),
    )
    with op.batch_alter_table("innovation_indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_innovation_indicator_innovation_id"), ["innovation_id"], unique=False)

    op.create_table(
        "replication_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("replication_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("baseline_date", sa.String(length=10), nullable=True),
        sa.Column("result_value", sa.Float(), nullable=True),
        sa.Column("result_date", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["innovation_indicator.id"],
            name=op.f("fk_replication_indicator_indicator_id_innovation_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replication_id"],
            ["replication.id"],
            name=op.f("fk_replication_indicator_replication_id_replication"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replication_indicator")),
        sa.UniqueConstraint(
            "replication_id", "indicator_id", name=op.f("uq_replication_indicator_replication_id_indicator_id")
        ),
    )
    with op.batch_alter_table("replication_indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replication_indicator_indicator_id"), ["indicator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_replication_indicator_replication_id"), ["replication_id"], unique=False)


def downgrade():
    with op.batch_alter_table("replication_indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replication_indicator_replication_id"))
        batch_op.drop_index(batch_op.f("ix_replication_indicator_indicator_id"))
    op.drop_table("replication_indicator")
    with op.batch_alter_table("innovation_indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_innovation_indicator_innovation_id"))
    op.drop_table("innovation_indicator")
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_innovation_setup_cost"))
        batch_op.drop_constraint(batch_op.f("ck_innovation_costs"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_innovation_budget_source"), type_="check")
        batch_op.drop_column("needs_new_regulation")
        batch_op.drop_column("needs_partners")
        batch_op.drop_column("needs_regulation_text")
        batch_op.drop_column("needs_infrastructure")
        batch_op.drop_column("months_to_launch")
        batch_op.drop_column("staff_needed")
        batch_op.drop_column("budget_source")
        batch_op.drop_column("yearly_cost")
        batch_op.drop_column("setup_cost")
