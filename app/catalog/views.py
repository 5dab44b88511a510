"""Public catalogue pages: home, the filtered catalogue, case studies, owners and regions."""

import re
from functools import cache
from urllib.parse import quote

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload

from app.catalog import queries
from app.catalog.access import innovation_or_404, owner_or_404, region_or_404
from app.catalog.charts import figure_text, indicator_chart, rupiah
from app.catalog.contacts import phone_digits
from app.catalog.document_store import count_download, document_url
from app.catalog.documents import MIMETYPES as DOCUMENT_MIMETYPES
from app.catalog.documents import human_size
from app.catalog.facets import facet_options, sort_choices
from app.catalog.filters import FilterError, parse_filters
from app.catalog.labels import (
    BUDGET_SOURCE_LABELS,
    COST_BAND_LABELS,
    DOCUMENT_KIND_LABELS,
    OWNER_KIND_LABELS,
    REGION_KIND_LABELS,
    SORT_LABELS,
    STAGE_LABELS,
    award_label,
)
from app.catalog.models import Innovation, InnovationDocument, InnovationImage, Owner, Sector
from app.catalog.pictures import image_url, serve
from app.extensions import db
from app.files import blob_store
from app.regions.models import Region

bp = Blueprint("catalog", __name__)

_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)


@bp.get("/")
def home():
    sectors = db.session.scalars(sa.select(Sector).order_by(Sector.id)).all()
    provinces = db.session.scalars(sa.select(Region).where(Region.kind == "province").order_by(Region.name)).all()
    return render_template(
        "catalog/home.html",
        figures=queries.headline_figures(),
        latest=queries.newest_cards(6),
        most_replicated=queries.most_replicated_cards(6),
        sectors=sectors,
        sector_counts=queries.counts_by_sector(),
        provinces=provinces,
        province_counts=queries.counts_by_province(),
        example_queries=EXAMPLE_QUERIES,
        like_yours=_like_yours(),
    )


# What the search box suggests on the home page: problems people come with, each finding
# case studies in the sample content (tests/test_home.py follows them).
EXAMPLE_QUERIES = ("stunting", "akta kelahiran", "antrean puskesmas", "sampah", "izin usaha")


def _like_yours():
    """For a signed-in official of a regional government: innovations of governments like
    theirs (same kind, their province first). Anonymous pages stay the same for all (cached)."""
    owner = getattr(current_user, "owner", None) if current_user.is_authenticated else None
    if owner is None or owner.kind not in ("province", "regency", "city"):
        return None, []
    return owner, queries.like_owner(owner, 3)


@bp.get("/inovasi")
def catalogue():
    if request.args.get("q", "").strip():
        return redirect(url_for("search.index", **request.args))
    try:
        filters = parse_filters(request.args)
    except FilterError as error:
        return render_template("catalog/catalogue.html", error=error, filters=None), 400
    innovations, total = queries.browse_cards(filters)
    return render_template(
        "catalog/catalogue.html",
        filters=filters,
        innovations=innovations,
        total=total,
        facets=facet_options(filters, queries.facet_counts(filters), "catalog.catalogue"),
        sorts=sort_choices(filters),
        error=None,
    )


@cache  # built on first use: building options configures the mappers
def page_loads():
    """Everything the case-study page shows of the case study itself, loaded with it: its
    owner, unit and region, sectors and themes (joined: one to three of each, so at most a
    few rows of the case study) and one query per other list, rather than one lazy load per
    attribute as the template reaches it. The panels of other features load their own."""
    return (
        joinedload(Innovation.owner, innerjoin=True),
        joinedload(Innovation.institution, innerjoin=True),
        joinedload(Innovation.region).joinedload(Region.parent),
        joinedload(Innovation.sectors),
        joinedload(Innovation.themes),
        selectinload(Innovation.awards),
        selectinload(Innovation.images),
        selectinload(Innovation.documents).joinedload(InnovationDocument.downloads),  # the counts beside them
        selectinload(Innovation.indicators),
        selectinload(Innovation.contacts),
    )


@bp.get("/inovasi/<slug>")
def innovation(slug):
    # Not published: only its authors and the editors see it (with its status); for anyone
    # else it does not exist.
    item = innovation_or_404(slug, current_user, options=page_loads())
    return render_template("catalog/innovation.html", innovation=item, toc=table_of_contents(item.body_html))


@bp.get("/inovasi/<slug>/gambar/<digest>.<any(jpg, png, webp):ext>")
def image(slug, digest, ext):
    """A stored picture of a case study, for whoever may see the case study (else 404); a
    public one may be cached for a year (app/catalog/pictures.py)."""
    item = innovation_or_404(slug, current_user)
    return serve(InnovationImage, InnovationImage.innovation_id, item.id, digest, ext, item.is_public)


bp.add_app_template_global(image_url)


@bp.get("/inovasi/<slug>/dokumen/<name>")
def document(slug, name):
    """A document of a case study, as a download, for whoever may see the case study (else
    404). Each download is counted (in a table of its own: no page is made stale by it)."""
    item = innovation_or_404(slug, current_user)
    name = name if isinstance(name, str) and len(name) <= 100 and "\x00" not in name else None
    query = sa.select(InnovationDocument).where(InnovationDocument.innovation_id == item.id,
                                                InnovationDocument.name == name)  # fmt: skip
    row = db.session.scalar(query) if name else None
    store = blob_store()
    if row is None or not store.exists(row.sha256):
        abort(404)
    response = current_app.response_class(store.read(row.sha256), mimetype=DOCUMENT_MIMETYPES[row.format])
    if row.format == "csv":
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = content_disposition(row.name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Every download reaches the site (to be counted); a draft's is kept by no shared cache.
    response.headers["Cache-Control"] = "no-cache" if item.is_public else "private, no-cache"
    response.set_etag(row.sha256)
    response = response.make_conditional(request)
    if request.method == "GET" and response.status_code == 200:
        count_download(row.id)
        db.session.commit()
    return response


def content_disposition(name):
    """``attachment`` with an ASCII ``filename`` and the exact name as RFC 5987 ``filename*``."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "dokumen"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_size(size):
    """``340 KB``, ``1,2 MB``: a file's size in the reader's language."""
    value, unit = human_size(size)
    return f"{format_decimal(value)} {unit}"


bp.add_app_template_global(document_url)
bp.add_app_template_global(file_size)


def table_of_contents(body_html):
    """``[(anchor, heading text)]`` of the body's sections; the text as plain text (entities
    read, tags dropped) so that the template escapes it exactly once."""
    # The body is sanitised HTML (app/rendering.py): reading it as markup only drops its tags.
    return [(anchor, Markup(text).striptags()) for anchor, text in _HEADING.findall(body_html)]  # noqa: S704


@bp.get("/pemilik/<slug>")
def owner(slug):
    item = owner_or_404(slug)
    innovations = queries.newest(None, owner_id=item.id)
    # The units that run its published case studies: a unit named only in a draft is not public.
    units = sorted({i.institution_id: i.institution for i in innovations}.values(), key=lambda unit: unit.name)
    return render_template("catalog/owner.html", owner=item, innovations=innovations, units=units)


@bp.get("/wilayah/<code>")
def region(code):
    item = region_or_404(code)
    children = item.children
    counts = queries.counts_by_region([item.code, *(child.code for child in children)])
    owner = db.session.scalar(sa.select(Owner).where(Owner.region_code == item.code, Owner.kind == item.kind))
    return render_template(
        "catalog/region.html",
        region=item,
        children=children,
        counts=counts,
        owner=owner,
        own=queries.of_region(item.code),
        province_total=queries.counts_by_province().get(item.province_code, 0),
    )


bp.add_app_template_filter(phone_digits, "phone_digits")
bp.add_app_template_filter(rupiah, "rupiah")
bp.add_app_template_filter(figure_text, "figure")
bp.add_app_template_global(indicator_chart, "indicator_chart")


@bp.app_context_processor
def _template_context():
    return {
        "locale": str(get_locale()),
        "award_label": award_label,
        "owner_kind_labels": OWNER_KIND_LABELS,
        "region_kind_labels": REGION_KIND_LABELS,
        "sort_labels": SORT_LABELS,
        "stage_labels": STAGE_LABELS,
        "budget_source_labels": BUDGET_SOURCE_LABELS,
        "cost_band_labels": COST_BAND_LABELS,
        "document_kind_labels": DOCUMENT_KIND_LABELS,
    }
