"""The catalogue's filters and sorts, each defined once.

A filter says how it is read from a query string, which innovations pass it in SQL, which
documents pass it in the search index (their Facts), and, as a facet, which values an
innovation has. A sort says its SQL order and its key on a document. The catalogue pages,
the search index, the database fallback, the API and the CSV export all use these
definitions (docs/decisions/0038), so ``?sector=kesehatan&digital=true&sort=title`` means
the same thing on every path; tests/test_filter_paths.py holds them to it.
"""

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.catalog import reference
from app.catalog.costs import COST_BAND_NAMES, band_of, band_sql
from app.catalog.models import (
    AWARD_STAGES,
    OWNER_KINDS,
    STAGES,
    Award,
    Innovation,
    Owner,
    Sector,
    Theme,
    innovation_sector,
    innovation_theme,
)

MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 200


class FilterError(ValueError):
    """A query-string value that names nothing: ``english`` says which and why in English (the
    API's and the exports' errors), ``message`` in the reader's language (the pages)."""

    def __init__(self, name, english, message=None):
        super().__init__(f"{name}: {english}")
        self.name = name
        self.english = english
        self.message = message if message is not None else english


def province_of(column):
    """The province code of a region code (Kemendagri): ``33.74`` -> ``33``."""
    return sa.func.substr(column, 1, 2)


def _in_region(column, code):
    return sa.or_(column == code, column.startswith(code + "."))


def _linked(link, link_column, model, slug):
    return sa.select(link.c.innovation_id).join(model, model.id == link_column).where(model.slug == slug)


@dataclass(frozen=True)
class Filter:
    """One filter. ``sql`` gives either ("ids", a SELECT of innovation ids) or ("row", a
    predicate on the innovation's own columns); ``holds`` tests an index document's Facts;
    ``keys`` lists the facet values of a document (None for a filter without a facet)."""

    name: str
    read: Callable[[str], Any]
    sql: Callable[[Any], tuple]
    holds: Callable[[Any, Any], bool]
    keys: Callable[[Any], tuple] | None = None


def param(value):
    """A filter value as the query string writes it: ``True`` -> ``"true"``, ``2020`` -> ``"2020"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def ordered_counts(pairs):
    """Facet counts as every path gives them: ``{value: count}``, most first, then by value."""
    return dict(sorted(pairs, key=lambda pair: (-pair[1], pair[0])))


# --- reading values ---------------------------------------------------------------------
def _unknown(name, label):
    def fail(value):
        shown = value[:64]
        raise FilterError(
            name,
            f"{shown!r} is not a known {name.replace('_', ' ')}",
            _l("%(label)s “%(value)s” tidak dikenal.", label=label, value=shown),
        )

    return fail


def _one_of(name, label, choices):
    def read(value):
        if value not in choices:
            _unknown(name, label)(value)
        return value

    return read


def _listed(name, label, listing):
    """A value of a reference list (``reference.sectors``, ``reference.themes``)."""

    def read(value):
        if value not in listing():
            _unknown(name, label)(value)
        return value

    return read


def _region_of_kind(name, label, province_only):
    def read(value):
        kind = reference.regions().get(value, (None, None))[1]
        if kind is None or (province_only and kind != "province"):
            _unknown(name, label)(value)
        return value

    return read


def _whole_number(name, low, high):
    def read(value):
        if not (value.isascii() and value.isdigit()) or len(value) > 6 or not low <= int(value) <= high:
            raise FilterError(
                name,
                f"must be a whole number from {low} to {high}",
                _l("%(name)s harus bilangan bulat dari %(low)s sampai %(high)s.", name=name, low=low, high=high),
            )
        return int(value)

    return read


def _yes_no(name):
    def read(value):
        if value not in ("true", "false"):
            raise FilterError(name, "must be true or false", _l("%(name)s harus true atau false.", name=name))
        return value == "true"

    return read


# --- the filters ------------------------------------------------------------------------
FILTERS = {
    f.name: f
    for f in (
        Filter(
            "sector",
            _listed("sector", _l("Sektor"), reference.sectors),
            lambda v: ("ids", _linked(innovation_sector, innovation_sector.c.sector_id, Sector, v)),
            lambda facts, v: v in facts.sectors,
            lambda facts: facts.sectors,
        ),
        Filter(
            "theme",
            _listed("theme", _l("Tema"), reference.themes),
            lambda v: ("ids", _linked(innovation_theme, innovation_theme.c.theme_id, Theme, v)),
            lambda facts, v: v in facts.themes,
            lambda facts: facts.themes,
        ),
        Filter(
            "owner_kind",
            _one_of("owner_kind", _l("Jenis pemilik"), OWNER_KINDS),
            lambda v: ("row", Innovation.owner_id.in_(sa.select(Owner.id).where(Owner.kind == v))),
            lambda facts, v: facts.owner_kind == v,
            lambda facts: (facts.owner_kind,),
        ),
        Filter(
            "province",
            _region_of_kind("province", _l("Provinsi"), province_only=True),
            lambda v: ("row", province_of(Innovation.region_code) == v),
            lambda facts, v: facts.province == v,
            lambda facts: (facts.province,) if facts.province else (),
        ),
        Filter(
            "region",
            _region_of_kind("region", _l("Wilayah"), province_only=False),
            lambda v: ("row", _in_region(Innovation.region_code, v)),
            lambda facts, v: facts.region is not None and (facts.region == v or facts.region.startswith(v + ".")),
        ),
        Filter(
            "year",
            _whole_number("year", 1990, 2100),
            lambda v: ("row", Innovation.year == v),
            lambda facts, v: facts.year == v,
            lambda facts: (facts.year,),
        ),
        Filter(
            "award",
            _one_of("award", _l("Penghargaan"), AWARD_STAGES),
            lambda v: ("ids", sa.select(Award.innovation_id).where(Award.stage == v)),
            lambda facts, v: v in facts.awards,
            lambda facts: facts.awards,
        ),
        Filter(
            "stage",
            _one_of("stage", _l("Tahap"), STAGES),
            lambda v: ("row", Innovation.stage == v),
            lambda facts, v: facts.stage == v,
            lambda facts: (facts.stage,),
        ),
        Filter(
            "digital",
            _yes_no("digital"),
            lambda v: ("row", Innovation.digital.is_(v)),
            lambda facts, v: facts.digital is v,
            lambda facts: (facts.digital,),
        ),
        Filter(
            "replicated",
            _yes_no("replicated"),
            lambda v: ("row", Innovation.replication_count > 0 if v else Innovation.replication_count == 0),
            lambda facts, v: (facts.replication_count > 0) is v,
            lambda facts: (facts.replication_count > 0,),
        ),
        # The set-up cost's band (app/catalog/costs.py); ``unknown``: no cost given.
        Filter(
            "cost",
            _one_of("cost", _l("Biaya awal"), COST_BAND_NAMES),
            lambda v: ("row", band_sql(Innovation.setup_cost, v)),
            lambda facts, v: band_of(facts.setup_cost) == v,
            lambda facts: (band_of(facts.setup_cost),),
        ),
        # true: known to need no new regulation; false: known to need one. Not known: neither.
        Filter(
            "no_new_regulation",
            _yes_no("no_new_regulation"),
            lambda v: ("row", Innovation.needs_new_regulation.is_(not v)),
            lambda facts, v: facts.needs_new_regulation is (not v),
            lambda facts: () if facts.needs_new_regulation is None else (not facts.needs_new_regulation,),
        ),
    )
}
FILTER_NAMES = tuple(FILTERS)
FACETS = tuple(name for name, f in FILTERS.items() if f.keys is not None)


@dataclass(frozen=True)
class Sort:
    """An order of the catalogue: SQL columns, and the same order as a key on Facts."""

    name: str
    sql: tuple
    key: Callable[[Any], tuple] | None  # None: only the index can sort this way (relevance)


SORTS = {
    s.name: s
    for s in (
        Sort("relevance", (Innovation.year.desc(), Innovation.id.desc()), None),
        Sort("newest", (Innovation.year.desc(), Innovation.id.desc()), lambda f: (-f.year, -f.id)),
        Sort(
            "most_replicated",
            (Innovation.replication_count.desc(), Innovation.year.desc(), Innovation.id.desc()),
            lambda f: (-f.replication_count, -f.year, -f.id),
        ),
        Sort("title", (Innovation.sort_title, Innovation.id), lambda f: (f.title_key, f.id)),
        # Cheapest set-up first; case studies without a cost last.
        Sort(
            "setup_cost",
            (Innovation.setup_cost.is_(None), Innovation.setup_cost, Innovation.id),
            lambda f: (f.setup_cost is None, f.setup_cost or 0, f.id),
        ),
    )
}


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
    cost: str | None = None
    no_new_regulation: bool | None = None
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
            args[f.name] = param(value) if isinstance(value, bool) else value
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
            name = unknown[0][:64]
            raise FilterError(name, "is not a known parameter", _l("Parameter %(name)s tidak dikenal.", name=name))
    q = " ".join(args.get("q", "").split())
    if len(q) > MAX_QUERY_LENGTH:
        raise FilterError(
            "q",
            f"is longer than {MAX_QUERY_LENGTH} characters",
            _l("Kata kunci paling banyak %(n)s karakter.", n=MAX_QUERY_LENGTH),
        )
    values = {"q": q}
    for name, spec in FILTERS.items():
        raw = args.get(name)
        values[name] = spec.read(raw) if raw not in (None, "") else None
    sort = args.get("sort") or ("relevance" if q else "newest")
    if sort not in SORTS or (sort == "relevance" and not q):
        choices = ", ".join(s for s in SORTS if q or s != "relevance")
        message = _l("Urutan harus salah satu dari: %(choices)s.", choices=choices)
        raise FilterError("sort", f"must be one of {choices}", message)
    values["sort"] = sort
    values["page"] = _whole_number("page", 1, MAX_PAGE)(args["page"]) if args.get("page") else 1
    per_page = args.get("per_page")
    values["per_page"] = _whole_number("per_page", 1, MAX_PER_PAGE)(per_page) if per_page else default_per_page
    return Filters(**values)
