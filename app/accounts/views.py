"""Login, logout and password change. Views load, check, call a service, render."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME

from app.accounts import services
from app.accounts.forms import ChangePasswordForm, LoginForm, LogoutForm
from app.accounts.login import client_address, is_safe_next, set_remember_cookie
from app.accounts.models import normalise_email
from app.extensions import csrf, db, limiter

bp = Blueprint("accounts", __name__)
# Each form checks its own CSRF token (Flask-WTF), so that a stale token re-renders the form
# with what was typed and a clear message instead of a bare 400 (docs/decisions/0013).
csrf.exempt(bp)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _submitted_email():
    # Per account: keyed on the email typed, whether or not an account has it.
    return "login-email:" + normalise_email(request.form.get("email", ""))[:254]


def _next_url():
    target = request.values.get("next", "")
    return target if is_safe_next(target) else None


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=client_address, scope="login-address")
@limiter.limit(_login_limit, methods=["POST"], key_func=_submitted_email, scope="login-email")
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(_next_url() or url_for("catalog.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data, client_address())
        if result.user is not None:
            next_url = _next_url()
            session.clear()  # a session that existed before login is not carried into it
            login_user(result.user)
            db.session.commit()
            flash(_("Selamat datang, %(name)s.", name=result.user.name), "success")
            response = redirect(next_url or url_for("catalog.home"))
            return set_remember_cookie(response, result.user) if form.remember.data else response
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
    """Sign out (POST with a CSRF token; GET shows the button)."""
    form = LogoutForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("Anda sudah keluar."), "success")
        return redirect(url_for("catalog.home"))
    if not current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("catalog.home"))
    return render_template("accounts/logout.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; every other session of the account ends."""
    user = current_user._get_current_object()
    form = ChangePasswordForm(email=user.email)
    if form.validate_on_submit():
        if not user.check_password(form.current.data):
            form.current.errors.append(_("Kata sandi sekarang salah."))
        else:
            services.change_password(user, form.new.data)
            db.session.commit()
            login_user(user)  # this session carries the new token; the others are over
            flash(_("Kata sandi sudah diganti. Sesi Anda di perangkat lain sudah berakhir."), "success")
            response = redirect(url_for("accounts.change_password"))
            if request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)):
                set_remember_cookie(response, user)
            return response
    return render_template("accounts/change_password.html", form=form, logout_form=LogoutForm())
