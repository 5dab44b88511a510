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
    write_command.callback(seconds=0.6, every=0.1, seed=3, keep=False, counts=False)
    assert _state(db) == before
    write_command.callback(seconds=0.6, every=0.1, seed=3, keep=True, counts=False)
    stages, counts, events = _state(db)
    assert stages != before[0] and events > before[2]  # moved, and kept so
    assert counts != before[1]  # a replication reached piloting: the case study counts it


def test_with_counts_the_writer_moves_only_replications_whose_move_counts(app, db):
    """``--counts``: every stage change takes a committed replication to piloting, the first
    stage counted as replicated, so each one moves its case study's count."""
    planned = []
    for number, (code, other) in enumerate((("35.07", "33.01"), ("35.08", "33.03"), ("33.29", "33.04"))):
        innovation = factories.innovation(f"Sintetis {number}", region="33.02")
        services.create(innovation, factories.owner("regency", code), "committed", batch=True, notify=False)
        planned.append(services.create(innovation, factories.owner("regency", other), "planned", notify=False).id)
        services.refresh_count(innovation)
    db.session.commit()
    write_command.callback(seconds=0.6, every=0.1, seed=3, keep=True, counts=True)
    db.session.remove()
    stages = dict(db.session.execute(sa.select(Replication.id, Replication.stage)).all())
    assert [stages[i] for i in planned] == ["planned"] * 3
    assert {stages[i] for i in stages if i not in planned} - {"committed"}, "no committed replication moved"
    counted = sa.select(sa.func.count(Replication.id)).where(
        Replication.innovation_id == Innovation.id,
        Replication.stage.in_(("piloting", "implemented", "institutionalized")),
    )
    rows = db.session.execute(sa.select(Innovation.replication_count, counted.scalar_subquery())).all()
    assert all(count == expected for count, expected in rows) and sum(count for count, _ in rows) > 0
