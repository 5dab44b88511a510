"""What writing the checked rows of a replication CSV would do, worked out before anything
is written, so that the import's preview can say it row by row (docs/decisions/0043).

Rows hold the fields the file carries, keyed as ``services.update`` takes them; a field
that is not in a row is left as it is. Reading only: nothing here changes a replication.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.replication import services
from app.replication.labels import STAGE_LABELS
from app.replication.models import STAGES, Replication, stage_dates_column

DATE_FIELDS = tuple(stage_dates_column(s) for s in STAGES)
# The service takes a network's id; the file and the history name the network.
_NAMES = {"network_id": "network"}


@dataclass
class RowPlan:
    """What writing one row would do: ``create``, ``change`` (the ``fields`` that differ,
    named as the file's columns) or leave it the ``same``."""

    row: int
    values: dict
    action: str
    fields: list[str] = field(default_factory=list)


def existing(rows):
    """The stored replications the rows name, by (innovation id, adopter id)."""
    query = (
        sa.select(Replication)
        .where(Replication.innovation_id.in_({row["innovation"].id for row in rows}))
        .options(selectinload(Replication.adopter_unit), selectinload(Replication.network))
    )
    return {(r.innovation_id, r.adopter_id): r for r in db.session.scalars(query)}


def plan(rows):
    """``(plans, problems)``: a RowPlan for each row (numbered from 2, after the header), and
    as ``(row, column, message)`` what the service would refuse (a stage move backwards, a
    discontinuation without a reason), so that the preview stops it instead of the write.

    This mirrors how ``services.create`` and ``services.update`` apply a row;
    tests/test_csv_properties.py checks that the fields named here are exactly the ones the
    history then records.
    """
    stored = existing(rows)
    plans, problems = [], []
    for number, row in enumerate(rows, start=2):
        current = stored.get((row["innovation"].id, row["adopter"].id))
        stage = row["stage"]
        if current is None:
            after = {"discontinued_reason": row.get("discontinued_reason")}
            plans.append(RowPlan(number, row, "create"))
        else:
            if stage != current.stage and stage not in services.allowed_stages(current):
                message = _("Tahap tidak dapat berpindah dari %(old)s ke %(new)s.", old=STAGE_LABELS[current.stage],
                            new=STAGE_LABELS[stage])  # fmt: skip
                problems.append((number, "stage", message))
            before = _values(current)
            after = _apply(before, row)
            changed = [name for name in before if after[name] != before[name]]
            plans.append(RowPlan(number, row, "change" if changed else "same", changed))
        if stage == "discontinued" and not (after["discontinued_reason"] or "").strip():
            problems.append((number, "discontinued_reason", _("Sebutkan alasan penghentian.")))
    return plans, problems


def _values(replication):
    """The stored values as the service compares them, in the order of services.FIELDS."""
    values = {"stage": replication.stage}
    for name in services.FIELDS:
        if name == "network_id":
            values["network"] = replication.network_id
        elif name == "adopter_unit":
            values[name] = replication.adopter_unit.name if replication.adopter_unit else None
        elif name == "notes":
            values[name] = replication.notes_md or None
        else:
            values[name] = getattr(replication, name)
    return values


def _apply(before, row):
    """The values after the service applied ``row`` (see services.update)."""
    after = dict(before)
    dates = {name: row[name] for name in DATE_FIELDS if row.get(name) is not None}
    stage = row["stage"]
    if stage != before["stage"]:
        after["stage"] = stage
        after[stage_dates_column(stage)] = dates.pop(stage_dates_column(stage), None) or datetime.now(UTC).date()
        if stage != "discontinued":
            after["discontinued_reason"] = None
    after.update(dates)
    for name in services.FIELDS:
        if name in DATE_FIELDS or name not in row:
            continue
        value = row[name]
        if name == "adopter_unit":
            value = " ".join((value or "").split())
        after[_NAMES.get(name, name)] = None if value == "" else value
    return after
