"""Open data: CSV exports, Atom feeds, the sitemap and robots.txt.

CSV files are streamed row by row (``yield_per``), so a large export never sits in memory,
and are written by ``app.csvfiles``: a UTF-8 byte-order mark so that spreadsheet programs
read Indonesian text correctly, and no cell that a spreadsheet would run as a formula.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from sqlalchemy.orm import selectinload

from app import csvfiles
from app.catalog.filters import FilterError, parse_filters
from app.catalog.models import Innovation, Owner
from app.catalog.queries import ORDER, conditions
from app.extensions import db
from app.networks.models import Network
from app.regions.models import Region
from app.replication.csvio import export_rows
from app.replication.models import Replication

bp = Blueprint("opendata", __name__)
FEED_SIZE = 50
INNOVATION_COLUMNS = (
    "slug", "title", "owner", "owner_kind", "institution", "region_code", "region", "province_code", "year",
    "started", "stage", "sectors", "themes", "awards", "digital", "legal_basis", "language", "sample",
    "replication_count", "url", "summary",
)  # fmt: skip


def _csv_response(rows, filename):
    response = Response(stream_with_context(csvfiles.stream(rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _bad_request(error):
    return Response(f"{error.name}: {error.message}\n", status=400, mimetype="text/plain")


@bp.get("/export/innovations.csv")
def innovations_csv():
    """Every innovation the catalogue's filters select, as CSV."""
    try:
        filters = parse_filters(request.args)
    except FilterError as error:
        return _bad_request(error)
    query = (
        sa.select(Innovation)
        .where(*conditions(filters))
        .order_by(*ORDER[filters.sort if filters.sort != "relevance" else "newest"])
        .options(
            selectinload(Innovation.owner),
            selectinload(Innovation.institution),
            selectinload(Innovation.region),
            selectinload(Innovation.sectors),
            selectinload(Innovation.themes),
            selectinload(Innovation.awards),
        )
        .execution_options(yield_per=500)
    )

    def rows():
        yield INNOVATION_COLUMNS
        for item in db.session.scalars(query):
            yield (
                item.slug, item.title, item.owner.name, item.owner.kind, item.institution.name,
                item.region_code or "", item.region.display_name if item.region else "",
                (item.region_code or "").split(".")[0], item.year, item.started or "", item.stage,
                ";".join(s.slug for s in item.sectors), ";".join(t.slug for t in item.themes),
                ";".join(f"{a.competition} {a.year} {a.stage}" for a in item.awards),
                "true" if item.digital else "false", item.legal_basis or "", item.language,
                "true" if item.sample else "false", item.replication_count,
                url_for("catalog.innovation", slug=item.slug, _external=True), item.summary,
            )  # fmt: skip

    return _csv_response(rows(), "suar-inovasi.csv")


REPLICATION_FILTERS = {"innovation", "adopter_region", "status", "network"}


def replication_query(args):
    """Replications selected by ``innovation`` (slug), ``adopter_region`` (code, a province
    includes its regencies and cities), ``status`` (stage) and ``network`` (slug); only
    those of published innovations."""
    from app.replication.models import STAGES

    unknown = sorted(set(args) - REPLICATION_FILTERS)
    if unknown:
        raise FilterError(unknown[0], "is not a known parameter")
    query = sa.select(Replication).where(Replication.innovation.has(Innovation.is_public)).order_by(Replication.id)
    if args.get("innovation"):
        query = query.where(Replication.innovation.has(Innovation.slug == args["innovation"][:120]))
    if args.get("adopter_region"):
        code = args["adopter_region"][:13]
        if db.session.get(Region, code) is None:
            raise FilterError("adopter_region", f"{code!r} is not a region code")
        query = query.where(
            Replication.adopter.has(sa.or_(Owner.region_code == code, Owner.region_code.startswith(code + ".")))
        )
    if args.get("status"):
        if args["status"] not in STAGES:
            raise FilterError("status", f"must be one of {', '.join(STAGES)}")
        query = query.where(Replication.stage == args["status"])
    if args.get("network"):
        query = query.where(Replication.network.has(Network.slug == args["network"][:120]))
    return query


@bp.get("/export/replications.csv")
def replications_csv():
    """Replications as CSV, in the columns the replication import reads."""
    try:
        query = replication_query(request.args)
    except FilterError as error:
        return _bad_request(error)
    query = query.options(
        selectinload(Replication.innovation).selectinload(Innovation.owner),
        selectinload(Replication.adopter),
        selectinload(Replication.adopter_unit),
        selectinload(Replication.network),
    )
    return _csv_response(export_rows(query), "suar-replikasi.csv")


@bp.get("/feeds/innovations.atom")
def innovations_feed():
    items = db.session.scalars(
        sa.select(Innovation)
        .where(Innovation.is_public)
        .order_by(Innovation.created_at.desc(), Innovation.id.desc())
        .limit(FEED_SIZE)
    ).all()
    return _atom("feeds/innovations.xml", items, "catalog.home")


@bp.get("/feeds/replications.atom")
def replications_feed():
    items = db.session.scalars(
        sa.select(Replication)
        .where(Replication.innovation.has(Innovation.is_public))
        .order_by(Replication.updated_at.desc(), Replication.id.desc())
        .limit(FEED_SIZE)
    ).all()
    return _atom("feeds/replications.xml", items, "catalog.home")


def _atom(template, items, home):
    updated = max((i.updated_at for i in items), default=datetime(2019, 1, 1, tzinfo=UTC))
    body = render_template(template, items=items, updated=_rfc3339(updated), rfc3339=_rfc3339)
    return Response(body, mimetype="application/atom+xml")


def _rfc3339(moment):
    if moment.tzinfo is None:  # SQLite returns naive datetimes; they were stored in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page: home, catalogue, statistics, networks, case studies, owners, regions."""
    pages = [
        url_for(endpoint, _external=True)
        for endpoint in ("catalog.home", "catalog.catalogue", "stats.dashboard", "networks.index")
    ]
    public = sa.select(Innovation.slug).where(Innovation.is_public)
    pages += [url_for("catalog.innovation", slug=s, _external=True) for s in db.session.scalars(public)]
    pages += [url_for("catalog.owner", slug=s, _external=True) for s in db.session.scalars(sa.select(Owner.slug))]
    pages += [url_for("catalog.region", code=c, _external=True) for c in db.session.scalars(sa.select(Region.code))]
    pages += [url_for("networks.show", slug=s, _external=True) for s in db.session.scalars(sa.select(Network.slug))]
    replications = sa.select(Replication.id).where(Replication.innovation.has(Innovation.is_public))
    pages += [url_for("replication.show", replication_id=i, _external=True) for i in db.session.scalars(replications)]
    return Response(render_template("feeds/sitemap.xml", pages=pages), mimetype="application/xml")


@bp.get("/api")
def api_docs():
    """A readable page about the API, made from the same OpenAPI document it serves."""
    from app.api.openapi import document

    spec = document(url_for("api.innovations", _external=True).rsplit("/innovations", 1)[0])
    return render_template("api/docs.html", spec=spec)


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *"]
    private = ("/admin/", "/akun/", "/masuk", "/keluar", "/kotak-masuk", "/replikasi/impor", "/bahasa/", "/kelola/")
    lines += [f"Disallow: {path}" for path in private]
    lines.append(f"Sitemap: {url_for('opendata.sitemap', _external=True)}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
