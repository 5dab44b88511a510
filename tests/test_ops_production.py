"""Production settings that cannot be got wrong: shared rate limits, known hosts, proxy trust."""

import pytest

import config
from app import create_app
from app.extensions import db as _db
from tests.support import make_app

SECRET = "a-production-secret-of-enough-length-0123456789"
PRODUCTION = {
    "SUAR_ENV": "production",
    "SECRET_KEY": SECRET,
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
    "TRUSTED_HOSTS": "suar.example.go.id",
}


@pytest.mark.parametrize("storage", [None, "memory://", "memcached://127.0.0.1:11211"])
def test_production_refuses_limits_counted_per_worker(storage):
    environ = {**PRODUCTION}
    environ.pop("RATELIMIT_STORAGE_URI")
    if storage:
        environ["RATELIMIT_STORAGE_URI"] = storage
    with pytest.raises(config.ConfigError, match="RATELIMIT_STORAGE_URI=redis://"):
        config.Config(environ=environ)


@pytest.mark.parametrize(
    "uri", ["redis://127.0.0.1:6379", "rediss://redis.internal:6380/1", "redis+unix:///run/r.sock"]
)
def test_production_accepts_redis_limits(uri):
    assert uri == config.Config(environ={**PRODUCTION, "RATELIMIT_STORAGE_URI": uri}).RATELIMIT_STORAGE_URI


def test_production_refuses_to_start_without_trusted_hosts():
    environ = {k: v for k, v in PRODUCTION.items() if k != "TRUSTED_HOSTS"}
    with pytest.raises(config.ConfigError, match="TRUSTED_HOSTS"):
        config.Config(environ=environ)


def test_server_name_alone_makes_its_host_the_trusted_one():
    environ = {k: v for k, v in PRODUCTION.items() if k != "TRUSTED_HOSTS"}
    settings = config.Config(environ={**environ, "SERVER_NAME": "suar.example.go.id:443"})
    assert settings.TRUSTED_HOSTS == ["suar.example.go.id"]


def test_trusted_hosts_are_a_comma_separated_list():
    settings = config.Config(environ={**PRODUCTION, "TRUSTED_HOSTS": "suar.example.go.id, .suar.example.go.id"})
    assert settings.TRUSTED_HOSTS == ["suar.example.go.id", ".suar.example.go.id"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PROXY_FIX_FOR", "satu"),
        ("SEARCH_READY_MAX_LAG", "-1"),
        ("LOG_FORMAT", "xml"),
        ("PAGE_CACHE_RECHECK_MS", "0.5"),
        ("PAGE_CACHE_RECHECK_MS", "1001"),
    ],
)
def test_malformed_operations_settings_are_refused(name, value):
    with pytest.raises(config.ConfigError, match=name):
        config.Config(environ={name: value})


def test_the_page_cache_recheck_is_given_in_milliseconds():
    assert config.Config(environ={}).PAGE_CACHE_RECHECK_SECONDS == 0.05
    assert config.Config(environ={"PAGE_CACHE_RECHECK_MS": "0"}).PAGE_CACHE_RECHECK_SECONDS == 0
    assert config.Config(environ={"PAGE_CACHE_RECHECK_MS": "1000"}).PAGE_CACHE_RECHECK_SECONDS == 1


def test_a_production_app_refuses_unknown_hosts(tmp_path):
    app = create_app(config.Config(environ={**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/p.db"}))
    client = app.test_client()
    response = client.get("/robots.txt", headers={"Host": "evil.example"})
    assert response.status_code == 400 and b"unknown host" in response.data
    response = client.get("/robots.txt", headers={"Host": "suar.example.go.id"})
    assert response.status_code == 200 and b"suar.example.go.id/sitemap.xml" in response.data


def _address(app, **kwargs):
    """The client address the app (and so the rate limiter) sees, from a request's headers."""
    seen = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append(_request_facts()))
    app.test_client().get("/robots.txt", **kwargs)
    return seen[-1]


def _request_facts():
    from flask import request

    from app.accounts.login import client_address

    return client_address(), request.scheme


@pytest.fixture
def apps(databases, tmp_path_factory):
    made = []

    def make(**overrides):
        made.append(make_app(databases, tmp_path_factory, **overrides))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            _db.engine.dispose()


def test_without_proxy_fix_forwarded_headers_are_ignored(apps):
    app = apps()
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    assert _address(app, headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.7"}) == ("10.0.0.7", "http")


def test_proxy_fix_for_one_proxy_trusts_its_last_entry_only(apps):
    app = apps(PROXY_FIX_FOR=1)
    # The client wrote the first entry itself; the proxy appended the address it saw.
    headers = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9", "X-Forwarded-Proto": "https"}
    assert _address(app, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}) == ("203.0.113.9", "https")
