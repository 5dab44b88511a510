"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``.

Kept true by tests/test_api.py, which validates real responses against it with openapi-core,
and by tests/test_api_fuzz.py, which fuzzes every operation from it with Schemathesis. The
answer shapes are in openapi_schemas.py; the names the filters accept (sectors, themes,
region codes) come from the reference tables, so the document lists exactly those.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from app.api.openapi_schemas import SCHEMAS, SLUG, ref
from app.catalog.costs import COST_BAND_NAMES
from app.catalog.filters import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH, SORTS
from app.catalog.models import AWARD_STAGES, OWNER_KINDS, STAGES, Sector, Theme
from app.extensions import db
from app.regions.models import Region
from app.replication.models import STAGES as REPLICATION_STAGES
from app.suggest import MAX_PROBLEM_CHARS, MAX_SUGGESTIONS
from app.suggest.engine import MAX_BUDGET

YEARS = {"type": "integer", "minimum": 1990, "maximum": 2100}


@dataclass(frozen=True)
class Vocabulary:
    """The names that filters accept: sector and theme slugs, province and region codes."""

    sectors: tuple[str, ...]
    themes: tuple[str, ...]
    provinces: tuple[str, ...]
    regions: tuple[str, ...]


def vocabulary():
    """The vocabulary of this database (its reference tables)."""

    def column(column, *where):
        # Sorted here, not in SQL: PostgreSQL's collation would order hyphens and dots its own way.
        return tuple(sorted(db.session.scalars(sa.select(column).where(*where))))

    return Vocabulary(
        sectors=column(Sector.slug),
        themes=column(Theme.slug),
        provinces=column(Region.code, Region.kind == "province"),
        regions=column(Region.code),
    )


def _query(name, description, schema, required=False, empty=True):
    """A query parameter; ``empty``: ``name=`` is taken as not given (as an HTML form sends it)."""
    parameter = {"name": name, "in": "query", "required": required, "description": description, "schema": schema}
    if empty:
        parameter["allowEmptyValue"] = True
    return parameter


def _path(name, description, schema):
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


NO_NUL = "^[^\\x00]*$"
PROBLEM_PATTERN = "^[^\\x00]*[A-Za-z0-9][^\\x00]*$"
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of an earlier answer (or *): 304 without a body while it is still current",
    "schema": {"type": "string"},
}
PAGING = [
    _query("page", f"Page number, from 1 to {MAX_PAGE}", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
    _query(
        "per_page",
        f"Items per page, at most {MAX_PER_PAGE} (default 20)",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    ),
]
HEADERS = {
    "ETag": {"description": "Send it back in If-None-Match for a 304", "required": True, "schema": {"type": "string"}},
    "Link": {
        "description": 'The first, previous, next and last pages: `<url>; rel="next"` (RFC 8288)',
        "required": True,
        "schema": {"type": "string", "pattern": '^<[^>]+>; rel="(first|prev|next|last)"'},
    },
    "Access-Control-Allow-Origin": {"description": "Any site may read", "required": True, "schema": {"const": "*"}},
}


def _header(name):
    return {"$ref": f"#/components/headers/{name}"}


def _responses(schema, paged=False, filters=False, record=False, search=False):
    """200 with ``schema``, 304 on a matching If-None-Match, and the errors this operation gives.

    ``filters``: it refuses unknown parameters and values; the others ignore their query string,
    but for a NUL character (refused site-wide)."""
    headers = {"ETag": _header("ETag"), "Access-Control-Allow-Origin": _header("Access-Control-Allow-Origin")}
    if paged:
        headers["Link"] = _header("Link")
    errors = {
        "400": "Bad input: a value that names nothing, a bad number, an unknown parameter, a NUL character"
        if filters
        else "A NUL character in the query string (other parameters are ignored)",
        "404": "No such record" if record else None,
        "429": "Too many requests from this address",
        "503": "The search index is being built: try again shortly" if search else None,
    }
    return {
        "200": {"description": "OK", "headers": headers, "content": {"application/json": {"schema": schema}}},
        "304": {"description": "Not modified: the If-None-Match ETag is still current", "headers": headers},
        **{
            code: {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
            for code, text in errors.items()
            if text
        },
    }


def _innovation_filters(vocab):
    return [
        _query(
            "q",
            f"Words to search for, at most {MAX_QUERY_LENGTH} characters",
            # A NUL character is refused site-wide (400): the document says so.
            {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": NO_NUL},
        ),
        _query("sector", "Sector slug", {"type": "string", "enum": list(vocab.sectors)}),
        _query("theme", "Theme slug", {"type": "string", "enum": list(vocab.themes)}),
        _query("owner_kind", "Kind of owner", {"type": "string", "enum": list(OWNER_KINDS)}),
        _query("province", "Province code, e.g. 33", ref("ProvinceCode")),
        _query("region", "Region code; a province includes its regencies and cities", ref("RegionCode")),
        _query("year", "Catalogue year", YEARS),
        _query("award", "Award stage reached", {"type": "string", "enum": list(AWARD_STAGES)}),
        _query("stage", "Lifecycle stage", {"type": "string", "enum": list(STAGES)}),
        _query("digital", "Delivered through an application", {"type": "string", "enum": ["true", "false"]}),
        _query("replicated", "Copied by at least one region", {"type": "string", "enum": ["true", "false"]}),
        _query(
            "cost",
            "Set-up cost band: lt50jt (under Rp50 million), 50-500jt, gt500jt (Rp500 million or more), unknown",
            {"type": "string", "enum": list(COST_BAND_NAMES)},
        ),
        _query(
            "no_new_regulation",
            "true: known to need no new regulation; false: known to need one",
            {"type": "string", "enum": ["true", "false"]},
        ),
        _query(
            "sort",
            "Order: relevance (the default with q; needs q), newest (the default without q), most_replicated, title,"
            " setup_cost (cheapest first, unknown last)",
            {"type": "string", "enum": list(SORTS)},
        ),
        *PAGING,
    ]


def suggestion_parameters():
    """The query parameters of ``/suggestions``."""
    return [
        _query(
            "problem",
            f"The problem as you would tell it: what happens, to whom, the constraints; in Indonesian or "
            f"English (at least one Latin letter or digit), at most {MAX_PROBLEM_CHARS} characters",
            {"type": "string", "minLength": 1, "maxLength": MAX_PROBLEM_CHARS, "pattern": PROBLEM_PATTERN},
            required=True,
            empty=False,
        ),
        _query(
            "region",
            "Region code of the writer: reasons name regions like it that already use a suggestion",
            ref("RegionCode"),
        ),
        _query(
            "per_page",
            f"How many suggestions, at most {MAX_SUGGESTIONS} (default 10)",
            {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS},
        ),
        _query(
            "budget",
            "What the writer can spend to set up, in rupiah: a reason says when the set-up cost is within it",
            {"type": "integer", "minimum": 0, "maximum": MAX_BUDGET},
        ),
    ]


def _paths(vocab):
    def get(summary, parameters, responses):
        return {"get": {"summary": summary, "parameters": [*parameters, IF_NONE_MATCH], "responses": responses}}

    region = "Region code, e.g. 33 (a province) or 33.74 (a regency or city)"
    return {
        "/innovations": get(
            "Innovations in rank order, with facets",
            _innovation_filters(vocab),
            _responses(ref("InnovationList"), paged=True, filters=True, search=True),
        ),
        "/innovations/{slug}": get(
            "One innovation, its body and replications",
            [_path("slug", "Innovation slug", SLUG)],
            _responses(ref("InnovationRecord"), record=True),
        ),
        "/replications": get(
            "Replications of published innovations",
            [
                _query("innovation", "Innovation slug", SLUG),
                _query("adopter_region", f"{region} of the adopter; a province includes its own", ref("RegionCode")),
                _query("status", "Replication stage", {"type": "string", "enum": list(REPLICATION_STAGES)}),
                _query("network", "Network slug", SLUG),
                *PAGING,
            ],
            _responses(ref("ReplicationList"), paged=True, filters=True),
        ),
        "/suggestions": get(
            "Published case studies that address a problem written in plain words, with reasons",
            suggestion_parameters(),
            _responses(ref("SuggestionList"), filters=True, search=True),
        ),
        "/networks": get("The JIPP networks", [], _responses(ref("NetworkList"))),
        "/networks/{slug}": get(
            "A network: members, coordinators, activities",
            [_path("slug", "Network slug", SLUG)],
            _responses(ref("Network"), record=True),
        ),
        "/regions/{code}": get(
            "A region, what it owns and what it adopted",
            # A pattern, not the list: a code that names no region is a 404 here, not bad input.
            [_path("code", region, {"type": "string", "pattern": "^[0-9]{2}([.][0-9]{2})?$"})],
            _responses(ref("Region"), record=True),
        ),
        "/stats/composition": get(
            "Distinct owners and innovations per owner kind for an award stage",
            [
                _query("year", "Competition year", YEARS, required=True, empty=False),
                _query(
                    "award",
                    "Award stage reached (default top99)",
                    {"type": "string", "enum": list(AWARD_STAGES)},
                    empty=False,
                ),
            ],
            _responses(ref("Composition"), filters=True),
        ),
        **{path: item for paths, _ in EXTENSIONS for path, item in paths(vocab, get).items()},
        "/openapi.json": get(
            "This document",
            [],
            _responses({"type": "object", "required": ["openapi", "info", "servers", "paths", "components"]}),
        ),
    }


# Endpoints defined in modules that build on this one's helpers (app/api/needs.py) add their
# paths and schemas here when they are imported, so this module never imports them back.
EXTENSIONS = []


def extend(paths, schemas):
    """Add ``paths(vocab, get)`` -> {path: item} and ``schemas`` to the document."""
    EXTENSIONS.append((paths, schemas))


def document(server_url, vocab):
    """The OpenAPI 3.1 document, with this deployment's base URL and ``vocab`` (see vocabulary())."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Suar API",
            "version": "1",
            "description": "Read-only, public data of Suar: innovations, replications, networks, regions, "
            "statistics and the needs regions made public. "
            f"No login. Lists are paged (`page`, `per_page` up to {MAX_PER_PAGE}) with a `Link` "
            "header; answers carry an `ETag` (send `If-None-Match` for a 304); CORS allows any origin to read. "
            "A filter given empty (`sector=`) is as if not given. "
            'Errors are JSON, `{"error": "..."}`: 400 for bad input (on lists and statistics, an unknown '
            "parameter too), 404 for no such record, 429 over the rate limit per address.",
        },
        "servers": [{"url": server_url}],
        "paths": _paths(vocab),
        "components": {
            "schemas": {
                **SCHEMAS,
                **{name: schema for _, schemas in EXTENSIONS for name, schema in schemas.items()},
                "RegionCode": {"type": "string", "enum": list(vocab.regions)},
                "ProvinceCode": {"type": "string", "enum": list(vocab.provinces)},
            },
            "headers": HEADERS,
        },
    }
