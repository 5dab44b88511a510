"""Pictures of a case study edited on the site: add, describe, reorder, remove
(docs/decisions/0082). Whoever may edit the case study may change its pictures; every change
is a revision (its snapshot lists the pictures) and marks the case study as edited on the
site, so an older file does not undo it on import.

An upload is checked whole before anything is stored (app/catalog/images.py); the blobs it
writes are listed in ``written`` so that the view removes them when the change is not
committed: a refused upload leaves no file behind.
"""

import re
from datetime import UTC, datetime

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.catalog.image_store import store_variants
from app.catalog.images import EXTENSIONS, MAX_IMAGE_BYTES, MAX_IMAGES, MAX_NAME, ImageRefused, prepare
from app.catalog.models import InnovationImage
from app.editing import history
from app.editing.services import Invalid, NotAllowed, _flush
from app.files import digest_of

_SAFE = re.compile(r"[^a-z0-9]+")


def refusal_text(refused):
    """Why an upload was refused (app/catalog/images.py), in the reader's language."""
    p = refused.params
    messages = {
        "empty": lambda: _("Berkas ini kosong."),
        "too_large": lambda: _(
            "Berkas ini %(size)s MB; satu gambar paling besar %(limit)s MB. Perkecil dulu, lalu unggah lagi.",
            size=format_decimal(round(p["size"] / 1_000_000, 1)), limit=format_decimal(p["limit"] / 1_000_000),
        ),
        "not_an_image": lambda: _("Berkas ini bukan gambar JPEG, PNG atau WebP, apa pun nama berkasnya."),
        "svg": lambda: _("Berkas SVG atau HTML tidak diterima; unggah gambar JPEG, PNG atau WebP."),
        "unsupported": lambda: _("Gambar %(kind)s tidak diterima; unggah JPEG, PNG atau WebP.", kind=p.get("kind")),
        "damaged": lambda: _("Berkas gambar ini rusak atau isinya tidak sesuai dengan jenisnya."),
        "too_many_pixels": lambda: _(
            "Gambar ini %(width)s × %(height)s piksel, terlalu besar untuk diolah: paling banyak %(limit)s juta "
            "piksel dan %(side)s piksel per sisi. Perkecil dulu, lalu unggah lagi.",
            width=format_decimal(p["width"]), height=format_decimal(p["height"]),
            limit=format_decimal(p["limit"] / 1_000_000), side=format_decimal(p["side"]),
        ),
    }  # fmt: skip
    return messages[refused.code]()


def _now():
    return datetime.now(UTC)


def free_name(innovation, filename, image_format):
    """A file name for the picture: from the uploaded name, made safe, with the extension
    of what it really is, and not taken by another picture of the case study."""
    stem = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    stem = _SAFE.sub("-", stem.lower()).strip("-")[: MAX_NAME - 12] or "gambar"
    extension = EXTENSIONS[image_format]
    taken = {image.name.lower() for image in innovation.images}
    name, n = f"{stem}.{extension}", 2
    while name in taken:
        name, n = f"{stem}-{n}.{extension}", n + 1
    return name


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
    if len(innovation.images) >= MAX_IMAGES:
        raise Invalid([("file", str(_l("Paling banyak %(max)d gambar per studi kasus. Hapus satu dulu.",
                                        max=MAX_IMAGES)))])  # fmt: skip
    try:
        prepared = prepare(data, digest_of(data))
    except ImageRefused as refused:
        raise Invalid([("file", refusal_text(refused))]) from refused
    history.ensure_baseline(innovation)
    image = InnovationImage(name=free_name(innovation, filename, prepared.format), number=len(innovation.images) + 1,
                            alt=alt, caption=caption or None, credit=credit or None)  # fmt: skip
    digests, created = store_variants(prepared)
    written.extend(created)
    image.set_blobs(prepared, digests)
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
    images = list(innovation.images)
    here = images.index(image)
    there = here + step
    if not 0 <= there < len(images):
        return None
    history.ensure_baseline(innovation)
    images[here], images[there] = images[there], images[here]
    for number, item in enumerate(images, start=1):
        item.number = number
    innovation.images = images
    return _changed(innovation, user, _l("Urutan gambar diubah: %(name)s", name=image.name))


def remove(innovation, image, *, user):
    """Remove a picture (its blobs stay until ``flask files clean``: an old revision or
    another case study may show the same bytes)."""
    _check(innovation, user)
    history.ensure_baseline(innovation)
    images = [item for item in innovation.images if item is not image]
    for number, item in enumerate(images, start=1):
        item.number = number
    innovation.images = images
    return _changed(innovation, user, _l("Gambar dihapus: %(name)s", name=image.name))


MAX_UPLOAD_MB = f"{MAX_IMAGE_BYTES / 1_000_000:g}"
