"""Replication pages: log, update (with conflict detection), history, interest, inbox, CSV."""

import secrets
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wsgi import wrap_file

from app import csvfiles
from app.catalog.access import innovation_or_404
from app.catalog.models import Innovation
from app.catalog.owners import government_owner
from app.changes import commit
from app.extensions import csrf, db, limiter
from app.jobs import bulk
from app.regions.models import Region
from app.replication import bulk as replication_bulk
from app.replication import conversation as replication_conversation
from app.replication import csvio, interest_links, panels, permissions, services  # noqa: F401 - panels registers itself
from app.replication import indicators as reported
from app.replication import kit as replication_kit
from app.replication.access import replication_or_404
from app.replication.forms import ConfirmImportForm, ImportForm, InterestForm, ReplicationForm
from app.replication.labels import BUDGET_LABELS, STAGE_LABELS, TRANSFER_LABELS, change_label, change_value
from app.replication.models import PROGRESS, Replication

bp = Blueprint("replication", __name__)
# Each form checks its own CSRF token, so that a stale one re-renders the form with what was
# typed and a clear message (docs/decisions/0013).
csrf.exempt(bp)
UPLOAD_TOKEN_BYTES = 16


@bp.app_context_processor
def _labels():
    return {
        "replication_stage_labels": STAGE_LABELS,
        "transfer_labels": TRANSFER_LABELS,
        "budget_labels": BUDGET_LABELS,
        "replication_progress": PROGRESS,
        "change_label": change_label,
        "change_value": change_value,
    }


@bp.get("/replikasi/<int:replication_id>")
def show(replication_id):
    replication = replication_or_404(replication_id, current_user)
    return render_template(
        "replication/show.html",
        replication=replication,
        can_edit=current_user.can("replication.edit", replication),
        can_converse=current_user.can("replication.converse", replication),
    )


@bp.get("/inovasi/<slug>/paket-replikasi.zip")
@limiter.limit(lambda: current_app.config["KIT_RATE_LIMIT"], scope="kit")
def kit_download(slug):
    """The replication kit as one ZIP: ``ringkasan.html`` and the documents (docs/decisions/0084).
    A case study the user may not see is a 404, as its page. Never stored by the page cache
    (not one of its endpoints); one naming contacts is kept by no cache at all. Each ZIP is
    built on request, so the downloads of one address are limited (KIT_RATE_LIMIT)."""
    item = innovation_or_404(slug, current_user)
    spool, with_contacts = replication_kit.build_zip(item, str(get_locale()))
    name = f"paket-replikasi-{item.slug}.zip"
    response = current_app.response_class(
        wrap_file(request.environ, spool), mimetype="application/zip", direct_passthrough=True
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if with_contacts or not item.is_public else "no-cache"
    response.vary.add("Cookie")
    return response


@bp.route("/inovasi/<slug>/minat", methods=["GET", "POST"])
@login_required
def interest(slug):
    """ "Kami ingin mereplikasi": a message to the people who can help, who are named before
    it is sent; then an interest replication for the official's owner, with its thread.
    ``?kebutuhan=<id>``: asked from a suggestion for that need, which it is linked to."""
    need = _need_asked_from()  # first: a need the user may not see is a 404, whatever the case study
    innovation = innovation_or_404(slug, current_user, "innovation.express_interest")
    existing = services.find(innovation, current_user.owner)
    if existing is not None and existing.stage != "discontinued":
        if need is not None and existing.need_id is None:
            commit(interest_links.link_need, need, existing, current_user)
        flash(_("Instansi Anda sudah tercatat pada replikasi ini; lanjutkan di percakapannya."), "info")
        return redirect(url_for("conversation.thread", replication_id=existing.id))
    form = InterestForm()
    if form.validate_on_submit():
        replication, refused = commit(_express_interest, current_user, innovation, form.message.data, need)
        if refused is None:
            message = replication_conversation.messages(replication)[-1]
            if message.routed_to_editors:
                flash(
                    _("Minat Anda tercatat. Belum ada penerima lain, jadi pesan Anda diteruskan ke editor Suar."),
                    "success",
                )
            else:
                flash(_("Minat Anda tercatat dan pesan Anda sudah dikirim."), "success")
            return redirect(url_for("conversation.thread", replication_id=replication.id))
        _attach_to(form.message, form, refused)
    preview = Replication(innovation=innovation, adopter=current_user.owner, adopter_id=current_user.owner_id)
    reached, routed = replication_conversation.recipients(preview, current_user)
    return render_template(
        "replication/interest.html", innovation=innovation, form=form, recipients=reached, routed=routed, need=need
    ), (400 if form.errors else 200)


def _need_asked_from():
    """The need named by ``?kebutuhan=``, which the official may replicate for; else 404."""
    value = request.args.get("kebutuhan")
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 10):
        abort(404)
    return interest_links.find_need(int(value), current_user)


def _express_interest(user, innovation, message, need):
    replication = services.express_interest(user, innovation, message)
    if need is not None:
        interest_links.link_need(need, replication, user)
    return replication


@bp.route("/inovasi/<slug>/replikasi/baru", methods=["GET", "POST"])
@login_required
def new(slug):
    """Log a replication of an innovation by another region."""
    innovation = innovation_or_404(slug, current_user, "innovation.log_replication")
    form = ReplicationForm()
    networks = permissions.network_choices(current_user, innovation)
    form.set_choices(permissions.adopter_choices(current_user, innovation), networks, PROGRESS)
    if form.validate_on_submit():
        adopter = government_owner(db.session.get(Region, form.adopter.data))
        if not current_user.can("innovation.log_replication", innovation, adopter=adopter):
            abort(403)
        extra = {"stage_date": form.stage_date.data, "note": form.note.data, **_fields(form)}
        replication, refused = commit(services.create, innovation, adopter, form.stage.data, user=current_user, **extra)
        if refused is None:
            flash(_("Replikasi dicatat."), "success")
            return redirect(url_for("replication.show", replication_id=replication.id))
        _attach(form, refused)
    return render_template("replication/form.html", form=form, innovation=innovation, replication=None), (
        400 if form.errors else 200
    )


@bp.route("/replikasi/<int:replication_id>/ubah", methods=["GET", "POST"])
@login_required
def edit(replication_id):
    """Move a replication forward, discontinue or reopen it, or correct its details."""
    replication = replication_or_404(replication_id, current_user, "replication.edit")
    form = ReplicationForm(obj=_FormData(replication) if request.method == "GET" else None)
    stages = [replication.stage, *services.allowed_stages(replication)]
    networks = permissions.network_choices(
        current_user, replication.innovation, replication.adopter, current=replication.network
    )
    form.set_choices([(replication.adopter.region_code or "", replication.adopter.name)], networks, stages)
    form.adopter.data = replication.adopter.region_code or ""
    conflict = None
    if form.validate_on_submit():
        expected = int(form.version.data) if (form.version.data or "").isdigit() else 0
        extra = {"stage_date": form.stage_date.data, "note": form.note.data, **_fields(form)}
        _saved, refused = commit(
            services.update, replication, user=current_user, expected_version=expected, stage=form.stage.data, **extra
        )
        if refused is None:
            flash(_("Perubahan disimpan."), "success")
            return redirect(url_for("replication.show", replication_id=replication.id))
        if isinstance(refused, services.Conflict):
            conflict = db.session.get(Replication, replication_id)
        else:
            _attach(form, refused)
    status = 409 if conflict else (400 if form.errors else 200)
    return render_template(
        "replication/form.html",
        form=form,
        innovation=replication.innovation,
        replication=replication,
        conflict=conflict,
    ), status


@bp.route("/replikasi/<int:replication_id>/indikator", methods=["GET", "POST"])
@login_required
def indicators(replication_id):
    """The adopter's own figures for the case study's impact indicators."""
    replication = replication_or_404(replication_id, current_user, "replication.edit")
    form = reported.ReportedForm()
    listed = replication.innovation.indicators
    status = 200
    if request.method == "GET":
        form.fill(replication)
    elif not form.validate_on_submit():
        status = 400
    else:
        figures = reported.read(form, listed, date.today())
        if figures is False:
            status = 400
        else:
            expected = int(form.version.data) if (form.version.data or "").isdigit() else 0
            _saved, refused = commit(reported.save, replication, figures, user=current_user, expected_version=expected)
            if refused is None:
                flash(_("Angka indikator disimpan."), "success")
                return redirect(url_for("replication.show", replication_id=replication.id))
            form.form_errors.append(str(refused.message))
            status = refused.status
    return render_template("replication/indicators.html", form=form, replication=replication, indicators=listed), status


@bp.route("/replikasi/impor", methods=["GET", "POST"])
@login_required
def import_csv():
    """Upload a CSV of replications: a preview lists every row's problems; nothing is
    written until the whole file is valid and confirmed."""
    if not current_user.can("replications.import"):
        abort(403)
    form, confirm = ImportForm(), ConfirmImportForm()
    parsed = token = None
    if form.validate_on_submit():
        data = form.file.data.read(current_app.config["MAX_CONTENT_LENGTH"] + 1)
        parsed = csvio.read(data)
        replication_bulk.check_allowed(parsed, current_user)
        if parsed.ok:
            token = secrets.token_hex(UPLOAD_TOKEN_BYTES)
            _upload_path(token).write_bytes(data)
            confirm.token.data, confirm.rows.data = token, len(parsed.rows)
    status = 400 if (form.errors or (parsed and parsed.problems)) else 200
    page = render_template("replication/import.html", form=form, confirm=confirm, parsed=parsed, token=token,
                           names=csvio.accepted_names())  # fmt: skip
    return page, status


@bp.get("/replikasi/impor/templat.csv")
@login_required
def import_template():
    """A CSV to fill in: the import's columns and one example row (replace it)."""
    if not current_user.can("replications.import"):
        abort(403)
    example = db.session.scalar(
        sa.select(Innovation.slug).where(Innovation.is_public).order_by(Innovation.title).limit(1)
    )
    rows = csvio.template_rows(example or "slug-inovasi", date.today())
    response = current_app.response_class(csvfiles.stream(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="templat-impor-replikasi.csv"'
    return response


@bp.post("/replikasi/impor/simpan")
@login_required
def import_confirm():
    """Hand the previewed file to a bulk run: the job checks it again as this user and writes
    all or nothing (right away without a queue, else by the worker)."""
    if not current_user.can("replications.import"):
        abort(403)
    confirm = ConfirmImportForm()
    token = confirm.token.data or ""
    if not confirm.validate_on_submit() or len(token) != UPLOAD_TOKEN_BYTES * 2 or not token.isalnum():
        flash(_("Konfirmasi tidak sah atau sudah kedaluwarsa. Unggah berkasnya lagi."), "error")
        return redirect(url_for("replication.import_csv"))
    path = _upload_path(token)
    try:
        data = path.read_bytes()
        path.unlink()
    except FileNotFoundError:
        flash(_("Berkas itu sudah disimpan atau kedaluwarsa. Unggah lagi bila perlu."), "error")
        return redirect(url_for("replication.import_csv"))
    run = bulk.submit(replication_bulk.KIND, current_user, data, params={"locale": str(get_locale())})
    if run.status == "done":
        flash(_("%(created)s replikasi baru, %(updated)s diperbarui, %(unchanged)s tidak berubah.", **run.result),
              "success")  # fmt: skip
        return redirect(url_for("replication.import_csv"))
    return redirect(url_for("jobs.run", run_id=run.id))


def _upload_path(token):
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"replications-{token}.csv"


def _fields(form):
    return {
        "adopter_unit": form.adopter_unit.data,
        "network_id": int(form.network.data) if form.network.data else None,
        "activity_id": int(form.activity.data) if form.activity.data else None,
        "local_name": form.local_name.data or None,
        "transfer_mode": form.transfer_mode.data or None,
        "discontinued_reason": (form.discontinued_reason.data or "").strip() or None,
        "budget_source": form.budget_source.data or None,
        "legal_basis": form.legal_basis.data or None,
        "evidence": form.evidence.data or None,
        "outcome_value": float(form.outcome_value.data) if form.outcome_value.data is not None else None,
        "outcome_unit": form.outcome_unit.data or None,
        "notes": form.notes.data or "",
    }


def _attach_to(field, form, error):
    """A refusal for one field (``error.field`` set) under it, else above the form."""
    if error.field:
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def _attach(form, error):
    """Show a refusal at its field, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


class _FormData:
    """A replication as the form's initial values."""

    def __init__(self, replication):
        self.adopter = replication.adopter.region_code
        self.adopter_unit = replication.adopter_unit.name if replication.adopter_unit else ""
        self.network = str(replication.network_id or "")
        self.activity = str(replication.activity_id or "")
        self.local_name = replication.local_name
        self.transfer_mode = replication.transfer_mode or ""
        self.stage = replication.stage
        self.stage_date = replication.stage_date(replication.stage)
        self.discontinued_reason = replication.discontinued_reason
        self.budget_source = replication.budget_source or ""
        self.legal_basis = replication.legal_basis
        self.evidence = replication.evidence
        self.outcome_value = replication.outcome_value
        self.outcome_unit = replication.outcome_unit
        self.notes = replication.notes_md
        self.note = ""
        self.version = str(replication.version)
