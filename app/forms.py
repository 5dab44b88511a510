"""A form base class and field helpers with messages in the site's languages.

WTForms ships no Indonesian catalogue, so every message a reader can see is given here
through Flask-Babel; the accounts and networks forms build on these.
"""

import re
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import fields, widgets
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation, ValidationError

from app.rendering import MAX_NESTING, MAX_SOURCE, markdown_problem

NUL_MESSAGE = _l("Berisi karakter yang tidak sah (NUL).")
CSRF_MESSAGE = _l("Formulir ini sudah kedaluwarsa atau tidak sah. Periksa isiannya, lalu kirim sekali lagi.")
# What to change in Markdown that would cost too much to render (app/rendering.py, PROBLEMS).
MARKDOWN_MESSAGES = {
    "brackets": _l(
        "Terlalu banyak kurung siku tanpa pasangan, atau kurung siku bertumpuk terlalu dalam. "
        "Pasangkan setiap [ dengan ], atau tulis \\[ untuk kurung siku biasa."
    ),
    "links": _l(
        "Terlalu banyak tautan yang kurung ( setelah [teks] tidak ditutup. "
        "Tutup dengan ), atau tulis \\( untuk kurung biasa."
    ),
    "code": _l(
        "Terlalu banyak tanda ` atau pagar kode ``` tanpa pasangan penutup. "
        "Tutup masing-masing, atau tulis \\` untuk tanda ` biasa."
    ),
    "html": _l(
        "Terlalu banyak tanda < yang membuka tag, komentar atau deklarasi HTML tanpa penutup (> atau -->). "
        "Tulis &lt; untuk tanda < biasa."
    ),
    "nesting": _l(
        "Daftar, kutipan, atau huruf tebal dan miring bertingkat terlalu dalam: paling banyak %(max)d tingkat.",
        max=MAX_NESTING,
    ),
    "lines": _l(
        "Terlalu banyak judul, garis atau baris tabel tanpa baris kosong di antaranya. Pisahkan dengan baris kosong."
    ),
    "volume": _l("Format Markdown terlalu banyak untuk panjang teks ini. Sederhanakan formatnya atau bagi teksnya."),
    "characters": _l(
        "Terlalu banyak tanda &, < atau simbol seperti °, ½ dan spasi tak terputus dalam satu paragraf. "
        "Bagi menjadi paragraf yang lebih pendek."
    ),
    "length": _l("Terlalu panjang untuk ditampilkan: paling banyak %(max)d karakter.", max=MAX_SOURCE),
}
_EMAIL = re.compile(r"^[^@\s<>\"'(),;:\\]+@[^@\s<>\"'(),;:\\]+\.[^@\s<>\"'(),;:\\]+$")


class Form(FlaskForm):
    """A Flask-WTF form (CSRF token included) whose token error reads as the site's message."""

    def validate(self, extra_validators=None):
        """Validate the fields; a missing or stale CSRF token gets one clear message, and a
        NUL character (meaningless in text, refused by PostgreSQL) is refused in every field."""
        valid = super().validate(extra_validators)
        csrf = getattr(self, "csrf_token", None)
        if csrf is not None and csrf.errors:
            csrf.errors = [CSRF_MESSAGE]
        for field in leaf_fields(self):
            if has_nul(field.data):
                field.errors = [*field.errors, NUL_MESSAGE]
                valid = False
        return valid

    @property
    def has_nul(self):
        """True when a field holds a NUL character (nothing else should be looked up then)."""
        return any(has_nul(field.data) for field in self)


def leaf_fields(form):
    """The fields of ``form`` that hold a value, the rows of a repeated fieldset included."""
    for field in form:
        if isinstance(field, fields.FieldList):
            for entry in field.entries:
                yield from leaf_fields(entry.form) if isinstance(entry, fields.FormField) else (entry,)
        elif isinstance(field, fields.FormField):
            yield from leaf_fields(field.form)
        else:
            yield field


def has_nul(value):
    """True for text (or a list of texts, or the rows of a repeated fieldset) holding a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(item) for item in value.values())
    return isinstance(value, list | tuple) and any(has_nul(item) for item in value)


def strip(value):
    """Trim surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


def required():
    """The field must not be empty (white space alone is empty)."""
    return DataRequired(message=_l("Wajib diisi."))


def input_required():
    """Something must be typed; unlike required(), an unreadable value keeps its own message."""
    return InputRequired(message=_l("Wajib diisi."))


def optional():
    """An empty field is fine; the other checks then do not run."""
    return Optional()


def max_length(limit):
    """At most ``limit`` characters."""
    return Length(max=limit, message=_l("Paling banyak %(max)d karakter.", max=limit))


def email_address(form, field):
    """A plausible email address (one ``@``, a dot in the domain, no spaces)."""
    if field.data and not _EMAIL.match(field.data):
        raise ValidationError(_l("Ini bukan alamat email yang sah."))


def markdown_refusal(text):
    """Why ``text`` cannot be rendered as Markdown within the budget, in the reader's
    language, or None when it can."""
    problem = markdown_problem(text) if text else None
    return str(MARKDOWN_MESSAGES[problem.kind]) if problem else None


def markdown_text(form, field):
    """Markdown that renders within the budget (app/rendering.py); otherwise what to change."""
    message = markdown_refusal(field.data) if not field.errors else None
    if message:
        raise ValidationError(message)


def date_between(earliest, latest_days_ahead):
    """A date not before ``earliest`` and not more than ``latest_days_ahead`` days from today."""

    def check(form, field):
        if field.data is None:
            return
        latest = date.today() + timedelta(days=latest_days_ahead)
        if field.data < earliest:
            raise ValidationError(_l("Tanggal tidak boleh sebelum %(date)s.", date=format_date(earliest)))
        if field.data > latest:
            if latest_days_ahead == 0:
                raise ValidationError(_l("Tanggal tidak boleh di masa depan."))
            raise ValidationError(_l("Tanggal tidak boleh setelah %(date)s.", date=format_date(latest)))

    return check


def text_field(label, limit, *, is_required=True, extra=(), render_kw=None, **kwargs):
    """A one-line text input, trimmed, with a length limit (and ``extra`` checks)."""
    checks = [required() if is_required else optional(), max_length(limit), *extra]
    render_kw = {"maxlength": limit, **({"required": True} if is_required else {}), **(render_kw or {})}
    return fields.StringField(label, checks, filters=[strip], render_kw=render_kw, **kwargs)


def date_field(label, checks):
    """A date input (YYYY-MM-DD) with a readable message for a date that cannot be read."""
    return fields.DateField(label, checks, invalid_value_message=_l("Tanggal tidak terbaca; gunakan TTTT-BB-HH."))


def options(pairs, optgroup=None):
    """``(value, label)`` pairs as WTForms choices, optionally under one ``<optgroup>``."""
    return [fields.SelectChoice(value=value, label=label, optgroup=optgroup) for value, label in pairs]


def select_field(label, checks=(), **kwargs):
    """A drop-down list that refuses values outside its choices."""
    return fields.SelectField(
        label,
        list(checks),
        invalid_choice_message=_l("Pilihan tidak sah."),
        invalid_value_message=_l("Pilihan tidak sah."),
        **kwargs,
    )


def multi_select_field(label, checks=(), **kwargs):
    """A list of choices, several of which may be chosen; unknown values are refused.

    Shown as checkboxes (render with the ``checkboxes`` macro of _forms.html): a ``<select
    multiple>`` needs Ctrl-click, which nobody finds and a phone cannot do."""
    kwargs.setdefault("widget", widgets.ListWidget(prefix_label=False))
    kwargs.setdefault("option_widget", widgets.CheckboxInput())
    return fields.SelectMultipleField(
        label,
        list(checks),
        invalid_choice_message=_l("Ada pilihan yang tidak sah."),
        invalid_value_message=_l("Ada pilihan yang tidak sah."),
        **kwargs,
    )


# --- A long list of places as a text box that suggests as you type ------------------------

_PUNCTUATION = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"[\s_]+")
# How people shorten the kind of a region; the short form is the name without it.
KIND_PREFIXES = {"kabupaten": ("kabupaten", "kab"), "kota": ("kota", "kotamadya"), "provinsi": ("provinsi", "prov")}
_CODE_AT_END = re.compile(r"\(([0-9.]{1,13})\)\s*$")


def normal(text):
    """``text`` for comparing: accents, case, punctuation, underscores and spacing ignored."""
    import unicodedata  # noqa: PLC0415 (only the few callers that compare names need it)

    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", text.casefold())).strip()


def short_name(name):
    """A normal name without the word for its kind: "kabupaten lumajang" -> "lumajang"."""
    first, _, rest = name.partition(" ")
    for prefixes in KIND_PREFIXES.values():
        if first in prefixes and rest:
            return rest
    return name


def _plain_name(label):
    """A choice's label as a normal name, without the code it may end in."""
    return normal(_CODE_AT_END.sub("", str(label)))


def name_forms(label):
    """The normal forms a label may be typed in: whole, or with the kind shortened."""
    name = _plain_name(label)
    forms = {name}
    first, _, rest = name.partition(" ")
    for prefixes in KIND_PREFIXES.values():
        if first in prefixes and rest:
            forms.update(f"{prefix} {rest}" for prefix in prefixes)
    return forms


class TypeaheadInput:
    """A text box with a ``<datalist>`` of the field's choices: the browser suggests the names
    that contain what is typed (on a phone too), with no JavaScript. Each suggestion ends in
    its code, so a chosen one is read exactly; a typed name is read by the field."""

    def __call__(self, field, **kwargs):
        from markupsafe import Markup, escape  # noqa: PLC0415

        kwargs.setdefault("id", field.id)
        list_id = f"{field.id}-options"
        value = field.shown_value()
        attrs = widgets.html_params(
            name=field.name, type="text", value=value, list=list_id, autocomplete="off", spellcheck="false", **kwargs
        )
        items = []
        for choice in field.all_choices():
            group = f' label="{escape(choice.optgroup)}"' if choice.optgroup else ""
            items.append(f'<option value="{escape(field.suggestion(choice.value, choice.label))}"{group}></option>')
        return Markup(f'<input {attrs}><datalist id="{list_id}">{"".join(items)}</datalist>')  # noqa: S704 escaped


def resolve_choice(text, pairs, suggestion=lambda value, label: f"{label} ({value})"):
    """The value of ``pairs`` ({value: label}) that ``text`` names: the value, "label (value)",
    the label with its kind written out or shortened, or without it when only one fits.
    ValueError with a message that says what to do when it names none or several."""
    text = text.strip()
    code = _CODE_AT_END.search(text)
    if text in pairs or (code and code.group(1) in pairs):
        return text if text in pairs else code.group(1)
    typed = normal(_CODE_AT_END.sub("", text))
    found = [value for value, label in pairs.items() if typed in name_forms(label)]
    found = found or [v for v, label in pairs.items() if typed and short_name(_plain_name(label)) == typed]
    if len(found) == 1:
        return found[0]
    if found:
        names = "; ".join(suggestion(v, pairs[v]) for v in found[:6])
        raise ValueError(
            _l("%(text)s bisa berarti beberapa daerah: %(names)s. Pilih salah satu.", text=text[:60], names=names)
        )
    raise ValueError(_l("Tidak ada %(text)s di daftar. Ketik sebagian nama, lalu pilih dari saran.", text=text[:60]))


class TypeaheadSelectField(fields.SelectField):
    """A choice among many places, typed rather than scrolled to: the code, the suggestion
    ("Kabupaten Lumajang (35.08)"), the full name or the name without its kind ("Lumajang").
    A name that fits several choices is refused with the candidates, never guessed."""

    widget = TypeaheadInput()

    def all_choices(self):
        """The choices with a value, as SelectChoice (value, label, optgroup)."""
        return [c for c in self._choices_from_input(self.choices) or [] if c.value not in ("", None)]

    def _pairs(self):
        for choice in self.all_choices():
            yield str(choice.value), choice.label

    def suggestion(self, value, label):
        return label if str(value) in str(label) else f"{label} ({value})"

    def shown_value(self):
        if self.raw_data:
            return self.raw_data[0]
        for value, label in self._pairs():
            if self.data is not None and value == str(self.data):
                return self.suggestion(value, label)
        return ""

    def process_formdata(self, valuelist):
        # The choices are often set after the form is built (they depend on the user), so
        # the text is read in pre_validate, when they are known.
        if valuelist:
            self.data = valuelist[0].strip() or None

    def _resolve(self, text):
        try:
            return resolve_choice(text, dict(self._pairs()), self.suggestion)
        except ValueError as refused:
            raise StopValidation(str(refused)) from None

    def pre_validate(self, form):
        if isinstance(self.data, str) and self.raw_data:
            self.data = self.coerce(self._resolve(self.data))
        super().pre_validate(form)


def typeahead_field(label, checks=(), **kwargs):
    """A choice among many (the 552 regions), typed with suggestions; see TypeaheadSelectField."""
    return TypeaheadSelectField(
        label,
        list(checks),
        invalid_choice_message=_l("Pilihan tidak sah."),
        invalid_value_message=_l("Pilihan tidak sah."),
        **kwargs,
    )
