"""The pictures of a network's activity (docs/decisions/0085): served to whoever may see the
activity, changed on a page of their own by whoever may edit it (``activity.edit``)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import Forbidden

from app.catalog.image_store import discard
from app.catalog.images import MAX_IMAGES
from app.catalog.picture_forms import ImageUploadForm
from app.catalog.picture_pages import action_change, action_form, invalid_action, posted_file, text_forms
from app.catalog.pictures import MAX_UPLOAD_MB, serve
from app.changes import NotAllowed, commit
from app.extensions import csrf
from app.networks import pictures
from app.networks.access import activity_or_404
from app.networks.models import ActivityImage

bp = Blueprint("activity_pictures", __name__, url_prefix="/jaringan")
# Each form checks its own CSRF token (Flask-WTF): a stale one keeps what was typed and says
# so clearly (docs/decisions/0013).
csrf.exempt(bp)


@bp.get("/<slug>/kegiatan/<int:activity_id>/gambar/<digest>.<any(jpg, png, webp):ext>")
def image(slug, activity_id, digest, ext):
    """A stored picture of an activity, for whoever may see the activity (else 404)."""
    try:
        activity = activity_or_404(slug, activity_id, current_user)
    except Forbidden:
        abort(404)
    # Shared caches may keep it only when anyone may see the activity.
    public = current_app.login_manager.anonymous_user().can("activity.view", activity)
    return serve(ActivityImage, ActivityImage.activity_id, activity.id, digest, ext, public)


@bp.route("/<slug>/kegiatan/<int:activity_id>/gambar", methods=["GET", "POST"])
@login_required
def images(slug, activity_id):
    """An activity's pictures: upload one (checked whole, nothing kept when refused),
    describe, reorder and remove them."""
    activity = activity_or_404(slug, activity_id, current_user, "activity.edit")
    form = ImageUploadForm()
    status = 200
    if request.method == "POST":
        status = _upload(activity, form)
        if status is None:
            flash(_("Gambar ditambahkan."), "success")
            return redirect(_page(activity))
    return _images_page(activity, form, status)


def _page(activity):
    return url_for("activity_pictures.images", slug=activity.network.slug, activity_id=activity.id)


def _upload(activity, form):
    """Add the posted picture; None when it was saved, else the status of the refusal."""
    if not form.validate() or form.has_nul:
        return 400
    posted = posted_file(form)
    if posted is None:
        return 400
    data, filename = posted
    written = []
    try:
        _added, refused = commit(pictures.add, activity, data, filename=filename, alt=form.alt.data,
                                 caption=form.caption.data, credit=form.credit.data, user=current_user,
                                 written=written)  # fmt: skip
    except BaseException:
        discard(written)
        raise
    if refused is None:
        return None
    discard(written)
    if isinstance(refused, NotAllowed):
        abort(403)
    form.file.errors = [*form.file.errors, refused.message]
    return refused.status


def _images_page(activity, form=None, status=200, text_form=None):
    return render_template(
        "networks/activity_images.html",
        network=activity.network,
        activity=activity,
        form=form or ImageUploadForm(formdata=None),
        text_forms=text_forms(activity.images, text_form),
        max_images=MAX_IMAGES,
        max_mb=MAX_UPLOAD_MB,
    ), status


@bp.post("/<slug>/kegiatan/<int:activity_id>/gambar/<int:number>/<any(ubah, naik, turun, hapus):action>")
@login_required
def image_action(slug, activity_id, number, action):
    """Describe, move or remove one picture (``number`` is its place in the gallery)."""
    activity = activity_or_404(slug, activity_id, current_user, "activity.edit")
    image = next((item for item in activity.images if item.number == number), None)
    form = action_form(number, action)
    # The token first: a stale one says so clearly, whatever the picture.
    if not form.validate() or form.has_nul:
        upload, text_form = invalid_action(form, image)
        return _images_page(activity, upload, 400, text_form)
    if image is None:
        abort(404)
    change, kwargs = action_change(pictures, activity, image, action, form)
    _done, refused = commit(*change, user=current_user, **kwargs)
    if isinstance(refused, NotAllowed):
        abort(403)
    flash(_("Gambar dihapus.") if action == "hapus" else _("Gambar disimpan."), "success")
    return redirect(_page(activity))
