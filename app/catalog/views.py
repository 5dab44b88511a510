"""Public catalogue pages: home, the filtered catalogue, case studies, owners and regions."""

import re

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from app.catalog import queries
from app.catalog.access import innovation_or_404, owner_or_404, region_or_404
from app.catalog.charts import figure_text, indicator_chart, rupiah
from app.catalog.contacts import phone_digits
from app.catalog.facets import facet_options, sort_choices
from app.catalog.filters import FilterError, parse_filters
from app.catalog.image_store import image_url
from app.catalog.images import EXTENSIONS, MIMETYPES
from app.catalog.labels import (
    BUDGET_SOURCE_LABELS,
    COST_BAND_LABELS,
    OWNER_KIND_LABELS,
    REGION_KIND_LABELS,
    SORT_LABELS,
    STAGE_LABELS,
    award_label,
)
from app.catalog.models import InnovationImage, Owner, Sector
from app.extensions import db
from app.files import blob_store, is_digest
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
        latest=queries.newest(6),
        most_replicated=queries.most_replicated(6),
        sectors=sectors,
        sector_counts=queries.counts_by_sector(),
        provinces=provinces,
        province_counts=queries.counts_by_province(),
    )


@bp.get("/inovasi")
def catalogue():
    if request.args.get("q", "").strip():
        return redirect(url_for("search.index", **request.args))
    try:
        filters = parse_filters(request.args)
    except FilterError as error:
        return render_template("catalog/catalogue.html", error=error, filters=None), 400
    innovations, total = queries.browse(filters)
    return render_template(
        "catalog/catalogue.html",
        filters=filters,
        innovations=innovations,
        total=total,
        facets=facet_options(filters, queries.facet_counts(filters), "catalog.catalogue"),
        sorts=sort_choices(filters),
        error=None,
    )


@bp.get("/inovasi/<slug>")
def innovation(slug):
    # Not published: only its authors and the editors see it (with its status); for anyone
    # else it does not exist.
    item = innovation_or_404(slug, current_user)
    return render_template("catalog/innovation.html", innovation=item, toc=table_of_contents(item.body_html))


# A picture's address names its bytes (their SHA-256): it never changes, so browsers and
# proxies may keep a public one for a year. One of a case study that is not public is only
# for those who may see the case study, and no shared cache may keep it.
IMMUTABLE = "public, max-age=31536000, immutable"
NOT_SHARED = "private, no-cache"


@bp.get("/inovasi/<slug>/gambar/<digest>.<any(jpg, png, webp):ext>")
def image(slug, digest, ext):
    """A stored picture of a case study, for whoever may see the case study (else 404)."""
    item = innovation_or_404(slug, current_user)
    if not is_digest(digest):
        abort(404)
    named = sa.or_(*(InnovationImage.digest_column(key) == digest for key in InnovationImage.BLOBS))
    row = db.session.scalar(sa.select(InnovationImage).where(InnovationImage.innovation_id == item.id, named))
    if row is None:
        abort(404)
    kind = "webp" if ext == "webp" else "original"
    if kind == "original" and ext != EXTENSIONS[row.format]:
        abort(404)
    if digest not in (row.digest(size, kind) for size in ("thumb", "page")):
        abort(404)
    store = blob_store()
    if not store.exists(digest):
        abort(404)
    response = current_app.response_class(
        store.read(digest), mimetype=MIMETYPES["webp" if kind == "webp" else row.format]
    )
    response.set_etag(digest)
    response.headers["Cache-Control"] = IMMUTABLE if item.is_public else NOT_SHARED
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


bp.add_app_template_global(image_url)


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
    }
