"""Pictures of a case study edited on the site: add, describe, reorder, remove
(docs/decisions/0082). Whoever may edit the case study may change its pictures; every change
is a revision (its snapshot lists the pictures) and marks the case study as edited on the
site, so an older file does not undo it on import.

An upload is checked whole before anything is stored (app/catalog/images.py); the blobs it
writes are listed in ``written`` so that the view removes them when the change is not
committed: a refused upload leaves no file behind.
"""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from app.catalog.images import MAX_IMAGES, ImageRefused
from app.catalog.models import InnovationImage
from app.catalog.pictures import MAX_UPLOAD_MB, TooMany, moved, new_picture, refusal_text, without
from app.editing import history
from app.editing.services import Invalid, NotAllowed, _flush


def _now():
    return datetime.now(UTC)


def _changed(innovation, user, comment):
    innovation.edited_at = _now()  # a later import of an older file must not undo it
    _flush(innovation)
    return history.record(innovation, "edited", user=user, status_from=innovation.status, comment=str(comment))


def _check(innovation, user):
    if not user.can("innovation.edit", innovation):
        raise NotAllowed("images")


def add(innovation, data, *, filename, alt, caption=None, credit=None, user, written):
    """Add a picture at the end. Refused (Invalid, field ``file``) when it is no image the site
    takes or the case study has its 12 already; nothing is stored then."""
    _check(innovation, user)
    try:
        image = new_picture(InnovationImage, innovation.images, data, filename=filename, alt=alt, caption=caption,
                            credit=credit, written=written)  # fmt: skip
    except TooMany:
        raise Invalid([("file", str(_l("Paling banyak %(max)d gambar per studi kasus. Hapus satu dulu.",
                                        max=MAX_IMAGES)))]) from None  # fmt: skip
    except ImageRefused as refused:
        raise Invalid([("file", refusal_text(refused))]) from refused
    history.ensure_baseline(innovation)
    innovation.images.append(image)
    _changed(innovation, user, _l("Gambar ditambahkan: %(name)s", name=image.name))
    return image


def describe(innovation, image, *, alt, caption=None, credit=None, user):
    """Change a picture's alt text, caption and credit."""
    _check(innovation, user)
    history.ensure_baseline(innovation)
    image.alt, image.caption, image.credit = alt, caption or None, credit or None
    return _changed(innovation, user, _l("Keterangan gambar diubah: %(name)s", name=image.name))


def move(innovation, image, step, *, user):
    """Move a picture one place up (``step`` -1) or down (+1); the first is the card's."""
    _check(innovation, user)
    if not 0 <= innovation.images.index(image) + step < len(innovation.images):
        return None
    history.ensure_baseline(innovation)
    innovation.images = moved(innovation.images, image, step)
    return _changed(innovation, user, _l("Urutan gambar diubah: %(name)s", name=image.name))


def remove(innovation, image, *, user):
    """Remove a picture (its blobs stay until ``flask files clean``: an old revision or
    another case study may show the same bytes)."""
    _check(innovation, user)
    history.ensure_baseline(innovation)
    innovation.images = without(innovation.images, image)
    return _changed(innovation, user, _l("Gambar dihapus: %(name)s", name=image.name))


__all__ = ["MAX_UPLOAD_MB", "add", "describe", "move", "refusal_text", "remove"]
