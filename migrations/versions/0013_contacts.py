"""contacts: the people to talk to about an innovation, several per case study

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 21:00:00

``innovation_contact`` holds one row per contact person (name, position, unit, email,
phone, reachable on WhatsApp, the day last confirmed), in the order the case study lists
them. The one contact a case study held in ``innovation.contact_*`` becomes its first row,
and those columns go (docs/decisions/0060).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "innovation_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("innovation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("unit", sa.String(length=300), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("whatsapp", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["innovation_id"],
            ["innovation.id"],
            name=op.f("fk_innovation_contact_innovation_id_innovation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_innovation_contact")),
        sa.UniqueConstraint("innovation_id", "number", name=op.f("uq_innovation_contact_innovation_id_number")),
    )
    with op.batch_alter_table("innovation_contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_innovation_contact_innovation_id"), ["innovation_id"], unique=False)

    # The old single contact becomes contact 1 (a contact needs a name: one without keeps
    # its email or phone as the name, so nothing typed is lost).
    op.execute(
        "INSERT INTO innovation_contact (innovation_id, number, name, email, phone, whatsapp) "
        "SELECT id, 1, SUBSTR(COALESCE(contact_name, contact_email, contact_phone), 1, 200), contact_email, contact_phone, false "
        "FROM innovation WHERE COALESCE(contact_name, contact_email, contact_phone) IS NOT NULL"
    )
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.drop_column("contact_phone")
        batch_op.drop_column("contact_email")
        batch_op.drop_column("contact_name")


def downgrade():
    with op.batch_alter_table("innovation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=40), nullable=True))
    # The first contact goes back into the columns; the others cannot.
    for column in ("name", "email", "phone"):
        op.execute(
            f"UPDATE innovation SET contact_{column} = (SELECT c.{column} FROM innovation_contact c "  # noqa: S608
            "WHERE c.innovation_id = innovation.id ORDER BY c.number LIMIT 1)"
        )
    with op.batch_alter_table("innovation_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_innovation_contact_innovation_id"))
    op.drop_table("innovation_contact")
