"""Editing pages: my case studies and the review queue, the case-study form with preview and
conflict detection, the workflow steps, the revision history, award results in bulk."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.catalog.models import Sector, Theme
from app.editing import awards, history, panels, queries, services  # noqa: F401 - panels registers itself
from app.editing.forms import AwardResultsForm, CaseStudyForm, RestoreForm, ReviewForm
from app.editing.labels import ACTION_LABELS, STATUS_LABELS
from app.extensions import csrf, db
from app.rendering import render_markdown

bp = Blueprint("editing", __name__, url_prefix="/kelola")
# Each form checks its own CSRF token, so that a stale token keeps what was typed and says
# so clearly instead of a bare 400 (docs/decisions/0013).
csrf.exempt(bp)

# Workflow steps: URL, target status, the User permission, and what the author is told.
STEPS = {
    "ajukan": ("submitted", "can_submit_innovation"),
    "terbitkan": ("published", "can_publish"),
    "kembalikan": ("returned", "can_return_innovation"),
    "arsipkan": ("archived", "can_archive_innovation"),
}


@bp.context_processor
def _labels():
    return {"status_labels": STATUS_LABELS, "action_labels": ACTION_LABELS}


def _innovation_or_404(slug):
    innovation = queries.by_slug(slug)
    if innovation is None:
        abort(404)
    return innovation


def _allowed_or_403(slug, permission):
    """The case study, if the current user holds ``permission`` on it (404 unknown, 403 not allowed)."""
    innovation = _innovation_or_404(slug)
    if not getattr(current_user, permission)(innovation):
        abort(403)
    return innovation


def _version(field):
    text = (field.data or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


@bp.get("/inovasi")
@login_required
def dashboard():
    """Authors: their case studies and statuses. Editors: also the review queue."""
    if not current_user.can_create_innovation():
        abort(403)
    mine = queries.of_author(current_user)
    returned = {i.id: history.last_return(i) for i in mine if i.status == "returned"}
    curator = current_user.is_curator
    return render_template(
        "editing/dashboard.html",
        mine=mine,
        returned=returned,
        queue=queries.with_status("submitted") if curator else [],
        in_progress=queries.with_status("draft", "returned") if curator else [],
        archived=queries.with_status("archived") if curator else [],
        submit_form=ReviewForm(formdata=None),
    )


@bp.route("/inovasi/baru", methods=["GET", "POST"])
@login_required
def new():
    """Write a new case study: a draft, or submitted at once."""
    if not current_user.can_create_innovation():
        abort(403)
    return _form_page(None)


@bp.route("/inovasi/<slug>/ubah", methods=["GET", "POST"])
@login_required
def edit(slug):
    """Change a case study: authors while it is a draft or returned, editors always."""
    return _form_page(_allowed_or_403(slug, "can_edit_innovation"))


def _form_page(innovation):
    user = current_user
    fixed_owner = None if user.is_curator else user.owner
    # Officials may not change the awards or the sample label: those stay as they are.
    keep = None
    if not user.is_curator:
        keep = history.snapshot_of(innovation)["front_matter"] if innovation is not None else {}
    form = CaseStudyForm()
    sectors = db.session.scalars(sa.select(Sector).order_by(Sector.id)).all()
    themes = db.session.scalars(sa.select(Theme).order_by(Theme.id)).all()
    form.set_choices(sectors, themes, str(get_locale()))
    preview = conflict = None
    status = 200
    if request.method == "GET":
        _prefill(form, innovation, fixed_owner)
    elif (not form.validate() and form.csrf_token.errors) or form.has_nul:
        status = 400  # nothing else is looked at: what was typed is shown again with the message
    else:
        case = None
        try:
            case = services.check(form.front_matter(fixed_owner, keep), form.body_text(), innovation)
        except services.Invalid as invalid:
            _attach(form, invalid.problems, hidden=_hidden_fields(fixed_owner))
        if form.action == "preview":
            preview = render_markdown(form.body_text())
            status = 400 if form.errors else 200
        elif case is not None and not form.errors:
            result = _save(form, innovation, case, fixed_owner)
            if not isinstance(result, services.Conflict):
                return result
            conflict = _conflict_view(form, innovation, case, result)
            status = 409
        else:
            status = 400
    owner = innovation.owner if innovation is not None else fixed_owner
    return render_template(
        "editing/form.html",
        form=form,
        innovation=innovation,
        fixed_owner=fixed_owner,
        institutions=[i.name for i in owner.institutions] if owner is not None else [],
        preview=preview,
        conflict=conflict,
        review=ReviewForm(formdata=None, version=str(innovation.version)) if innovation else None,
    ), status


def _prefill(form, innovation, fixed_owner):
    if innovation is not None:
        snapshot = history.snapshot_of(innovation)
        form.fill(snapshot["front_matter"], snapshot["body"])
        form.version.data = str(innovation.version)
        latest = history.latest(innovation)
        form.base.data = str(latest.number) if latest else ""
    else:
        # A new case study starts at the format's defaults (content-format.md).
        form.stage.data, form.language.data, form.owner_kind.data = "implemented", "id", "regency"
        if fixed_owner is not None:
            form.owner.data, form.owner_kind.data = fixed_owner.name, fixed_owner.kind
            form.region.data = fixed_owner.region_code or ""


def _save(form, innovation, case, fixed_owner):
    """Create or save, commit, and redirect; a Conflict is returned for the page to show."""
    user, submit = current_user, form.action == "submit"
    comment = form.comment.data
    try:
        if innovation is None:
            innovation = services.create(case, user=user, owner=fixed_owner, comment=comment, submit=submit)
        else:
            services.save(innovation, case, user=user, expected_version=_version(form.version),
                          base=_version(form.base), comment=comment, owner=fixed_owner, submit=submit)  # fmt: skip
        db.session.commit()
    except services.Conflict as conflict:
        db.session.rollback()
        return conflict
    except services.NotAllowed:
        db.session.rollback()
        abort(403)
    if submit:
        flash(_("Studi kasus diajukan. Editor akan meninjaunya; statusnya tampak di Studi kasus saya."), "success")
    else:
        flash(_("Studi kasus disimpan."), "success")
    return redirect(url_for("catalog.innovation", slug=innovation.slug))


def _conflict_view(form, innovation, case, conflict):
    """What the other person changed: from what was loaded to what is stored now. The form
    keeps what was typed and now carries the stored version: saving again is a choice."""
    current = conflict.current or history.snapshot_of(innovation)
    loaded = conflict.loaded or history.snapshot_of_case(case)
    form.version.data = str(innovation.version)
    latest = history.latest(innovation)
    form.base.data = str(latest.number) if latest else ""
    return {"lines": history.diff(loaded, current), "known": conflict.loaded is not None}


def _hidden_fields(fixed_owner):
    """Fields an official's form does not show: their problems go above the form."""
    if fixed_owner is None:
        return ()
    hidden = ("owner", "owner_kind", "awards", "sample")
    return (*hidden, "region") if fixed_owner.is_government else hidden


def _attach(form, problems, hidden=()):
    """Show each problem at its field (once), or above the form when no field shows it."""
    for name, message in problems:
        field = getattr(form, name, None) if name and name not in hidden else None
        if field is not None and hasattr(field, "errors") and name != "csrf_token":
            errors = list(field.errors)
            field.errors = errors if message in errors else [*errors, message]
        elif message not in form.form_errors:
            form.form_errors.append(message)


def _step(slug, path):
    status, permission = STEPS[path]
    innovation = _allowed_or_403(slug, permission)
    form = ReviewForm()
    problem, code = None, 400
    if not form.validate():
        problem = form.csrf_token.errors[0] if form.csrf_token.errors else _("Periksa isian yang ditandai.")
    elif _version(form.version) != innovation.version:
        problem, code = _("Studi kasus ini baru saja diubah orang lain. Periksa versi terbarunya, lalu ulangi."), 409
    else:
        try:
            services.transition(innovation, status, user=current_user, comment=form.comment.data)
            db.session.commit()
        except services.Invalid as invalid:
            db.session.rollback()
            problem = invalid.problems[0][1]
        except (services.NotAllowed, services.Conflict):
            db.session.rollback()
            problem, code = _("Langkah ini tidak dapat dilakukan lagi: statusnya sudah berubah."), 409
        else:
            flash(_("Status sekarang: %(status)s.", status=STATUS_LABELS[status]), "success")
            return redirect(url_for("catalog.innovation", slug=innovation.slug))
    form.version.data = str(innovation.version)
    return render_template("editing/step.html", innovation=innovation, form=form, path=path, problem=problem), code


@bp.post("/inovasi/<slug>/ajukan")
@login_required
def submit(slug):
    """Send a draft or returned case study to the editors."""
    return _step(slug, "ajukan")


@bp.post("/inovasi/<slug>/terbitkan")
@login_required
def publish(slug):
    """Publish a case study (or publish an archived one again)."""
    return _step(slug, "terbitkan")


@bp.post("/inovasi/<slug>/kembalikan")
@login_required
def send_back(slug):
    """Return a submitted case study to its authors with a comment."""
    return _step(slug, "kembalikan")


@bp.post("/inovasi/<slug>/arsipkan")
@login_required
def archive(slug):
    """Take a published case study out of the catalogue (it is kept, with its history)."""
    return _step(slug, "arsipkan")


@bp.get("/inovasi/<slug>/riwayat")
@login_required
def revisions(slug):
    """Every version, and the lines that differ between two of them (``?dari=&ke=``)."""
    innovation = _allowed_or_403(slug, "can_view_history")
    return _history_page(innovation)


def _history_page(innovation, error=None, status=200):
    items = history.revisions(innovation)
    newest = items[0].number if items else 0
    new_number = request.args.get("ke", type=int, default=newest)
    old_number = request.args.get("dari", type=int, default=max(new_number - 1, 0))
    by_number = {r.number: r for r in items}
    if (new_number and new_number not in by_number) or (old_number and old_number not in by_number):
        abort(404)
    old, new = by_number.get(old_number), by_number.get(new_number)
    lines = history.diff(old.snapshot if old else None, new.snapshot if new else None) if new else []
    return render_template(
        "editing/history.html",
        innovation=innovation,
        revisions=items,
        old=old,
        new=new,
        lines=lines,
        restore_form=RestoreForm(formdata=None, version=str(innovation.version)),
        error=error,
    ), status


@bp.post("/inovasi/<slug>/riwayat/<int:number>/pulihkan")
@login_required
def restore(slug, number):
    """Make an old version the current one; this adds a new version, nothing is lost."""
    innovation = _allowed_or_403(slug, "can_restore_revision")
    if history.revision(innovation, number) is None:
        abort(404)
    form = RestoreForm()
    if not form.validate():
        return _history_page(innovation, form.csrf_token.errors[0] if form.csrf_token.errors else None, 400)
    try:
        services.restore(innovation, number, user=current_user, expected_version=_version(form.version))
        db.session.commit()
    except services.Conflict:
        db.session.rollback()
        message = _("Studi kasus ini baru saja diubah orang lain. Periksa riwayatnya, lalu pulihkan lagi bila perlu.")
        return _history_page(innovation, message, 409)
    except services.Invalid as invalid:
        db.session.rollback()
        reasons = "; ".join(message for _name, message in invalid.problems)
        message = _("Versi ini tidak lagi memenuhi aturan studi kasus: %(reasons)s", reasons=reasons)
        return _history_page(innovation, message, 400)
    flash(_("Versi %(number)d dipulihkan sebagai versi baru.", number=number), "success")
    return redirect(url_for("catalog.innovation", slug=innovation.slug))


@bp.route("/penghargaan", methods=["GET", "POST"])
@login_required
def award_results():
    """Record a competition result for many case studies at once, checked before writing."""
    if not current_user.is_curator:
        abort(403)
    form = AwardResultsForm()
    batch, status = None, 200
    if form.validate_on_submit():
        lines, problem = _award_lines(form)
        if problem:
            form.file.errors = [problem]
            status = 400
        else:
            batch = awards.check(lines, form.competition.data, form.year.data, form.stage.data)
            status = 200 if batch.ok else 400
            if batch.ok and form.save.data:
                added, already = awards.write(batch, current_user)
                db.session.commit()
                flash(_("%(added)d penghargaan dicatat; %(already)d sudah tercatat sebelumnya.", added=added,
                        already=already), "success")  # fmt: skip
                return redirect(url_for("editing.award_results"))
    elif request.method == "POST":
        status = 400
    return render_template("editing/awards.html", form=form, batch=batch), status


def _award_lines(form):
    upload = form.file.data
    if upload and getattr(upload, "filename", ""):
        data = upload.read(current_app.config["MAX_CONTENT_LENGTH"] + 1)
        return awards.lines_of_csv(data)
    return awards.lines_of_text(form.slugs.data), None
