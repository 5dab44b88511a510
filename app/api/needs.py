"""Needs in the open data: ``GET /api/v1/needs`` and ``/api/v1/needs/<id>``, the CSV export
and the Atom feed. All answer alike for everyone, so they show what the public may see: the
needs marked public, through the one visibility condition (app/needs/access.py), without
the author (personal data)."""

import sqlalchemy as sa
from flask import jsonify, request, url_for

from app.accounts.models import AnonymousUser
from app.api import exports as api_exports
from app.api import openapi as api_openapi
from app.api.blueprint import bp
from app.api.exports import FEED_SIZE, _atom, _bad_request, _csv_response, _rfc3339
from app.api.exports import bp as opendata
from app.api.openapi import PAGING, _path, _query, _responses
from app.api.openapi_schemas import COUNT, DATE, SLUG, URL, _enum, _nullable, _object, ref
from app.catalog.filters import FilterError
from app.catalog.models import OWNER_KINDS
from app.extensions import db
from app.needs.access import MAX_ID, visible_needs
from app.needs.models import BUDGET_BANDS, CONNECTIVITY, STAFF, STATUSES, TERRAINS, Need
from app.needs.queries import needs_query, page_of, parse_filters

PUBLIC = AnonymousUser()
CSV_COLUMNS = (
    "id", "title", "owner", "owner_kind", "region_code", "province_code", "status", "sectors", "problem",
    "affected", "budget", "connectivity", "staff", "terrain", "deadline", "innovation", "created_at", "url",
)  # fmt: skip
__all__ = ["need_item", "openapi_paths"]


def need_item(need):
    """A need as the API shows it: what it says, never who wrote it."""
    return {
        "id": need.id,
        "title": need.title,
        "owner": {"name": need.owner.name, "kind": need.owner.kind, "region_code": need.owner.region_code},
        "province_code": need.province_code,
        "status": need.status,
        "sectors": [s.slug for s in need.sectors],
        "problem": need.problem,
        "affected": need.affected,
        "constraints": {
            "budget": need.budget,
            "connectivity": need.connectivity,
            "staff": need.staff,
            "terrain": need.terrains,
        },  # fmt: skip
        "deadline": need.deadline.isoformat() if need.deadline else None,
        "innovation": need.innovation.slug if need.innovation is not None and need.innovation.is_public else None,
        "created_at": _rfc3339(need.created_at),
        "url": url_for("needs.show", need_id=need.id, _external=True),
    }


@bp.get("/needs")
def needs():
    """Public needs filtered by ``sector``, ``province``, ``network``, ``status``, in pages."""
    filters = parse_filters(request.args, strict=True)
    total, rows = page_of(PUBLIC, filters)
    return jsonify(items=[need_item(n) for n in rows], total=total, page=filters.page, per_page=filters.per_page)


@bp.get("/needs/<int:need_id>")
def need(need_id):
    item = (
        db.session.scalar(sa.select(Need).where(Need.id == need_id, visible_needs(PUBLIC)))
        if need_id <= MAX_ID
        else None
    )
    if item is None:
        return jsonify(error=f"no need {need_id}"), 404
    return jsonify(need_item(item))


@opendata.get("/export/needs.csv")
def needs_csv():
    """Public needs as CSV, with the list's filters."""
    try:
        filters = parse_filters(request.args, strict=True)
    except FilterError as error:
        return _bad_request(error)
    query = needs_query(PUBLIC, filters).execution_options(yield_per=500)

    def rows():
        yield CSV_COLUMNS
        for n in db.session.scalars(query):
            yield (
                n.id, n.title, n.owner.name, n.owner.kind, n.owner.region_code or "", n.province_code or "", n.status,
                ";".join(s.slug for s in n.sectors), n.problem, n.affected, n.budget or "", n.connectivity or "",
                n.staff or "", ";".join(n.terrains), n.deadline.isoformat() if n.deadline else "",
                n.innovation.slug if n.innovation is not None and n.innovation.is_public else "",
                n.created_at.date().isoformat(), url_for("needs.show", need_id=n.id, _external=True),
            )  # fmt: skip

    return _csv_response(rows(), "suar-kebutuhan.csv")


@opendata.get("/feeds/needs.atom")
def needs_feed():
    items = db.session.scalars(needs_query(PUBLIC).limit(FEED_SIZE)).all()
    return _atom("feeds/needs.xml", items, "needs.index")


def first_public_need():
    """The id of the first public need (the API page's example), or None."""
    return db.session.scalar(sa.select(Need.id).where(visible_needs(PUBLIC)).order_by(Need.id).limit(1))


def sitemap_entries():
    """The public needs' pages as ``(URL, last change)``."""
    query = sa.select(Need.id, Need.updated_at).where(visible_needs(PUBLIC)).order_by(Need.id)
    return [(url_for("needs.show", need_id=i, _external=True), t) for i, t in db.session.execute(query)]


def openapi_paths(vocab, get):
    """The needs' operations for the OpenAPI document (app/api/openapi.py)."""
    return {
        "/needs": get(
            "Public needs: problems regions want solved",
            [
                _query("sector", "Sector slug", {"type": "string", "enum": list(vocab.sectors)}),
                _query("province", "Province code of the need's owner, e.g. 33", ref("ProvinceCode")),
                _query("network", "Network slug: needs of its members", SLUG),
                _query("status", "Status", {"type": "string", "enum": list(STATUSES)}),
                *PAGING,
            ],
            _responses(ref("NeedList"), paged=True, filters=True),
        ),
        "/needs/{need_id}": get(
            "One public need",
            [_path("need_id", "Need id", {"type": "integer", "minimum": 1})],
            _responses(ref("Need"), record=True),
        ),
    }


NEED = _object(
    {
        "id": {"type": "integer", "minimum": 1},
        "title": {"type": "string"},
        "owner": _object(
            {"name": {"type": "string"}, "kind": _enum(OWNER_KINDS), "region_code": _nullable(ref("RegionCode"))}
        ),
        "province_code": _nullable(ref("ProvinceCode")),
        "status": _enum(STATUSES),
        "sectors": {"type": "array", "items": {"type": "string"}},
        "problem": {"type": "string"},
        "affected": {"type": "string"},
        "constraints": _object(
            {
                "budget": _enum(BUDGET_BANDS, nullable=True),
                "connectivity": _enum(CONNECTIVITY, nullable=True),
                "staff": _enum(STAFF, nullable=True),
                "terrain": {"type": "array", "items": _enum(TERRAINS)},
            }
        ),
        "deadline": _nullable(DATE),
        "innovation": _nullable(SLUG),
        "created_at": {"type": "string", "format": "date-time"},
        "url": URL,
    }
)
SCHEMAS = {
    "Need": NEED,
    "NeedList": _object(
        {
            "items": {"type": "array", "items": ref("Need")},
            "total": COUNT,
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
        }
    ),
}


def _examples(base):
    need = first_public_need()
    return {} if need is None else {"/needs/{need_id}": f"{base}/needs/{need}"}


# This module builds on exports.py and openapi.py; it adds itself to them, they never import it.
api_openapi.extend(openapi_paths, SCHEMAS)
api_exports.SITEMAP_SOURCES.append(sitemap_entries)
api_exports.EXAMPLE_SOURCES.append(_examples)
