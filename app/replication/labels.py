"""Words shown for the replication codes, in the reader's language."""

from datetime import date

from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l

STAGE_LABELS = {
    "interest": _l("Berminat"),
    "planned": _l("Direncanakan"),
    "committed": _l("Komitmen ditandatangani"),
    "piloting": _l("Uji coba"),
    "implemented": _l("Diterapkan"),
    "institutionalized": _l("Melembaga"),
    "discontinued": _l("Dihentikan"),
}
TRANSFER_LABELS = {
    "technical_assistance": _l("Pendampingan teknis"),
    "peer_learning": _l("Belajar bersama (seminar, lokakarya)"),
    "study_visit": _l("Kunjungan lapangan / studi banding"),
    "staff_exchange": _l("Pertukaran pegawai"),
    "self_directed": _l("Mandiri"),
}
BUDGET_LABELS = {
    "apbd": _l("APBD"),
    "dana_insentif_daerah": _l("Dana Insentif Daerah"),
    "village_funds": _l("Dana desa"),
    "other": _l("Lainnya"),
}

# The fields a replication's history lists (app/replication/services.py _snapshot), by the
# words its form uses; stage dates are named after their stage.
CHANGE_LABELS = {
    "local_name": _l("Nama lokal"),
    "transfer_mode": _l("Cara alih pengetahuan"),
    "network": _l("Jaringan yang memfasilitasi"),
    "activity": _l("Kegiatan yang menghasilkannya"),
    "adopter_unit": _l("Unit pelaksana"),
    "budget_source": _l("Sumber anggaran"),
    "legal_basis": _l("Dasar hukum"),
    "evidence": _l("Tautan bukti"),
    "notes": _l("Catatan"),
    "outcome_value": _l("Capaian (angka)"),
    "outcome_unit": _l("Satuan capaian"),
    "discontinued_reason": _l("Alasan penghentian"),
}
_LONG = 160


def change_label(name):
    """The words for a field of a replication's history: ``implemented_on`` is "Tanggal tahap Diterapkan"."""
    if name in CHANGE_LABELS:
        return CHANGE_LABELS[name]
    stage = name.removesuffix("_on")
    if name.endswith("_on") and stage in STAGE_LABELS:
        return _l("Tanggal tahap %(stage)s", stage=STAGE_LABELS[stage])
    return name


def change_value(name, value):
    """A value of a replication's history as a reader says it: labels for codes, dates and
    numbers in the reader's locale, long texts cut, nothing as a dash."""
    if value is None or value == "":
        return "—"
    if name == "transfer_mode":
        return TRANSFER_LABELS.get(value, value)
    if name == "budget_source":
        return BUDGET_LABELS.get(value, value)
    if name.endswith("_on") and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value), "long")
        except ValueError:
            return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_decimal(value)
    text = " ".join(str(value).split())
    return text if len(text) <= _LONG else text[: _LONG - 1].rstrip() + "…"
