"""The inbox, the notification settings, and the digest's one-click unsubscribe."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import User
from app.changes import commit
from app.extensions import csrf, db
from app.notices import emails, kinds, service
from app.notices.forms import PreferencesForm, UnsubscribeForm
from app.notices.models import KINDS, InboxItem

bp = Blueprint("notices", __name__)
csrf.exempt(bp)  # each form checks its token; the unsubscribe POST is authenticated by its link
PAGE_SIZE = 50


@bp.get("/kotak-masuk")
@login_required
def inbox():
    """Everything addressed to the user, newest first, in pages; shown means read."""
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= 10_000:
        abort(400)
    page = int(page)
    query = sa.select(InboxItem).where(InboxItem.user_id == current_user.id)
    items = db.session.scalars(
        query.order_by(InboxItem.created_at.desc(), InboxItem.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    more = len(items) > PAGE_SIZE
    items = [item for item in items[:PAGE_SIZE] if kinds.visible(current_user, item)]
    entries = [(item, kinds.describe(item), kinds.link(item)) for item in items]
    response = render_template(
        "notices/inbox.html",
        entries=entries,
        unread_ids={i.id for i in items if i.read_at is None},
        page=page,
        more=more,
    )
    commit(service.mark_read, items)
    return response


@bp.route("/akun/pemberitahuan", methods=["GET", "POST"])
@login_required
def preferences():
    """Per kind: email at once, in the daily digest, or only in the inbox."""
    form = PreferencesForm()
    if request.method == "GET":
        for kind, mode in service.preferences(current_user).items():
            getattr(form, f"mode_{kind}").data = mode
    elif form.validate_on_submit():
        _done, refused = commit(service.set_preferences, current_user, form.modes())
        if refused is None:
            flash(_("Pengaturan pemberitahuan disimpan."), "success")
            return redirect(url_for("notices.preferences"))
    labels = {kind: kinds.REGISTRY[kind].label for kind in KINDS if kind in kinds.REGISTRY}
    status = 400 if form.errors else 200
    return render_template("notices/preferences.html", form=form, labels=labels), status


@bp.route("/berhenti-langganan/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    """The digest's unsubscribe link: a page with one button (a link scanner that opens it
    changes nothing), and RFC 8058's one-click POST from mail programs."""
    user_id = emails.user_id_from_token(token) if len(token) < 200 else None
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None:
        abort(404)
    form = UnsubscribeForm()
    one_click = request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click"
    if one_click or form.validate_on_submit():
        commit(service.stop_digests, user)
        return render_template("notices/unsubscribed.html", user=user)
    return render_template("notices/unsubscribe.html", form=form, token=token), (400 if form.errors else 200)
