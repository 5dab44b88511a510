"""The search page ``/cari``: thin: read the filters, search, render."""

from flask import Blueprint, render_template, request

from app.catalog.facets import facet_options, sort_choices
from app.catalog.filters import MAX_QUERY_LENGTH, FilterError, Filters, parse_filters
from app.search import outbox, panels  # noqa: F401 - session events feed the index; panels register
from app.search.service import SearchUnavailable, innovation_url, search

bp = Blueprint("search", __name__)


@bp.get("/cari")
def index():
    """Results for ``q`` and the catalogue's filters, with facets, suggestions and paging."""
    try:
        filters = parse_filters(request.args)
    except FilterError as error:
        fallback = Filters(q=" ".join(request.args.get("q", "").split())[:MAX_QUERY_LENGTH])
        return render_template("search/index.html", filters=fallback, result=None, error=error), 400
    try:
        result = search(filters)
    except SearchUnavailable:
        return render_template("search/index.html", filters=filters, result=None, unavailable=True), 503
    return render_template(
        "search/index.html",
        filters=filters,
        result=result,
        facets=facet_options(filters, result.facets, "search.index"),
        sorts=sort_choices(filters),
        innovation_url=innovation_url,
    )
