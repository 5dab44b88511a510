"""Data changes of case studies edited on the site: check, create, save, move through the
workflow, restore a version. Services flush and never commit; the view commits once.

Every rule of a case study's content is the file format's (app/content/schema.py); every
change adds a revision (app/editing/history.py); saving checks the version that was loaded.
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app import changes
from app.accounts.models import User
from app.accounts.services import active_users
from app.catalog.models import GOVERNMENT_KINDS, Innovation, Sector, Theme
from app.changes import Refused
from app.content.export import case_of, same_content
from app.content.importer import fill, load_reference, owner_and_institution, owner_conflicts
from app.content.schema import validate
from app.editing import history
from app.editing.problems import translate
from app.extensions import db
from app.notices import service as notices
from app.regions.models import Region
from app.slugs import is_valid_slug, slugify

WEB_PATH = "web"  # what the case-study rules call the form in their problems
# The workflow: each step's target status, the statuses it leads from, and the action of
# the permission table (app/accounts/permissions.py) that the user must hold.
TRANSITIONS = {
    "submitted": (("draft", "returned"), "innovation.submit"),
    "published": (("draft", "submitted", "returned", "archived"), "innovation.publish"),
    "returned": (("submitted",), "innovation.return"),
    "archived": (("published",), "innovation.archive"),
    "draft": (("submitted",), "innovation.withdraw"),
}
# The revision action of each step, where it is not the status it leads to.
STEP_ACTIONS = {"draft": "withdrawn"}


class Invalid(Refused):
    """The case study breaks the rules: ``problems`` is ``[(form field or None, message)]``."""

    def __init__(self, problems):
        super().__init__(problems[0][1] if problems else None, problems[0][0] if problems else None)
        self.problems = problems


class NotAllowed(changes.NotAllowed):
    """The user may not take this step now (for instance, it was published meanwhile)."""


class Conflict(changes.Conflict):
    """Someone else saved the case study after it was loaded.

    ``loaded`` is the snapshot that was loaded (None when not known), ``current`` the
    stored one now.
    """

    def __init__(self, loaded, current):
        super().__init__("case study changed since it was loaded")
        self.loaded = loaded
        self.current = current


def _now():
    return datetime.now(UTC)


def check(data, body, innovation=None, today=None):
    """Apply the case-study rules to the front matter ``data`` and ``body`` from the form;
    return the CaseStudy or raise Invalid with every problem, tied to form fields."""
    data = dict(data)
    region = db.session.get(Region, data["region"][:13]) if isinstance(data.get("region"), str) else None
    # A government is named after its region (as the import names it): no need to type it.
    if data.get("owner_kind") in GOVERNMENT_KINDS and not data.get("owner") and region is not None:
        data["owner"] = region.display_name
    slug_typed = bool(data.get("slug"))
    default_slug = innovation.slug if innovation is not None else _free_slug(slugify(data.get("title") or ""))
    case, problems = validate(WEB_PATH, data, {}, body, default_slug or "-", load_reference(), today=today)
    if not slug_typed and not default_slug:
        # No slug typed and none can be made from the title (empty, or no Latin letters).
        problems = [p for p in problems if p.field != "slug"]
    errors = [translate(p) for p in problems]
    if not slug_typed and not default_slug and data.get("title"):
        errors.append(("slug", str(_l("Judul ini tidak menghasilkan slug; isi slug sendiri."))))
    if case is not None:
        errors += [translate(p) for p in owner_conflicts([case])]
        taken = db.session.scalar(sa.select(Innovation.id).where(Innovation.slug == case.slug))
        if taken is not None and (innovation is None or taken != innovation.id):
            errors.append(("slug", str(_l("Slug ini sudah dipakai studi kasus lain."))))
    if errors:
        raise Invalid(list(dict.fromkeys(errors)))
    return case


def _free_slug(base):
    """``base`` or ``base-2``, ``base-3``... whichever no innovation has (for a slug made from the title)."""
    base = base[:110].rstrip("-")
    if not base or not is_valid_slug(base):
        return ""
    taken = set(db.session.scalars(sa.select(Innovation.slug).where(Innovation.slug.startswith(base, autoescape=True))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _same_owner(innovation, case):
    """The innovation's owner, when ``case`` still names it (a renamed slug must not split it)."""
    owner = innovation.owner
    if owner is None or owner.kind != case.owner_kind:
        return None
    if owner.kind in GOVERNMENT_KINDS:
        return owner if owner.region_code == case.region else None
    return owner if owner.name == case.owner else None


def _apply(innovation, case, owner=None):
    """Write ``case`` onto ``innovation`` the way an import would, and mark it edited on the site."""
    sectors = {s.slug: s for s in db.session.scalars(sa.select(Sector).where(Sector.slug.in_(case.sectors)))}
    themes = {t.slug: t for t in db.session.scalars(sa.select(Theme).where(Theme.slug.in_(case.themes)))}
    with db.session.no_autoflush:
        owner, institution = owner_and_institution(case, owner or _same_owner(innovation, case))
        db.session.add(institution)
        innovation.slug = case.slug
        innovation.owner, innovation.institution = owner, institution
        fill(innovation, case, sectors, themes)
        innovation.edited_at = _now()


def create(case, *, user, owner=None, comment=None, submit=False):
    """A new case study from the site: a draft (or submitted at once), with its first revision."""
    innovation = Innovation(slug=case.slug, status="draft", created_by_id=user.id)
    _apply(innovation, case, owner)
    db.session.add(innovation)
    history.record(innovation, "created", user=user, comment=comment)
    if submit:
        transition(innovation, "submitted", user=user)
    return innovation


def save(innovation, case, *, user, expected_version, base, comment=None, owner=None, submit=False):
    """Save the form over ``innovation``. Raises Conflict when someone saved since
    ``expected_version`` was loaded, unless what they saved is what was loaded (``base`` is
    the number of the revision that was on screen)."""
    _check_version(innovation, expected_version, base)
    changed = not same_content(case_of(innovation), case) or (owner is not None and owner.id != innovation.owner_id)
    if changed or comment:
        history.ensure_baseline(innovation)
        if changed:
            _apply(innovation, case, owner)
        _flush(innovation)
        history.record(innovation, "edited", user=user, status_from=innovation.status, comment=comment)
    if submit:
        transition(innovation, "submitted", user=user)
    return innovation


def _check_version(innovation, expected_version, base):
    """Refuse a save made on a version that is no longer the stored one, unless only
    counters moved (a replication logged meanwhile changes the version, not the text)."""
    if expected_version == innovation.version:
        return
    loaded = history.revision(innovation, base) if base else None
    current = history.snapshot_of(innovation)
    if loaded is None or loaded.snapshot != current:
        raise Conflict(loaded.snapshot if loaded else None, current)


def _flush(innovation):
    try:
        db.session.flush()
    except StaleDataError as error:
        # Another transaction saved between our read and our write: the caller rolls back
        # and shows what is stored now.
        raise Conflict(None, None) from error


def transition(innovation, status, *, user, comment=None):
    """Move ``innovation`` to ``status`` (a workflow step) and record it; a return needs a comment."""
    sources, action = TRANSITIONS[status]
    if innovation.status not in sources or not user.can(action, innovation):
        raise NotAllowed(status)
    if status == "returned" and not (comment or "").strip():
        raise Invalid([("comment", str(_l("Tulis apa yang perlu diperbaiki penulis.")))])
    history.ensure_baseline(innovation)
    before = innovation.status
    innovation.status = status
    _flush(innovation)
    action = STEP_ACTIONS.get(status, status)
    revision = history.record(innovation, action, user=user, status_from=before, comment=comment)
    _notify_step(innovation, status, user)
    return revision


def _notify_step(innovation, status, user):
    """Submitted: the editors are told; returned or published: the author and the owner's
    officials. Whoever took the step is not told of it."""
    if status == "submitted":
        people = active_users(("editor", "admin"))
    elif status in ("returned", "published"):
        people = active_users(("official",), owner_id=innovation.owner_id)
        author = db.session.get(User, innovation.created_by_id) if innovation.created_by_id else None
        people += [author] if author is not None else []
    else:
        return
    notices.notify([p for p in people if p.id != user.id], status, innovation=innovation)


def restore(innovation, number, *, user, expected_version, comment=None):
    """Make revision ``number`` the current content, as a new revision; the status stays."""
    old = history.revision(innovation, number)
    if old is None:
        raise LookupError(number)
    if expected_version != innovation.version:
        raise Conflict(None, history.snapshot_of(innovation))
    snapshot = old.snapshot
    # The rules may have changed since (a sector retired): the old version must still pass them.
    case = check(snapshot["front_matter"], snapshot["body"], innovation)
    history.ensure_baseline(innovation)
    _apply(innovation, case)
    _flush(innovation)
    return history.record(
        innovation, "restored", user=user, status_from=innovation.status, comment=comment, restored_from=number
    )


def confirm_contacts(innovation, *, user, today=None):
    """ "The contacts are still right": each contact's ``confirmed_on`` becomes today, as a new
    revision (a restore brings back the dates with the contacts). Refused without contacts."""
    if not user.can("innovation.confirm_contacts", innovation):
        raise NotAllowed("confirm_contacts")
    if not innovation.contacts:
        raise Invalid([(None, str(_l("Studi kasus ini belum punya kontak untuk dikonfirmasi.")))])
    today = today or date.today()
    history.ensure_baseline(innovation)
    for contact in innovation.contacts:
        contact.confirmed_on = today
    innovation.edited_at = _now()  # a later import of an older file must not undo it
    _flush(innovation)
    return history.record(
        innovation,
        "edited",
        user=user,
        status_from=innovation.status,
        comment=str(_l("Kontak dikonfirmasi masih benar.")),
    )
