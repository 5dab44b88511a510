"""Request logs: one line per request (also those the page cache's front answers), with a
request id the response names, the user's number and never their email or password."""

import json
import logging
import re

import pytest
import structlog
from hypothesis import given, settings
from hypothesis import strategies as st

from app import pagecache
from app.extensions import db as _db
from app.ops import logs
from app.ops.logs import TextRenderer, bound_request_id, current_request_id
from tests import factories
from tests.accounts_fixtures import PASSWORD, csrf_token, make_user
from tests.support import make_app


@pytest.fixture
def json_app(databases, tmp_path_factory):
    """An app logging JSON, with the page cache on and one case study."""
    app = make_app(databases, tmp_path_factory, LOG_FORMAT="json", PAGE_CACHE_ENABLED=True)
    pagecache.clear()
    with app.app_context():
        factories.innovation("Inovasi Tercatat", region="33.02")
        _db.session.commit()
    yield app
    pagecache.clear()
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _lines(capsys):
    """The JSON log lines written so far (and forget them)."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]


def _requests(capsys):
    return [line for line in _lines(capsys) if line["event"] == "request"]


def test_one_json_line_per_request_with_its_id(json_app, capsys):
    capsys.readouterr()
    response = json_app.test_client().get("/inovasi?sort=title")
    (line,) = _requests(capsys)
    assert line["request_id"] == response.headers["X-Request-ID"] and len(line["request_id"]) == 32
    assert line["method"] == "GET" and line["path"] == "/inovasi" and line["status"] == 200
    assert line["endpoint"] == "catalog.catalogue" and line["page_cache"] == "miss" and line["user_id"] is None
    assert line["duration_ms"] > 0 and line["level"] == "info" and line["time"].endswith("Z")


def test_page_cache_hits_answered_before_flask_are_logged(json_app, capsys):
    client = json_app.test_client()
    client.get("/inovasi")
    capsys.readouterr()
    response = client.get("/inovasi")
    assert response.headers["X-Page-Cache"] == "hit"
    (line,) = _requests(capsys)
    assert line["page_cache"] == "hit" and line["endpoint"] == "catalog.catalogue" and line["status"] == 200
    assert line["request_id"] == response.headers["X-Request-ID"]


def test_a_signed_in_user_is_logged_by_number_never_by_email_or_password(json_app, capsys):
    with json_app.app_context():
        user = make_user("pencatat@example.go.id", "editor")
        user_id = user.id
    client = json_app.test_client()
    token = csrf_token(client, "/masuk")
    capsys.readouterr()
    response = client.post(
        "/masuk", data={"email": "pencatat@example.go.id", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    client.get("/kelola/inovasi")
    captured = capsys.readouterr().err
    assert "pencatat@example.go.id" not in captured and PASSWORD not in captured
    lines = [json.loads(line) for line in captured.splitlines() if line.startswith("{")]
    statuses = [(line["path"], line["user_id"]) for line in lines if line["event"] == "request"]
    assert statuses == [("/masuk", user_id), ("/kelola/inovasi", user_id)]


def test_a_request_id_from_a_client_is_not_trusted_without_a_proxy(json_app, capsys):
    response = json_app.test_client().get("/healthz", headers={"X-Request-ID": "dari-klien-123"})
    assert response.headers["X-Request-ID"] != "dari-klien-123"


@pytest.fixture
def proxied(databases, tmp_path_factory):
    app = make_app(databases, tmp_path_factory, LOG_FORMAT="json", PROXY_FIX_FOR=1)
    yield app
    with app.app_context():
        _db.engine.dispose()


def test_behind_a_trusted_proxy_its_request_id_is_kept(proxied, capsys):
    client = proxied.test_client()
    capsys.readouterr()
    response = client.get("/healthz", headers={"X-Request-ID": "3f2a9c0e5b7d4e1f"})
    assert response.headers["X-Request-ID"] == "3f2a9c0e5b7d4e1f"
    assert _requests(capsys)[0]["request_id"] == "3f2a9c0e5b7d4e1f"
    # An id that could break a log line or a header is replaced.
    for forged in ("a b", "x" * 200, "id\u00e9"):
        assert client.get("/healthz", headers={"X-Request-ID": forged}).headers["X-Request-ID"] != forged


def test_an_error_is_logged_with_its_traceback_and_request_id(databases, tmp_path_factory, capsys):
    app = make_app(databases, tmp_path_factory, LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)

    def broken():
        raise RuntimeError("rusak untuk uji")

    app.add_url_rule("/rusak", "broken", broken)
    capsys.readouterr()
    response = app.test_client().get("/rusak")
    assert response.status_code == 500
    lines = _lines(capsys)
    (error,) = [line for line in lines if line["level"] == "error"]
    (request,) = [line for line in lines if line["event"] == "request"]
    assert error["request_id"] == request["request_id"] == response.headers["X-Request-ID"]
    assert "Traceback" in error["exception"] and "RuntimeError: rusak untuk uji" in error["exception"]
    assert request["status"] == 500 and request["endpoint"] == "broken"
    with app.app_context():
        _db.engine.dispose()


def test_text_is_the_default_format(databases, tmp_path_factory, capsys):
    app = make_app(databases, tmp_path_factory)  # logging is the process's: the last app set it
    capsys.readouterr()
    response = app.test_client().get("/healthz")
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if " request " in line)
    assert f"request_id={response.headers['X-Request-ID']}" in line and "status=200" in line
    assert not line.startswith("{")
    with app.app_context():
        _db.engine.dispose()


def test_a_job_carries_the_request_id_of_the_request_that_asked_for_it(json_app, capsys):
    """The helper for background work: the id travels with the job and is bound where it runs."""
    outer = current_request_id()  # another test's unclosed response may have left one bound
    with bound_request_id("permintaan-asal") as request_id:
        assert current_request_id() == request_id == "permintaan-asal"
        logging.getLogger("suar.jobs").info("job ran")
        structlog.get_logger("suar.jobs").info("job done", items=3)
    assert current_request_id() == outer
    with bound_request_id() as fresh_id:
        assert len(fresh_id) == 32
    lines = [line for line in _lines(capsys) if line["logger"] == "suar.jobs"]
    assert [(line["event"], line["request_id"]) for line in lines] == [
        ("job ran", "permintaan-asal"),
        ("job done", "permintaan-asal"),
    ]
    assert lines[1]["items"] == 3


# Keys and values as log lines carry them: names, numbers, None, and text with the characters
# that make the library quote a value (spaces, tabs, =, quotes, line breaks).
_KEYS = st.text(st.sampled_from("abcz_=. \"'"), min_size=1, max_size=8)
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(st.sampled_from("ab= \t\n\"'\\é<>"), max_size=10),
    st.lists(st.integers(), max_size=3),
)
_NAMES = st.one_of(st.text(max_size=12), st.text(st.sampled_from("ab =\n"), max_size=6))
_NAMED = {
    "level": st.sampled_from(["debug", "info", "warning", "error", "critical", "exception", "", "x" * 12]),
    "event": st.one_of(_NAMES, st.integers()),
    "logger": _NAMES,
    "logger_name": _NAMES,
    "timestamp": _NAMES,
}


@settings(max_examples=400, deadline=None)
@given(
    named=st.fixed_dictionaries({}, optional=_NAMED),
    others=st.dictionaries(_KEYS.filter(lambda key: key not in _NAMED), _VALUES, max_size=8),
)
def test_the_text_renderer_writes_what_structlogs_console_renderer_writes(named, others):
    event = {**others, **named}
    library = structlog.dev.ConsoleRenderer(
        colors=False, pad_event_to=0, exception_formatter=structlog.dev.plain_traceback
    )
    renderer = TextRenderer()
    assert renderer.fast  # else this compares the library with itself
    assert renderer(None, "info", dict(event)) == library(None, "info", dict(event))


def test_the_text_renderer_leaves_tracebacks_to_the_library():
    try:
        raise RuntimeError("rusak untuk uji")
    except RuntimeError as error:
        event = {"event": "gagal", "level": "error", "exc_info": (type(error), error, error.__traceback__)}
    line = TextRenderer()(None, "error", dict(event))
    library = structlog.dev.ConsoleRenderer(
        colors=False, pad_event_to=0, exception_formatter=structlog.dev.plain_traceback
    )
    assert line == library(None, "error", dict(event))
    assert line.startswith("[error    ] gagal") and "Traceback" in line and "RuntimeError: rusak untuk uji" in line


# --- the request line's direct way (logs.info, docs/decisions/0103) ---------------------------

_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z")
_FIELD_NAMES = st.text(st.sampled_from("abcz_"), min_size=1, max_size=8).filter(
    lambda key: key not in ("event", "level", "logger", "time", "request_id")
)


def _both_ways(capsys, name, fields):
    """The line ``logs.info`` writes, and the line structlog's own way writes, time masked."""
    capsys.readouterr()
    logs.info(name, "request", **fields)
    direct = capsys.readouterr().err
    structlog.get_logger(name).info("request", **fields)
    library = capsys.readouterr().err
    return _TIME.sub("<time>", direct), _TIME.sub("<time>", library)


@pytest.fixture(params=["text", "json"])
def log_format(request):
    logs.configure(request.param)
    yield request.param
    logs.configure("text")


@settings(max_examples=150, deadline=None)
@given(fields=st.dictionaries(_FIELD_NAMES, _VALUES, max_size=8), bound=st.dictionaries(_FIELD_NAMES, _VALUES))
def test_the_direct_way_writes_what_structlog_writes(log_format, capsys, fields, bound):
    logger = logging.getLogger("suar.request")
    assert logs._only_to(logs._direct, logger)  # else this compares the library with itself
    with bound_request_id("permintaan-uji"):
        tokens = structlog.contextvars.bind_contextvars(**bound)
        try:
            direct, library = _both_ways(capsys, "suar.request", fields)
        finally:
            structlog.contextvars.reset_contextvars(**tokens)
    assert direct == library
    assert direct.count("\n") == 1 and "permintaan-uji" in direct and "<time>" in direct


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_a_line_takes_the_usual_way_when_anything_else_would_see_its_record(capsys, monkeypatch):
    """Another handler, a filter, a replaced callHandlers (an error tracker's hook) or a level
    each make the line go through structlog and ``logging``: what they see is unchanged."""
    logs.configure("json")
    logger = logging.getLogger("suar.request")
    collected = _Collect()

    def written():
        capsys.readouterr()
        logs.info("suar.request", "request", status=200)
        return [json.loads(line) for line in capsys.readouterr().err.splitlines()]

    assert [line["status"] for line in written()] == [200] and logs._only_to(logs._direct, logger)

    logging.root.addHandler(collected)
    try:
        assert [line["status"] for line in written()] == [200]
        assert len(collected.records) == 1
    finally:
        logging.root.removeHandler(collected)

    logger.addFilter(lambda record: False)  # drops every record of the request logger
    try:
        assert written() == []
    finally:
        logger.filters.clear()

    seen = []
    original = logging.Logger.callHandlers
    monkeypatch.setattr(
        logging.Logger, "callHandlers", lambda self, record: seen.append(record) or original(self, record)
    )
    assert [line["status"] for line in written()] == [200] and len(seen) == 1
    monkeypatch.undo()

    logger.setLevel(logging.WARNING)
    try:
        assert written() == []
    finally:
        logger.setLevel(logging.NOTSET)
    assert [line["status"] for line in written()] == [200]
    logs.configure("text")
