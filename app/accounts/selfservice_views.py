"""Pages for accounts people manage themselves: "Lupa kata sandi", the reset link, the
invitation link, and the invitation form of admins and coordinators."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import selfservice, tokens
from app.accounts.forms import ForgotPasswordForm, InviteForm, InviteOfficialForm, SetPasswordForm
from app.accounts.login import client_address
from app.accounts.models import normalise_email
from app.accounts.permissions import coordinated_networks, member_ids
from app.catalog.models import Owner
from app.catalog.owners import resolve_owner
from app.changes import commit
from app.extensions import csrf, db, limiter
from app.networks.models import Network

bp = Blueprint("selfservice", __name__)
# Each form checks its own CSRF token (Flask-WTF), so that a stale token re-renders the form
# with what was typed and a clear message instead of a bare 400 (docs/decisions/0013).
csrf.exempt(bp)


def _limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _submitted_email():
    return "reset-email:" + normalise_email(request.form.get("email", ""))[:254]


@bp.after_request
def _no_referrer(response):
    # A link's token must not travel to another site in a Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/akun/lupa-kata-sandi", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"], key_func=client_address, scope="reset-address")
@limiter.limit(_limit, methods=["POST"], key_func=_submitted_email, scope="reset-email")
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the email has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        selfservice.request_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/forgot_sent.html", email=normalise_email(form.email.data))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/forgot.html", form=form), status


@bp.errorhandler(429)
def too_many_requests(error):
    form = ForgotPasswordForm()
    message = _("Terlalu banyak permintaan. Tunggu beberapa menit, lalu coba lagi.")
    return render_template("accounts/forgot.html", form=form, error=message), 429


@bp.route("/akun/atur-ulang/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Set a new password from the link of a reset email (once, within the hour)."""
    return _set_password(token, "reset")


@bp.route("/akun/undangan/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    """Set the first password from the link of an invitation (once, within seven days)."""
    return _set_password(token, "invitation")


def _set_password(raw, purpose):
    found = tokens.find(raw, purpose)
    if found is None:
        return render_template("accounts/link_dead.html", purpose=purpose), 404
    form = SetPasswordForm(email=found.user.email)
    if form.validate_on_submit():
        _user, refused = commit(selfservice.set_password_with, found, form.new.data)
        if refused is None:
            flash(_("Kata sandi sudah disimpan. Silakan masuk dengan kata sandi baru."), "success")
            return redirect(url_for("accounts.login"))
        return render_template("accounts/link_dead.html", purpose=purpose), 404
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/set_password.html", form=form, purpose=purpose, user=found.user), status


@bp.route("/akun/undang", methods=["GET", "POST"])
@login_required
def invite():
    """Invite someone by email: admins anyone, coordinators officials of their members."""
    if not current_user.can("users.invite"):
        abort(403)
    if current_user.can("users.manage"):
        return _invite_as_admin()
    return _invite_as_coordinator()


def _invite_as_admin():
    form = InviteForm()
    form.set_network_choices(db.session.scalars(sa.select(Network).order_by(Network.name)))
    if form.validate_on_submit():
        owner = resolve_owner(form.owner.data) if form.owner.data else None
        if form.owner.data and owner is None:
            form.owner.errors.append(_("Tidak ada wilayah atau pemilik dengan kode atau nama ini."))
        else:
            networks = [db.session.get(Network, i) for i in form.networks.data]
            data = (form.email.data, form.name.data, form.roles.data, networks, owner)
            if _sent(form, *data):
                return redirect(url_for("selfservice.invite"))
        db.session.rollback()  # an owner made by resolving the form's text is not kept
    return render_template("accounts/invite.html", form=form, admin=True), 400 if form.errors else 200


def _invite_as_coordinator():
    form = InviteOfficialForm()
    members = member_ids(coordinated_networks(current_user))
    owners = db.session.scalars(sa.select(Owner).where(Owner.id.in_(members)).order_by(Owner.name)).all()
    form.set_owner_choices(owners)
    if form.validate_on_submit():
        owner = db.session.get(Owner, form.owner.data)
        if _sent(form, form.email.data, form.name.data, ["official"], [], owner):
            return redirect(url_for("selfservice.invite"))
    return render_template("accounts/invite.html", form=form, admin=False), 400 if form.errors else 200


def _sent(form, email, name, roles, networks, owner):
    if selfservice.find_user(email) is not None:
        form.email.errors.append(_("Sudah ada pengguna dengan email ini."))
        return False
    _user, refused = commit(selfservice.invite, current_user, email, name, roles, networks, owner)
    if refused is not None:
        form.form_errors.append(str(refused.message))
        return False
    flash(_("Undangan dikirim ke %(email)s. Tautannya berlaku tujuh hari.", email=normalise_email(email)), "success")
    return True
