"""Editing pages: my case studies and the review queue, the case-study form with preview and
conflict detection, the workflow steps, the revision history, award results in bulk.
Each view loads (with permission), checks the form, calls a service, renders."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage

from app.catalog.access import innovation_or_404
from app.catalog.documents import MAX_BYTES as DOCUMENT_MAX_BYTES
from app.catalog.documents import MAX_DOCUMENTS
from app.catalog.image_store import discard
from app.catalog.images import MAX_IMAGES
from app.catalog.models import Sector, Theme
from app.catalog.picture_forms import ImageUploadForm
from app.catalog.picture_pages import action_change, action_form, invalid_action, posted_file, text_forms
from app.changes import commit
from app.content.contacts import MAX_CONTACTS
from app.content.evidence import MAX_INDICATORS
from app.content.kit import MAX_PITFALLS, MAX_STEPS
from app.editing import awards, casepage, fielddiff, history, panels, queries, services  # noqa: F401 - panels registers itself
from app.editing import documents as document_service
from app.editing import images as image_service
from app.editing.forms import (
    AwardResultsForm,
    CaseStudyForm,
    ConfirmContactsForm,
    DocumentActionForm,
    DocumentTextForm,
    DocumentUploadForm,
    RestoreForm,
    ReviewForm,
)
from app.editing.labels import ACTION_LABELS, STATUS_LABELS
from app.extensions import csrf, db
from app.jobs import bulk
from app.rendering import render_markdown

bp = Blueprint("editing", __name__, url_prefix="/kelola")
# Each form checks its own CSRF token, so that a stale token keeps what was typed and says
# so clearly instead of a bare 400 (docs/decisions/0013).
csrf.exempt(bp)

# The workflow steps as addresses. Where each leads from, and who may take it, is the
# service's transition table: one definition.
STEP_PATHS = {
    "submitted": "ajukan",
    "published": "terbitkan",
    "returned": "kembalikan",
    "archived": "arsipkan",
    "draft": "tarik",
}
assert set(STEP_PATHS) == set(services.TRANSITIONS)
STATUS_OF_STEP = {path: status for status, path in STEP_PATHS.items()}


@bp.context_processor
def _labels():
    return {"status_labels": STATUS_LABELS, "action_labels": ACTION_LABELS}


@bp.app_context_processor
def _steps():
    # The status panel shows a step button on the case-study page (another blueprint).
    return {"step_paths": STEP_PATHS, "review_waiting": _review_waiting}


def _review_waiting():
    # Called by the header only for editors and admins: the queue's length beside "Tinjauan".
    return queries.waiting_for_review() if current_user.is_authenticated and current_user.is_curator else 0


@bp.get("/inovasi")
@login_required
def dashboard():
    """Authors: their case studies and statuses. Editors: also the review queue."""
    if not current_user.can("innovation.create"):
        abort(403)
    mine = queries.of_author(current_user)
    curator = current_user.is_curator
    return render_template(
        "editing/dashboard.html",
        mine=mine,
        returned={i.id: history.last_return(i) for i in mine if i.status == "returned"},
        queue=queries.with_status("submitted") if curator else [],
        in_progress=queries.with_status("draft", "returned") if curator else [],
        archived=queries.with_status("archived") if curator else [],
        submit_form=ReviewForm(formdata=None),
    )


@bp.route("/inovasi/baru", methods=["GET", "POST"])
@login_required
def new():
    """Write a new case study: a draft, or submitted at once."""
    if not current_user.can("innovation.create"):
        abort(403)
    return _form_page(None)


@bp.route("/inovasi/<slug>/ubah", methods=["GET", "POST"])
@login_required
def edit(slug):
    """Change a case study: authors while it is a draft or returned, editors always."""
    return _form_page(innovation_or_404(slug, current_user, "innovation.edit"))


def _form_page(innovation):
    user = current_user
    fixed_owner = None if user.is_curator else user.owner
    # Officials may not change the awards or the sample label: those stay as they are.
    keep = None if user.is_curator else (history.snapshot_of(innovation)["front_matter"] if innovation else {})
    form = CaseStudyForm()
    sectors = db.session.scalars(sa.select(Sector).order_by(Sector.id)).all()
    themes = db.session.scalars(sa.select(Theme).order_by(Theme.id)).all()
    form.set_choices(sectors, themes, str(get_locale()))
    preview = conflict = None
    status = 200
    if request.method == "GET":
        casepage.prefill(form, innovation, fixed_owner)
    elif (not form.validate() and form.csrf_token.errors) or form.has_nul:
        status = 400  # nothing else is looked at: what was typed is shown again with the message
    elif form.action == "add_contact":
        # "Tambah kontak" without JavaScript: the same form again, one contact row longer.
        if not form.add_contact_row():
            form.form_errors.append(_("Paling banyak %(max)d kontak.", max=MAX_CONTACTS))
    elif form.action == "add_indicator":
        if not form.add_indicator_row():
            form.form_errors.append(_("Paling banyak %(max)d indikator.", max=MAX_INDICATORS))
    elif form.action in ("add_kit_step", "add_kit_pitfall"):
        if not form.add_kit_row("steps" if form.action == "add_kit_step" else "pitfalls"):
            form.form_errors.append(_("Baris sudah sebanyak yang dibolehkan."))
    else:
        case = None
        try:
            case = services.check(form.front_matter(fixed_owner, keep), form.body_text(), innovation)
        except services.Invalid as invalid:
            casepage.attach(form, invalid.problems, hidden=casepage.hidden_fields(fixed_owner))
        if form.action == "preview":
            preview = render_markdown(form.body_text())
            status = 400 if form.errors else 200
        elif case is not None and not form.errors:
            saved, refused = commit(_save, form, innovation, case, fixed_owner)
            if refused is None:
                flash(_("Studi kasus diajukan. Editor akan meninjaunya; statusnya tampak di Studi kasus saya.")
                      if form.action == "submit" else _("Studi kasus disimpan."), "success")  # fmt: skip
                return redirect(url_for("catalog.innovation", slug=saved.slug))
            if isinstance(refused, services.NotAllowed):
                abort(403)
            conflict, status = casepage.conflict_view(form, innovation, case, refused), 409
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
        preview_facts=_preview_facts(form) if preview is not None else None,
        conflict=conflict,
        review=ReviewForm(formdata=None, version=str(innovation.version)) if innovation else None,
        max_contacts=MAX_CONTACTS,
        max_indicators=MAX_INDICATORS,
        max_kit_steps=MAX_STEPS,
        max_kit_pitfalls=MAX_PITFALLS,
    ), status


def _save(form, innovation, case, fixed_owner):
    """Create or save the case study from the checked form (a service call, committed by the caller)."""
    user, submit, comment = current_user, form.action == "submit", form.comment.data
    if innovation is None:
        return services.create(case, user=user, owner=fixed_owner, comment=comment, submit=submit)
    return services.save(innovation, case, user=user, expected_version=casepage.version_of(form.version),
                         base=casepage.version_of(form.base), comment=comment, owner=fixed_owner,
                         submit=submit)  # fmt: skip


@bp.post("/inovasi/<slug>/kontak/konfirmasi")
@login_required
def confirm_contacts(slug):
    """ "Konfirmasi kontak masih benar": the owner's officials and editors say the contacts are
    current; each one's confirmed date becomes today."""
    innovation = innovation_or_404(slug, current_user, "innovation.confirm_contacts")
    form = ConfirmContactsForm()
    target = url_for("catalog.innovation", slug=innovation.slug, _anchor="kontak")
    if not form.validate():
        problem = form.csrf_token.errors[0] if form.csrf_token.errors else _("Permintaan tidak sah.")
        return render_template("editing/confirm_contacts.html", innovation=innovation, form=form, problem=problem), 400
    _done, refused = commit(services.confirm_contacts, innovation, user=current_user)
    if isinstance(refused, services.NotAllowed):
        abort(403)
    if refused is not None:
        message = refused.message if isinstance(refused, services.Invalid) else None
        flash(str(message or _("Studi kasus ini baru saja diubah orang lain. Coba lagi.")), "error")
        return redirect(target)
    flash(_("Kontak dikonfirmasi masih benar per hari ini."), "success")
    return redirect(target)


@bp.post("/inovasi/<slug>/<any(ajukan, terbitkan, kembalikan, arsipkan, tarik):step>")
@login_required
def step(slug, step):
    """A workflow step: submit, publish, return to the authors (with a comment), archive,
    withdraw a submission (back to a draft, by whoever may submit it)."""
    status = STATUS_OF_STEP[step]
    innovation = innovation_or_404(slug, current_user, services.TRANSITIONS[status][1])
    form = ReviewForm()
    problem, code = None, 400
    if not form.validate():
        problem = form.csrf_token.errors[0] if form.csrf_token.errors else _("Periksa isian yang ditandai.")
    elif casepage.version_of(form.version) != innovation.version:
        problem, code = _("Studi kasus ini baru saja diubah orang lain. Periksa versi terbarunya, lalu ulangi."), 409
    else:
        _done, refused = commit(services.transition, innovation, status, user=current_user, comment=form.comment.data)
        if refused is None:
            flash(_("Status sekarang: %(status)s.", status=STATUS_LABELS[status]), "success")
            return redirect(url_for("catalog.innovation", slug=innovation.slug))
        if isinstance(refused, services.Invalid):
            problem = refused.message
        else:
            problem, code = _("Langkah ini tidak dapat dilakukan lagi: statusnya sudah berubah."), 409
    form.version.data = str(innovation.version)
    return render_template("editing/step.html", innovation=innovation, form=form, path=step, problem=problem), code


@bp.get("/inovasi/<slug>/riwayat")
@login_required
def revisions(slug):
    """Every version, and the lines that differ between two of them (``?dari=&ke=``)."""
    return _history_page(innovation_or_404(slug, current_user, "innovation.history"))


def _preview_facts(form):
    """The key facts of the preview in the reader's words: the stage and the sectors by name."""
    labels = {c.value: c.label for c in form.stage._choices_from_input(form.stage.choices)}
    sectors = {c.value: c.label for c in form.sectors._choices_from_input(form.sectors.choices)}
    return {
        "stage": labels.get(form.stage.data, form.stage.data),
        "sectors": [sectors.get(s, s) for s in form.sectors.data or []],
    }


def _last_different(items, number):
    """The newest version before ``number`` whose content differs from it: a workflow step
    (submitted, published) changes no field, and comparing with it would show nothing."""
    older = [r for r in items if r.number < number]  # newest first
    current = next((r for r in items if r.number == number), None)
    if current is None or not older:
        return max(number - 1, 0)
    return next((r.number for r in older if not fielddiff.same_content(r, current)), older[-1].number)


def _history_page(innovation, error=None, status=200):
    items = history.revisions(innovation)
    by_number = {r.number: r for r in items}
    newest = items[0].number if items else 0
    new_number = _revision_number("ke", newest)
    old_number = _revision_number("dari", _last_different(items, new_number))
    if (new_number and new_number not in by_number) or (old_number and old_number not in by_number):
        abort(404)
    old, new = by_number.get(old_number), by_number.get(new_number)
    # An author who no longer holds a role still reads the history, without the contacts.
    shown = history.snapshot if current_user.can("innovation.see_contacts", innovation) else history.without_contacts
    lines = history.diff(shown(old) if old else None, shown(new)) if new else []
    changed = fielddiff.changes(shown(old) if old else None, shown(new)) if new else []
    return render_template(
        "editing/history.html",
        innovation=innovation,
        revisions=items,
        old=old,
        new=new,
        lines=lines,
        changed=changed,
        restore_form=RestoreForm(formdata=None, version=str(innovation.version)),
        error=error,
    ), status


def _revision_number(name, default):
    """A revision number from the query string: text that is no number is ignored, a number
    too large to name any revision is a 404 (as is one this case study does not have)."""
    text = request.args.get(name, "")
    if not (text.isascii() and text.isdigit()):
        return default
    if len(text) >= 10:
        abort(404)
    return int(text)


@bp.post("/inovasi/<slug>/riwayat/<int:number>/pulihkan")
@login_required
def restore(slug, number):
    """Make an old version the current one; this adds a new version, nothing is lost."""
    innovation = innovation_or_404(slug, current_user, "innovation.restore")
    if history.revision(innovation, number) is None:
        abort(404)
    form = RestoreForm()
    if not form.validate():
        return _history_page(innovation, form.csrf_token.errors[0] if form.csrf_token.errors else None, 400)
    expected = casepage.version_of(form.version)
    _done, refused = commit(services.restore, innovation, number, user=current_user, expected_version=expected)
    if refused is None:
        flash(_("Versi %(number)d dipulihkan sebagai versi baru.", number=number), "success")
        return redirect(url_for("catalog.innovation", slug=innovation.slug))
    if isinstance(refused, services.Invalid):
        reasons = "; ".join(str(message) for _name, message in refused.problems)
        return _history_page(innovation, _("Versi ini tidak lagi memenuhi aturan studi kasus: %(reasons)s",
                                           reasons=reasons), 400)  # fmt: skip
    message = _("Studi kasus ini baru saja diubah orang lain. Periksa riwayatnya, lalu pulihkan lagi bila perlu.")
    return _history_page(innovation, message, 409)


@bp.route("/penghargaan", methods=["GET", "POST"])
@login_required
def award_results():
    """Record a competition result for many case studies at once, checked before writing."""
    if not current_user.can("awards.record"):
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
                return _record_awards(form, lines, batch)
    elif request.method == "POST":
        status = 400
    return render_template("editing/awards.html", form=form, batch=batch), status


def _record_awards(form, lines, batch):
    """A checked list goes to a bulk run, which checks it again and writes it (right away
    without a queue, else by the worker)."""
    params = {
        "locale": str(get_locale()),
        "competition": form.competition.data,
        "year": form.year.data,
        "stage": form.stage.data,
    }
    run = bulk.submit(awards.KIND, current_user, awards.payload(lines), params=params, rows=len(batch.rows))
    if run.status == "done":
        flash(_("%(added)d penghargaan dicatat; %(already)d sudah tercatat sebelumnya.", **run.result), "success")
        return redirect(url_for("editing.award_results"))
    return redirect(url_for("jobs.run", run_id=run.id))


def _award_lines(form):
    upload = form.file.data
    if upload and getattr(upload, "filename", ""):
        data = upload.read(current_app.config["MAX_CONTENT_LENGTH"] + 1)
        return awards.lines_of_csv(data)
    return awards.lines_of_text(form.slugs.data), None


# --- pictures (docs/decisions/0082) ---------------------------------------------------------


@bp.route("/inovasi/<slug>/gambar", methods=["GET", "POST"])
@login_required
def images(slug):
    """The pictures of a case study: upload one (checked whole, nothing kept when refused),
    describe, reorder and remove them. For whoever may edit the case study."""
    innovation = innovation_or_404(slug, current_user, "innovation.edit")
    form = ImageUploadForm()
    status = 200
    if request.method == "POST":
        status = _upload(innovation, form)
        if status is None:
            return redirect(url_for("editing.images", slug=innovation.slug))
    return _images_page(innovation, form, status)


def _upload(innovation, form):
    """Add the posted picture; None when it was saved, else the status of the refusal."""
    if not form.validate() or form.has_nul:
        return 400
    posted = posted_file(form)
    if posted is None:
        return 400
    data, filename = posted
    texts = {"alt": form.alt.data, "caption": form.caption.data, "credit": form.credit.data}
    return _store_upload(form, image_service.add, innovation, data, filename, texts, _("Gambar ditambahkan."))


def _images_page(innovation, form=None, status=200, text_form=None):
    return render_template(
        "editing/images.html",
        innovation=innovation,
        form=form or ImageUploadForm(formdata=None),
        text_forms=text_forms(innovation.images, text_form),
        max_images=MAX_IMAGES,
        max_mb=image_service.MAX_UPLOAD_MB,
    ), status


@bp.post("/inovasi/<slug>/gambar/<int:number>/<any(ubah, naik, turun, hapus):action>")
@login_required
def image_action(slug, number, action):
    """Describe, move or remove one picture (``number`` is its place in the gallery)."""
    innovation = innovation_or_404(slug, current_user, "innovation.edit")
    image = next((item for item in innovation.images if item.number == number), None)
    form = action_form(number, action)
    # The token first: a stale one says so clearly, whatever the picture.
    if not form.validate() or form.has_nul:
        upload, text_form = invalid_action(form, image)
        return _images_page(innovation, upload, 400, text_form)
    if image is None:
        abort(404)
    change, kwargs = action_change(image_service, innovation, image, action, form)
    _done, refused = commit(*change, user=current_user, **kwargs)
    if isinstance(refused, services.NotAllowed):
        abort(403)
    if refused is not None:
        flash(_("Studi kasus ini baru saja diubah orang lain. Coba lagi."), "error")
    else:
        flash(_("Gambar dihapus.") if action == "hapus" else _("Gambar disimpan."), "success")
    return redirect(url_for("editing.images", slug=innovation.slug))


# --- documents (docs/decisions/0083) --------------------------------------------------------

DOCUMENT_ACTIONS = {"naik": -1, "turun": 1}


@bp.url_value_preprocessor
def _document_upload_limit(endpoint, values):
    # A document may be larger than the site's MAX_CONTENT_LENGTH: only its upload gets the
    # larger DOCUMENT_UPLOAD_LIMIT (nginx allows the same for this address only). This runs
    # before any before_request function, so before anything reads the body.
    if endpoint == "editing.documents" and request.method == "POST":
        request.max_content_length = current_app.config["DOCUMENT_UPLOAD_LIMIT"]


@bp.route("/inovasi/<slug>/dokumen", methods=["GET", "POST"])
@login_required
def documents(slug):
    """The documents of a case study: upload one (checked whole, nothing kept when refused),
    describe, reorder and remove them. For whoever may edit the case study."""
    innovation = innovation_or_404(slug, current_user, "innovation.edit")
    form = DocumentUploadForm()
    status = 200
    if request.method == "POST":
        status = _upload_document(innovation, form)
        if status is None:
            return redirect(url_for("editing.documents", slug=innovation.slug))
    return _documents_page(innovation, form, status)


def _upload_document(innovation, form):
    """Add the posted document; None when it was saved, else the status of the refusal."""
    if not form.validate() or form.has_nul:
        return 400
    upload = form.file.data
    if not isinstance(upload, FileStorage) or not upload.filename:
        form.file.errors = [*form.file.errors, _("Pilih berkas dokumen untuk diunggah.")]
        return 400
    data = upload.read(max(DOCUMENT_MAX_BYTES.values()) + 1)
    return _store_upload(form, document_service.add, innovation, data, upload.filename, form.texts(),
                         _("Dokumen ditambahkan."))  # fmt: skip


def _store_upload(form, add, innovation, data, filename, texts, saved):
    """Add an uploaded file with ``add`` (the pictures' or documents' service) in one commit.
    None when saved; else the refusal's status, with its message under the file field. The
    blobs written for a refused or failed change are removed again."""
    written = []
    try:
        _added, refused = commit(add, innovation, data, filename=filename, user=current_user, written=written,
                                 **texts)  # fmt: skip
    except BaseException:
        discard(written)
        raise
    if refused is None:
        flash(saved, "success")
        return None
    discard(written)
    if isinstance(refused, services.NotAllowed):
        abort(403)
    message = refused.problems[0][1] if isinstance(refused, services.Invalid) else None
    form.file.errors = [*form.file.errors, message or _("Studi kasus ini baru saja diubah orang lain. Coba lagi.")]
    return refused.status


def _documents_page(innovation, form=None, status=200, text_form=None):
    text_forms = {}
    for document in innovation.documents:
        if text_form is not None and text_form._prefix == f"d{document.number}-":
            text_forms[document.number] = text_form
        else:
            text_forms[document.number] = DocumentTextForm(formdata=None, obj=document, prefix=f"d{document.number}")
    return render_template(
        "editing/documents.html",
        innovation=innovation,
        form=form or DocumentUploadForm(formdata=None),
        text_forms=text_forms,
        max_documents=MAX_DOCUMENTS,
        max_mb={fmt.upper(): f"{size / 1_000_000:g}" for fmt, size in DOCUMENT_MAX_BYTES.items()},
    ), status


@bp.post("/inovasi/<slug>/dokumen/<int:number>/<any(ubah, naik, turun, hapus):action>")
@login_required
def document_action(slug, number, action):
    """Describe, move or remove one document (``number`` is its place in the list)."""
    innovation = innovation_or_404(slug, current_user, "innovation.edit")
    document = next((item for item in innovation.documents if item.number == number), None)
    if document is None:
        abort(404)
    if action == "ubah":
        form = DocumentTextForm(prefix=f"d{number}")
        if not form.validate() or form.has_nul:
            return _documents_page(innovation, status=400, text_form=form)
        change, kwargs = (document_service.describe, innovation, document), form.texts()
    else:
        form = DocumentActionForm()
        if not form.validate():
            upload = DocumentUploadForm(formdata=None)
            problem = form.csrf_token.errors[0] if form.csrf_token.errors else _("Permintaan tidak sah.")
            upload.form_errors.append(problem)
            return _documents_page(innovation, upload, 400)
        if action == "hapus":
            change, kwargs = (document_service.remove, innovation, document), {}
        else:
            change, kwargs = (document_service.move, innovation, document, DOCUMENT_ACTIONS[action]), {}
    _done, refused = commit(*change, user=current_user, **kwargs)
    if isinstance(refused, services.NotAllowed):
        abort(403)
    if refused is not None:
        flash(_("Studi kasus ini baru saja diubah orang lain. Coba lagi."), "error")
    else:
        flash(_("Dokumen dihapus.") if action == "hapus" else _("Dokumen disimpan."), "success")
    return redirect(url_for("editing.documents", slug=innovation.slug))
