"""images of case studies

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 09:00:00

- ``innovation_image``: up to 12 pictures per case study, in order, each with its alt text,
  caption and credit, and the SHA-256 names of its re-encoded sizes (thumbnail and page,
  each as WebP and in the original format), kept as blobs under ``UPLOAD_DIR/blobs``
  (app/files, docs/decisions/0082).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "innovation_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("innovation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("alt", sa.String(length=250), nullable=False),
        sa.Column("caption", sa.String(length=500), nullable=True),
        sa.Column("credit", sa.String(length=200), nullable=True),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("page_sha256", sa.String(length=64), nullable=False),
        sa.Column("page_webp_sha256", sa.String(length=64), nullable=False),
        sa.Column("thumb_sha256", sa.String(length=64), nullable=False),
        sa.Column("thumb_webp_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("format IN ('jpeg', 'png', 'webp')", name=op.f("ck_innovation_image_format")),
        sa.CheckConstraint("number >= 1", name=op.f("ck_innovation_image_number")),
        sa.ForeignKeyConstraint(
            ["innovation_id"],
            ["innovation.id"],
            name=op.f("fk_innovation_image_innovation_id_innovation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_innovation_image")),
        sa.UniqueConstraint("innovation_id", "name", name=op.f("uq_innovation_image_innovation_id_name")),
    )
    with op.batch_alter_table("innovation_image", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_innovation_image_innovation_id"), ["innovation_id"], unique=False)


def downgrade():
    with op.batch_alter_table("innovation_image", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_innovation_image_innovation_id"))
    op.drop_table("innovation_image")
