"""Security headers: a strict Content-Security-Policy and friends on every page."""

import secrets

import pytest

from app import create_app
from config import Config


@pytest.mark.parametrize("url", ["/", "/inovasi", "/statistik", "/tidak-ada"])
def test_every_page_carries_the_headers(client, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # development serves plain HTTP


def test_pages_have_no_inline_script_or_style(client):
    for url in ("/", "/inovasi", "/statistik"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "style=" not in html and " on" + "click=" not in html


def test_production_adds_hsts(tmp_path):
    config = Config(
        environ={
            "SUAR_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),  # production refuses a weak key such as "x" * 40
            "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
            "TRUSTED_HOSTS": "localhost",
        }
    )
    app = create_app(config)
    response = app.test_client().get("/static/css/suar.css")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    response.close()


@pytest.mark.parametrize("url", ["/inovasi?sector=%00", "/cari?q=a%00b", "/api/v1/innovations?q=%00", "/inovasi?%00=1"])
def test_nul_characters_are_refused_with_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.is_json


@pytest.mark.parametrize("url", ["/wilayah/33%00", "/inovasi/a%00b", "/pemilik/%00"])
def test_nul_characters_in_a_path_name_nothing(client, url):
    assert client.get(url).status_code == 404


def test_nul_in_a_form_gets_a_message_and_keeps_what_was_typed(client):
    from tests.accounts_fixtures import csrf_token

    token = csrf_token(client, "/masuk")
    response = client.post("/masuk", data={"email": "a\x00@example.go.id", "password": "x", "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400) and "Berisi karakter yang tidak sah (NUL)." in html
