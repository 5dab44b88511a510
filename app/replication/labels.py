"""Words shown for the replication codes, in the reader's language."""

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
