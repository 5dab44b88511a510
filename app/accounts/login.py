"""Flask-Login set-up: loading users from the session, safe redirects, the remember cookie."""

import hmac
from datetime import timedelta

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login.config import COOKIE_NAME
from flask_login.utils import encode_cookie

from app.accounts.models import AnonymousUser, User
from app.extensions import db, login_manager
from app.urls import safe_next

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Silakan masuk untuk membuka halaman itu.")
login_manager.login_message_category = "info"
login_manager.localize_callback = str  # the flashed message in the reader's language, as plain text
login_manager.anonymous_user = AnonymousUser


@login_manager.user_loader
def load_user(user_id):
    """The user behind ``<id>:<session token>``, if the token is current and the user active."""
    number, _, token = (user_id or "").partition(":")
    if not number.isdigit() or not token:
        return None
    user = db.session.get(User, int(number))
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def is_safe_next(target):
    """True for a path on this site (``/jaringan``); false for another host, ``//host``, ``\\``."""
    return safe_next(target) is not None


def set_remember_cookie(response, user):
    """Set Flask-Login's remember cookie for ``user``, lasting REMEMBER_COOKIE_DURATION.

    Flask-Login 0.6.3 computes the expiry with ``datetime.utcnow()``, deprecated since
    Python 3.12; Werkzeug computes it from ``max_age`` instead (docs/decisions/0012).
    """
    config = current_app.config
    duration = config["REMEMBER_COOKIE_DURATION"]
    if not isinstance(duration, timedelta):
        duration = timedelta(seconds=duration)
    response.set_cookie(
        config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME),
        value=encode_cookie(user.get_id()),
        max_age=duration,
        domain=config.get("REMEMBER_COOKIE_DOMAIN"),
        path=config.get("REMEMBER_COOKIE_PATH", "/"),
        secure=config.get("REMEMBER_COOKIE_SECURE", False),
        httponly=config.get("REMEMBER_COOKIE_HTTPONLY", True),
        samesite=config.get("REMEMBER_COOKIE_SAMESITE", "Lax"),
    )
    return response


def client_address():
    """The address the rate limits and the failure log record (behind a proxy: ProxyFix)."""
    return request.remote_addr or ""
