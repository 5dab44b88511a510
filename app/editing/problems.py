"""The case-study rules' problems (app/content/schema.py, written for the command line in
English) said in the reader's language and tied to the field of the web form.

The rules are checked once, by the schema, for files and for the form alike; this module
only translates what it reports.
"""

import re

from flask_babel import lazy_gettext as _l

from app.forms import MARKDOWN_MESSAGES
from app.rendering import PROBLEMS as MARKDOWN_PROBLEMS

# Schema field -> form field. ``contact`` problems name the part of the contact they concern.
FORM_FIELDS = {
    "title": "title",
    "slug": "slug",
    "institution": "institution",
    "owner": "owner",
    "owner_kind": "owner_kind",
    "region": "region",
    "year": "year",
    "started": "started",
    "stage": "stage",
    "awards": "awards",
    "sectors": "sectors",
    "themes": "themes",
    "digital": "digital",
    "legal_basis": "legal_basis",
    "language": "language",
    "summary": "summary",
    "sample": "sample",
    "body": "body",
}

# (pattern of the schema's English message, Indonesian message); named groups fill it.
_MESSAGES = [
    (r"^is required for owner_kind", _l("Wajib diisi untuk pemerintah daerah: kode wilayah Kemendagri, mis. 33.02.")),
    (r"^(is required: a list|must name at least one)", _l("Pilih sedikitnya satu.")),
    (r"^(is required|must not be empty)", _l("Wajib diisi.")),
    (r"^is \d+ characters long; at most (?P<max>\d+)", _l("Paling banyak %(max)s karakter.")),
    (r"^(?:name|email|phone) is longer than (?P<max>\d+)", _l("Paling banyak %(max)s karakter.")),
    (r"^must be text", _l("Harus berupa teks.")),
    (r"not a valid slug", _l("Slug hanya boleh berisi huruf kecil a-z, angka 0-9 dan tanda '-' (paling banyak 120).")),
    (r"^must be a year such as", _l("Tulis tahun dengan empat angka, mis. 2019.")),
    (r"is not a year between (?P<low>\d+) and (?P<high>\d+)", _l("Tahun harus antara %(low)s dan %(high)s.")),
    (r'^must be "YYYY" or "YYYY-MM"', _l("Tulis TTTT atau TTTT-BB, mis. 2017-05, dan tidak di masa depan.")),
    (r"^must be true or false", _l("Pilihan tidak sah.")),
    (r"^must be one of", _l("Pilihan tidak sah.")),
    (r"^quote the code", _l("Bukan kode wilayah resmi.")),
    (r"is not an official region code", _l("Bukan kode wilayah resmi (daftar Kemendagri).")),
    (
        r"^(?P<code>[\d.]+) is a (?P<kind>\w+), but owner_kind is (?P<owner_kind>\w+)",
        _l("Wilayah %(code)s tidak sesuai dengan jenis pemilik: wilayah itu %(kind)s, pemiliknya %(owner_kind)s."),
    ),
    (r"^(must be a list of slugs|unknown )", _l("Ada pilihan yang tidak sah.")),
    (r"is already in the catalogue with owner_kind (?P<kind>\w+)", _l("Pemilik ini sudah tercatat sebagai %(kind)s.")),
    (r"has owner_kind", _l("Jenis pemilik tidak sesuai dengan catatan sebelumnya.")),
    (
        r"^award (?P<n>\d+): stage must be",
        _l("Penghargaan baris %(n)s: tahap harus Proposal, Top 99, Top 45 atau Terpuji."),
    ),
    (
        r"^award (?P<n>\d+) needs",
        _l("Penghargaan baris %(n)s: tulis kompetisi (paling banyak 40 karakter), tahun dan tahap."),
    ),
    (r"^must be a list of \{competition", _l("Tulis satu penghargaan per baris, mis. KIPP 2024 Top 99.")),
    (r"^the same award is listed twice", _l("Penghargaan yang sama tertulis dua kali.")),
    (r"^email .* is not an email address", _l("Ini bukan alamat email yang sah.")),
    (r"^phone .* is not a phone number", _l("Ini bukan nomor telepon yang sah (angka, spasi, +, -, tanda kurung).")),
    (r"^must be \{name, email, phone\}", _l("Kontak tidak sah.")),
    (r"^name is required", _l("Wajib diisi.")),
    (r"^needs an email or a phone number", _l("Isi email atau nomor telepon (atau keduanya).")),
    (r"^(?:name|position|unit) must not contain", _l("Tidak boleh berisi tanda < atau > atau karakter kendali.")),
    (
        r"^(?:name|position|unit|email|phone) is \d+ characters long; at most (?P<max>\d+)",
        _l("Paling banyak %(max)s karakter."),
    ),
    (
        r"^phone .* is not an Indonesian phone number",
        _l("Ini bukan nomor telepon Indonesia yang sah: mulai dengan +62 atau 0, mis. 0812-0000-0001."),
    ),
    (r"^whatsapp needs a phone", _l("Untuk WhatsApp, isi nomor teleponnya.")),
    (r"^confirmed_on", _l("Tanggal konfirmasi tidak sah.")),
    (r"^lists \d+ contacts; at most (?P<max>\d+)", _l("Paling banyak %(max)s kontak.")),
    (r"^(must be a list of \{name|.* is not a field of a contact)", _l("Kontak tidak sah.")),
    (r"is not a field of the case-study format", _l("Bukan isian format studi kasus.")),
    # Costs and indicators (app/content/evidence.py), their key already taken off the message.
    (r"^must not be negative", _l("Tidak boleh negatif.")),
    (r"^must be a whole number", _l("Tulis bilangan bulat tanpa desimal, mis. 150000000 atau 150.000.000.")),
    (r"^is more than (?P<max>\d+)", _l("Paling banyak %(max)s.")),
    (r"^must be true, false or unknown", _l("Pilihan tidak sah.")),
    (r"^must not contain", _l("Tidak boleh berisi tanda < atau > atau karakter kendali.")),
    (r"^must be a number", _l("Tulis angka, mis. 12,5.")),
    (r"^is beyond", _l("Angka terlalu besar.")),
    (r"^must be YYYY, YYYY-MM or YYYY-MM-DD", _l("Tulis TTTT, TTTT-BB atau TTTT-BB-HH, mis. 2019-06.")),
    (r"is not a date$", _l("Tanggal itu tidak ada.")),
    (r"is not between \d+ and today", _l("Waktu harus antara 1990 dan hari ini.")),
    (r"is before the baseline date (?P<date>\S+)", _l("Tidak boleh sebelum waktu sebelum (%(date)s).")),
    (r"is listed twice$", _l("Nama indikator ini sudah dipakai.")),
    (r"^lists \d+ indicators; at most (?P<max>\d+)", _l("Paling banyak %(max)s indikator.")),
    # The replication kit (app/content/kit.py), the step's or pitfall's number taken off.
    (r"^is less than (?P<min>\d+)", _l("Paling sedikit %(min)s.")),
    (r"^is empty", _l("Wajib diisi.")),
    (r"^steps lists \d+ steps; at most (?P<max>\d+)", _l("Paling banyak %(max)s langkah.")),
    (r"^pitfalls lists \d+ pitfalls; at most (?P<max>\d+)", _l("Paling banyak %(max)s hal yang dihindari.")),
    (r"^(must be a mapping|must be a list of \{name, unit|.* is not a field of)", _l("Isian tidak sah.")),
    *(("^" + re.escape(english), MARKDOWN_MESSAGES[kind]) for kind, english in MARKDOWN_PROBLEMS.items()),
]
_COMPILED = [(re.compile(pattern), message) for pattern, message in _MESSAGES]
# The owner kinds and region kinds as the message shows them.
_KIND_WORDS = {
    "province": _l("provinsi"),
    "regency": _l("kabupaten"),
    "city": _l("kota"),
    "ministry": _l("kementerian"),
    "agency": _l("lembaga"),
    "soe": _l("BUMN"),
}


_CONTACT = re.compile(r"^contact (?P<n>\d+): (?P<rest>.*)$", re.S)
# The part of a contact a problem is shown at: its first word, or the field it is about.
_CONTACT_PART = {"needs": "email", "whatsapp": "phone", "confirmed_on": "name"}


def _contact_field(field, message):
    """``(form field, message without its "contact N:" prefix)``: ``contacts-<N-1>-<part>``
    names the N-th contact the form listed (casepage.attach finds its row)."""
    match = _CONTACT.match(message)
    if not match:
        return None, message
    rest = match.group("rest")
    first = rest.split(" ", 1)[0]
    part = first if first in ("name", "position", "unit", "email", "phone") else _CONTACT_PART.get(first, "name")
    return f"contacts-{int(match.group('n')) - 1}-{part}", rest


_COST_FIELD = {
    "setup": "setup_cost",
    "yearly": "yearly_cost",
    "budget_source": "budget_source",
    "staff": "staff_needed",
    "months_to_launch": "months_to_launch",
    "needs_new_regulation": "needs_new_regulation",
}
_PREREQUISITE_FIELD = {
    "infrastructure": "needs_infrastructure",
    "regulation": "needs_regulation_text",
    "partners": "needs_partners",
}
_INDICATOR = re.compile(r"^indicator (?P<n>\d+): (?P<rest>.*)$", re.S)


def _cost_field(message):
    """``(form field or None, message without the key it concerns)`` of a ``costs`` problem."""
    first, _space, rest = message.partition(" ")
    if first == "prerequisites":
        key, _space, rest = rest.partition(" ")
        return _PREREQUISITE_FIELD.get(key), rest
    if first in _COST_FIELD:
        return _COST_FIELD[first], rest
    return None, message


def _indicator_field(message):
    """``(indicators-<N-1>-<part>, message without its prefix and part)`` of an
    ``indicators`` problem; the list's own problems go above the form."""
    match = _INDICATOR.match(message)
    if not match:
        return None, message
    row = f"indicators-{int(match.group('n')) - 1}"
    first, _space, rest = match.group("rest").partition(" ")
    if first in ("baseline", "result"):
        second, _space, after = rest.partition(" ")
        if second in ("value", "date"):
            return f"{row}-{first}_{second}", after
        return f"{row}-{first}_value", rest
    if first in ("name", "unit", "source", "higher_is_better"):
        return f"{row}-{first}", rest
    return f"{row}-name", match.group("rest")


_KIT_ROW = re.compile(r"^(?P<kind>step|pitfall) (?P<n>\d+): (?P<rest>.*)$", re.S)


def _kit_field(message):
    """``(kit_steps-<N-1>-step|weeks or kit_pitfalls-<N-1>-text, message without its prefix)``
    of a ``kit`` problem; the lists' own problems go above the form."""
    match = _KIT_ROW.match(message)
    if not match:
        return None, message
    n, rest = int(match.group("n")) - 1, match.group("rest")
    if match.group("kind") == "pitfall":
        return f"kit_pitfalls-{n}-text", rest
    first, _space, after = rest.partition(" ")
    if first in ("step", "weeks"):
        return f"kit_steps-{n}-{first}", after
    return f"kit_steps-{n}-step", rest


def translate(problem):
    """``(form field name or None, message)`` for one schema problem."""
    name = FORM_FIELDS.get(problem.field)
    text = problem.message
    if problem.field in ("contacts", "contact"):
        name, text = _contact_field(problem.field, text)
    elif problem.field == "costs":
        name, text = _cost_field(text)
    elif problem.field == "indicators":
        name, text = _indicator_field(text)
    elif problem.field == "kit":
        name, text = _kit_field(text)
    for pattern, message in _COMPILED:
        match = pattern.search(text)
        if match:
            values = {key: str(_KIND_WORDS.get(value, value)) for key, value in match.groupdict().items()}
            return name, str(message) % values if values else str(message)
    # A rule this table does not know yet still gets a message, in the schema's words.
    return name, str(_l("Tidak sah: %(reason)s", reason=problem.message))
