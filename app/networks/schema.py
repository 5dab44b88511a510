"""The front matter of a network file (content/networks/*.md), checked field by field."""

import re
from dataclasses import dataclass, field
from datetime import date

from app.content.problems import Problem
from app.content.schema import check_contact
from app.rendering import markdown_problem
from app.slugs import is_valid_slug

KNOWN_FIELDS = {"name", "slug", "province", "launched", "legal_basis", "contact"}
MAX_LENGTH = {"name": 200, "legal_basis": 1000}
MAX_DESCRIPTION = 50_000
FIRST_YEAR = 2000  # JIPP networks began in 2018; anything before this year is a typing error
_LAUNCHED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass
class NetworkFile:
    """A validated network file, ready to be written to the database."""

    path: str
    slug: str
    name: str
    province: str
    description: str
    launched: str | None = None
    legal_basis: str | None = None
    contact: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""


def validate(source, default_slug, provinces, today=None):
    """Check one file read by app.content.files.read; return ``(NetworkFile or None, problems)``.

    ``provinces`` is the set of province codes a file may name.
    """
    today = today or date.today()
    data, problems = source.data, []

    def problem(name, message):
        problems.append(Problem(source.path, message, field=name, line=source.lines.get(name)))

    for name in sorted(set(data) - KNOWN_FIELDS):
        problem(name, "is not a field of the network format")

    slug = data.get("slug", default_slug)
    if not isinstance(slug, str) or not is_valid_slug(slug):
        where = "slug" if "slug" in data else "file name"
        problem("slug", f"{where} {slug!r} is not a valid slug: use a-z, 0-9 and '-' only")

    province = data.get("province")
    if province is None:
        problem("province", 'is required: the code of the network\'s province, e.g. "35"')
    elif str(province).strip() not in provinces:
        problem("province", f"{province!r} is not the code of a province (content/reference/regions.csv)")

    description = source.body.strip()
    if not description:
        problems.append(Problem(source.path, "the description (the Markdown after the front matter) is empty"))
    elif len(description) > MAX_DESCRIPTION:
        problems.append(Problem(source.path, f"the description is longer than {MAX_DESCRIPTION:,} characters"))
    elif (markdown := markdown_problem(description)) is not None:
        problems.append(Problem(source.path, str(markdown), field="description"))

    network = NetworkFile(
        path=source.path,
        slug=slug if isinstance(slug, str) else "",
        name=_text(data, "name", problem, required=True),
        province=str(province).strip() if province is not None else "",
        description=description + "\n",
        launched=_launched(data.get("launched"), problem, today),
        legal_basis=_text(data, "legal_basis", problem),
        contact=check_contact(data.get("contact"), problem),
        fingerprint=source.fingerprint,
    )
    return (None if problems else network), problems


def _text(data, name, problem, required=False):
    value = data.get(name)
    if value is None:
        if required:
            problem(name, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problem(name, "must be text")
        return None
    value = " ".join(str(value).split())
    if required and not value:
        problem(name, "must not be empty")
        return None
    if len(value) > MAX_LENGTH[name]:
        problem(name, f"is {len(value)} characters long; at most {MAX_LENGTH[name]}")
        return None
    return value or None


def _launched(value, problem, today):
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; YAML may hand over a date or an int."""
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    match = _LAUNCHED.match(text) if not isinstance(value, bool) else None
    try:
        parts = [int(p) for p in match.groups() if p is not None] if match else None
        first = date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1) if parts else None
    except ValueError:
        first = None
    if first is None:
        problem("launched", f'must be "YYYY", "YYYY-MM" or "YYYY-MM-DD", not {value!r}')
        return None
    if not date(FIRST_YEAR, 1, 1) <= first <= today:
        problem("launched", f"{text} is not a date between {FIRST_YEAR} and today")
        return None
    return text
