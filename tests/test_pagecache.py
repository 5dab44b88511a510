"""The anonymous page cache: hits, and never a stale page after a write, whichever worker or
server made it: at once when this process made it, within PAGE_CACHE_RECHECK_MS when another
did (docs/decisions/0097)."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from app import pagecache
from app.datagen import generation
from app.extensions import db as _db
from app.pagecache.front import Front
from tests import factories
from tests.accounts_fixtures import make_user, sign_in
from tests.support import make_app, rate_limited_app


@pytest.fixture
def cached(databases, tmp_path_factory):
    """Two apps on one database with the cache on: two servers, each with its own cache."""
    url = databases.new()
    first = make_app(databases, tmp_path_factory, PAGE_CACHE_ENABLED=True, SQLALCHEMY_DATABASE_URI=url)
    second = make_app(databases, tmp_path_factory, PAGE_CACHE_ENABLED=True, SQLALCHEMY_DATABASE_URI=url)
    pagecache.clear()
    with first.app_context():
        factories.innovation("Inovasi Pertama", region="33.02")
        _db.session.commit()
    yield first, second
    pagecache.clear()
    for app in (first, second):
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


def _get(app, url, **kwargs):
    response = app.test_client().get(url, **kwargs)
    return response.headers.get("X-Page-Cache"), response.get_data(as_text=True)


def test_second_anonymous_request_is_a_hit(cached):
    app, _ = cached
    assert _get(app, "/inovasi")[0] == "miss"
    state, html = _get(app, "/inovasi")
    assert state == "hit" and "Inovasi Pertama" in html


# Another process (another worker or server) commits a new case study through the app.
_WRITE_ELSEWHERE = """
import sys
from app import create_app
from app.extensions import db
from config import TestConfig
from tests import factories

app = create_app(TestConfig(sys.argv[1], sys.argv[2]))
with app.app_context():
    factories.innovation(sys.argv[3], region="33.74", kind="city")
    db.session.commit()
"""


def _write_in_another_process(app, title, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    command = [sys.executable, "-c", _WRITE_ELSEWHERE, url, str(tmp_path / "index"), title]
    subprocess.run(command, cwd=Path(__file__).resolve().parents[1], check=True, timeout=300, capture_output=True)


def test_a_write_by_another_process_is_seen_once_the_recheck_window_has_passed(cached, tmp_path, monkeypatch):
    first, _ = cached
    first.config["PAGE_CACHE_RECHECK_SECONDS"] = 0.0625  # binary fractions: exact sums below
    now = [float(int(time.monotonic()) + 10)]  # later than the fixture's commit was learnt
    monkeypatch.setattr(generation, "clock", lambda: now[0])  # the window's time, set by hand
    _get(first, "/inovasi")  # the generation read now
    assert _get(first, "/inovasi")[0] == "hit"
    _write_in_another_process(first, "Inovasi Tetangga", tmp_path)
    now[0] += 0.0625 - 2**-20  # within the window: the generation read then still stands
    state, html = _get(first, "/inovasi")
    assert state == "hit" and "Inovasi Tetangga" not in html
    now[0] += 2**-20  # the window has passed: read again
    state, html = _get(first, "/inovasi")
    assert state == "miss" and "Inovasi Tetangga" in html


def test_with_no_recheck_window_every_hit_reads_the_generation(cached, tmp_path):
    first, _ = cached
    first.config["PAGE_CACHE_RECHECK_SECONDS"] = 0
    _get(first, "/inovasi")
    assert _get(first, "/inovasi")[0] == "hit"
    _write_in_another_process(first, "Inovasi Tetangga", tmp_path)
    state, html = _get(first, "/inovasi")
    assert state == "miss" and "Inovasi Tetangga" in html


def test_within_the_window_hits_use_the_generation_last_read_until_this_process_writes(cached, tmp_path):
    first, second = cached
    first.config["PAGE_CACHE_RECHECK_SECONDS"] = second.config["PAGE_CACHE_RECHECK_SECONDS"] = 600
    _get(first, "/inovasi")
    assert _get(first, "/inovasi")[0] == "hit"
    _write_in_another_process(first, "Inovasi Tetangga", tmp_path)
    # The price of the window: another process's write is not read yet.
    state, html = _get(first, "/inovasi")
    assert state == "hit" and "Inovasi Tetangga" not in html
    # A commit of this process (any app on the same database) is known at once.
    with second.app_context():
        factories.innovation("Inovasi Kedua", region="33.74", kind="city")
        _db.session.commit()
    state, html = _get(first, "/inovasi")
    assert state == "miss" and "Inovasi Tetangga" in html and "Inovasi Kedua" in html


def test_a_write_on_another_server_of_this_process_is_seen_at_once(cached):
    first, second = cached
    _get(first, "/inovasi")
    assert _get(first, "/inovasi")[0] == "hit"
    with second.app_context():
        factories.innovation("Inovasi Kedua", region="33.74", kind="city")
        _db.session.commit()
    state, html = _get(first, "/inovasi")
    assert state == "miss" and "Inovasi Kedua" in html


def test_a_failed_transaction_does_not_bump_the_generation(cached):
    app, _ = cached
    with app.app_context():
        before = pagecache.current_generation()
        factories.innovation("Tidak Jadi", region="33.02")
        _db.session.rollback()
        assert pagecache.current_generation() == before


def test_private_writes_keep_the_cache(cached):
    app, _ = cached
    _get(app, "/")
    with app.app_context():
        from app.accounts.models import LoginFailure

        _db.session.add(LoginFailure(email="x@example.go.id", address="10.0.0.1"))
        _db.session.commit()
    assert _get(app, "/")[0] == "hit"


def test_languages_are_cached_apart(cached):
    app, _ = cached
    _get(app, "/inovasi", headers={"Accept-Language": "en"})
    state, html = _get(app, "/inovasi", headers={"Accept-Language": "en"})
    assert state == "hit" and "Innovation catalogue" in html
    state, html = _get(app, "/inovasi", headers={"Accept-Language": "id"})
    assert state == "miss" and "Katalog inovasi" in html


def test_signed_in_readers_are_never_served_from_the_cache(cached):
    app, _ = cached
    _get(app, "/inovasi")
    with app.app_context():
        editor = make_user("editor@example.go.id", "editor")
        client = app.test_client()
        sign_in(client, editor)
    response = client.get("/inovasi")
    assert "X-Page-Cache" not in response.headers
    assert "Editor" in response.get_data(as_text=True)  # their name in the header, not a cached anonymous page


def test_pages_that_set_a_cookie_are_not_stored(cached):
    app, _ = cached
    for _ in range(2):
        response = app.test_client().get("/masuk")
        assert "X-Page-Cache" not in response.headers


def test_api_answers_are_cached_and_keep_their_etag(cached):
    app, _ = cached
    client = app.test_client()
    first = client.get("/api/v1/innovations")
    second = client.get("/api/v1/innovations")
    assert second.headers["X-Page-Cache"] == "hit" and second.headers["ETag"] == first.headers["ETag"]
    assert client.get("/api/v1/innovations", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    # A hit is answered with the headers the page was built with, each once.
    for name in ("Link", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Vary", "Content-Language"):
        assert second.headers.getlist(name) == first.headers.getlist(name), name
    assert second.headers["Access-Control-Allow-Origin"] == "*"
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_generation_counts_writes(cached):
    app, _ = cached
    with app.app_context():
        before = pagecache.current_generation()
        factories.innovation("Satu Lagi", region="33.02")
        _db.session.commit()
        assert pagecache.current_generation() == before + 1
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(pagecache.CacheGeneration)) == 1


@pytest.fixture
def limited_app(databases, tmp_path_factory):
    """An app with the cache and the rate limiter on: three API requests a minute."""
    with rate_limited_app(databases, tmp_path_factory, PAGE_CACHE_ENABLED=True, API_RATE_LIMIT="3 per minute") as app:
        yield app


def test_cached_api_answers_still_count_against_the_rate_limit(limited_app):
    client = limited_app.test_client()
    codes = [client.get("/api/v1/networks", environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_the_front_and_flask_count_one_budget_per_address(limited_app):
    """Hits answered by the front, hits answered by Flask's hook (a reader with a session
    cookie) and misses all count against the same limit, per address."""
    reached = []
    limited_app.before_request_funcs.setdefault(None, []).insert(0, lambda: reached.append(1))
    plain = limited_app.test_client()
    with_cookie = limited_app.test_client()
    with_cookie.set_cookie("session", "anything")  # no one signed in: Flask's hook serves the hit

    def get(client, address):
        response = client.get("/api/v1/networks", environ_base={"REMOTE_ADDR": address})
        return response.status_code, response.headers.get("X-Page-Cache")

    assert get(plain, "10.9.9.1") == (200, "miss")
    assert get(plain, "10.9.9.1") == (200, "hit")
    assert len(reached) == 1  # the hit was answered by the front
    assert get(with_cookie, "10.9.9.1") == (200, "hit")
    assert get(plain, "10.9.9.1")[0] == 429  # three a minute, whichever layer counted them
    assert get(with_cookie, "10.9.9.1")[0] == 429
    # Another address has a budget of its own, spent by the front alone.
    before = len(reached)
    assert [get(plain, "10.9.9.2") for _ in range(3)] == [(200, "hit")] * 3
    assert len(reached) == before
    assert get(plain, "10.9.9.2") == (429, None)


def test_only_one_limit_keyed_by_the_address_is_counted_by_the_front(limited_app):
    from flask_limiter import RequestLimit
    from limits import parse

    from app.extensions import limiter
    from app.pagecache import _countable

    minute = parse("3 per minute")
    with limited_app.test_request_context("/api/v1/networks", environ_base={"REMOTE_ADDR": "10.9.9.4"}):
        by_address = RequestLimit(limiter, minute, ["10.9.9.4", "api"], False, False)
        by_other_key = RequestLimit(limiter, minute, ["someone@example.go.id", "api"], False, False)
        assert _countable([by_address]) == (minute, (), ("api",))
        assert _countable(limiter.current_limits) is None  # nothing evaluated in this context
        assert _countable([RequestLimit(limiter, minute, ["site", "10.9.9.4", "api"], False, False)]) == (
            minute,
            ("site",),
            ("api",),
        )
        assert _countable([by_other_key]) is None
        assert _countable([by_address, by_address]) is None
        assert _countable([]) is None


def test_a_page_whose_limit_the_front_cannot_count_is_served_by_flask(limited_app):
    from app.pagecache.store import store

    reached = []
    limited_app.before_request_funcs.setdefault(None, []).insert(0, lambda: reached.append(1))
    client = limited_app.test_client()
    client.get("/api/v1/networks", environ_base={"REMOTE_ADDR": "10.9.9.3"})
    ((key, page),) = [(k, p) for k, p in store.entries.items() if k[3] == "/api/v1/networks?"]
    assert page.limited and page.limit is not None
    store.entries[key] = page._replace(limit=None)  # as stored for a limit keyed otherwise
    before = len(reached)
    response = client.get("/api/v1/networks", environ_base={"REMOTE_ADDR": "10.9.9.3"})
    assert response.headers["X-Page-Cache"] == "hit" and len(reached) == before + 1  # Flask's hook


def test_a_missing_generation_row_is_recreated(cached):
    app, _ = cached
    with app.app_context():
        _db.session.execute(sa.delete(pagecache.CacheGeneration))
        _db.session.commit()
        factories.innovation("Sesudah Hilang", region="33.02")
        _db.session.commit()
        assert pagecache.current_generation() == 1


def test_the_generation_survives_a_lost_connection(cached):
    app, second = cached
    with app.app_context():
        pagecache.current_generation()
        # The server closes the reader's connection (a restart, an idle timeout).
        for connection in generation._generation.connections.values():
            connection.dbapi_connection.close()
        with second.app_context():
            factories.innovation("Sesudah Putus", region="33.02")
            _db.session.commit()
            expected = _db.session.scalar(sa.select(pagecache.CacheGeneration.value))
        assert pagecache.current_generation() == expected


def test_pages_under_a_rate_limit_are_stored_as_such(limited_app):
    from app.pagecache.store import store

    client = limited_app.test_client()
    for url in ("/inovasi", "/api/v1/networks"):
        client.get(url, environ_base={"REMOTE_ADDR": "10.9.9.8"})
    limited = {key[3]: page.limited for key, page in store.entries.items()}
    assert limited == {"/inovasi?": False, "/api/v1/networks?": True}


@pytest.fixture
def counted(cached):
    """The first app, counting the requests that reach Flask's hooks."""
    app, _ = cached
    reached = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: reached.append(1))
    return app, reached


def test_the_front_answers_anonymous_readers_before_flask(counted):
    app, reached = counted
    assert _get(app, "/inovasi")[0] == "miss"
    assert len(reached) == 1
    state, html = _get(app, "/inovasi")
    assert state == "hit" and "Inovasi Pertama" in html
    assert len(reached) == 1  # answered without a request context


def test_readers_with_a_session_cookie_are_served_by_flask(counted):
    app, reached = counted
    _get(app, "/inovasi")
    client = app.test_client()
    client.set_cookie("session", "anything")  # not signed in: Flask reads it and finds no user
    response = client.get("/inovasi")
    assert response.headers["X-Page-Cache"] == "hit" and len(reached) == 2


def test_a_head_request_is_answered_without_a_body(counted):
    app, _ = counted
    _get(app, "/inovasi")
    response = app.test_client().head("/inovasi")
    assert response.headers["X-Page-Cache"] == "hit"
    assert response.get_data() == b"" and int(response.headers["Content-Length"]) > 1000


def test_a_forged_host_does_not_reach_other_readers(cached):
    app, _ = cached
    client = app.test_client()
    forged = client.get("/feeds/innovations.atom", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" in forged
    state, honest = _get(app, "/feeds/innovations.atom")
    assert state == "miss" and "evil.example" not in honest
    assert _get(app, "/feeds/innovations.atom")[0] == "hit"


def _front(app):
    layer = app.wsgi_app
    while not isinstance(layer, Front):
        layer = layer.wsgi_app
    return layer


_TEXT = st.text(st.sampled_from("aZ09-_.~%/?&=+é <>\"'"), max_size=12)
_PATH = st.text(st.sampled_from("aZ09-_.~%/&=+é <>\"'"), max_size=12)  # "?" would start a query
_PARTS = {
    "path": _PATH,
    "query": _TEXT,
    "host": st.sampled_from(["localhost", "127.0.0.1:5000", "suar.example", "evil.example:8080"]),
    "script": st.sampled_from(["", "/suar", "/a/b"]),
    "scheme": st.sampled_from(["http", "https"]),
    "cookie": st.sampled_from(["", "session=x", "remember_token=y", "lang=en", "lang=id; other=1", "a=b"]),
    "languages": st.sampled_from(["", "en", "id,en;q=0.5", "fr, en-US;q=0.8", "*", "en;q=0"]),
    "elsewhere": st.lists(
        st.tuples(st.sampled_from(["User-Agent", "X-Forwarded-For", "Accept", "If-None-Match"]), _TEXT)
    ),
    "address": st.sampled_from(["10.0.0.1", "10.0.0.2"]),
}
_REQUEST = st.fixed_dictionaries(_PARTS)


def _environ(parts):
    headers = {"Host": parts["host"], "Cookie": parts["cookie"], "Accept-Language": parts["languages"]}
    base_url = f"{parts['scheme']}://{parts['host']}{parts['script']}"
    environ = EnvironBuilder(
        path="/" + parts["path"], query_string=parts["query"], base_url=base_url, headers=headers
    ).get_environ()
    for name, value in parts["elsewhere"]:
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    environ["REMOTE_ADDR"] = parts["address"]
    environ["SERVER_NAME"], environ["SERVER_PORT"] = "127.0.0.1", "8000"  # the server's own, as gunicorn sets them
    return environ


@settings(max_examples=200, deadline=None)
@given(first=_REQUEST, second=_REQUEST, shared=st.sets(st.sampled_from(sorted(_PARTS))))
def test_the_front_remembers_a_key_only_for_requests_with_the_same_key(cached, first, second, shared):
    """A page key is remembered by the parts of the request it is made of: a request that
    shares parts with one before it (all but one, or any) gets the key that the request itself
    gives, and a signed-in reader none."""
    app, _ = cached
    front, config = _front(app), app.config
    front.keys.clear()
    variants = [{**first, name: second[name]} for name in sorted(_PARTS)]
    variants.append({name: first[name] if name in shared else value for name, value in second.items()})
    for parts in (first, *variants):
        environ = _environ(parts)
        request = Request(environ)
        signed = "session" in request.cookies or "remember_token" in request.cookies
        expected = None if signed else pagecache.page_key(request, config)
        assert front._key(environ, config) == expected, parts
