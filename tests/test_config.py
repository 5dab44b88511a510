"""The application factory and configuration from the environment."""

import secrets
from datetime import timedelta

import pytest

from app import create_app
from app.accounts import login as accounts_login
from config import MIN_SECRET_LENGTH, Config, ConfigError, secret_weakness
from config import TestConfig as _TestConfig  # not a test class for pytest to collect


def test_development_keeps_one_generated_secret_across_restarts(tmp_path):
    # Restarting the development server must not sign everyone out: the key made on the
    # first start is kept in the instance folder (here DEV_SECRET_FILE), readable by its
    # owner only, and read back by every later start.
    path = tmp_path / "instance" / "dev-secret-key"
    first = create_app(Config(environ={"DEV_SECRET_FILE": str(path)}))
    second = create_app(Config(environ={"DEV_SECRET_FILE": str(path)}))
    assert first.config["SUAR_ENV"] == "development"
    assert len(first.config["SECRET_KEY"]) >= 64 and first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert path.read_text().strip() == first.config["SECRET_KEY"]
    assert path.stat().st_mode & 0o777 == 0o600
    assert not first.config.get("SESSION_COOKIE_SECURE")
    other = create_app(Config(environ={"DEV_SECRET_FILE": str(tmp_path / "other")}))
    assert other.config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_a_given_secret_wins_and_no_file_is_written(tmp_path):
    path = tmp_path / "dev-secret-key"
    app = create_app(Config(environ={"SECRET_KEY": "k" * 64, "DEV_SECRET_FILE": str(path)}))
    assert app.config["SECRET_KEY"] == "k" * 64 and not path.exists()


def test_an_empty_secret_file_is_a_clear_error(tmp_path):
    path = tmp_path / "dev-secret-key"
    path.write_text("")
    with pytest.raises(RuntimeError, match="holds no secret key"):
        create_app(Config(environ={"DEV_SECRET_FILE": str(path)}))


def test_production_refuses_to_start_without_a_secret():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Config(environ={"SUAR_ENV": "production"})


# What production needs besides a secret (docs/decisions/0052): shared limits, known hosts.
PRODUCTION = {
    "SUAR_ENV": "production",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
    "TRUSTED_HOSTS": "suar.example.go.id",
}


def test_production_with_a_secret_sets_secure_cookies():
    secret = secrets.token_hex(32)
    config = Config(environ={**PRODUCTION, "SECRET_KEY": secret})
    assert secret == config.SECRET_KEY
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.SESSION_COOKIE_HTTPONLY and config.SESSION_COOKIE_SAMESITE == "Lax"


def _weak_secrets():
    """Keys production must refuse: short ones of every kind, and long ones with little in them."""
    strong = secrets.token_urlsafe(48)
    for length in (1, 8, MIN_SECRET_LENGTH - 1):
        yield f"random, {length} characters", strong[:length]
    for length in (MIN_SECRET_LENGTH, 64):
        yield f"one character {length} times", "x" * length
        yield f"two characters alternating, {length}", ("ab" * length)[:length]
        yield f"a random piece of 10 repeated to {length}", (strong[:10] * length)[:length]


WEAK_SECRETS = dict(_weak_secrets())


@pytest.mark.parametrize("name", WEAK_SECRETS)
def test_production_refuses_a_weak_secret(name):
    with pytest.raises(ConfigError, match="SECRET_KEY") as refused:
        Config(environ={"SUAR_ENV": "production", "SECRET_KEY": WEAK_SECRETS[name]})
    assert "secrets.token_hex(32)" in str(refused.value)  # says how to make a good one
    # Development does not care: a developer's key signs nothing of value.
    assert WEAK_SECRETS[name] == Config(environ={"SECRET_KEY": WEAK_SECRETS[name]}).SECRET_KEY


@pytest.mark.parametrize("make", [lambda: secrets.token_hex(16), lambda: secrets.token_urlsafe(32)])
def test_production_accepts_a_generated_secret(make):
    for _ in range(50):
        assert secret_weakness(make()) is None


def test_sign_in_defaults_come_from_config_and_tests_inherit_them(tmp_path):
    for config in (Config(environ={}), _TestConfig("sqlite://", str(tmp_path))):
        assert config.LOGIN_RATE_LIMIT == "5 per minute"
        assert config.LOGIN_MAX_FAILURES == 5 and config.LOGIN_MAX_FAILURES_PER_EMAIL == 20
        assert timedelta(minutes=15) == config.LOGIN_FAILURE_WINDOW
        assert timedelta(days=14) == config.REMEMBER_COOKIE_DURATION
        assert config.SESSION_PROTECTION == "basic" and config.REMEMBER_COOKIE_REFRESH_EACH_REQUEST is False
    app = create_app(Config(environ={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}))
    assert app.config["LOGIN_MAX_FAILURES"] == 5 and app.config["LOGIN_SESSION_IDLE"] == timedelta(hours=12)
    # One place: the accounts package no longer brings defaults of its own.
    assert not hasattr(accounts_login, "DEFAULTS") and not hasattr(accounts_login, "configure")


def test_sign_in_settings_are_read_from_the_environment():
    environ = {
        "LOGIN_RATE_LIMIT": "3 per minute",
        "LOGIN_MAX_FAILURES": "4",
        "LOGIN_MAX_FAILURES_PER_EMAIL": "40",
        "LOGIN_FAILURE_WINDOW": "30",
    }
    config = Config(environ=environ)
    assert config.LOGIN_RATE_LIMIT == "3 per minute"
    assert (config.LOGIN_MAX_FAILURES, config.LOGIN_MAX_FAILURES_PER_EMAIL) == (4, 40)
    assert timedelta(minutes=30) == config.LOGIN_FAILURE_WINDOW


@pytest.mark.parametrize(
    "environ",
    [
        {"LOGIN_MAX_FAILURES": "five"},
        {"LOGIN_MAX_FAILURES": "0"},
        {"LOGIN_MAX_FAILURES": "-3"},
        {"LOGIN_FAILURE_WINDOW": "1.5"},
        {"LOGIN_MAX_FAILURES_PER_EMAIL": "3"},  # below LOGIN_MAX_FAILURES (5)
    ],
)
def test_bad_sign_in_settings_are_refused_by_name(environ):
    with pytest.raises(ConfigError, match=next(iter(environ))):
        Config(environ=environ)


def test_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError, match="SUAR_ENV"):
        Config(environ={"SUAR_ENV": "prod"})


def test_environment_variables_are_read(tmp_path):
    config = Config(
        environ={
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
            "SEARCH_INDEX_DIR": str(tmp_path / "idx"),
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
        }
    )
    app = create_app(config)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.db"
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "idx")
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"


def test_defaults_live_in_the_instance_folder():
    app = create_app(Config(environ={}))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/suar.db"
    assert app.config["SEARCH_INDEX_DIR"].startswith(app.instance_path)


def test_factory_registers_blueprints_and_commands(app):
    assert "catalog" in app.blueprints
    assert "content" in app.cli.commands


def test_home_page_answers_on_an_empty_catalogue(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Katalog masih kosong" in response.get_data(as_text=True)


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Halaman tidak ditemukan" in page and 'class="site-header"' in page
