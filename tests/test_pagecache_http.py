"""HTTP caching of anonymous pages: ETags and 304s (in the WSGI front and in Flask), a
Cache-Control that lets browsers and proxies keep a page only a few seconds (decision 0052),
and pages kept and sent gzip-compressed (decision 0107)."""

import gzip

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import pagecache
from app.extensions import db as _db
from app.pagecache.store import Page, accepts_gzip, packed, store
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


# Pages kept gzip-compressed (decision 0107): every reader gets the page as built, in the
# encoding they accept, from either layer.
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
PLAIN_READERS = [
    {},
    {"Accept-Encoding": "identity"},
    {"Accept-Encoding": "gzip;q=0, deflate"},
    {"Accept-Encoding": "br"},
]


def _session_client(app):
    client = app.test_client()
    client.set_cookie("session", "anything")  # not signed in: Flask's path, not the front's
    return client


@pytest.mark.parametrize("layer", ["front", "flask"])
def test_a_reader_who_accepts_gzip_gets_the_stored_page_compressed(cached, layer):
    app, reached = cached
    built = app.test_client().get("/inovasi")
    assert built.headers["X-Page-Cache"] == "miss" and "Content-Encoding" not in built.headers
    client = app.test_client() if layer == "front" else _session_client(app)
    response = client.get("/inovasi", headers=GZIP)
    assert response.headers["X-Page-Cache"] == "hit" and len(reached) == (1 if layer == "front" else 2)
    assert response.headers["Content-Encoding"] == "gzip"
    squeezed = response.get_data()
    assert int(response.headers["Content-Length"]) == len(squeezed) < len(built.get_data()) / 3
    assert gzip.decompress(squeezed) == built.get_data()
    assert response.headers["ETag"] == "W/" + built.headers["ETag"]  # the same content, other bytes
    assert "Accept-Encoding" in response.vary and response.headers["Content-Type"] == built.headers["Content-Type"]


@pytest.mark.parametrize("headers", PLAIN_READERS)
@pytest.mark.parametrize("layer", ["front", "flask"])
def test_a_reader_who_does_not_accept_gzip_gets_the_page_as_built(cached, layer, headers):
    app, _ = cached
    built = app.test_client().get("/inovasi")
    client = app.test_client() if layer == "front" else _session_client(app)
    response = client.get("/inovasi", headers=headers)
    assert response.headers["X-Page-Cache"] == "hit" and "Content-Encoding" not in response.headers
    assert response.get_data() == built.get_data() and response.headers["ETag"] == built.headers["ETag"]
    assert int(response.headers["Content-Length"]) == len(built.get_data())


@pytest.mark.parametrize("layer", ["front", "flask"])
def test_either_representations_etag_gets_a_304_for_the_other(cached, layer):
    app, _ = cached
    strong = app.test_client().get("/inovasi").headers["ETag"]
    client = app.test_client() if layer == "front" else _session_client(app)
    weak = client.get("/inovasi", headers=GZIP).headers["ETag"]
    for etag, headers in ((strong, GZIP), (weak, {}), (weak, GZIP), (strong, {})):
        response = client.get("/inovasi", headers={**headers, "If-None-Match": etag})
        assert response.status_code == 304 and response.get_data() == b""
        assert "Content-Encoding" not in response.headers
        assert response.headers["ETag"] == (weak if headers else strong)


def test_a_head_request_for_the_compressed_page_gives_its_length(cached):
    app, _ = cached
    app.test_client().get("/inovasi")
    client = app.test_client()
    length = len(client.get("/inovasi", headers=GZIP).get_data())
    response = client.head("/inovasi", headers=GZIP)
    assert response.get_data() == b"" and response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) == length


def test_the_cache_counts_the_bytes_it_keeps(cached):
    app, _ = cached
    client = app.test_client()
    built = {path: client.get(path).get_data() for path in ("/inovasi", "/api/v1/innovations")}
    kept = {key[3].rstrip("?"): page for key, page in store.entries.items()}
    assert len(kept["/inovasi"].body) < len(built["/inovasi"]) / 3  # compressed
    assert len(built["/api/v1/innovations"]) < 1024 and kept["/api/v1/innovations"].gzip_headers is None  # too small
    assert store.size == sum(len(page.body) for page in kept.values()) < sum(map(len, built.values())) / 2


SOME_HEADERS = st.lists(st.tuples(st.sampled_from(["ETag", "Vary", "X-Other"]), st.text(max_size=20)), max_size=4)


@given(body=st.one_of(st.binary(max_size=5000), st.text(max_size=3000).map(lambda t: (t * 3).encode())),
       headers=SOME_HEADERS, accept=st.one_of(st.none(), st.sampled_from(["gzip", "*", "identity", "gzip;q=0", "br"])))  # fmt: skip
def test_every_reader_gets_back_the_bytes_that_were_stored(body, headers, accept):
    headers = tuple(headers)
    kept, gzip_headers = packed(headers, body)
    page = Page(1, None, False, 0.0, headers, kept, gzip_headers=gzip_headers)
    sent_headers, sent = page.representation(accept)
    if dict(sent_headers).get("Content-Encoding") == "gzip":
        assert accept in ("gzip", "*") and len(sent) < len(body) and gzip.decompress(sent) == body
    else:
        assert sent == body and sent_headers == headers
    assert page.representation(accept, body=False)[0] == sent_headers


def test_a_body_that_is_already_encoded_is_kept_as_it_is():
    body = gzip.compress(b"x" * 5000)
    assert packed((("Content-Encoding", "gzip"),), body) == (body, None)
    assert packed((), b"a" * 500) == (b"a" * 500, None)  # too small to be worth it


@given(st.text(max_size=300))
def test_any_accept_encoding_header_gets_an_answer(value):
    """A hostile or malformed header never breaks a hit: either representation, never an error."""
    assert accepts_gzip(value) in (True, False)
    assert accepts_gzip(value) is accepts_gzip(value)  # remembered answers are the same answers
