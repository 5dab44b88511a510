"""the search outbox says when only a replication count may have moved

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 03:30:00

- ``search_outbox.op`` admits ``count``: a change to an innovation's replications, which
  can move its replication count and nothing else of its index document (docs/decisions/
  0104). An index applies it as an ``upsert``. Downgrading records those rows as ``upsert``.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

OLD = "op IN ('upsert', 'delete')"
NEW = "op IN ('upsert', 'delete', 'count')"


def _check(condition):
    # SQLite rebuilds the table: it must stay AUTOINCREMENT (0003: ids keep growing after a
    # prune, since every index remembers the last id it applied), and keep its counter, which
    # a rebuilt table would start again from the highest id left in it.
    bind = op.get_bind()
    counter = None
    if bind.dialect.name == "sqlite":
        counter = bind.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'search_outbox'").scalar()
    with op.batch_alter_table("search_outbox", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(op.f("ck_search_outbox_op"), type_="check")
        batch_op.create_check_constraint(op.f("ck_search_outbox_op"), condition)
    if counter is not None:
        if bind.exec_driver_sql("SELECT count(*) FROM sqlite_sequence WHERE name = 'search_outbox'").scalar():
            bind.exec_driver_sql(
                "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'search_outbox'", (counter,)
            )
        else:
            bind.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES ('search_outbox', ?)", (counter,))


def upgrade():
    _check(NEW)


def downgrade():
    op.execute("UPDATE search_outbox SET op = 'upsert' WHERE op = 'count'")
    _check(OLD)
