"""What the pictures pages of a case study and of an activity do alike (app/catalog/pictures.py):
read the posted file, build a form per picture, and refuse an action whose form is invalid."""

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app.catalog.images import MAX_IMAGE_BYTES
from app.catalog.picture_forms import ImageActionForm, ImageTextForm, ImageUploadForm

ACTIONS = {"naik": -1, "turun": 1}


def posted_file(form):
    """``(bytes, file name)`` of the upload (at most one byte over the limit is read, so a
    larger file is refused by its size), or None with the reason under the file field."""
    upload = form.file.data
    if not isinstance(upload, FileStorage) or not upload.filename:
        form.file.errors = [*form.file.errors, _("Pilih berkas gambar untuk diunggah.")]
        return None
    return upload.read(MAX_IMAGE_BYTES + 1), upload.filename


def text_forms(images, text_form=None):
    """A texts form per picture, by number; ``text_form`` (a refused one) keeps what was typed."""
    forms = {}
    for image in images:
        if text_form is not None and text_form._prefix == f"g{image.number}-":
            forms[image.number] = text_form
        else:
            forms[image.number] = ImageTextForm(formdata=None, obj=image, prefix=f"g{image.number}")
    return forms


def action_form(number, action):
    """The form posted to act on picture ``number``: its texts for ``ubah``, else a token."""
    return ImageTextForm(prefix=f"g{number}") if action == "ubah" else ImageActionForm()


def invalid_action(form, image):
    """After ``form`` failed: ``(upload form, None)`` saying why on top of the page (a stale
    token, whatever the picture; an unknown picture), or ``(None, form)`` to show the texts
    form again with its errors."""
    if form.csrf_token.errors or image is None:
        upload = ImageUploadForm(formdata=None)
        upload.form_errors.append(form.csrf_token.errors[0] if form.csrf_token.errors else _("Permintaan tidak sah."))
        return upload, None
    return None, form


def action_change(service, holder, image, action, form):
    """The change a picture's action asks of ``service`` (the case-study or the activity
    pictures: both have describe, remove and move): ``(callable and arguments, keywords)``."""
    if action == "ubah":
        return (service.describe, holder, image), {"alt": form.alt.data, "caption": form.caption.data,
                                                   "credit": form.credit.data}  # fmt: skip
    if action == "hapus":
        return (service.remove, holder, image), {}
    return (service.move, holder, image, ACTIONS[action]), {}
