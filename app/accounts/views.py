"""Login, logout, the account page and password change. Views load, check, call a service,
render."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import services, sessions
from app.accounts.forms import ChangePasswordForm, LoginForm, LogoutForm, SignOutEverywhereForm
from app.accounts.login import (
    client_address,
    device_of,
    forget_remember_cookie,
    has_sign_in_cookie,
    is_safe_next,
    set_device_cookie,
    set_remember_cookie,
)
from app.accounts.models import normalise_email
from app.extensions import csrf, db, limiter

bp = Blueprint("accounts", __name__)
# Each form checks its own CSRF token (Flask-WTF), so that a stale token re-renders the form
# with what was typed and a clear message instead of a bare 400 (docs/decisions/0013).
csrf.exempt(bp)


@bp.before_app_request
def _load_user_first():
    # The sign-in is looked up, and its last-seen time written on a transaction of its own,
    # before the view runs: never while the view's own writes hold the database (SQLite).
    if request.endpoint != "static" and has_sign_in_cookie():
        current_user._get_current_object()


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _submitted_email():
    # Per account: keyed on the email typed, whether or not an account has it.
    return "login-email:" + normalise_email(request.form.get("email", ""))[:254]


def _known_device():
    # A browser that signed in to this account before is not held up by guesses made
    # elsewhere (docs/decisions/0041); its own limit per address still holds.
    return device_of(request.form.get("email", "")) is not None


def _next_url():
    target = request.values.get("next", "")
    return target if is_safe_next(target) else None


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=client_address, scope="login-address")
@limiter.limit(
    _login_limit, methods=["POST"], key_func=_submitted_email, scope="login-email", exempt_when=_known_device
)
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(_next_url() or url_for("catalog.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data
        result = services.authenticate(email, form.password.data, client_address(), device_of(email))
        if result.user is not None:
            next_url = _next_url()
            session.clear()  # a session that existed before login is not carried into it
            sessions.start(result.user, remember=form.remember.data)
            login_user(result.user)
            result.user.language = str(get_locale())  # the language of the emails it gets
            db.session.commit()
            flash(_("Selamat datang, %(name)s.", name=result.user.name), "success")
            response = set_device_cookie(redirect(next_url or url_for("catalog.home")), result.user)
            if form.remember.data:
                return set_remember_cookie(response, result.user)
            return forget_remember_cookie(response)  # one left by an earlier sign-in
        db.session.commit()  # the failed attempt is counted even though the login failed
        error = _too_many() if result.locked else _("Email atau kata sandi salah.")
    return render_template("accounts/login.html", form=form, error=error, next=_next_url())


def _too_many():
    return _("Terlalu banyak percobaan masuk yang gagal. Tunggu beberapa menit, lalu coba lagi.")


@bp.errorhandler(429)
def too_many_requests(error):
    """The rate limit answers with the login page and a message, not a bare error."""
    form = LoginForm()
    return render_template("accounts/login.html", form=form, error=_too_many(), next=_next_url()), 429


@bp.route("/keluar", methods=["GET", "POST"])
def logout():
    """Sign out here (POST with a CSRF token; GET shows the button); other devices stay in."""
    form = LogoutForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            sessions.end(current_user.current_session)
            db.session.commit()
        return _signed_out(_("Anda sudah keluar."))
    if not current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("catalog.home"))
    return render_template("accounts/logout.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/akun/keluar-semua", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every sign-in of this account, on every device, this one included."""
    form = SignOutEverywhereForm()
    if not form.validate_on_submit():
        return _account_page(everywhere_form=form, status=400)
    sessions.end_all(current_user)
    db.session.commit()
    return _signed_out(_("Anda sudah keluar dari semua perangkat."))


def _signed_out(message):
    logout_user()
    session.clear()
    flash(message, "success")
    return forget_remember_cookie(redirect(url_for("catalog.home")))


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    """The account page: change one's own password (every other sign-in ends), see and end sign-ins."""
    user = current_user._get_current_object()
    form = ChangePasswordForm(email=user.email)
    error = None
    if form.validate_on_submit():
        check = services.confirm_password(user, form.current.data, client_address(), device_of(user.email))
        if check.locked:
            error = _("Terlalu banyak percobaan kata sandi yang salah. Tunggu beberapa menit, lalu coba lagi.")
        elif check.user is None:
            db.session.commit()  # the wrong password is counted
            form.current.errors.append(_("Kata sandi sekarang salah."))
        else:
            services.change_password(user, form.new.data, keep=user.current_session)
            db.session.commit()
            flash(_("Kata sandi sudah diganti. Sesi Anda di perangkat lain sudah berakhir."), "success")
            return redirect(url_for("accounts.change_password"))
    return _account_page(form=form, error=error)


def _account_page(form=None, everywhere_form=None, error=None, status=200):
    user = current_user._get_current_object()
    page = render_template(
        "accounts/change_password.html",
        form=form or ChangePasswordForm(email=user.email),
        error=error,
        logout_form=LogoutForm(),
        everywhere_form=everywhere_form or SignOutEverywhereForm(),
        sign_ins=sessions.of(user),
    )
    return page, status
