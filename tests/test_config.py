"""The application factory and configuration from the environment."""

import pytest

from app import create_app
from config import Config, ConfigError


def test_development_defaults_give_a_random_secret_per_process():
    first, second = Config(environ={}), Config(environ={})
    assert first.SUAR_ENV == "development"
    assert len(first.SECRET_KEY) >= 32
    assert first.SECRET_KEY != second.SECRET_KEY
    assert not getattr(first, "SESSION_COOKIE_SECURE", False)


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
    config = Config(environ={**PRODUCTION, "SECRET_KEY": "s3cret-for-the-test"})
    assert config.SECRET_KEY == "s3cret-for-the-test"
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.SESSION_COOKIE_HTTPONLY and config.SESSION_COOKIE_SAMESITE == "Lax"


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
