"""HTTP caching of anonymous pages: ETags and 304s (in the WSGI front and in Flask), and a
Cache-Control that lets browsers and proxies keep a page only a few seconds (decision 0052)."""

import pytest

from app import pagecache
from app.extensions import db as _db
from tests import factories
from tests.accounts_fixtures import make_user, sign_in
from tests.support import make_app

SHARED = "public, max-age=5, must-revalidate"


@pytest.fixture
def cached(databases, tmp_path_factory):
    app = make_app(databases, tmp_path_factory, PAGE_CACHE_ENABLED=True)
    pagecache.clear()
    with app.app_context():
        factories.innovation("Inovasi Bersinyal", region="33.02")
        _db.session.commit()
    reached = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: reached.append(1))
    yield app, reached
    pagecache.clear()
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_cached_pages_say_how_long_others_may_keep_them(cached):
    app, _ = cached
    client = app.test_client()
    for state in ("miss", "hit"):
        response = client.get("/inovasi")
        assert response.headers["X-Page-Cache"] == state
        assert response.headers["Cache-Control"] == SHARED
        assert {"Cookie", "Accept-Language"} <= set(response.vary)
        assert response.headers["ETag"].startswith('"')


def test_the_front_answers_a_reader_who_has_the_page_with_304(cached):
    app, reached = cached
    client = app.test_client()
    etag = client.get("/inovasi").headers["ETag"]
    assert len(reached) == 1
    response = client.get("/inovasi", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.get_data() == b""
    assert response.headers["ETag"] == etag and response.headers["Cache-Control"] == SHARED
    assert response.headers["X-Page-Cache"] == "hit" and len(reached) == 1  # Flask did no work
    other = client.get("/inovasi", headers={"If-None-Match": '"something-else"', "If-Modified-Since": "x"})
    assert other.status_code == 200 and other.headers["X-Page-Cache"] == "hit" and len(reached) == 1


def test_flask_answers_304_to_readers_the_front_passes_on(cached):
    app, reached = cached
    client = app.test_client()
    etag = client.get("/inovasi").headers["ETag"]
    client.set_cookie("session", "anything")  # a session cookie: Flask's path
    response = client.get("/inovasi", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.headers["X-Page-Cache"] == "hit" and len(reached) == 2


def test_a_page_rendered_again_keeps_its_etag_and_answers_304(cached):
    """Another worker, or this one after the page left its cache: the same page, the same ETag."""
    app, _ = cached
    client = app.test_client()
    etag = client.get("/inovasi").headers["ETag"]
    pagecache.clear()
    response = client.get("/inovasi", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.headers["X-Page-Cache"] == "miss"


def test_after_a_write_the_old_etag_gets_the_new_page(cached):
    app, _ = cached
    client = app.test_client()
    etag = client.get("/inovasi").headers["ETag"]
    with app.app_context():
        factories.innovation("Inovasi Baru Sesudahnya", region="33.74", kind="city")
        _db.session.commit()
    response = client.get("/inovasi", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Inovasi Baru Sesudahnya" in response.get_data(as_text=True)
    assert response.headers["ETag"] != etag


def test_pages_not_in_the_cache_stay_private(cached):
    app, _ = cached
    client = app.test_client()
    assert client.get("/masuk").headers["Cache-Control"] == "private, no-cache"
    with app.app_context():
        editor = make_user("penyunting@example.go.id", "editor")
        sign_in(client, editor)
    response = client.get("/inovasi")
    assert response.headers["Cache-Control"] == "private, no-cache" and "X-Page-Cache" not in response.headers
