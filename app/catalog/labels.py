"""Words shown for the catalogue's codes, in the reader's language."""

from flask_babel import lazy_gettext as _l

OWNER_KIND_LABELS = {
    "ministry": _l("Kementerian"),
    "agency": _l("Lembaga"),
    "province": _l("Provinsi"),
    "regency": _l("Kabupaten"),
    "city": _l("Kota"),
    "soe": _l("BUMN"),
}
STAGE_LABELS = {
    "initiative": _l("Inisiatif"),
    "trial": _l("Uji coba"),
    "implemented": _l("Diterapkan"),
    "institutionalized": _l("Melembaga"),
    "discontinued": _l("Dihentikan"),
}
AWARD_STAGE_LABELS = {
    "proposal": _l("Proposal"),
    "top99": _l("Top 99"),
    "top45": _l("Top 45"),
    "outstanding": _l("Terpuji"),
}
# An award stage as people write it: its code, or its name in either language, in any case
# and spacing ("Top 99", "top99", "TOP 99", "Terpuji", "Outstanding", "Usulan").
AWARD_STAGE_NAMES = {
    "proposal": "proposal",
    "usulan": "proposal",
    "top99": "top99",
    "top45": "top45",
    "outstanding": "outstanding",
    "terpuji": "outstanding",
}


def award_stage_named(text):
    """The award stage code that ``text`` names, or None."""
    return AWARD_STAGE_NAMES.get("".join((text or "").split()).casefold())


REGION_KIND_LABELS = {"province": _l("Provinsi"), "regency": _l("Kabupaten"), "city": _l("Kota")}
SORT_LABELS = {
    "relevance": _l("Paling relevan"),
    "newest": _l("Terbaru"),
    "most_replicated": _l("Paling banyak direplikasi"),
    "title": _l("Judul (A-Z)"),
    "setup_cost": _l("Biaya awal (termurah)"),
}
DOCUMENT_KIND_LABELS = {
    "sop": _l("SOP"),
    "regulation": _l("Peraturan"),
    "form": _l("Formulir atau templat"),
    "budget": _l("Rincian anggaran"),
    "presentation": _l("Bahan presentasi"),
    "report": _l("Laporan"),
    "other": _l("Dokumen lain"),
}
YES_NO = {True: _l("Ya"), False: _l("Tidak")}
FACET_TITLES = {
    "sector": _l("Sektor"),
    "theme": _l("Tema"),
    "owner_kind": _l("Jenis pemilik"),
    "province": _l("Provinsi"),
    "year": _l("Tahun"),
    "award": _l("Penghargaan"),
    "stage": _l("Tahap"),
    "digital": _l("Layanan digital"),
    "replicated": _l("Sudah direplikasi"),
    "cost": _l("Biaya awal"),
    "no_new_regulation": _l("Tanpa peraturan baru"),
}
COST_BAND_LABELS = {
    "lt50jt": _l("Di bawah Rp50 juta"),
    "50-500jt": _l("Rp50 juta - Rp500 juta"),
    "gt500jt": _l("Rp500 juta ke atas"),
    "unknown": _l("Belum diketahui"),
}
BUDGET_SOURCE_LABELS = {
    "apbd": _l("APBD"),
    "apbn": _l("APBN"),
    "dak": _l("DAK"),
    "dana_desa": _l("Dana Desa"),
    "csr": _l("CSR"),
    "other": _l("Lainnya"),
}


def award_label(award):
    """``KIPP 2019 · Top 99``."""
    return f"{award.competition} {award.year} · {AWARD_STAGE_LABELS.get(award.stage, award.stage)}"
