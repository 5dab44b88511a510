"""Absolute links for emails, from the configured base URL and never from a request's Host:
a forged Host header must not put another site's address into a password-reset email."""

from urllib.parse import urlsplit

from flask import current_app

DEVELOPMENT_BASE = "http://127.0.0.1:5000"


def base_url(config=None):
    """``BASE_URL``; else ``SERVER_NAME`` or the first trusted host (https in production);
    else the development server's address."""
    config = config or current_app.config
    if config.get("BASE_URL"):
        return config["BASE_URL"]
    scheme = "https" if config.get("SUAR_ENV") == "production" else "http"
    if config.get("SERVER_NAME"):
        return f"{scheme}://{config['SERVER_NAME']}"
    hosts = [host for host in config.get("TRUSTED_HOSTS") or () if not host.startswith(".")]
    if hosts and config.get("SUAR_ENV") == "production":
        return f"https://{hosts[0]}"
    return DEVELOPMENT_BASE


def absolute_url(endpoint, **values):
    """The full address of ``endpoint`` on the configured site (works outside a request)."""
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme, subdomain=None
    )
    return adapter.build(endpoint, values, force_external=True)
