"""/healthz and /readyz: what a load balancer asks before sending readers to a server."""

import pytest

import config
from app import create_app
from app.extensions import db as _db
from app.search.index import IndexStore
from tests import factories
from tests.support import make_app


@pytest.fixture
def fresh(databases, tmp_path_factory):
    """A migrated app on a database of its own whose index was never built (a new server)."""
    app = make_app(databases, tmp_path_factory, SEARCH_SYNC_AFTER_COMMIT=False, SEARCH_READY_MAX_LAG=2)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _ready(app, **kwargs):
    response = app.test_client().get("/readyz", **kwargs)
    assert response.headers["Cache-Control"] == "no-store" and response.is_json
    return response.status_code, response.get_json()


def _build_index(app):
    with app.app_context():
        IndexStore(app.config["SEARCH_INDEX_DIR"]).rebuild(_db.engine)


def test_healthz_says_the_process_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_new_server_is_not_ready_until_its_index_is_built(fresh):
    status, body = _ready(fresh)
    assert status == 503 and body["status"] == "not ready"
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    assert body["checks"]["search_index"] == {"ok": False, "present": False, "lag": 0, "max_lag": 2}
    _build_index(fresh)
    status, body = _ready(fresh)
    assert status == 200 and body["status"] == "ready"
    assert body["checks"]["search_index"] == {"ok": True, "present": True, "lag": 0, "max_lag": 2}


def test_an_index_too_far_behind_the_outbox_is_not_ready(fresh):
    _build_index(fresh)
    with fresh.app_context():
        for n in range(3):  # each commit writes an outbox row that no one applies
            factories.innovation(f"Belum Terindeks {n}", region="33.02")
            _db.session.commit()
    status, body = _ready(fresh)
    assert status == 503 and body["checks"]["search_index"]["lag"] >= 3
    with fresh.app_context():
        IndexStore(fresh.config["SEARCH_INDEX_DIR"]).sync(_db.engine)
    assert _ready(fresh)[0] == 200


def test_a_database_behind_the_migrations_is_not_ready(databases, tmp_path):
    app = create_app(config.TestConfig(databases.new(), str(tmp_path / "index")))  # never upgraded
    status, body = _ready(app)
    assert status == 503
    assert body["checks"]["migrations"]["ok"] is False and body["checks"]["migrations"]["current"] == []
    assert "search_index" not in body["checks"]  # its tables are not there to ask
    with app.app_context():
        _db.engine.dispose()


def test_an_unreachable_database_is_not_ready(tmp_path):
    app = create_app(config.TestConfig(f"sqlite:///{tmp_path}/no/such/folder/suar.db", str(tmp_path / "index")))
    status, body = _ready(app)
    assert status == 503 and body["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_redis_is_asked_when_the_limits_are_kept_there(fresh):
    _build_index(fresh)
    fresh.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379"
    status, body = _ready(fresh)
    assert status == 200 and body["checks"]["redis"] == {"ok": True}
    fresh.config["REDIS_URL"] = "redis://127.0.0.1:9"  # nothing listens on the discard port
    status, body = _ready(fresh)
    assert status == 503 and body["checks"]["redis"]["ok"] is False


def test_health_is_answered_before_flask_whatever_the_host(databases, tmp_path_factory):
    """No session, page cache, rate limit or CSRF is in the way, and a probe addressed to the
    server's IP address is not refused by TRUSTED_HOSTS."""
    app = make_app(databases, tmp_path_factory, TRUSTED_HOSTS=["suar.example.go.id"])
    reached = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: reached.append(1))
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "10.0.0.5:8000"}).status_code == 200
    assert client.get("/readyz", headers={"Host": "10.0.0.5:8000"}).status_code == 503  # no index yet
    assert reached == []
    assert client.get("/", headers={"Host": "10.0.0.5:8000"}).status_code == 400  # pages still check the host
    with app.app_context():
        _db.engine.dispose()
