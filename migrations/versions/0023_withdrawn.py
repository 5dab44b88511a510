"""a submitted case study may be withdrawn by its authors

Revision ID: 0023
Revises: 0020
Create Date: 2026-12-05 05:00:00

- ``innovation_revision.action`` admits ``withdrawn``: the step that takes a submitted case
  study back to a draft (issue 17). Downgrading records those revisions as ``edited``, the
  nearest action the older schema knows, with the comment kept.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0020"
branch_labels = None
depends_on = None

OLD = (
    "action IN ('imported', 'baseline', 'created', 'edited', 'submitted', 'returned', 'published', 'archived', "
    "'restored', 'awarded')"
)
NEW = (
    "action IN ('imported', 'baseline', 'created', 'edited', 'submitted', 'returned', 'published', 'archived', "
    "'restored', 'awarded', 'withdrawn')"
)


def _check(condition):
    with op.batch_alter_table("innovation_revision", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_innovation_revision_action"), type_="check")
        batch_op.create_check_constraint(op.f("ck_innovation_revision_action"), condition)


def upgrade():
    _check(NEW)


def downgrade():
    op.execute("UPDATE innovation_revision SET action = 'edited' WHERE action = 'withdrawn'")
    _check(OLD)
