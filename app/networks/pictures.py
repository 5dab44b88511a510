"""Pictures of a network's activity: add, describe, reorder, remove (docs/decisions/0085).

Whoever may edit the activity (its network's coordinators, editors and admins: the
permission table's ``activity.edit``) may change its pictures. Checking, storing and naming
them is the case studies' code (app/catalog/pictures.py): an upload is checked whole before
anything is stored, and the blobs it writes are listed in ``written`` so that the view
removes them when the change is not committed. Services flush, never commit.
"""

from flask_babel import lazy_gettext as _l

from app.catalog.images import MAX_IMAGES, ImageRefused
from app.catalog.pictures import TooMany, moved, new_picture, refusal_text, without
from app.changes import NotAllowed, Refused
from app.extensions import db, utcnow
from app.networks.models import ActivityImage


def _check(activity, user):
    if not user.can("activity.edit", activity):
        raise NotAllowed("images")


def _changed(activity):
    activity.updated_at = utcnow()
    db.session.flush()


def add(activity, data, *, filename, alt, caption=None, credit=None, user, written):
    """Add a picture at the end. Refused (field ``file``) when it is no image the site takes or
    the activity has its 12 already; nothing is stored then."""
    _check(activity, user)
    try:
        image = new_picture(ActivityImage, activity.images, data, filename=filename, alt=alt, caption=caption,
                            credit=credit, written=written)  # fmt: skip
    except TooMany:
        raise Refused(_l("Paling banyak %(max)d gambar per kegiatan. Hapus satu dulu.", max=MAX_IMAGES),
                      field="file") from None  # fmt: skip
    except ImageRefused as refused:
        raise Refused(refusal_text(refused), field="file") from refused
    activity.images.append(image)
    _changed(activity)
    return image


def describe(activity, image, *, alt, caption=None, credit=None, user):
    """Change a picture's alt text, caption and credit."""
    _check(activity, user)
    image.alt, image.caption, image.credit = alt, caption or None, credit or None
    _changed(activity)


def move(activity, image, step, *, user):
    """Move a picture one place up (``step`` -1) or down (+1); the first is the page's og:image."""
    _check(activity, user)
    images = moved(activity.images, image, step)
    if images is not None:
        activity.images = images
        _changed(activity)


def remove(activity, image, *, user):
    """Remove a picture (its blobs stay until ``flask files clean``)."""
    _check(activity, user)
    activity.images = without(activity.images, image)
    _changed(activity)
