"""Language: Bahasa Indonesia by default, English by choice (remembered) or by the browser."""

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import get_locale

from app.extensions import LOCALE_COOKIE
from app.urls import safe_next

bp = Blueprint("i18n", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.get("/bahasa/<lang>")
def switch(lang):
    """Remember the chosen language and go back to the page the reader was on."""
    target = safe_next(request.args.get("next")) or url_for("catalog.home")
    response = redirect(target)
    if lang in current_app.config["LANGUAGES"]:
        _remember_for_emails(lang)
        response.set_cookie(
            LOCALE_COOKIE,
            lang,
            max_age=ONE_YEAR,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
        )
    return response


def _remember_for_emails(lang):
    """A signed-in user's emails come in the language they last chose."""
    from flask_login import current_user

    from app.extensions import db

    if current_user.is_authenticated and current_user.language != lang:
        current_user.language = lang
        db.session.commit()


@bp.after_app_request
def _vary_on_language(response):
    # The same URL answers in two languages: caches must keep them apart. (A page from the
    # page cache was stored with these headers.)
    if response.headers.get("X-Page-Cache") == "hit":
        return response
    response.vary.update(("Cookie", "Accept-Language"))
    response.headers.setdefault("Content-Language", str(get_locale()))
    return response
