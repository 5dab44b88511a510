"""Data changes of replications: create, move through stages, record history, notify.

Services flush and never commit; the caller commits once. Every rule lives here so that
the forms, the CSV import and the command line obey the same ones.
"""

import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app import changes
from app.catalog import list_scope
from app.catalog.models import Innovation, Institution
from app.changes import Refused
from app.datagen import scopes
from app.datagen.generation import bump, changes_everything
from app.extensions import db
from app.networks.models import Activity, Network
from app.notices import service as notices
from app.rendering import render_markdown
from app.replication import conversation
from app.replication.labels import STAGE_LABELS
from app.replication.models import (
    PROGRESS,
    REPLICATED,
    STAGES,
    Replication,
    ReplicationEvent,
    stage_dates_column,
)

# What a form or a CSV row may set besides the stage: these, and the date of any stage.
FIELDS = (
    "local_name", "transfer_mode", "network_id", "adopter_unit", "budget_source", "legal_basis",
    "evidence", "notes", "outcome_value", "outcome_unit", "discontinued_reason", "activity_id",
    *(stage_dates_column(s) for s in STAGES),
)  # fmt: skip


class ReplicationError(Refused):
    """A change the rules do not allow; ``field`` names the form field it concerns."""


class Conflict(changes.Conflict):
    """Someone else saved the replication first; ``current`` is what they saved."""

    def __init__(self, current):
        super().__init__("replication changed since it was loaded")
        self.current = current


def allowed_stages(replication):
    """Stages a replication may move to: forward (skipping allowed), discontinued, or, once
    discontinued, reopened at any stage of progress."""
    if replication is None:
        return [*PROGRESS, "discontinued"]
    if replication.stage == "discontinued":
        return list(PROGRESS)
    here = PROGRESS.index(replication.stage)
    return [*PROGRESS[here + 1 :], "discontinued"]


def _today():
    return datetime.now(UTC).date()


def _check_stage_date(stage, when):
    if when is None:
        return _today()
    if when > _today():
        raise ReplicationError(_l("Tanggal tahap tidak boleh di masa depan."), field="stage_date")
    if when.year < 1990:
        raise ReplicationError(_l("Tanggal tahap terlalu lama di masa lalu."), field="stage_date")
    return when


def create(innovation, adopter, stage, *, user=None, stage_date=None, note=None, batch=False, notify=True, **fields):
    """A new replication of ``innovation`` by ``adopter``, at ``stage``.

    ``batch`` (bulk imports): the caller has checked for duplicates and recounts at the end.
    """
    if adopter.id == innovation.owner_id:
        raise ReplicationError(_l("Pemilik inovasi tidak dapat mereplikasi inovasinya sendiri."), field="adopter")
    already = _l("%(adopter)s sudah tercatat mereplikasi inovasi ini.", adopter=adopter.name)
    existing = None if batch else find(innovation, adopter)
    if existing is not None:
        raise ReplicationError(already, field="adopter")
    if stage not in allowed_stages(None):
        raise ReplicationError(_l("Tahap tidak dikenal."), field="stage")
    replication = Replication(innovation=innovation, adopter=adopter, stage=stage, created_by_id=_id(user))
    db.session.add(replication)
    when = stage_date or fields.pop(stage_dates_column(stage), None)
    with db.session.no_autoflush:  # one UPDATE per change: the version counts changes
        _apply_fields(replication, fields)
    if stage == "discontinued" and not (replication.discontinued_reason or "").strip():
        raise ReplicationError(_l("Sebutkan alasan penghentian."), field="discontinued_reason")
    setattr(replication, stage_dates_column(stage), _check_stage_date(stage, when))
    try:
        _record(replication, user, None, stage, {"created": [None, stage]}, note, flush=not batch)
    except IntegrityError as error:
        # Two people logged the same adopter at the same moment: the unique constraint
        # decided, and the second gets the answer they would have had a second later.
        if "innovation_id" not in str(error.orig) and "uq_replication" not in str(error.orig):
            raise
        raise ReplicationError(already, field="adopter") from error
    if not batch:
        refresh_count(innovation)
    if notify:
        db.session.flush()
        notify_stage(replication, user)
    return replication


def find(innovation, adopter):
    """The replication of ``innovation`` by ``adopter``, if one is recorded."""
    return db.session.scalar(
        sa.select(Replication).where(Replication.innovation_id == innovation.id, Replication.adopter_id == adopter.id)
    )


def update(replication, *, user, expected_version, stage=None, stage_date=None, note=None, notify=True, **fields):
    """Change a replication; a stage move must be allowed. Raises Conflict when
    ``expected_version`` is not the stored version (someone saved in between)."""
    if replication.version != expected_version:
        raise Conflict(replication)
    before = _snapshot(replication)
    old_stage = replication.stage
    if stage and stage != old_stage:
        if stage not in allowed_stages(replication):
            raise ReplicationError(
                _l(
                    "Tahap tidak dapat berpindah dari %(old)s ke %(new)s.",
                    old=STAGE_LABELS[old_stage],
                    new=STAGE_LABELS[stage],
                ),
                field="stage",
            )
        replication.stage = stage
        when = stage_date or fields.pop(stage_dates_column(stage), None)
        setattr(replication, stage_dates_column(stage), _check_stage_date(stage, when))
        if stage != "discontinued":
            replication.discontinued_reason = None
    with db.session.no_autoflush:  # one UPDATE per change: the version counts changes
        _apply_fields(replication, fields)
    if replication.stage == "discontinued" and not (replication.discontinued_reason or "").strip():
        raise ReplicationError(_l("Sebutkan alasan penghentian."), field="discontinued_reason")
    changes = {k: [before[k], v] for k, v in _snapshot(replication).items() if before[k] != v}
    if not changes and not note:
        return replication
    try:
        db.session.flush()
    except StaleDataError as error:
        # Another transaction saved between our read and our write: the caller rolls back
        # and shows the stored version.
        raise Conflict(None) from error
    _record(replication, user, old_stage, replication.stage, changes, note)
    refresh_count(replication.innovation)
    if notify and replication.stage != old_stage:
        notify_stage(replication, user)
    return replication


def express_interest(user, innovation, message):
    """An official says "we want to replicate this", with a message: an ``interest``
    replication for their owner (a withdrawn one is reopened), whose thread starts with the
    message, and a notice to the people who can help (the editors when nobody else can)."""
    if not user.can("innovation.express_interest", innovation):
        raise ReplicationError(_l("Hanya pejabat yang terdaftar pada sebuah instansi dapat menyatakan minat."))
    conversation.check_body(message)
    existing = find(innovation, user.owner)
    if existing is not None and existing.stage == "discontinued":
        replication = update(existing, user=user, expected_version=existing.version, stage="interest", notify=False)
    else:
        replication = create(innovation, user.owner, "interest", user=user, notify=False)
    conversation.post(replication, user, message, kind="interest")
    return replication


def withdraw(replication, user, *, expected_version):
    """The adopter takes its interest back: the replication is discontinued, with the reason."""
    if not user.can("replication.withdraw", replication):
        raise changes.NotAllowed(_l("Minat ini tidak dapat ditarik lagi."))
    reason = str(_l("Minat ditarik oleh daerah yang mereplikasi."))
    return update(
        replication, user=user, expected_version=expected_version, stage="discontinued", discontinued_reason=reason
    )


def notify_stage(replication, user):
    """Tell everyone in the replication's thread but ``user`` that its stage changed."""
    notify_stages([replication], user)


def notify_stages(replications, user, lookups=None):
    """``notify_stage`` for each of ``replications``, in one flush; ``lookups``
    (conversation.Lookups) remembers who takes part from one replication to the next."""
    each = []
    for replication in replications:
        people = [r.user for r in conversation.participants(replication, lookups) if r.user.id != _id(user)]
        each.append((people, {"replication": replication}))
    notices.notify_each("stage", each, modes=lookups.modes if lookups else None)


def refresh_count(innovation):
    """Recount the adopters with whom the innovation runs (kept on the innovation).

    The innovation's row is locked first, so two replications changing at once cannot
    both count before either has committed (PostgreSQL; SQLite writes one at a time). The
    count is written with a plain UPDATE: it is derived data, not an edit of the case
    study, so it must not bump the case study's edit version or clash with an edit.
    """
    before = db.session.scalar(
        sa.select(Innovation.replication_count).where(Innovation.id == innovation.id).with_for_update()
    )
    count = db.session.scalar(
        sa.select(sa.func.count(Replication.id)).where(
            Replication.innovation_id == innovation.id, Replication.stage.in_(REPLICATED)
        )
    )
    # What the page cache drops (docs/decisions/0091, 0102): when the count moved, this case
    # study's page and cards, the figures over every count, and the lists of the catalogue
    # the move can change; else nothing.
    tags = set()
    if count != before:
        # The generation first, so that the facts the tags carry are read after every write
        # committed before this one (list_scope.count_moved).
        tags = {scopes.innovation(innovation.id), scopes.COUNTS}
        bump(db.session, tags)
        if not changes_everything(db.session):  # else (a bulk import, say) its facts would add nothing
            tags = list_scope.count_moved(db.session, innovation.id, before, count)
    db.session.execute(
        sa.update(Innovation.__table__)
        .where(Innovation.__table__.c.id == innovation.id)
        .values(replication_count=count),
        execution_options={"cache_tags": tags},
    )
    set_committed_value(innovation, "replication_count", count)


def _apply_fields(replication, fields):
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown replication fields: {sorted(unknown)}")
    # The activity last: it must belong to the network, which may change in the same edit.
    for name, value in sorted(fields.items(), key=lambda item: item[0] == "activity_id"):
        if name == "activity_id":
            replication.activity = _activity(replication, value)
        elif name == "notes":
            replication.notes_md = value or ""
            replication.notes_html = render_markdown(value or "")
        elif name == "adopter_unit":
            replication.adopter_unit = _unit(replication.adopter, value)
        elif name == "network_id":
            network = db.session.get(Network, value) if value else None
            if network is not None and network is not replication.network:
                _check_facilitator(replication, network)
            replication.network = network
        else:
            setattr(replication, name, value if value not in ("",) else None)


def _activity(replication, activity_id):
    """The activity named as the one that produced the replication: one of its facilitating
    network's (a replication without a network names none)."""
    if not activity_id:
        return None
    activity = db.session.get(Activity, activity_id)
    if activity is None or replication.network is None or activity.network_id != replication.network.id:
        raise ReplicationError(
            _l("Pilih kegiatan jaringan yang memfasilitasi replikasi ini, atau kosongkan."), field="activity"
        )
    return activity


def _check_facilitator(replication, network):
    """A network facilitates a replication only if the adopter or the origin is its member:
    naming it puts the replication in its public pipeline and in its coordinators' hands."""
    from app.accounts.permissions import networks_of

    if network.id not in networks_of(replication.adopter.id, replication.innovation.owner_id):
        message = _l(
            "%(network)s tidak beranggotakan daerah yang mereplikasi maupun pemilik inovasinya.", network=network.name
        )
        raise ReplicationError(message, field="network")


def _unit(owner, name):
    name = " ".join((name or "").split())
    if not name:
        return None
    found = db.session.scalar(sa.select(Institution).where(Institution.owner_id == owner.id, Institution.name == name))
    return found or Institution(owner=owner, name=name)


def _snapshot(replication):
    return {
        "stage": replication.stage,
        "local_name": replication.local_name,
        "transfer_mode": replication.transfer_mode,
        "network": replication.network.slug if replication.network else None,
        "activity": replication.activity.title if replication.activity else None,
        "adopter_unit": replication.adopter_unit.name if replication.adopter_unit else None,
        "budget_source": replication.budget_source,
        "legal_basis": replication.legal_basis,
        "evidence": replication.evidence,
        "notes": replication.notes_md or None,
        "outcome_value": replication.outcome_value,
        "outcome_unit": replication.outcome_unit,
        "discontinued_reason": replication.discontinued_reason,
        **{stage_dates_column(s): _iso(replication.stage_date(s)) for s in (*PROGRESS, "discontinued")},
    }


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def _record(replication, user, from_stage, to_stage, changes, note, flush=True):
    db.session.add(
        ReplicationEvent(
            replication=replication,
            user_id=_id(user),
            from_stage=from_stage,
            to_stage=to_stage,
            changes_json=json.dumps(changes, ensure_ascii=False, sort_keys=True, default=str),
            note=(note or "").strip() or None,
        )
    )
    if flush:
        db.session.flush()


def _id(user):
    return getattr(user, "id", None) if user is not None and getattr(user, "is_authenticated", False) else None
