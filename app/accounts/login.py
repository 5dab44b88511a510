"""Flask-Login set-up: loading users from their sign-ins, safe redirects, the remember and
device cookies."""

import secrets
from datetime import timedelta

from flask import current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_login.config import COOKIE_NAME
from flask_login.utils import decode_cookie, encode_cookie
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts import sessions
from app.accounts.lockout import Device, account_mark
from app.accounts.models import AnonymousUser, normalise_email
from app.extensions import login_manager
from app.urls import safe_next

DEVICE_COOKIE = "suar_device"

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Silakan masuk untuk membuka halaman itu.")
login_manager.login_message_category = "info"
login_manager.localize_callback = str  # the flashed message in the reader's language, as plain text
login_manager.anonymous_user = AnonymousUser


@login_manager.user_loader
def load_user(token):
    """The user of the live sign-in whose token the session or remember cookie carries."""
    user = sessions.load(token)
    if user is None:
        # The sign-in has ended (logged out elsewhere, password changed, expired): the
        # browser forgets it, so that it stops asking and reads cached pages again.
        session.pop("_user_id", None)
        session.pop("_fresh", None)
        if decode_cookie(request.cookies.get(_remember_cookie_name(), "")) == token:
            session["_remember"] = "clear"  # Flask-Login deletes the cookie after the request
    return user


def is_safe_next(target):
    """True for a path on this site (``/jaringan``); false for another host, ``//host``, ``\\``."""
    return safe_next(target) is not None


def set_remember_cookie(response, user):
    """Set Flask-Login's remember cookie for ``user``, lasting REMEMBER_COOKIE_DURATION.

    Flask-Login 0.6.3 computes the expiry with ``datetime.utcnow()``, deprecated since
    Python 3.12; Werkzeug computes it from ``max_age`` instead (docs/decisions/0012). The
    sign-in ends on the server at the same time (docs/decisions/0040).
    """
    config = current_app.config
    response.set_cookie(
        _remember_cookie_name(),
        value=encode_cookie(user.get_id()),
        max_age=_duration(config["REMEMBER_COOKIE_DURATION"]),
        domain=config.get("REMEMBER_COOKIE_DOMAIN"),
        path=config.get("REMEMBER_COOKIE_PATH", "/"),
        secure=config.get("REMEMBER_COOKIE_SECURE", False),
        httponly=config.get("REMEMBER_COOKIE_HTTPONLY", True),
        samesite=config.get("REMEMBER_COOKIE_SAMESITE", "Lax"),
    )
    return response


def forget_remember_cookie(response):
    """Delete the remember cookie, if the browser has one (logging out)."""
    if _remember_cookie_name() in request.cookies:
        config = current_app.config
        response.delete_cookie(
            _remember_cookie_name(),
            domain=config.get("REMEMBER_COOKIE_DOMAIN"),
            path=config.get("REMEMBER_COOKIE_PATH", "/"),
        )
    return response


def has_sign_in_cookie():
    """True when the request may belong to a signed-in user (session or remember cookie)."""
    return "_user_id" in session or _remember_cookie_name() in request.cookies


def set_device_cookie(response, user):
    """Mark this browser as one that signed in to ``user``'s account (docs/decisions/0041).

    A fresh nonce at each login; signed with a salt that names the email, so the cookie
    speaks for that account only and reveals nothing of it.
    """
    config = current_app.config
    value = _device_serializer(user.email).dumps({"a": account_mark(user), "n": secrets.token_urlsafe(16)})
    response.set_cookie(
        DEVICE_COOKIE,
        value=value,
        max_age=_duration(config["LOGIN_DEVICE_COOKIE_DURATION"]),
        secure=config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Strict",  # only ever needed by this site's own login and password forms
    )
    return response


def device_of(email):
    """What this browser's device cookie says for ``email`` (lockout.Device), or None."""
    value = request.cookies.get(DEVICE_COOKIE)
    email = normalise_email(email)
    if not value or not email:
        return None
    max_age = _duration(current_app.config["LOGIN_DEVICE_COOKIE_DURATION"]).total_seconds()
    try:
        data = _device_serializer(email).loads(value, max_age=max_age)
    except BadSignature:  # forged, for another email, or expired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), str) or not isinstance(data.get("n"), str):
        return None
    return Device(account=data["a"], nonce=data["n"][:32])


def client_address():
    """The address the rate limits and the failure log record (behind a proxy: ProxyFix)."""
    return request.remote_addr or ""


def _device_serializer(email):
    return URLSafeTimedSerializer(current_app.secret_key, salt="suar-device:" + normalise_email(email))


def _remember_cookie_name():
    return current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)


def _duration(value):
    return value if isinstance(value, timedelta) else timedelta(seconds=value)
