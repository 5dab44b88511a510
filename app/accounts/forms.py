"""Forms of the accounts pages: login, logout, password change, user administration."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SubmitField, ValidationError, widgets

from app.accounts.models import ROLES
from app.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from app.accounts.passwords import describe, password_problems
from app.forms import (
    Form,
    email_address,
    max_length,
    multi_select_field,
    options,
    required,
    select_field,
    text_field,
)

ROLE_LABELS = {
    "admin": _l("Admin: mengelola pengguna dan semua data"),
    "editor": _l("Editor: mengkurasi katalog"),
    "coordinator": _l("Koordinator jaringan"),
    "official": _l("Pejabat daerah: mewakili satu pemilik inovasi"),
}


def _password_field(label, autocomplete):
    return PasswordField(
        label,
        [required(), max_length(PASSWORD_MAX)],
        render_kw={"autocomplete": autocomplete, "maxlength": PASSWORD_MAX, "required": True},
    )


def _checkboxes(label, **kwargs):
    return multi_select_field(
        label, widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(), **kwargs
    )


class LoginForm(Form):
    """Email and password; "remember me" is off unless ticked."""

    email = text_field(_l("Email"), 254, render_kw={"autocomplete": "username", "type": "email"})
    password = _password_field(_l("Kata sandi"), "current-password")
    remember = BooleanField(_l("Ingat saya di perangkat ini (14 hari)"), default=False)
    submit = SubmitField(_l("Masuk"))


class LogoutForm(Form):
    """Logout is a POST with a CSRF token, so no other site can log a user out."""

    submit = SubmitField(_l("Keluar"))


class SignOutEverywhereForm(Form):
    """Ends every sign-in of the account; a POST with a CSRF token, like logging out."""

    submit = SubmitField(_l("Keluar dari semua perangkat"))


class ChangePasswordForm(Form):
    """The current password, then the new one twice."""

    current = _password_field(_l("Kata sandi sekarang"), "current-password")
    new = _password_field(_l("Kata sandi baru"), "new-password")
    confirm = _password_field(_l("Ulangi kata sandi baru"), "new-password")
    submit = SubmitField(_l("Ganti kata sandi"))

    def __init__(self, *args, email=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = email

    def validate_new(self, field):
        problems = password_problems(field.data, self.account_email)
        if problems:
            raise ValidationError(describe(problems[0]))

    def validate_confirm(self, field):
        if field.data != self.new.data:
            raise ValidationError(_l("Kedua kata sandi baru tidak sama."))


class _UserFields(Form):
    """What an admin sets on a user: name, roles, networks coordinated, owner represented."""

    name = text_field(_l("Nama"), 200, render_kw={"autocomplete": "off"})
    roles = _checkboxes(_l("Peran"), choices=options((r, ROLE_LABELS[r]) for r in ROLES))
    networks = _checkboxes(_l("Jaringan yang dikoordinasi"), coerce=int)
    owner = text_field(
        _l("Pemilik yang diwakili (kode wilayah, mis. 35.78, atau nama pemilik)"), 200, is_required=False
    )

    def set_network_choices(self, networks):
        """Offer every network by name."""
        self.networks.choices = options((n.id, n.name) for n in networks)

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError(_l("Pilih paling sedikit satu peran."))

    def validate_networks(self, field):
        if "coordinator" in (self.roles.data or ()) and not field.data:
            raise ValidationError(_l("Seorang koordinator mengoordinasi paling sedikit satu jaringan."))
        if field.data and "coordinator" not in (self.roles.data or ()):
            raise ValidationError(_l("Hanya koordinator yang mengoordinasi jaringan."))

    def validate(self, extra_validators=None):
        """The fields, then the rule that crosses them: an official names an owner."""
        valid = super().validate(extra_validators)
        if "official" in (self.roles.data or ()) and not self.owner.data:
            self.owner.errors.append(_l("Seorang pejabat daerah mewakili satu pemilik: isi kode wilayah atau nama."))
            valid = False
        return valid

    def validate_owner(self, field):
        if field.data and "official" not in (self.roles.data or ()):
            raise ValidationError(_l("Hanya pejabat daerah yang mewakili pemilik."))


class CreateUserForm(_UserFields):
    """A new account: the fields above, an email and a first password."""

    email = text_field(_l("Email"), 254, extra=[email_address], render_kw={"autocomplete": "off", "type": "email"})
    password = _password_field(_l("Kata sandi awal"), "new-password")
    submit = SubmitField(_l("Buat pengguna"))

    def validate_password(self, field):
        problems = password_problems(field.data, self.email.data)
        if problems:
            raise ValidationError(describe(problems[0]))


class EditUserForm(_UserFields):
    """Change an existing account; unticking "active" ends all of its sessions."""

    active = BooleanField(_l("Aktif (bisa masuk)"))
    submit = SubmitField(_l("Simpan"))


class ForgotPasswordForm(Form):
    """The email of the account whose password was forgotten."""

    email = text_field(_l("Email"), 254, extra=[email_address], render_kw={"autocomplete": "username", "type": "email"})
    submit = SubmitField(_l("Kirim tautan"))


class SetPasswordForm(Form):
    """A new password, twice: from a reset link or an invitation."""

    new = _password_field(_l("Kata sandi baru"), "new-password")
    confirm = _password_field(_l("Ulangi kata sandi baru"), "new-password")
    submit = SubmitField(_l("Simpan kata sandi"))

    def __init__(self, *args, email=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = email

    def validate_new(self, field):
        problems = password_problems(field.data, self.account_email)
        if problems:
            raise ValidationError(describe(problems[0]))

    def validate_confirm(self, field):
        if field.data != self.new.data:
            raise ValidationError(_l("Kedua kata sandi baru tidak sama."))


class InviteForm(_UserFields):
    """An admin invites anyone: the fields of a new user, without a password."""

    email = text_field(_l("Email"), 254, extra=[email_address], render_kw={"autocomplete": "off", "type": "email"})
    submit = SubmitField(_l("Kirim undangan"))


class InviteOfficialForm(Form):
    """A coordinator invites an official of one of their networks' members."""

    email = text_field(_l("Email"), 254, extra=[email_address], render_kw={"autocomplete": "off", "type": "email"})
    name = text_field(_l("Nama"), 200, render_kw={"autocomplete": "off"})
    owner = select_field(_l("Instansi yang diwakili"), [required()], coerce=int)
    submit = SubmitField(_l("Kirim undangan"))

    def set_owner_choices(self, owners):
        """Offer the members of the coordinator's networks."""
        self.owner.choices = options((o.id, o.name) for o in owners)
