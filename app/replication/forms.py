"""Forms for logging and updating replications, and for the CSV import."""

import re
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DecimalField, HiddenField, IntegerField, SubmitField, TextAreaField, ValidationError

from app.forms import (
    Form,
    date_between,
    date_field,
    markdown_text,
    max_length,
    optional,
    options,
    required,
    select_field,
    strip,
    text_field,
    typeahead_field,
)
from app.replication.labels import BUDGET_LABELS, STAGE_LABELS, TRANSFER_LABELS

_URL = re.compile(r"^https?://[^\s<>\"']+$")
MAX_EVIDENCE_LINKS = 20


def evidence_links(form, field):
    """One http(s) link a line."""
    lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
    if len(lines) > MAX_EVIDENCE_LINKS:
        raise ValidationError(_l("Paling banyak %(n)d tautan.", n=MAX_EVIDENCE_LINKS))
    bad = [line for line in lines if not _URL.match(line) or len(line) > 500]
    if bad:
        raise ValidationError(_l("Bukan tautan http(s) yang sah: %(line)s", line=bad[0][:80]))
    field.data = "\n".join(lines)


class ReplicationForm(Form):
    """What a coordinator records about a replication."""

    adopter = typeahead_field(_l("Daerah yang mereplikasi"), [required()])
    adopter_unit = text_field(_l("Unit pelaksana di daerah itu"), 300, is_required=False)
    network = select_field(_l("Jaringan yang memfasilitasi"), [optional()])
    activity = select_field(_l("Kegiatan jaringan yang menghasilkannya (boleh kosong)"), [optional()])
    local_name = text_field(_l("Nama lokal inovasi di daerah itu"), 200, is_required=False)
    transfer_mode = select_field(_l("Cara alih pengetahuan"), [optional()])
    stage = select_field(_l("Tahap"), [required()])
    stage_date = date_field(_l("Tanggal tahap itu dicapai"), [optional(), date_between(date(1990, 1, 1), 0)])
    discontinued_reason = TextAreaField(_l("Alasan penghentian"), [optional(), max_length(2000)])
    budget_source = select_field(_l("Sumber anggaran"), [optional()])
    legal_basis = text_field(_l("Dasar hukum di daerah itu"), 500, is_required=False)
    evidence = TextAreaField(_l("Tautan bukti (satu per baris)"), [optional(), max_length(12000), evidence_links])
    outcome_value = DecimalField(_l("Capaian (angka)"), [optional()], places=None, render_kw={"inputmode": "decimal"})
    outcome_unit = text_field(_l("Satuan capaian"), 100, is_required=False)
    notes = TextAreaField(_l("Catatan (Markdown)"), [optional(), max_length(20000), markdown_text])
    note = TextAreaField(_l("Keterangan perubahan ini"), [optional(), max_length(2000)])
    version = HiddenField()
    submit = SubmitField(_l("Simpan"))

    def set_choices(self, adopters, networks, stages):
        """Fill the drop-downs: adopters as ``(code, label)``, networks, allowed stages."""
        self.adopter.choices = options([("", _l("— pilih daerah —"))]) + options(adopters)
        self.network.choices = options([("", _l("Tanpa jaringan"))] + [(str(n.id), n.name) for n in networks])
        # Each network's activities, newest first, under the network's name.
        self.activity.choices = options([("", _l("Tidak ada / tidak diketahui"))])
        for network in networks:
            activities = sorted(network.activities, key=lambda a: (a.date, a.id), reverse=True)
            self.activity.choices += options(
                ((str(a.id), f"{format_date(a.date, 'medium')} · {a.title}") for a in activities), optgroup=network.name
            )
        self.transfer_mode.choices = options([("", _l("Belum diketahui"))] + list(TRANSFER_LABELS.items()))
        self.budget_source.choices = options([("", _l("Belum diketahui"))] + list(BUDGET_LABELS.items()))
        self.stage.choices = options([(s, STAGE_LABELS[s]) for s in stages])

    def validate_outcome_value(self, field):
        if field.data is not None and not (-1e12 < field.data < 1e12):
            raise ValidationError(_l("Angka terlalu besar."))


MAX_MESSAGE = 4000


def message_field(label):
    """The text of a message: required, at most MAX_MESSAGE characters, Markdown within budget."""
    return TextAreaField(
        label,
        [required(), max_length(MAX_MESSAGE), markdown_text],
        filters=[strip],
        render_kw={"rows": 6, "maxlength": MAX_MESSAGE, "required": True},
    )


class InterestForm(Form):
    """ "We want to replicate this", with a first message to the people who can help."""

    message = message_field(_l("Pesan untuk pemilik inovasi"))
    submit = SubmitField(_l("Kirim minat"))


class MessageForm(Form):
    """A message in a replication's thread."""

    body = message_field(_l("Pesan"))
    submit = SubmitField(_l("Kirim pesan"))


class WithdrawForm(Form):
    """Take an interest back."""

    version = HiddenField()
    submit = SubmitField(_l("Tarik minat"))


class ImportForm(Form):
    """A CSV file of replications to preview."""

    file = FileField(_l("Berkas CSV"), [required()])
    submit = SubmitField(_l("Periksa berkas"))


class ConfirmImportForm(Form):
    """Confirm writing a previewed, valid CSV file."""

    token = HiddenField(validators=[required()])
    rows = IntegerField(validators=[required()])
    submit = SubmitField(_l("Simpan semua baris"))
