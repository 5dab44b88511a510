"""A case study named by hand: its address (``https://.../inovasi/<slug>``) or its slug."""

import re

from app.accounts.models import AnonymousUser
from app.catalog.access import innovation_or_none

_CASE_STUDY = re.compile(r"^(?:.*/inovasi/)?([a-z0-9][a-z0-9-]{0,119})/?(?:[?#].*)?$")


def innovation_from_text(text):
    """The published case study ``text`` names, else None (a draft names nothing here)."""
    match = _CASE_STUDY.match((text or "").strip()[:1000])
    return innovation_or_none(match.group(1), AnonymousUser()) if match else None
