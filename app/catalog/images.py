"""Images of case studies, checked by their content and re-encoded (docs/decisions/0082).

An upload or a file beside a case study is refused unless Pillow reads it as a JPEG, PNG or
WebP whatever its name says: SVG, HTML and anything else is no image here. Its dimensions
are read from the header before any pixel is decoded, so a decompression bomb (a small file
that decodes to gigabytes) is refused cheaply. Every image accepted is decoded and encoded
again, turned upright, without its metadata (EXIF and GPS, comments, profiles) and without
whatever else the file held (a script appended to a PNG), in two sizes, each as WebP and in
the original format.
"""

import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from app.lru import Lru

MAX_IMAGES = 12
MAX_ALT = 250
MAX_CAPTION = 500
MAX_CREDIT = 200
MAX_NAME = 100
# One image of a form within the app's MAX_CONTENT_LENGTH (2 MB), with room for the fields.
MAX_IMAGE_BYTES = 1_500_000
# 40 megapixels (a 50-megapixel camera's photo is too many; scale it down first) and no side
# over 12,000 pixels: at most ~160 MB of RGBA while it is re-encoded.
MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000
# Pillow's own guard, process-wide: twice this raises, once warns (turned into a refusal).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

FORMATS = ("jpeg", "png", "webp")
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
MIMETYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_PILLOW_NAMES = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
# The card thumbnail and the page size: widths (and the tallest they may be).
SIZES = {"thumb": (480, 960), "page": (1280, 2560)}


class ImageRefused(Exception):
    """Not an image the site takes. ``code`` names the reason (``REASONS``), ``params`` its figures."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self):
        return REASONS[self.code].format(**self.params)


# In English for files and logs; the web form says them in the reader's language
# (app/editing/images.py).
REASONS = {
    "empty": "is empty",
    "too_large": "is {size:,} bytes; an image may be at most {limit:,} bytes",
    "not_an_image": "is not a JPEG, PNG or WebP image (whatever its name says)",
    "svg": "is an SVG or HTML document; only JPEG, PNG and WebP images are taken",
    "unsupported": "is a {kind} image; only JPEG, PNG and WebP are taken",
    "damaged": "is damaged or not the image its first bytes claim to be",
    "too_many_pixels": "is {width:,} × {height:,} pixels; at most {limit:,} pixels and {side:,} on a side",
}


@dataclass(frozen=True)
class PreparedImage:
    """An accepted image, re-encoded: ``variants`` maps ``(size, kind)`` (size ``thumb`` or
    ``page``, kind ``original`` or ``webp``) to the bytes."""

    format: str
    width: int
    height: int
    thumb_width: int
    thumb_height: int
    variants: dict
    source_digest: str

    @property
    def master(self):
        """The page size in the original format: what an export writes as the image's file."""
        return self.variants[("page", "original")]


def sniff(data):
    """The format the first bytes claim (``jpeg``, ``png``, ``webp``), a refusal code, or None."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<", b"\xfe\xff", b"\xff\xfe")):
        return "svg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"BM", b"II*\x00", b"MM\x00*")):
        return "bitmap"
    return None


def check_dimensions(width, height):
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ImageRefused("too_many_pixels", width=width, height=height, limit=MAX_PIXELS, side=MAX_SIDE)


def _open(data, kind):
    """Open ``data`` as ``kind`` only (no other decoder is tried), dimensions checked first."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=[_PILLOW_NAMES[kind]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        size = _header_size(data)
        raise ImageRefused("too_many_pixels", width=size[0], height=size[1], limit=MAX_PIXELS, side=MAX_SIDE) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageRefused("damaged") from error
    try:
        check_dimensions(*image.size)
    except ImageRefused:
        image.close()
        raise
    return image


def _header_size(data):
    """Width and height of a PNG from its header (for the message about a bomb), else 0 × 0."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 0, 0


def _decode(data, kind):
    with _open(data, kind) as probe:
        try:
            probe.verify()
        except Exception as error:  # verify raises whatever the plugin meets
            raise ImageRefused("damaged") from error
    image = _open(data, kind)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ImageRefused:
        raise
    except Exception as error:
        image.close()
        raise ImageRefused("damaged") from error
    if upright is not image:
        image.close()
    check_dimensions(*upright.size)
    return upright


def _clean(image):
    """Only the pixels: RGB, or RGBA when the image has transparency; no metadata at all."""
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    clean = image.convert("RGBA" if alpha else "RGB")
    clean.info = {}
    return clean


def _fit(image, box):
    if image.width <= box[0] and image.height <= box[1]:
        return image
    copy = image.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    copy.info = {}
    return copy


def _encode(image, kind):
    out = BytesIO()
    if kind == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif kind == "png":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()


_cache = Lru(64)  # source digest -> prepared variants


def prepare(data, source_digest):
    """Check ``data`` and make its four variants; raise ImageRefused with the reason.

    The same bytes always give the same variants, so an import that meets a file again
    takes them from a small cache (``source_digest`` is the SHA-256 of ``data``)."""
    return _cache.get(source_digest, lambda: _prepare(data, source_digest))


def _prepare(data, source_digest):
    if not data:
        raise ImageRefused("empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefused("too_large", size=len(data), limit=MAX_IMAGE_BYTES)
    kind = sniff(data)
    if kind == "svg":
        raise ImageRefused("svg")
    if kind in ("gif", "bitmap"):
        raise ImageRefused("unsupported", kind={"gif": "GIF", "bitmap": "BMP or TIFF"}[kind])
    if kind is None:
        raise ImageRefused("not_an_image")
    decoded = _decode(data, kind)
    try:
        clean = _clean(decoded)
    finally:
        decoded.close()
    variants, dimensions = {}, {}
    for size, box in SIZES.items():
        fitted = _fit(clean, box)
        dimensions[size] = fitted.size
        variants[(size, "original")] = _encode(fitted, kind)
        variants[(size, "webp")] = variants[(size, "original")] if kind == "webp" else _encode(fitted, "webp")
    return PreparedImage(
        format=kind,
        width=dimensions["page"][0],
        height=dimensions["page"][1],
        thumb_width=dimensions["thumb"][0],
        thumb_height=dimensions["thumb"][1],
        variants=variants,
        source_digest=source_digest,
    )
