"""documents attached to case studies

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 12:00:00

- ``innovation_document``: up to 20 documents per case study (SOPs, regulations, forms,
  budget sheets, presentations, reports), in order, each with its kind, title, description,
  a regulation's type, number and year, its format (checked by content), size, the SHA-256
  of its bytes kept as a blob under ``UPLOAD_DIR/blobs`` (app/files) and the text found in a
  PDF or DOCX for search (docs/decisions/0083).
- ``document_download``: how often each was downloaded, apart from the document's row so
  that a download is no change to public data (the page cache keeps its generation).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "innovation_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("innovation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("regulation_type", sa.String(length=100), nullable=True),
        sa.Column("regulation_number", sa.String(length=60), nullable=True),
        sa.Column("regulation_year", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "format IN ('pdf', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'csv')", name=op.f("ck_innovation_document_format")
        ),
        sa.CheckConstraint(
            "kind IN ('sop', 'regulation', 'form', 'budget', 'presentation', 'report', 'other')",
            name=op.f("ck_innovation_document_kind"),
        ),
        sa.CheckConstraint("number >= 1", name=op.f("ck_innovation_document_number")),
        sa.CheckConstraint("size > 0", name=op.f("ck_innovation_document_size")),
        sa.ForeignKeyConstraint(
            ["innovation_id"],
            ["innovation.id"],
            name=op.f("fk_innovation_document_innovation_id_innovation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_innovation_document")),
        sa.UniqueConstraint("innovation_id", "name", name=op.f("uq_innovation_document_innovation_id_name")),
    )
    with op.batch_alter_table("innovation_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_innovation_document_innovation_id"), ["innovation_id"], unique=False)

    op.create_table(
        "document_download",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["innovation_document.id"],
            name=op.f("fk_document_download_document_id_innovation_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_download")),
    )


def downgrade():
    op.drop_table("document_download")
    with op.batch_alter_table("innovation_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_innovation_document_innovation_id"))
    op.drop_table("innovation_document")
