"""Forms of needs: post or change one, move its status, suggest a case study by hand."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms import widgets as wtf_widgets

from app.forms import (
    Form,
    date_between,
    date_field,
    max_length,
    multi_select_field,
    optional,
    options,
    required,
    select_field,
    strip,
    text_field,
)
from app.needs.labels import (
    BUDGET_LABELS,
    CONNECTIVITY_LABELS,
    STAFF_LABELS,
    STATUS_LABELS,
    TERRAIN_LABELS,
    VISIBILITY_LABELS,
)
from app.needs.models import LIMITS

NOT_SAID = ("", _l("Tidak disebutkan"))
DEADLINE_DAYS_AHEAD = 3650


def _with_blank(labels):
    return options([NOT_SAID, *labels.items()])


class NeedForm(Form):
    """A need in the official's own words, with its constraints and who may read it."""

    owner = select_field(_l("Untuk instansi"), [required()])
    title = text_field(_l("Judul singkat"), LIMITS["title"])
    problem = TextAreaField(
        _l("Masalahnya, dengan kata-kata Anda"),
        [required(), max_length(LIMITS["problem"])],
        filters=[strip],
        render_kw={"rows": 6, "maxlength": LIMITS["problem"], "required": True},
    )
    affected = TextAreaField(
        _l("Siapa yang terdampak"),
        [optional(), max_length(LIMITS["affected"])],
        filters=[strip],
        render_kw={"rows": 2, "maxlength": LIMITS["affected"]},
    )
    budget = select_field(_l("Anggaran yang tersedia"), [optional()], choices=_with_blank(BUDGET_LABELS))
    connectivity = select_field(_l("Koneksi internet"), [optional()], choices=_with_blank(CONNECTIVITY_LABELS))
    staff = select_field(_l("Petugas yang tersedia"), [optional()], choices=_with_blank(STAFF_LABELS))
    terrain = multi_select_field(_l("Keadaan wilayah"), choices=options(TERRAIN_LABELS.items()))
    sectors = multi_select_field(_l("Sektor"))
    deadline = date_field(
        _l("Tenggat (boleh kosong)"), [optional(), date_between(date(2020, 1, 1), DEADLINE_DAYS_AHEAD)]
    )
    visibility = RadioField(
        _l("Siapa yang boleh membaca"),
        [required()],
        choices=options(VISIBILITY_LABELS.items()),
        widget=wtf_widgets.ListWidget(prefix_label=False),
        invalid_choice_message=_l("Pilihan tidak sah."),
        validate_choice=True,
    )
    version = HiddenField()
    submit = SubmitField(_l("Simpan kebutuhan"))

    def set_choices(self, owners, sectors, locale):
        """``owners``: the owners the user may post for; ``sectors``: every Sector row."""
        self.owner.choices = options((str(o.id), o.name) for o in owners)
        self.sectors.choices = options((s.slug, s.name(locale)) for s in sectors)


class StatusForm(Form):
    """Move a need on: open, being discussed, matched (with its replication), closed."""

    status = select_field(_l("Status baru"), [required()], choices=options(STATUS_LABELS.items()))
    replication = select_field(_l("Replikasi yang dihasilkannya (untuk status menemukan solusi)"), [optional()])
    version = HiddenField()
    submit = SubmitField(_l("Ubah status"))


class DeleteForm(Form):
    """Confirm deleting a need: the button and its CSRF token."""

    submit = SubmitField(_l("Hapus kebutuhan ini"))


class SuggestionForm(Form):
    """A coordinator names a published case study for the need."""

    innovation = text_field(
        _l("Studi kasus yang diusulkan"),
        1000,
        render_kw={"placeholder": _l("alamat atau slug studi kasus")},
    )
    note = TextAreaField(
        _l("Mengapa cocok (boleh kosong)"),
        [optional(), max_length(2000)],
        filters=[strip],
        render_kw={"rows": 3, "maxlength": 2000},
    )
    submit = SubmitField(_l("Usulkan"))
