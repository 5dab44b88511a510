"""Words shown for the editing workflow's codes, in the reader's language."""

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "draft": _l("Draf"),
    "submitted": _l("Diajukan, menunggu tinjauan"),
    "published": _l("Terbit"),
    "returned": _l("Dikembalikan untuk diperbaiki"),
    "archived": _l("Diarsipkan"),
}
ACTION_LABELS = {
    "imported": _l("diimpor dari berkas"),
    "baseline": _l("keadaan sebelum diubah di situs"),
    "created": _l("ditulis"),
    "edited": _l("diubah"),
    "submitted": _l("diajukan untuk ditinjau"),
    "returned": _l("dikembalikan ke penulis"),
    "published": _l("diterbitkan"),
    "archived": _l("diarsipkan"),
    "restored": _l("dipulihkan dari versi lama"),
    "awarded": _l("penghargaan dicatat"),
    "withdrawn": _l("ditarik kembali oleh penulis"),
}
