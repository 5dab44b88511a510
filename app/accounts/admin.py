"""User administration for admins: list, create, change roles and networks, deactivate."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import services
from app.accounts.forms import CreateUserForm, EditUserForm
from app.accounts.models import User
from app.catalog.owners import resolve_owner
from app.changes import commit
from app.extensions import csrf, db
from app.networks.models import Network

bp = Blueprint("user_admin", __name__)
# Each form checks its own CSRF token (Flask-WTF), so that a stale token re-renders the form
# with what was typed and a clear message instead of a bare 400 (docs/decisions/0013).
csrf.exempt(bp)


@bp.context_processor
def _labels():
    return {
        "role_names": {
            "admin": _("Admin"),
            "editor": _("Editor"),
            "coordinator": _("Koordinator"),
            "official": _("Pejabat daerah"),
        }
    }


def _require_user_admin():
    """Only admins manage users (403 for everyone else who is signed in)."""
    if not current_user.can("users.manage"):
        abort(403)


def _user_for_admin(user_id):
    """The user to edit, after checking that the current user may manage users."""
    _require_user_admin()
    return db.get_or_404(User, user_id)


def _networks():
    return list(db.session.scalars(sa.select(Network).order_by(Network.name)))


def _owner_from(form):
    """The owner the form names, or None (with an error on the field when it names none)."""
    if not form.owner.data:
        return None
    owner = resolve_owner(form.owner.data)
    if owner is None:
        form.owner.errors.append(_("Tidak ada wilayah atau pemilik dengan kode atau nama ini."))
    return owner


@bp.route("/admin/pengguna", methods=["GET", "POST"])
@login_required
def users():
    """The list of users, with the form that creates one."""
    _require_user_admin()
    form = CreateUserForm()
    form.set_network_choices(_networks())
    if form.validate_on_submit():
        owner = _owner_from(form)
        if not form.owner.errors:
            if services.find_user(form.email.data) is not None:
                form.email.errors.append(_("Sudah ada pengguna dengan email ini."))
            else:
                networks = [db.session.get(Network, i) for i in form.networks.data]
                data = (form.email.data, form.name.data, form.password.data, form.roles.data, networks, owner)
                _created, refused = commit(services.create_user, *data)
                if refused is None:
                    flash(_("Pengguna %(email)s dibuat.", email=form.email.data.lower()), "success")
                    return redirect(url_for("user_admin.users"))
                form.form_errors.append(str(refused))
        db.session.rollback()  # an owner made by resolving the form's text is not kept
    all_users = db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name))
    return render_template("accounts/users.html", users=list(all_users), form=form)


@bp.route("/admin/pengguna/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id):
    """Change a user's roles, networks, owner and active flag."""
    user = _user_for_admin(user_id)
    form = EditUserForm(obj=_UserData(user))
    form.set_network_choices(_networks())
    if form.validate_on_submit():
        owner = _owner_from(form)
        if not form.owner.errors:
            networks = [db.session.get(Network, i) for i in form.networks.data]
            change = (user, form.name.data, form.roles.data, networks, owner, form.active.data, current_user)
            _changed, refused = commit(services.update_user, *change)
            if refused is None:
                flash(_("Perubahan pada %(email)s disimpan.", email=user.email), "success")
                return redirect(url_for("user_admin.users"))
            form.active.errors.append(
                _("Anda tidak dapat menonaktifkan akun sendiri atau melepas peran admin Anda sendiri.")
            )
        db.session.rollback()  # an owner made by resolving the form's text is not kept
    return render_template("accounts/edit_user.html", user=user, form=form)


class _UserData:
    """The values an edit form starts from."""

    def __init__(self, user):
        self.name = user.name
        self.roles = sorted(user.roles)
        self.networks = [n.id for n in user.networks]
        self.owner = (user.owner.region_code or user.owner.slug) if user.owner else ""
        self.active = user.active
