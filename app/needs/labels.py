"""What the codes of a need read as, in the reader's language."""

from flask_babel import lazy_gettext as _l

VISIBILITY_LABELS = {
    "public": _l("Semua orang (publik, tanpa nama penulis)"),
    "signed_in": _l("Semua pengguna yang masuk"),
    "networks": _l("Hanya jaringan kami"),
}
STATUS_LABELS = {
    "open": _l("Terbuka"),
    "discussing": _l("Sedang dibahas"),
    "matched": _l("Menemukan solusi"),
    "closed": _l("Ditutup"),
}
BUDGET_LABELS = {
    "lt50jt": _l("Di bawah Rp50 juta"),
    "50-500jt": _l("Rp50–500 juta"),
    "gt500jt": _l("Rp500 juta atau lebih"),
}
CONNECTIVITY_LABELS = {
    "none": _l("Tidak ada sinyal internet"),
    "weak": _l("Internet lemah atau terputus-putus"),
    "good": _l("Internet memadai"),
}
STAFF_LABELS = {
    "few": _l("Petugas sangat sedikit"),
    "some": _l("Beberapa petugas"),
    "enough": _l("Petugas cukup"),
}
TERRAIN_LABELS = {
    "islands": _l("Kepulauan"),
    "mountains": _l("Pegunungan"),
    "remote": _l("Daerah terpencil"),
    "coastal": _l("Pesisir"),
    "border": _l("Perbatasan"),
    "urban": _l("Perkotaan padat"),
}
