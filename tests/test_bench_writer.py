"""The mixed load run's writer (bench/synthetic.py write) puts back the replications it moved,
so that every run's writes have the same effect (bench/RESULTS.md, issue 16)."""

import sqlalchemy as sa

from app.catalog.models import Innovation
from app.replication import services
from app.replication.models import Replication, ReplicationEvent
from bench.synthetic import write_command
from tests import factories


def _state(db):
    db.session.remove()
    replications = db.session.execute(
        sa.select(Replication.id, Replication.stage, Replication.discontinued_reason).order_by(Replication.id)
    ).all()
    counts = db.session.execute(sa.select(Innovation.id, Innovation.replication_count).order_by(Innovation.id)).all()
    events = db.session.scalar(sa.select(sa.func.count(ReplicationEvent.id)))
    return [tuple(r) for r in replications], [tuple(c) for c in counts], events


def test_the_writer_puts_back_what_it_moved_unless_told_to_keep_it(app, db):
    innovation = factories.innovation("Sintetis Satu", region="33.02")
    for code, stage in (("35.07", "planned"), ("35.08", "committed"), ("33.29", "interest")):
        services.create(innovation, factories.owner("regency", code), stage, batch=True, notify=False)
    services.refresh_count(innovation)
    db.session.commit()
    before = _state(db)
    write_command.callback(seconds=0.6, every=0.1, seed=3, keep=False)
    assert _state(db) == before
    write_command.callback(seconds=0.6, every=0.1, seed=3, keep=True)
    stages, counts, events = _state(db)
    assert stages != before[0] and events > before[2]  # moved, and kept so
    assert counts != before[1]  # a replication reached piloting: the case study counts it
