"""The notification settings: one choice per kind."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField

from app.forms import Form, options
from app.notices.models import KINDS

MODE_LABELS = {
    "now": _l("Email segera"),
    "digest": _l("Ringkasan harian"),
    "off": _l("Hanya di kotak masuk"),
}


class PreferencesForm(Form):
    """Built with a radio group per kind (``mode_<kind>``)."""

    submit = SubmitField(_l("Simpan pengaturan"))

    def modes(self):
        return {kind: getattr(self, f"mode_{kind}").data for kind in KINDS}


for _kind in KINDS:
    setattr(
        PreferencesForm,
        f"mode_{_kind}",
        RadioField(
            choices=options(MODE_LABELS.items()),
            invalid_choice_message=_l("Pilihan tidak sah."),
            validate_choice=True,
        ),
    )


class UnsubscribeForm(Form):
    """The button on the page the digest's unsubscribe link opens."""

    submit = SubmitField(_l("Berhenti menerima ringkasan"))
