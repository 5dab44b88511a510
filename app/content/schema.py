"""The front matter of a case-study file (content-format.md), checked field by field."""

import re
from dataclasses import dataclass, field
from datetime import date

from app.catalog.models import AWARD_STAGES, GOVERNMENT_KINDS, LANGUAGES, OWNER_KINDS, STAGES
from app.content.contacts import check_contacts
from app.content.documents import check_documents
from app.content.evidence import check_costs, check_indicators
from app.content.images import check_images
from app.content.kit import check_kit
from app.content.problems import Problem
from app.rendering import markdown_problem
from app.slugs import is_valid_slug

KNOWN_FIELDS = {
    "title", "slug", "institution", "owner", "owner_kind", "region", "year", "started", "stage",
    "awards", "sectors", "themes", "digital", "legal_basis", "language", "contact", "contacts", "summary",
    "sample", "costs", "indicators", "kit", "images", "documents",
}  # fmt: skip
MAX_LENGTH = {"title": 300, "institution": 300, "owner": 200, "legal_basis": 1000, "summary": 3000}
CONTACT_FIELDS = {"name": 200, "email": 254, "phone": 40}
# The body the web form accepts, and so a file (the export writes it back within 1 MB);
# longer Markdown would take too long to render (docs/decisions/0042).
MAX_BODY = 200_000
_STARTED = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
_PHONE = re.compile(r"^[0-9+()\-. ]{3,40}$")
FIRST_YEAR = 1990


@dataclass
class Reference:
    """What a file may refer to: the known sectors, themes and regions (code -> kind)."""

    sectors: set[str]
    themes: set[str]
    regions: dict[str, str]


@dataclass
class CaseStudy:
    """A validated case-study file, ready to be written to the database."""

    path: str
    slug: str
    title: str
    institution: str
    owner: str
    owner_kind: str
    region: str | None
    year: int
    summary: str
    sectors: list[str]
    body: str
    started: str | None = None
    stage: str = "implemented"
    awards: list[tuple[str, int, str]] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    digital: bool = False
    legal_basis: str | None = None
    language: str = "id"
    # [{name, position, unit, email, phone, whatsapp, confirmed_on}] (app/content/contacts.py)
    contacts: list[dict] = field(default_factory=list)
    sample: bool = False
    # {setup, yearly, budget_source, staff, months_to_launch, prerequisites, needs_new_regulation}
    # and [{name, unit, baseline, result, source, higher_is_better}] (app/content/evidence.py)
    costs: dict = field(default_factory=dict)
    indicators: list[dict] = field(default_factory=list)
    # {steps: [{step, weeks}], pitfalls: [text]}: the replication kit (app/content/kit.py)
    kit: dict = field(default_factory=dict)
    # [{file, alt, caption, credit}] (app/content/images.py). Compared apart from the rest
    # (app/content/importer.py): a file names a picture by its path, the catalogue by its blobs.
    images: list[dict] = field(default_factory=list)
    # [{file, kind, title, description, regulation_type, regulation_number, regulation_year}]
    # (app/content/documents.py), compared apart from the rest as pictures are.
    documents: list[dict] = field(default_factory=list)
    fingerprint: str = ""
    # The pictures read and re-encoded by the import (app/catalog/images.PreparedImage), in order.
    prepared_images: list = field(default_factory=list, compare=False, repr=False)
    # The documents read and checked by the import: (CheckedDocument, bytes), in order.
    loaded_documents: list = field(default_factory=list, compare=False, repr=False)


class _Checker:
    """Collects the problems of one file while reading its fields."""

    def __init__(self, path, data, lines):
        self.path, self.data, self.lines, self.problems = path, data, lines, []

    def problem(self, name, message):
        self.problems.append(Problem(self.path, message, field=name, line=self.lines.get(name)))

    def text(self, name, required=False):
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(name, "must be text")
            return None
        value = " ".join(str(value).split()) if name != "summary" else str(value).strip()
        if required and not value:
            self.problem(name, "must not be empty")
            return None
        limit = MAX_LENGTH.get(name)
        if limit and len(value) > limit:
            self.problem(name, f"is {len(value)} characters long; at most {limit}")
            return None
        return value or None

    def choice(self, name, choices, default):
        value = self.data.get(name, default)
        if value not in choices:
            self.problem(name, f"must be one of {', '.join(choices)}, not {value!r}")
            return default
        return value

    def boolean(self, name):
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            self.problem(name, f"must be true or false, not {value!r}")
            return False
        return value

    def year(self, name, value, today):
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(name, f"must be a year such as 2019, not {value!r}")
            return None
        if not FIRST_YEAR <= value <= today.year + 1:
            self.problem(name, f"{value} is not a year between {FIRST_YEAR} and {today.year + 1}")
            return None
        return value

    def slugs(self, name, known, required=False):
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "is required: a list of at least one slug")
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(name, "must be a list of slugs")
            return []
        if required and not value:
            self.problem(name, "must name at least one slug")
        unknown = [v for v in value if v not in known]
        if unknown:
            self.problem(name, f"unknown {name[:-1]} {', '.join(map(repr, unknown))}")
            return []
        return list(dict.fromkeys(value))


def validate(path, data, lines, body, default_slug, reference, today=None):
    """Check one file's front matter; return ``(CaseStudy or None, problems)``."""
    today = today or date.today()
    check = _Checker(path, data, lines)
    for name in sorted(set(data) - KNOWN_FIELDS):
        check.problem(name, "is not a field of the case-study format")

    slug = data.get("slug", default_slug)
    if not isinstance(slug, str) or not is_valid_slug(slug):
        where = "slug" if "slug" in data else "file name"
        check.problem("slug", f"{where} {slug!r} is not a valid slug: use a-z, 0-9 and '-' only")

    owner_kind = check.choice("owner_kind", OWNER_KINDS, None) if "owner_kind" in data else None
    if "owner_kind" not in data:
        check.problem("owner_kind", "is required")
    region = _region(check, data.get("region"), owner_kind, reference)
    year = check.year("year", data["year"], today) if "year" in data else check.problem("year", "is required")

    case = CaseStudy(
        path=path,
        slug=slug if isinstance(slug, str) else "",
        title=check.text("title", required=True),
        institution=check.text("institution", required=True),
        owner=check.text("owner", required=True),
        owner_kind=owner_kind,
        region=region,
        year=year,
        summary=check.text("summary", required=True),
        sectors=check.slugs("sectors", reference.sectors, required=True),
        themes=check.slugs("themes", reference.themes),
        body=body,
        started=_started(check, data.get("started"), today),
        stage=check.choice("stage", STAGES, "implemented"),
        awards=_awards(check, data.get("awards"), today),
        digital=check.boolean("digital"),
        legal_basis=check.text("legal_basis"),
        language=check.choice("language", LANGUAGES, "id"),
        contacts=_contacts(check, data, today),
        sample=check.boolean("sample"),
        costs=check_costs(data.get("costs"), lambda message: check.problem("costs", message)),
        indicators=check_indicators(data.get("indicators"), lambda text: check.problem("indicators", text), today),
        kit=check_kit(data.get("kit"), lambda text: check.problem("kit", text)),
        images=check_images(data.get("images"), lambda text: check.problem("images", text)),
        documents=check_documents(data.get("documents"), lambda text: check.problem("documents", text), today),
    )
    _body(check, body)
    return (None if check.problems else case), check.problems


def _contacts(check, data, today):
    # ``contact: {name, email, phone}``, the format's one contact before ``contacts:``, is
    # still read: as the first and only contact.
    if "contact" in data:
        if "contacts" in data:
            check.problem("contact", "give contacts: only (a list); contact: is its older, single form")
            return []
        if not isinstance(data["contact"], dict):
            check.problem("contact", "must be {name, email, phone}")
            return []
        legacy = dict(data["contact"])
        if not legacy.get("name"):  # as migration 0011 moved such a contact
            legacy["name"] = legacy.get("email") or legacy.get("phone")
        return check_contacts([legacy], lambda message: check.problem("contact", message), today)
    return check_contacts(data.get("contacts"), lambda message: check.problem("contacts", message), today)


def _body(check, body):
    # Rendering within the budget is a rule of the format: the import and the form refuse
    # what the page could not show (app/rendering.py).
    length = len(body.rstrip("\n"))  # files and the form end the body with one line break
    if length > MAX_BODY:
        check.problem("body", f"is {length} characters long; at most {MAX_BODY}")
    elif (problem := markdown_problem(body)) is not None:
        check.problem("body", str(problem))


def _region(check, value, owner_kind, reference):
    if value is None:
        if owner_kind in GOVERNMENT_KINDS:
            check.problem("region", f"is required for owner_kind {owner_kind}")
        return None
    if isinstance(value, float):
        check.problem("region", f'quote the code so that YAML keeps its digits, e.g. region: "{value}"')
        return None
    code = str(value).strip()
    kind = reference.regions.get(code)
    if kind is None:
        check.problem("region", f"{code!r} is not an official region code (content/reference/regions.csv)")
        return None
    if owner_kind in GOVERNMENT_KINDS and kind != owner_kind:
        check.problem("region", f"{code} is a {kind}, but owner_kind is {owner_kind}")
        return None
    return code


def _started(check, value, today):
    if value is None:
        return None
    match = _STARTED.match(str(value)) if isinstance(value, str | int) and not isinstance(value, bool) else None
    if not match or int(match.group(1)) > today.year + 1:
        check.problem("started", f'must be "YYYY" or "YYYY-MM", not {value!r}')
        return None
    return str(value)


def _awards(check, value, today):
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(a, dict) for a in value):
        check.problem("awards", "must be a list of {competition, year, stage}")
        return []
    awards = []
    for number, award in enumerate(value, start=1):
        extra = set(award) - {"competition", "year", "stage"}
        competition = award.get("competition")
        if extra or not isinstance(competition, str) or not 0 < len(competition.strip()) <= 40:
            check.problem("awards", f"award {number} needs competition (text), year and stage, and nothing else")
            continue
        year = check.year("awards", award.get("year"), today)
        if award.get("stage") not in AWARD_STAGES:
            check.problem("awards", f"award {number}: stage must be one of {', '.join(AWARD_STAGES)}")
            continue
        if year is not None:
            awards.append((competition.strip(), year, award["stage"]))
    if len(set(awards)) != len(awards):
        check.problem("awards", "the same award is listed twice")
    return sorted(set(awards))


def check_contact(value, problem):
    """A ``contact: {name, email, phone}`` mapping, checked; ``problem(field, message)`` hears
    what is wrong. Case-study and network files share it."""
    if value is None:
        return {}
    if not isinstance(value, dict) or set(value) - set(CONTACT_FIELDS):
        problem("contact", "must be {name, email, phone}")
        return {}
    contact = {}
    for key, limit in CONTACT_FIELDS.items():
        item = value.get(key)
        if item is None:
            continue
        item = str(item).strip()
        if len(item) > limit:
            problem("contact", f"{key} is longer than {limit} characters")
        elif key == "email" and not _EMAIL.match(item):
            problem("contact", f"email {item!r} is not an email address")
        elif key == "phone" and not _PHONE.match(item):
            problem("contact", f"phone {item!r} is not a phone number")
        elif item:
            contact[key] = item
    return contact
