"""images of network activities

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 05:00:00

- ``activity_image``: up to 12 pictures per network activity, kept as a case study's are
  (``activity_image``, 0017): in order, each with its alt text, caption and credit, and the
  SHA-256 names of its re-encoded sizes, blobs under ``UPLOAD_DIR/blobs`` (app/files,
  docs/decisions/0085).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "activity_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
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
        sa.CheckConstraint("format IN ('jpeg', 'png', 'webp')", name=op.f("ck_activity_image_format")),
        sa.CheckConstraint("number >= 1", name=op.f("ck_activity_image_number")),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activity.id"],
            name=op.f("fk_activity_image_activity_id_activity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_image")),
        sa.UniqueConstraint("activity_id", "name", name=op.f("uq_activity_image_activity_id_name")),
    )
    with op.batch_alter_table("activity_image", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_image_activity_id"), ["activity_id"], unique=False)


def downgrade():
    with op.batch_alter_table("activity_image", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_image_activity_id"))
    op.drop_table("activity_image")
