"""Open data: CSV exports, Atom feeds, the sitemap and robots.txt.

CSV files are streamed row by row (``yield_per``), so a large export never sits in memory,
and are written by ``app.csvfiles``: a UTF-8 byte-order mark so that spreadsheet programs
read Indonesian text correctly, and no cell that a spreadsheet would run as a formula.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, render_template, request, stream_with_context, url_for
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
from app.slugs import is_valid_slug

bp = Blueprint("opendata", __name__)
FEED_SIZE = 50
INNOVATION_COLUMNS = (
    "slug", "title", "owner", "owner_kind", "institution", "region_code", "region", "province_code", "year",
    "started", "stage", "sectors", "themes", "awards", "digital", "legal_basis", "language", "sample",
    "replication_count", "setup_cost", "yearly_cost", "budget_source", "staff_needed", "months_to_launch",
    "needs_new_regulation", "url", "summary",
)  # fmt: skip


def _number(value):
    return "" if value is None else value


def _flag(value):
    return "" if value is None else ("true" if value else "false")


def _csv_response(rows, filename):
    response = Response(stream_with_context(csvfiles.stream(rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _bad_request(error):
    return Response(f"{error.name}: {error.english}\n", status=400, mimetype="text/plain")


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
                _number(item.setup_cost), _number(item.yearly_cost), item.budget_source or "",
                _number(item.staff_needed), _number(item.months_to_launch), _flag(item.needs_new_regulation),
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
    for name in ("innovation", "network"):
        if args.get(name) and not is_valid_slug(args[name]):
            raise FilterError(name, "is not a slug: at most 120 lower-case letters, digits and hyphens")
    query = sa.select(Replication).where(Replication.is_public).order_by(Replication.id)
    if args.get("innovation"):
        query = query.where(Replication.innovation.has(Innovation.slug == args["innovation"]))
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
        query = query.where(Replication.network.has(Network.slug == args["network"]))
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
        .where(Replication.is_public)
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


# A sitemap file holds at most 50,000 URLs (sitemaps.org); beyond that /sitemap.xml becomes an
# index of numbered sitemaps. ``SITEMAP_MAX_URLS`` lowers the limit (tests).
SITEMAP_MAX_URLS = 50_000


def _sitemap_entries():
    """Every public page as ``(URL, last change or None)``, always in the same order, so that
    the numbered sitemaps of an index split one list the same way on every request."""
    entries = [
        (url_for(endpoint, _external=True), None)
        for endpoint in ("catalog.home", "catalog.catalogue", "stats.dashboard", "networks.index")
    ]
    public = sa.select(Innovation.slug, Innovation.updated_at).where(Innovation.is_public).order_by(Innovation.id)
    entries += [(url_for("catalog.innovation", slug=s, _external=True), t) for s, t in db.session.execute(public)]
    owners = sa.select(Owner.slug).order_by(Owner.id)
    entries += [(url_for("catalog.owner", slug=s, _external=True), None) for s in db.session.scalars(owners)]
    regions = sa.select(Region.code).order_by(Region.code)
    entries += [(url_for("catalog.region", code=c, _external=True), None) for c in db.session.scalars(regions)]
    networks = sa.select(Network.slug, Network.updated_at).order_by(Network.id)
    entries += [(url_for("networks.show", slug=s, _external=True), t) for s, t in db.session.execute(networks)]
    replications = (
        sa.select(Replication.id, Replication.updated_at).where(Replication.is_public).order_by(Replication.id)
    )
    entries += [
        (url_for("replication.show", replication_id=i, _external=True), t) for i, t in db.session.execute(replications)
    ]
    for source in SITEMAP_SOURCES:
        entries += source()
    return entries


# More entries for the sitemap from modules that build on this one (app/api/needs.py): they
# add their function here when imported, so this module never imports them back.
SITEMAP_SOURCES = []
# Examples for the API page from the same modules: ``source(base)`` -> {path: example URL}.
EXAMPLE_SOURCES = []


def _sitemap_limit():
    return current_app.config.get("SITEMAP_MAX_URLS", SITEMAP_MAX_URLS)


def _urlset(entries):
    pages = [(loc, _rfc3339(moment) if moment else None) for loc, moment in entries]
    return Response(render_template("feeds/sitemap.xml", pages=pages), mimetype="application/xml")


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page: home, catalogue, statistics, networks, case studies, owners, regions,
    replications, public needs; an index of numbered sitemaps when they are more than one file may hold."""
    entries, limit = _sitemap_entries(), _sitemap_limit()
    if len(entries) <= limit:
        return _urlset(entries)
    latest = max((moment for _, moment in entries if moment), default=None)
    sitemaps = []
    for number, start in enumerate(range(0, len(entries), limit), start=1):
        part = entries[start : start + limit]
        # A part of owners or regions only has no dates of its own: the site's last change.
        moment = max((m for _, m in part if m), default=latest)
        sitemaps.append(
            (url_for("opendata.sitemap_part", number=number, _external=True), _rfc3339(moment) if moment else None)
        )
    return Response(render_template("feeds/sitemap-index.xml", sitemaps=sitemaps), mimetype="application/xml")


@bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number):
    """The ``number``-th sitemap of the index (from 1)."""
    entries, limit = _sitemap_entries(), _sitemap_limit()
    part = entries[(number - 1) * limit : number * limit] if number >= 1 else []
    if not part or len(entries) <= limit:
        abort(404)
    return _urlset(part)


@bp.get("/api")
def api_docs():
    """A readable page about the API, made from the same OpenAPI document it serves."""
    from app.api.openapi import document, vocabulary

    spec = document(url_for("api.innovations", _external=True).rsplit("/innovations", 1)[0], vocabulary())
    return render_template("api/docs.html", spec=spec, examples=_examples())


def _examples():
    """A working request per endpoint, from this database's own records: ``{path: url}``."""
    from app.stats.queries import newest_year_reaching

    public = sa.select(Innovation).where(Innovation.is_public).order_by(Innovation.id).limit(1)
    first = db.session.scalars(public).first()
    network = db.session.scalars(sa.select(Network).order_by(Network.id).limit(1)).first()
    region = first.owner.region_code if first is not None and first.owner.region_code else "33.74"
    year = newest_year_reaching("top99")
    base = url_for("api.innovations").rsplit("/innovations", 1)[0]
    examples = {
        "/innovations": f"{base}/innovations?q=antrean&per_page=5",
        "/replications": f"{base}/replications?per_page=5",
        "/networks": f"{base}/networks",
        "/needs": f"{base}/needs?per_page=5",
        "/regions/{code}": f"{base}/regions/{region}",
        "/openapi.json": f"{base}/openapi.json",
        "/suggestions": f"{base}/suggestions?problem=antrean+panjang+di+puskesmas&per_page=5",
    }
    if first is not None:
        examples["/innovations/{slug}"] = f"{base}/innovations/{first.slug}"
    if network is not None:
        examples["/networks/{slug}"] = f"{base}/networks/{network.slug}"
    for source in EXAMPLE_SOURCES:
        examples.update(source(base))
    if year is not None:
        examples["/stats/composition"] = f"{base}/stats/composition?year={year}&award=top99"
    return examples


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *"]
    private = ("/admin/", "/akun/", "/masuk", "/keluar", "/kotak-masuk", "/replikasi/impor", "/bahasa/", "/kelola/")
    lines += [f"Disallow: {path}" for path in private]
    lines.append(f"Sitemap: {url_for('opendata.sitemap', _external=True)}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
