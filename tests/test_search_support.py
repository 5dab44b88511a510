"""Shared by the search tests: a clean index per test, the fixture case studies, helpers.

Not a conftest (the search feature owns only its test files): each module wraps these
in its own small fixtures.
"""

import shutil
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from app.catalog.filters import parse_filters
from app.catalog.models import Innovation
from app.content.importer import import_case_studies
from app.extensions import db as _db
from app.search import search
from app.search.index import IndexStore

CASES = Path(__file__).parent / "fixtures" / "search"


def reset_index(app):
    """Throw the app's index away: the session-wide app keeps one folder for every test."""
    root = Path(app.config["SEARCH_INDEX_DIR"])
    if root.exists():
        for child in root.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()


@contextmanager
def clean_index(app):
    """The app with an empty index, and its search settings restored afterwards."""
    reset_index(app)
    saved = {k: v for k, v in app.config.items() if k.startswith("SEARCH_")}
    try:
        yield app
    finally:
        for key in [k for k in app.config if k.startswith("SEARCH_")]:
            del app.config[key]
        app.config.update(saved)
        reset_index(app)


def load_cases(app):
    """Import the fixture case studies and commit (which indexes them)."""
    with app.app_context():
        import_case_studies(CASES)
        _db.session.commit()
        _db.session.remove()
    return app


def slugs(app, q="", **args):
    """Slugs of the results for a query, in rank order (first page of 100)."""
    with app.test_request_context():
        result = search(parse_filters({"q": q, "per_page": "100", **args}))
        return [hit.innovation.slug for hit in result.hits]


def innovation_id(slug):
    return _db.session.scalar(sa.select(Innovation.id).where(Innovation.slug == slug))


def store(app):
    return IndexStore(app.config["SEARCH_INDEX_DIR"])
