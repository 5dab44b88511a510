"""The revision history of case studies: record a version, compare two, read one back.

A revision holds the whole case study in the file format (front matter and body), so that
a version can be shown as the file it would be, compared line by line, and restored
through the same rules as a file or a form.
"""

import difflib
import itertools
import json
from dataclasses import dataclass

import sqlalchemy as sa

from app.content.export import FIELD_ORDER, case_of, file_text, front_matter
from app.content.importer import innovation_imported
from app.editing.models import Revision
from app.extensions import db

# A diff of two long case studies is cut after this many lines; the rest is summarised.
MAX_DIFF_LINES = 2000


def snapshot_of(innovation):
    """The case study as it stands: ``{"front_matter": {...}, "body": "..."}``."""
    return {"front_matter": front_matter(case_of(innovation)), "body": innovation.body_md}


def snapshot_of_case(case):
    """A validated case study (from a form or a file) as a snapshot."""
    return {"front_matter": front_matter(case), "body": case.body}


def snapshot(revision):
    """The case study as ``revision`` holds it."""
    return revision.snapshot


def without_contacts(revision):
    """The case study as ``revision`` holds it, less its contact people (personal data, for
    whom ``innovation.see_contacts`` allows; docs/decisions/0060)."""
    held = revision.snapshot
    held["front_matter"] = {k: v for k, v in held["front_matter"].items() if k not in ("contacts", "contact")}
    return held


def snapshot_text(snapshot):
    """A snapshot as the text of its case-study file, its fields in the format's order."""
    fields = snapshot["front_matter"]
    ordered = {key: fields[key] for key in FIELD_ORDER if key in fields}
    ordered.update((key, value) for key, value in fields.items() if key not in ordered)
    return file_text(ordered, snapshot["body"])


def revisions(innovation):
    """Every revision of ``innovation``, newest first."""
    query = sa.select(Revision).where(Revision.innovation_id == innovation.id).order_by(Revision.number.desc())
    return list(db.session.scalars(query))


def revision(innovation, number):
    """Revision ``number`` of ``innovation``, or None."""
    query = sa.select(Revision).where(Revision.innovation_id == innovation.id, Revision.number == number)
    return db.session.scalar(query)


def latest(innovation):
    """The newest revision of ``innovation``, or None."""
    query = sa.select(Revision).where(Revision.innovation_id == innovation.id).order_by(Revision.number.desc())
    return db.session.scalars(query.limit(1)).first()


def last_return(innovation):
    """The newest ``returned`` revision (its comment is what the editor asked for), or None."""
    query = (
        sa.select(Revision)
        .where(Revision.innovation_id == innovation.id, Revision.action == "returned")
        .order_by(Revision.number.desc())
    )
    return db.session.scalars(query.limit(1)).first()


def record(innovation, action, *, user=None, status_from=None, comment=None, restored_from=None):
    """Add a revision holding ``innovation`` as it is now (flushed, not committed)."""
    db.session.flush()  # the innovation's id, and its changes, before the snapshot is taken
    number = (
        db.session.scalar(sa.select(sa.func.max(Revision.number)).where(Revision.innovation_id == innovation.id)) or 0
    ) + 1
    item = Revision(
        innovation_id=innovation.id,
        number=number,
        user_id=getattr(user, "id", None),
        action=action,
        status_from=status_from,
        status_to=innovation.status,
        comment=(comment or "").strip() or None,
        restored_from=restored_from,
        # Key order kept: the front matter reads in the file format's order.
        snapshot_json=json.dumps(snapshot_of(innovation), ensure_ascii=False),
    )
    db.session.add(item)
    db.session.flush()
    return item


def ensure_baseline(innovation):
    """Before the first change on the site of a case study that has no revision yet (it was
    imported before the history existed), keep the version it starts from."""
    if innovation.id is not None and latest(innovation) is None:
        record(innovation, "baseline", status_from=innovation.status)


@innovation_imported.connect
def _record_import(innovation, created=False, **extra):
    """Every version an import writes is kept like a version saved on the site."""
    record(innovation, "imported", status_from=None if created else innovation.status, comment=innovation.source_path)


@dataclass(frozen=True)
class DiffLine:
    """One line of a comparison: ``kind`` is ``same``, ``removed``, ``added`` or ``gap``."""

    kind: str
    text: str


def diff(old_snapshot, new_snapshot):
    """The lines that differ between two snapshots, as their files, with three lines of
    context: a list of DiffLine (empty when they are the same). Text is never marked up here;
    the template escapes it."""
    old = snapshot_text(old_snapshot).splitlines() if old_snapshot else []
    new = snapshot_text(new_snapshot).splitlines() if new_snapshot else []
    lines = []
    # The first two lines are the file headers (``---``, ``+++``).
    for line in itertools.islice(difflib.unified_diff(old, new, lineterm="", n=3), 2, None):
        if line.startswith("@@"):
            lines.append(DiffLine("gap", line))
        elif line.startswith("-"):
            lines.append(DiffLine("removed", line[1:]))
        elif line.startswith("+"):
            lines.append(DiffLine("added", line[1:]))
        else:
            lines.append(DiffLine("same", line[1:]))
        if len(lines) >= MAX_DIFF_LINES:
            lines.append(DiffLine("gap", "…"))
            break
    return lines
