"""What search shows on other features' pages (see app.panels)."""

from flask import render_template

from app import panels
from app.search.index import IndexMissing
from app.search.service import SearchUnavailable, similar


@panels.provide("innovation", order=20)
def similar_innovations(innovation):
    """Five case studies like this one (more-like-this on the index)."""
    try:
        items = similar(innovation, limit=5)  # published ones only, as cards
    except (IndexMissing, SearchUnavailable):
        return None  # no index yet: the page simply goes without this section
    return render_template("search/_similar.html", items=items) if items else None
