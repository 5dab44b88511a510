"""Search: the Whoosh index behind a few functions, fed by the outbox after each commit.

Views and other packages use only what is exported here: ``search(filters)``,
``similar(innovation, limit=5)``, ``index_version()`` (for caches of search answers), and
the command group ``flask search``.
"""

from app.search import outbox  # noqa: F401 - registers the session events that feed the index
from app.search.service import Hit, SearchResult, SearchUnavailable, index_version, search, similar

__all__ = ["Hit", "SearchResult", "SearchUnavailable", "index_version", "search", "similar"]
