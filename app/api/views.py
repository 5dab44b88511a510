"""``/api/v1``: innovations with the catalogue's filters, in rank order, with facets."""

from flask import jsonify, request

from app.api.blueprint import bp
from app.api.serializers import innovation_item
from app.catalog.filters import MAX_QUERY_LENGTH, FilterError, parse_filters
from app.search import SearchUnavailable, search


@bp.errorhandler(FilterError)
def bad_filter(error):
    return jsonify(error=str(error)), 400


@bp.errorhandler(SearchUnavailable)
def search_unavailable(error):
    return jsonify(error="search index unavailable: it is being built, try again shortly"), 503


@bp.get("/innovations")
def innovations():
    """``GET /api/v1/innovations?q=...&sector=...&page=...``; 400 with ``{"error"}`` on bad input."""
    # The limit is on q as sent, as the document says (the catalogue's own form squeezes spaces first).
    if len(request.args.get("q", "")) > MAX_QUERY_LENGTH:
        raise FilterError("q", f"is longer than {MAX_QUERY_LENGTH} characters")
    filters = parse_filters(request.args, strict=True)
    result = search(filters)
    return jsonify(
        items=[innovation_item(hit.innovation) for hit in result.hits],
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        facets=result.facets,
    )
