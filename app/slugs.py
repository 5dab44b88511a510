"""URL slugs from names: ``Pemerintah Kota Bogor`` -> ``pemerintah-kota-bogor``."""

import re
import unicodedata

SLUG_PATTERN = re.compile(r"^[a-z0-9-]+$")  # content-format.md: `[a-z0-9-]+`


def slugify(text, max_length=120):
    """Lower-case ASCII words joined by hyphens; accents folded, everything else dropped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def is_valid_slug(value):
    """True for ``[a-z0-9-]+`` of at most 120 characters (content-format.md)."""
    return bool(SLUG_PATTERN.match(value)) and len(value) <= 120
