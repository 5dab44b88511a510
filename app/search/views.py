"""The search page ``/cari``: thin: read the filters, search, render."""

from flask import Blueprint, render_template, request
from flask_babel import get_locale

from app.catalog.filters import FilterError, Filters, parse_filters
from app.search import outbox, panels  # noqa: F401 - session events feed the index; panels register
from app.search.service import SearchUnavailable, facet_names, innovation_url, search

bp = Blueprint("search", __name__)


@bp.get("/cari")
def index():
    """Results for ``q`` and the catalogue's filters, with facets, suggestions and paging."""
    try:
        filters = parse_filters(request.args)
    except FilterError as error:
        fallback = Filters(q=" ".join(request.args.get("q", "").split())[:200])
        return render_template("search/index.html", filters=fallback, result=None, error=error), 400
    try:
        result = search(filters)
    except SearchUnavailable:
        return render_template("search/index.html", filters=filters, result=None, unavailable=True), 503
    names = facet_names(result.facets, str(get_locale()))
    return render_template(
        "search/index.html", filters=filters, result=result, names=names, innovation_url=innovation_url
    )
