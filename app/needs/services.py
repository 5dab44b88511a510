"""Data changes of needs: post, change, move the status, delete, suggest a case study by hand,
link an interest. Services flush and never commit; the view commits once (app/changes.py)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import changes
from app.catalog.models import Sector
from app.changes import Refused
from app.extensions import db
from app.needs.models import (
    BUDGET_BANDS,
    CONNECTIVITY,
    LIMITS,
    STAFF,
    STATUSES,
    TERRAINS,
    VISIBILITIES,
    Need,
    NeedSuggestion,
)
from app.notices import service as notices

# Where a status may go: forward, back to discussing, closed from anywhere, reopened once closed.
TRANSITIONS = {
    "open": ("discussing", "matched", "closed"),
    "discussing": ("open", "matched", "closed"),
    "matched": ("discussing", "closed"),
    "closed": ("open",),
}
FIELDS = ("title", "problem", "affected", "budget", "connectivity", "staff", "terrain", "sectors", "deadline",
          "visibility")  # fmt: skip


class NeedError(Refused):
    """A change the rules do not allow; ``field`` names the form field it concerns."""


def _check(values):
    """The values of a need, checked again whatever sent them (form, test, command)."""
    title, problem = (values.get("title") or "").strip(), (values.get("problem") or "").strip()
    if not title:
        raise NeedError(_l("Wajib diisi."), field="title")
    if not problem:
        raise NeedError(_l("Wajib diisi."), field="problem")
    for name in ("title", "problem", "affected"):
        if len((values.get(name) or "").strip()) > LIMITS[name]:
            raise NeedError(_l("Paling banyak %(max)d karakter.", max=LIMITS[name]), field=name)
    for name, allowed in (("budget", BUDGET_BANDS), ("connectivity", CONNECTIVITY), ("staff", STAFF)):
        if values.get(name) not in (None, "", *allowed):
            raise NeedError(_l("Pilihan tidak sah."), field=name)
    if not set(values.get("terrain") or ()) <= set(TERRAINS):
        raise NeedError(_l("Ada pilihan yang tidak sah."), field="terrain")
    if values.get("visibility") not in VISIBILITIES:
        raise NeedError(_l("Pilihan tidak sah."), field="visibility")
    sectors = list(db.session.scalars(sa.select(Sector).where(Sector.slug.in_(values.get("sectors") or ()))))
    if len(sectors) != len(set(values.get("sectors") or ())):
        raise NeedError(_l("Ada pilihan yang tidak sah."), field="sectors")
    return sectors


def _apply(need, values, sectors):
    need.title = values["title"].strip()
    need.problem = values["problem"].strip()
    need.affected = (values.get("affected") or "").strip()
    for name in ("budget", "connectivity", "staff"):
        setattr(need, name, values.get(name) or None)
    need.terrain = ",".join(t for t in TERRAINS if t in set(values.get("terrain") or ()))
    need.deadline = values.get("deadline")
    need.visibility = values["visibility"]
    need.sectors = sectors


def create(user, owner, **values):
    """A new, open need of ``owner``, posted by ``user``."""
    if owner is None or not user.can("need.create", None, owner=owner):
        raise changes.NotAllowed(_l("Anda tidak dapat memasang kebutuhan untuk instansi ini."))
    sectors = _check(values)
    need = Need(owner=owner, author_id=user.id, status="open")
    _apply(need, values, sectors)
    db.session.add(need)
    db.session.flush()
    return need


def update(need, user, *, expected_version, **values):
    """Change what a need says; Conflict when someone saved it since ``expected_version``."""
    if not user.can("need.edit", need):
        raise changes.NotAllowed(_l("Anda tidak dapat mengubah kebutuhan ini."))
    if need.version != expected_version:
        raise changes.Conflict(_l("Kebutuhan ini baru saja diubah orang lain. Periksa isinya, lalu simpan lagi."))
    _apply(need, values, _check(values))
    _flush()
    return need


def change_status(need, user, status, *, expected_version, replication=None):
    """Move ``need`` to ``status``; ``matched`` names the replication it led to (its adopter
    must be the need's owner), and the innovation chosen is that replication's."""
    if not user.can("need.edit", need):
        raise changes.NotAllowed(_l("Anda tidak dapat mengubah kebutuhan ini."))
    if need.version != expected_version:
        raise changes.Conflict(_l("Kebutuhan ini baru saja diubah orang lain. Periksa isinya, lalu simpan lagi."))
    if status not in STATUSES or status not in TRANSITIONS[need.status]:
        raise NeedError(_l("Status tidak dapat berpindah ke sana dari status sekarang."), field="status")
    if status == "matched":
        if (
            replication is None
            or replication.adopter_id != need.owner_id
            or not user.can("replication.view", replication)
        ):
            raise NeedError(_l("Pilih replikasi yang dihasilkan kebutuhan ini."), field="replication")
        need.replication_id, need.innovation_id = replication.id, replication.innovation_id
        if replication.need_id is None:
            replication.need_id = need.id
    elif status in ("open", "discussing"):
        need.replication_id = need.innovation_id = None
    need.status = status
    _flush()
    return need


def delete(need, user):
    """Delete ``need`` for good. Its suggestions by hand and the notices about it go with it;
    replications asked for from it stay and no longer name it (the database sets that)."""
    if not user.can("need.delete", need):
        raise changes.NotAllowed(_l("Anda tidak dapat menghapus kebutuhan ini."))
    db.session.delete(need)
    db.session.flush()


def _flush():
    try:
        db.session.flush()
    except StaleDataError as error:
        raise changes.Conflict(
            _l("Kebutuhan ini baru saja diubah orang lain. Periksa isinya, lalu simpan lagi.")
        ) from error


def add_suggestion(need, user, innovation, note=""):
    """A case study suggested by hand; the need's author (else its owner's officials) is told."""
    if not user.can("need.suggest", need):
        raise changes.NotAllowed(_l("Anda tidak dapat mengusulkan studi kasus untuk kebutuhan ini."))
    if innovation is None or not innovation.is_public:
        raise NeedError(_l("Studi kasus itu tidak ditemukan di katalog."), field="innovation")
    if any(s.innovation_id == innovation.id for s in need.suggestions):
        raise NeedError(_l("Studi kasus itu sudah diusulkan untuk kebutuhan ini."), field="innovation")
    suggestion = NeedSuggestion(need=need, innovation=innovation, added_by_id=user.id, note=(note or "").strip())
    db.session.add(suggestion)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same one added by someone else a moment ago
        raise NeedError(_l("Studi kasus itu sudah diusulkan untuk kebutuhan ini."), field="innovation") from error
    notices.notify([p for p in readers_to_tell(need) if p.id != user.id], "need_suggestion", innovation=innovation,
                   need=need)  # fmt: skip
    return suggestion


def readers_to_tell(need):
    """Who hears about a need: its author while active, else the officials of its owner."""
    from app.accounts.models import User, UserRole

    if need.author is not None and need.author.active:
        return [need.author]
    officials = sa.select(User).join(UserRole).where(User.owner_id == need.owner_id, UserRole.role == "official")
    return list(db.session.scalars(officials.where(User.active)))


def link_interest(need, replication, user):
    """An interest expressed from ``need``: the replication names it, and an open need is now
    being discussed."""
    if not user.can("need.replicate", need):
        raise changes.NotAllowed(_l("Anda tidak dapat mereplikasi atas nama kebutuhan ini."))
    replication.need_id = need.id
    if need.status == "open":
        need.status = "discussing"
    db.session.flush()
