"""The search page ``/cari``: thin: read the filters, search, render."""

from functools import cache

from flask import Blueprint, render_template, request
from sqlalchemy.orm import defer, joinedload

from app.catalog.facets import facet_options, sort_choices
from app.catalog.filters import MAX_QUERY_LENGTH, FilterError, Filters, parse_filters
from app.catalog.models import Innovation
from app.search import outbox, panels  # noqa: F401 - session events feed the index; panels register
from app.search.service import SearchUnavailable, innovation_url, search

bp = Blueprint("search", __name__)


@cache  # built on first use: building options configures the mappers
def result_loads():
    """What a result on this page shows (search/index.html): the row's own columns (the body's
    Markdown for the snippet) and its owner's name; no lists, unlike the API's items."""
    return (
        defer(Innovation.body_html),
        defer(Innovation.kit_steps),
        defer(Innovation.kit_pitfalls),
        joinedload(Innovation.owner, innerjoin=True),
    )


@bp.get("/cari")
def index():
    """Results for ``q`` and the catalogue's filters, with facets, suggestions and paging."""
    try:
        filters = parse_filters(request.args)
    except FilterError as error:
        fallback = Filters(q=" ".join(request.args.get("q", "").split())[:MAX_QUERY_LENGTH])
        return render_template("search/index.html", filters=fallback, result=None, error=error), 400
    try:
        result = search(filters, result_loads())
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
