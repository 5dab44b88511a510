"""The forms of a pictures page (a case study's, an activity's): upload one with its texts,
change the texts of one, move or remove one (app/catalog/pictures.py)."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SubmitField, ValidationError

from app.catalog.images import MAX_ALT, MAX_CAPTION, MAX_CREDIT
from app.forms import Form, text_field

_NOT_PLAIN = re.compile(r"[\x00-\x1f\x7f<>]")


def plain_text(form, field):
    """One line of text without markup characters (an alt text, a caption, a credit)."""
    if field.data and _NOT_PLAIN.search(field.data):
        raise ValidationError(_l("Tanpa tanda < dan > atau karakter kendali."))


class _ImageTexts(Form):
    alt = text_field(
        _l("Teks alternatif (wajib)"), MAX_ALT, extra=[plain_text],
        description=_l("Apa yang tampak di gambar, untuk pembaca yang tidak dapat melihatnya."),
    )  # fmt: skip
    caption = text_field(_l("Keterangan"), MAX_CAPTION, is_required=False, extra=[plain_text])
    credit = text_field(_l("Sumber atau pembuat gambar"), MAX_CREDIT, is_required=False, extra=[plain_text])


class ImageUploadForm(_ImageTexts):
    """A new picture, with its alt text, caption and credit."""

    file = FileField(_l("Berkas gambar (JPEG, PNG atau WebP)"), render_kw={"accept": "image/jpeg,image/png,image/webp"})
    upload = SubmitField(_l("Unggah gambar"))


class ImageTextForm(_ImageTexts):
    """A picture's alt text, caption and credit (one form per picture: give it a prefix)."""

    save = SubmitField(_l("Simpan keterangan"))


class ImageActionForm(Form):
    """Move a picture up or down, or remove it (a button and its CSRF token)."""
