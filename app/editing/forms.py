"""Forms of the editing pages: the case study, the review, restoring, award results.

The case-study form only reads what was typed; the rules of a case study are the file
format's (app/content/schema.py), applied by the service to the front matter the form
builds, so that the web and the files obey one set of rules.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SubmitField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms import Form as PlainForm

from app.catalog.documents import (
    KINDS as DOCUMENT_KINDS,
)
from app.catalog.documents import (
    MAX_DESCRIPTION,
    MAX_REGULATION_NUMBER,
    MAX_REGULATION_TYPE,
    MAX_TITLE,
    MIN_REGULATION_YEAR,
)
from app.catalog.labels import (
    AWARD_STAGE_LABELS,
    DOCUMENT_KIND_LABELS,
    OWNER_KIND_LABELS,
    STAGE_LABELS,
    award_stage_named,
)
from app.catalog.models import AWARD_STAGES, CONTACT_LIMITS, GOVERNMENT_KINDS, LANGUAGES, OWNER_KINDS, STAGES
from app.catalog.picture_forms import plain_text
from app.content.contacts import MAX_CONTACTS
from app.content.schema import MAX_BODY, MAX_LENGTH
from app.editing import sections
from app.editing.evidence_form import EvidenceFields
from app.editing.kit_form import KitFields
from app.forms import Form, max_length, multi_select_field, optional, options, select_field, strip, text_field

MAX_COMMENT = 2000
MAX_AWARD_LINES = 50
LANGUAGE_LABELS = {"id": _l("Bahasa Indonesia"), "en": _l("English")}
# The four sections a replicating region looks for (content-format.md), in the body's language.
GUIDED_BODY = "## Latar Belakang\n\n\n## Inovasi\n\n\n## Hasil dan Dampak\n\n\n## Cara Mereplikasi\n\n"


class _TextForm(Form):
    """The case-study forms (the NUL check they need is in the shared Form base)."""


def _checkboxes(label):
    # Unknown values are left to the case-study rules, which name them.
    return multi_select_field(
        label,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validate_choice=False,
    )


def _text(label, limit, **kwargs):
    """Optional text: the case-study rules decide what is required, so a missing value is
    reported in the same words for a file and for the form."""
    return text_field(label, limit, is_required=False, **kwargs)


def parse_awards(text):
    """``[{competition, year, stage}]`` from lines such as ``KIPP 2024 Top 99``: the
    competition, the year, then the stage by its name in either language or its code;
    raises ValidationError naming the first line that cannot be read."""
    awards = []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_AWARD_LINES:
        raise ValidationError(_l("Paling banyak %(n)d penghargaan.", n=MAX_AWARD_LINES))
    for number, line in enumerate(lines, start=1):
        words = line.split()
        years = [i for i in range(1, len(words) - 1) if words[i].isascii() and words[i].isdigit()]
        # The year is the number followed by a stage ("Top 99" ends in a number itself).
        at = next(
            (i for i in reversed(years) if award_stage_named(" ".join(words[i + 1 :]))), years[-1] if years else None
        )
        if at is None:
            raise ValidationError(_l("Baris %(n)d: tulis kompetisi, tahun dan tahap, mis. KIPP 2024 Top 99.", n=number))
        stage = award_stage_named(" ".join(words[at + 1 :]))
        if stage is None:
            raise ValidationError(
                _l(
                    "Baris %(n)d: tahap %(stage)s tidak dikenal; tulis Proposal, Top 99, Top 45 atau Terpuji.",
                    n=number,
                    stage=" ".join(words[at + 1 :])[:40],
                )
            )
        awards.append({"competition": " ".join(words[:at]), "year": words[at], "stage": stage})
    return awards


def awards_text(awards):
    """The awards of a case study as the form's lines, stages by their names."""
    return "\n".join(f"{a['competition']} {a['year']} {AWARD_STAGE_LABELS.get(a['stage'], a['stage'])}" for a in awards)


class ContactRowForm(PlainForm):
    """One contact person, a row of the case-study form (its CSRF token is the parent's).
    A row left empty, or marked for removal, is no contact."""

    name = _text(_l("Nama"), CONTACT_LIMITS["name"], render_kw={"autocomplete": "off"})
    position = _text(_l("Jabatan"), CONTACT_LIMITS["position"])
    unit = _text(_l("Unit kerja"), CONTACT_LIMITS["unit"])
    email = _text(_l("Email"), CONTACT_LIMITS["email"], render_kw={"type": "email"})
    phone = _text(_l("Telepon"), CONTACT_LIMITS["phone"], render_kw={"type": "tel", "inputmode": "tel"})
    whatsapp = BooleanField(_l("Nomor ini bisa dihubungi lewat WhatsApp"))
    # Kept as it was loaded: "Konfirmasi kontak masih benar" on the case-study page sets it.
    confirmed_on = HiddenField()
    remove = BooleanField(_l("Hapus kontak ini"))

    KEYS = ("name", "position", "unit", "email", "phone", "whatsapp", "confirmed_on")

    def item(self):
        """The contact in the file format, or None for an empty or removed row."""
        texts = {key: (getattr(self, key).data or "").strip() for key in ("name", "position", "unit", "email", "phone")}
        if self.remove.data or not any(texts.values()):
            return None
        item = {key: value for key, value in texts.items() if value}
        if self.whatsapp.data:
            item["whatsapp"] = True
        if (self.confirmed_on.data or "").strip():
            item["confirmed_on"] = self.confirmed_on.data.strip()
        return item


class CaseStudyForm(EvidenceFields, KitFields, _TextForm):
    """Every field of a case study (content-format.md), the body, and a note for the history."""

    title = _text(_l("Judul inovasi"), MAX_LENGTH["title"])
    slug = _text(_l("Slug (alamat halaman)"), 120, render_kw={"pattern": "[a-z0-9-]+"})
    institution = _text(_l("Unit pelaksana"), MAX_LENGTH["institution"], render_kw={"list": "institutions"})
    owner = _text(_l("Pemilik"), MAX_LENGTH["owner"])
    owner_kind = select_field(_l("Jenis pemilik"), validate_choice=False)
    region = _text(_l("Kode wilayah"), 13, render_kw={"inputmode": "decimal"})
    year = _text(_l("Tahun masuk katalog"), 4, render_kw={"inputmode": "numeric"})
    started = _text(_l("Mulai berjalan (TTTT atau TTTT-BB)"), 7)
    stage = select_field(_l("Tahap inovasi"), validate_choice=False)
    sectors = _checkboxes(_l("Sektor"))
    themes = _checkboxes(_l("Tema"))
    awards = TextAreaField(_l("Penghargaan (satu per baris)"), [optional(), max_length(4000)], render_kw={"rows": 3})
    digital = BooleanField(_l("Layanan digital (aplikasi atau sistem)"))
    sample = BooleanField(_l("Contoh rekaan untuk ilustrasi (bukan inovasi nyata)"))
    legal_basis = _text(_l("Dasar hukum"), MAX_LENGTH["legal_basis"])
    language = select_field(_l("Bahasa studi kasus"), validate_choice=False)
    contacts = FieldList(FormField(ContactRowForm), min_entries=1, max_entries=MAX_CONTACTS)
    add_contact = SubmitField(_l("Tambah kontak"))
    summary = TextAreaField(
        _l("Ringkasan"),
        [optional(), max_length(MAX_LENGTH["summary"])],
        filters=[strip],
        render_kw={"rows": 4, "maxlength": MAX_LENGTH["summary"], "data-count": ""},
    )
    body = TextAreaField(
        _l("Isi studi kasus (Markdown)"),
        [optional(), max_length(MAX_BODY)],
        render_kw={"rows": 24},
        default=GUIDED_BODY,
    )
    # The guided sections, each a field of its own (app/editing/sections.py); the body is
    # made of them. ``body`` stays for a client that posts the whole Markdown at once.
    section_intro = TextAreaField(
        _l("Pembuka (boleh kosong)"), [optional(), max_length(MAX_BODY)], render_kw={"rows": 4, "data-count": ""}
    )
    section_language = HiddenField()  # the language of the body's headings, kept as it was
    section_background = TextAreaField(
        _l("Latar Belakang"), [optional(), max_length(MAX_BODY)], render_kw={"rows": 8, "data-count": ""}
    )
    section_innovation = TextAreaField(
        _l("Inovasi"), [optional(), max_length(MAX_BODY)], render_kw={"rows": 10, "data-count": ""}
    )
    section_results = TextAreaField(
        _l("Hasil dan Dampak"), [optional(), max_length(MAX_BODY)], render_kw={"rows": 8, "data-count": ""}
    )
    section_replication = TextAreaField(
        _l("Cara Mereplikasi"), [optional(), max_length(MAX_BODY)], render_kw={"rows": 8, "data-count": ""}
    )
    comment = TextAreaField(_l("Catatan perubahan (untuk riwayat)"), [optional(), max_length(MAX_COMMENT)])
    version = HiddenField()
    base = HiddenField()
    preview = SubmitField(_l("Pratinjau"))
    save = SubmitField(_l("Simpan"))
    save_and_submit = SubmitField(_l("Simpan dan ajukan untuk ditinjau"))

    def set_choices(self, sectors, themes, locale):
        """Fill the choices from the reference data, in the reader's language."""
        self.owner_kind.choices = options((k, OWNER_KIND_LABELS[k]) for k in OWNER_KINDS)
        self.stage.choices = options((s, STAGE_LABELS[s]) for s in STAGES)
        self.language.choices = options((code, LANGUAGE_LABELS[code]) for code in LANGUAGES)
        self.sectors.choices = options((s.slug, s.name(locale)) for s in sectors)
        self.themes.choices = options((t.slug, t.name(locale)) for t in themes)

    def validate_awards(self, field):
        parse_awards(field.data)

    @property
    def action(self):
        """What the button pressed asks for: ``preview``, ``add_contact``, ``add_indicator``,
        ``submit`` or ``save``."""
        if self.preview.data:
            return "preview"
        if self.add_contact.data:
            return "add_contact"
        if self.add_indicator.data:
            return "add_indicator"
        if self.add_kit_step.data:
            return "add_kit_step"
        if self.add_kit_pitfall.data:
            return "add_kit_pitfall"
        return "submit" if self.save_and_submit.data else "save"

    def fill(self, fields, body):
        """Show a case study (front matter ``fields`` and body) in the form."""
        self.title.data = fields.get("title", "")
        self.slug.data = fields.get("slug", "")
        self.institution.data = fields.get("institution", "")
        self.owner.data = fields.get("owner", "")
        self.owner_kind.data = fields.get("owner_kind", "regency")
        self.region.data = fields.get("region", "")
        self.year.data = str(fields.get("year", ""))
        self.started.data = fields.get("started", "")
        self.stage.data = fields.get("stage", "implemented")
        self.sectors.data = list(fields.get("sectors", []))
        self.themes.data = list(fields.get("themes", []))
        self.awards.data = awards_text(fields.get("awards", []))
        self.digital.data = bool(fields.get("digital"))
        self.sample.data = bool(fields.get("sample"))
        self.legal_basis.data = fields.get("legal_basis", "")
        self.language.data = fields.get("language", "id")
        while self.contacts.entries:
            self.contacts.pop_entry()
        for item in fields.get("contacts", []):
            self.contacts.append_entry({key: item.get(key) for key in ContactRowForm.KEYS})
        self.add_contact_row()
        self.fill_evidence(fields)
        self.fill_kit(fields)
        self.summary.data = fields.get("summary", "")
        self.body.data = body
        parts = sections.split(body)
        for key in ("intro", *sections.SECTIONS):
            getattr(self, f"section_{key}").data = parts[key]
        self.section_language.data = parts.get("_language", "")

    def front_matter(self, fixed_owner=None, keep=None):
        """The front matter the form describes, ready for the case-study rules.

        ``fixed_owner`` (an official's owner) replaces whatever owner was posted; ``keep``
        (front matter) supplies the fields this user may not change (awards, sample).
        """
        data = {
            "title": self.title.data or "",
            "institution": self.institution.data or "",
            "owner": self.owner.data or "",
            "owner_kind": self.owner_kind.data,
            "year": (self.year.data or "").strip() or None,
            "stage": self.stage.data,
            "sectors": list(self.sectors.data or []),
            "themes": list(self.themes.data or []),
            "digital": bool(self.digital.data),
            "language": self.language.data,
            "summary": self.summary.data or "",
        }
        optional_text = {
            "slug": self.slug.data,
            "region": self.region.data,
            "started": self.started.data,
            "legal_basis": self.legal_basis.data,
        }
        data.update({key: value for key, value in optional_text.items() if value})
        # Which row each listed contact came from: the rules' problems name the contact by
        # its place in the list (casepage.attach puts them back at their row).
        self.contact_rows = [n for n, entry in enumerate(self.contacts.entries) if entry.form.item() is not None]
        contacts = [self.contacts.entries[n].form.item() for n in self.contact_rows]
        if contacts:
            data["contacts"] = contacts
        data.update(self.evidence_front_matter())
        data.update(self.kit_front_matter())
        if keep is None:
            data["awards"] = parse_awards(self.awards.data) if not self.awards.errors else []
            data["sample"] = bool(self.sample.data)
        else:
            data["awards"] = keep.get("awards", [])
            data["sample"] = bool(keep.get("sample"))
        if fixed_owner is not None:
            data["owner"], data["owner_kind"] = fixed_owner.name, fixed_owner.kind
            if fixed_owner.kind in GOVERNMENT_KINDS:
                data["region"] = fixed_owner.region_code
        return {key: value for key, value in data.items() if value is not None}

    def add_contact_row(self):
        """One more empty contact row ("Tambah kontak"), up to the most a case study lists;
        False when it is full."""
        if len(self.contacts.entries) >= MAX_CONTACTS:
            return False
        self.contacts.append_entry()
        return True

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        super().process(formdata, obj, data, extra_filters, **kwargs)
        # A client that posted the whole body sees it again in the sections, as typed.
        if self.body.raw_data and not any(f.raw_data for f in self._section_fields().values()):
            parts = sections.split(self.body.data)
            for key, field in self._section_fields().items():
                field.data = parts[key]
            self.section_language.data = parts.get("_language", "")

    def _section_fields(self):
        return {key: getattr(self, f"section_{key}") for key in ("intro", *sections.SECTIONS)}

    def body_text(self):
        """The body as a file holds it: Unix line ends, no blank lines around it. Made of the
        guided sections when they were posted, else the whole ``body`` as posted."""
        posted = [f for f in self._section_fields().values() if f.raw_data]
        if posted:
            parts = {key: f.data or "" for key, f in self._section_fields().items()}
            kept = self.section_language.data if self.section_language.data in sections.HEADINGS else ""
            body = sections.compose({**parts, "_language": kept}, self.language.data or "id")
        else:
            body = self.body.data or ""
        return body.replace("\r\n", "\n").replace("\r", "\n").strip("\n") + "\n"


class ReviewForm(_TextForm):
    """An editor's decision on a case study, with a comment for the authors."""

    # Own ids: this form shares a page with the case-study form, whose fields have the same names.
    comment = TextAreaField(
        _l("Komentar untuk penulis"),
        [optional(), max_length(MAX_COMMENT)],
        id="review-comment",
        render_kw={"rows": 3},
    )
    version = HiddenField(id="review-version")
    submit = SubmitField(_l("Kirim"), id="review-submit")


class RestoreForm(Form):
    """Restore an old version (as a new one)."""

    version = HiddenField(id="restore-version")
    submit = SubmitField(_l("Pulihkan versi ini"))


class ConfirmContactsForm(Form):
    """ "Konfirmasi kontak masih benar" (a button and its CSRF token)."""

    submit = SubmitField(_l("Konfirmasi kontak masih benar"), id="confirm-contacts-submit")


class AwardResultsForm(_TextForm):
    """A competition result for many case studies: a list of slugs, or a CSV file of them."""

    competition = text_field(_l("Kompetisi"), 40, default="KIPP")
    year = text_field(_l("Tahun"), 4, render_kw={"inputmode": "numeric"})
    stage = select_field(
        _l("Tahap"), choices=options((s, AWARD_STAGE_LABELS[s]) for s in AWARD_STAGES), default="top99"
    )
    slugs = TextAreaField(
        _l("Studi kasus (satu slug per baris; boleh diikuti tahap dan tahun)"),
        [optional(), max_length(200_000)],
        render_kw={"rows": 12},
    )
    file = FileField(_l("Atau berkas CSV"))
    check = SubmitField(_l("Periksa saja"))
    save = SubmitField(_l("Simpan hasil"))


def _one_line(value):
    # A description is one paragraph: line breaks and runs of spaces become one space.
    return " ".join(value.split()) if isinstance(value, str) else value


class _DocumentTexts(Form):
    """What a document is: its kind, title and description, and a regulation's citation
    (type, number and year: all three required for a regulation, dropped for the others)."""

    kind = select_field(_l("Jenis dokumen"), choices=options((k, DOCUMENT_KIND_LABELS[k]) for k in DOCUMENT_KINDS))
    title = text_field(_l("Judul (wajib)"), MAX_TITLE, extra=[plain_text])
    description = TextAreaField(_l("Uraian singkat"), [optional(), max_length(MAX_DESCRIPTION), plain_text],
                                filters=[_one_line], render_kw={"maxlength": MAX_DESCRIPTION, "rows": 3})  # fmt: skip
    regulation_type = text_field(
        _l("Jenis peraturan"), MAX_REGULATION_TYPE, is_required=False, extra=[plain_text],
        description=_l("Untuk peraturan saja, misalnya Peraturan Bupati, Peraturan Wali Kota, Keputusan Kepala Dinas."),
    )  # fmt: skip
    regulation_number = text_field(_l("Nomor peraturan"), MAX_REGULATION_NUMBER, is_required=False,
                                   extra=[plain_text])  # fmt: skip
    regulation_year = text_field(_l("Tahun peraturan"), 4, is_required=False,
                                 render_kw={"inputmode": "numeric", "pattern": "[0-9]{4}"})  # fmt: skip

    @property
    def year(self):
        """The regulation's year as a number, or None."""
        text = self.regulation_year.data or ""
        return int(text) if text.isdigit() else None

    def texts(self):
        """The fields as the service takes them (app/editing/documents.py)."""
        return {"kind": self.kind.data, "title": self.title.data, "description": self.description.data,
                "regulation_type": self.regulation_type.data, "regulation_number": self.regulation_number.data,
                "regulation_year": self.year}  # fmt: skip

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        text, last = self.regulation_year.data or "", date.today().year + 1
        if text and not (text.isdigit() and MIN_REGULATION_YEAR <= int(text) <= last):
            self.regulation_year.errors = [*self.regulation_year.errors,
                                           _l("Tahun empat angka, antara %(first)d dan %(last)d.",
                                              first=MIN_REGULATION_YEAR, last=last)]  # fmt: skip
            ok = False
        if self.kind.data == "regulation":
            for name in ("regulation_type", "regulation_number", "regulation_year"):
                field = self[name]
                if field.data in (None, "") and not field.errors:
                    field.errors = [*field.errors, _l("Wajib diisi untuk peraturan.")]
                    ok = False
        return ok


class DocumentUploadForm(_DocumentTexts):
    """A new document of a case study, with what it is."""

    file = FileField(_l("Berkas (PDF, DOCX, XLSX, PPTX, ODT, ODS atau CSV)"),
                     render_kw={"accept": ".pdf,.docx,.xlsx,.pptx,.odt,.ods,.csv"})  # fmt: skip
    upload = SubmitField(_l("Unggah dokumen"))


class DocumentTextForm(_DocumentTexts):
    """A document's kind, title, description and citation (one form per document: a prefix)."""

    save = SubmitField(_l("Simpan keterangan"))


class DocumentActionForm(Form):
    """Move a document up or down, or remove it (a button and its CSRF token)."""
