"""The catalogue's filters, parsed once from a query string and shared by the catalogue
pages, search and the API: one meaning for ``?sector=kesehatan&province=33&page=2``."""

from dataclasses import dataclass, fields, replace

import sqlalchemy as sa

from app.catalog.models import AWARD_STAGES, OWNER_KINDS, STAGES, Sector, Theme
from app.extensions import db
from app.regions.models import Region

SORTS = ("relevance", "newest", "most_replicated", "title")
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 200
FILTER_NAMES = (
    "sector", "theme", "owner_kind", "province", "region", "year", "award", "stage", "digital", "replicated",
)  # fmt: skip


class FilterError(ValueError):
    """A query-string value that does not name anything; the message says which and why."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


@dataclass(frozen=True)
class Filters:
    """What a reader asked for. ``None`` means "any"."""

    q: str = ""
    sector: str | None = None
    theme: str | None = None
    owner_kind: str | None = None
    province: str | None = None
    region: str | None = None
    year: int | None = None
    award: str | None = None
    stage: str | None = None
    digital: bool | None = None
    replicated: bool | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = 20

    @property
    def active(self):
        """The filters in use, as ``{name: value}`` (not q, sort or paging)."""
        return {name: getattr(self, name) for name in FILTER_NAMES if getattr(self, name) is not None}

    def to_args(self, **changes):
        """Query-string arguments for these filters with ``changes`` applied (``None`` drops one)."""
        state = replace(self, **changes) if changes else self
        args = {}
        for f in fields(state):
            value = getattr(state, f.name)
            if value is None or value == "" or value == f.default and f.name in ("page", "per_page"):
                continue
            if f.name == "sort" and value == state.default_sort:
                continue
            args[f.name] = ("true" if value else "false") if isinstance(value, bool) else value
        return args

    @property
    def default_sort(self):
        return "relevance" if self.q else "newest"


def parse_filters(args, default_per_page=20, strict=False):
    """Read filters from a query string (a MultiDict); raise FilterError on a bad value.

    With ``strict`` (the API), an unknown parameter is an error too.
    """
    if strict:
        unknown = sorted(set(args) - {f.name for f in fields(Filters)})
        if unknown:
            raise FilterError(unknown[0], "is not a known parameter")
    q = " ".join(args.get("q", "").split())
    if len(q) > MAX_QUERY_LENGTH:
        raise FilterError("q", f"is longer than {MAX_QUERY_LENGTH} characters")
    values = {"q": q}
    values["sector"] = _known(args, "sector", lambda v: _exists(Sector.slug, v))
    values["theme"] = _known(args, "theme", lambda v: _exists(Theme.slug, v))
    values["owner_kind"] = _known(args, "owner_kind", lambda v: v in OWNER_KINDS)
    values["province"] = _known(args, "province", lambda v: _region_kind(v) == "province")
    values["region"] = _known(args, "region", lambda v: _region_kind(v) is not None)
    values["award"] = _known(args, "award", lambda v: v in AWARD_STAGES)
    values["stage"] = _known(args, "stage", lambda v: v in STAGES)
    values["year"] = _number(args, "year", 1990, 2100)
    values["digital"] = _boolean(args, "digital")
    values["replicated"] = _boolean(args, "replicated")
    sort = args.get("sort") or ("relevance" if q else "newest")
    if sort not in SORTS or (sort == "relevance" and not q):
        raise FilterError("sort", f"must be one of {', '.join(s for s in SORTS if q or s != 'relevance')}")
    values["sort"] = sort
    values["page"] = _number(args, "page", 1, MAX_PAGE) or 1
    values["per_page"] = _number(args, "per_page", 1, MAX_PER_PAGE) or default_per_page
    return Filters(**values)


def _known(args, name, is_known):
    value = args.get(name)
    if value is None or value == "":
        return None
    if len(value) > 64 or not is_known(value):
        raise FilterError(name, f"{value[:64]!r} is not a known {name.replace('_', ' ')}")
    return value


def _number(args, name, low, high):
    value = args.get(name)
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 6 or not low <= int(value) <= high:
        raise FilterError(name, f"must be a whole number from {low} to {high}")
    return int(value)


def _boolean(args, name):
    value = args.get(name)
    if value is None or value == "":
        return None
    if value not in ("true", "false"):
        raise FilterError(name, "must be true or false")
    return value == "true"


def _exists(column, value):
    return db.session.scalar(sa.select(sa.literal(True)).where(column == value)) is not None


def _region_kind(code):
    return db.session.scalar(sa.select(Region.kind).where(Region.code == code))
