"""Pictures of anything that has a gallery: a case study, a network's activity
(docs/decisions/0082 and 0085).

One implementation for every gallery: the row's columns (``PictureMixin``), adding a checked
and re-encoded upload (app/catalog/images.py) to a list of rows, describing, moving and
removing one, the refusals in the reader's language, the addresses of the stored sizes and
serving one of them. What differs is only who may change the pictures and what a change
marks (a case study keeps a revision), and that stays with the feature.
"""

import re
from datetime import datetime

import sqlalchemy as sa
from flask import abort, current_app, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from app.catalog.image_store import store_variants
from app.catalog.images import (
    EXTENSIONS,
    MAX_ALT,
    MAX_CAPTION,
    MAX_CREDIT,
    MAX_IMAGE_BYTES,
    MAX_IMAGES,
    MAX_NAME,
    MIMETYPES,
    ImageRefused,
    prepare,
)
from app.extensions import db, utcnow
from app.files import blob_column, blob_store, digest_of, is_digest

MAX_UPLOAD_MB = f"{MAX_IMAGE_BYTES / 1_000_000:g}"
# A picture's address names its bytes (their SHA-256): it never changes, so browsers and
# proxies may keep a public one for a year. One of a record that is not public is only for
# those who may see the record, and no shared cache may keep it.
IMMUTABLE = "public, max-age=31536000, immutable"
NOT_SHARED = "private, no-cache"
_SAFE = re.compile(r"[^a-z0-9]+")


class PictureMixin:
    """The columns of a picture: its place, file name, texts, sizes and the blobs (app/files)
    of its re-encoded sizes, each as WebP and in the original format. A class using it adds
    the key of what the picture belongs to, ``URL_ENDPOINT`` and ``url_values()``."""

    # 1, 2, 3...: the order of the gallery.
    number: Mapped[int]
    # A file name (``alur-layanan.png``): unique among the pictures of one record.
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME))
    alt: Mapped[str] = mapped_column(sa.String(MAX_ALT))
    caption: Mapped[str | None] = mapped_column(sa.String(MAX_CAPTION))
    credit: Mapped[str | None] = mapped_column(sa.String(MAX_CREDIT))
    format: Mapped[str] = mapped_column(sa.String(8))
    # The page size's; the thumbnail's below.
    width: Mapped[int]
    height: Mapped[int]
    thumb_width: Mapped[int]
    thumb_height: Mapped[int]
    # SHA-256 of the bytes that were uploaded or imported (never stored: they may hold EXIF):
    # a file that is the same picture again is recognised by it.
    source_sha256: Mapped[str] = mapped_column(sa.String(64))
    page_sha256: Mapped[str] = blob_column()
    page_webp_sha256: Mapped[str] = blob_column()
    thumb_sha256: Mapped[str] = blob_column()
    thumb_webp_sha256: Mapped[str] = blob_column()
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    BLOBS = {
        ("page", "original"): "page_sha256",
        ("page", "webp"): "page_webp_sha256",
        ("thumb", "original"): "thumb_sha256",
        ("thumb", "webp"): "thumb_webp_sha256",
    }

    @classmethod
    def digest_column(cls, key):
        return getattr(cls, cls.BLOBS[key])

    @classmethod
    def naming(cls, digest):
        """A condition: the picture has a blob named ``digest``."""
        return sa.or_(*(cls.digest_column(key) == digest for key in cls.BLOBS))

    def digest(self, size, kind):
        """The blob of ``size`` (``thumb``, ``page``) as ``kind`` (``original``, ``webp``)."""
        return getattr(self, self.BLOBS[(size, kind)])

    def set_blobs(self, prepared, digests):
        """Take the re-encoded ``prepared`` image whose variants are stored as ``digests``."""
        self.format = prepared.format
        self.width, self.height = prepared.width, prepared.height
        self.thumb_width, self.thumb_height = prepared.thumb_width, prepared.thumb_height
        self.source_sha256 = prepared.source_digest
        for key, column in self.BLOBS.items():
            setattr(self, column, digests[key])


def image_url(image, size, kind, external=False):
    """The address of ``image`` in ``size`` (``thumb``, ``page``) as ``kind`` (``original``, ``webp``)."""
    ext = "webp" if kind == "webp" else EXTENSIONS[image.format]
    return url_for(image.URL_ENDPOINT, **image.url_values(), digest=image.digest(size, kind), ext=ext,
                   _external=external)  # fmt: skip


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


def free_name(images, filename, image_format):
    """A file name for a picture: from the uploaded name, made safe, with the extension of
    what it really is, and not taken by another of ``images``."""
    stem = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    stem = _SAFE.sub("-", stem.lower()).strip("-")[: MAX_NAME - 12] or "gambar"
    extension = EXTENSIONS[image_format]
    taken = {image.name.lower() for image in images}
    name, n = f"{stem}.{extension}", 2
    while name in taken:
        name, n = f"{stem}-{n}.{extension}", n + 1
    return name


class TooMany(Exception):
    """The gallery has its ``MAX_IMAGES`` already."""


def new_picture(row_class, images, data, *, filename, alt, caption=None, credit=None, written):
    """A new row of ``row_class`` for the uploaded ``data``, numbered after ``images`` (not yet
    added to them). Raises TooMany, or ImageRefused with the reason, before any blob is
    written; the blobs it writes are appended to ``written``."""
    if len(images) >= MAX_IMAGES:
        raise TooMany()
    prepared = prepare(data, digest_of(data))
    row = row_class(name=free_name(images, filename, prepared.format), number=len(images) + 1, alt=alt,
                    caption=caption or None, credit=credit or None)  # fmt: skip
    digests, created = store_variants(prepared)
    written.extend(created)
    row.set_blobs(prepared, digests)
    return row


def moved(images, image, step):
    """``images`` with ``image`` one place up (``step`` -1) or down (+1), renumbered; None
    when it is already first or last."""
    images = list(images)
    here = images.index(image)
    there = here + step
    if not 0 <= there < len(images):
        return None
    images[here], images[there] = images[there], images[here]
    return renumbered(images)


def without(images, image):
    """``images`` without ``image``, renumbered."""
    return renumbered([item for item in images if item is not image])


def renumbered(images):
    for number, item in enumerate(images, start=1):
        item.number = number
    return images


def serve(row_class, owner_column, owner_id, digest, ext, public):
    """The stored size ``digest`` of a picture of the record ``owner_id`` (its rows have
    ``owner_column`` == ``owner_id``), or 404. ``public``: the record is public, so any cache
    may keep the answer for a year."""
    if not is_digest(digest):
        abort(404)
    row = db.session.scalar(sa.select(row_class).where(owner_column == owner_id, row_class.naming(digest)))
    if row is None:
        abort(404)
    kind = "webp" if ext == "webp" else "original"
    if kind == "original" and ext != EXTENSIONS[row.format]:
        abort(404)
    if digest not in (row.digest(size, kind) for size in ("thumb", "page")):
        abort(404)
    store = blob_store()
    if not store.exists(digest):
        abort(404)
    response = current_app.response_class(
        store.read(digest), mimetype=MIMETYPES["webp" if kind == "webp" else row.format]
    )
    response.set_etag(digest)
    response.headers["Cache-Control"] = IMMUTABLE if public else NOT_SHARED
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


__all__ = [
    "ImageRefused",
    "MAX_IMAGES",
    "MAX_UPLOAD_MB",
    "PictureMixin",
    "TooMany",
    "free_name",
    "image_url",
    "moved",
    "new_picture",
    "refusal_text",
    "serve",
    "without",
]
