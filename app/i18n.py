"""Language: Bahasa Indonesia by default, English by choice (remembered) or by the browser."""

from datetime import date

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import format_date, get_locale

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


@bp.app_template_filter("partial_date")
def partial_date(value):
    """A date of which the sources may give only the year or the month ("2021", "2021-03",
    "2021-03-15"), as the reader's language says it: "2021", "Maret 2021" / "March 2021",
    "15 Maret 2021". Anything else is shown as it is."""
    text = str(value or "")
    parts = text.split("-")
    try:
        numbers = [int(part) for part in parts]
        when = date(numbers[0], *(numbers[1:] + [1, 1])[:2])
    except (ValueError, TypeError, IndexError):
        return text
    if len(parts) == 1:
        return str(when.year)
    if len(parts) == 2:
        return format_date(when, "MMMM yyyy")
    return format_date(when, "long") if len(parts) == 3 else text
