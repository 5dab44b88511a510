"""Documents of a case study edited on the site: add, describe, reorder, remove
(docs/decisions/0083). Whoever may edit the case study may change its documents; every change
is a revision (its snapshot lists the documents) and marks the case study as edited on the
site, so an older file does not undo it on import.

An upload is checked whole before anything is stored (app/catalog/documents.py); the blob it
writes is listed in ``written`` so that the view removes it when the change is not committed:
a refused upload leaves no file behind.
"""

import re
from datetime import UTC, datetime

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.catalog.document_store import store_document
from app.catalog.documents import MAX_DOCUMENTS, MAX_NAME, DocumentRefused, check
from app.catalog.models import InnovationDocument
from app.editing import history
from app.editing.services import Invalid, NotAllowed, _flush

_SAFE = re.compile(r"[^a-z0-9]+")


def refusal_text(refused):
    """Why an upload was refused (app/catalog/documents.py), in the reader's language."""
    p = refused.params
    messages = {
        "empty": lambda: _("Berkas ini kosong."),
        "too_large": lambda: _(
            "Berkas ini %(size)s MB; dokumen %(format)s paling besar %(limit)s MB.",
            size=format_decimal(round(p["size"] / 1_000_000, 1)), limit=format_decimal(p["limit"] / 1_000_000),
            format=p.get("format") or "",
        ),
        "unknown": lambda: _(
            "Berkas ini bukan dokumen PDF, DOCX, XLSX, PPTX, ODT, ODS atau CSV, apa pun nama berkasnya."
        ),
        "markup": lambda: _("Berkas ini halaman HTML atau XML, bukan dokumen yang diterima."),
        "other_zip": lambda: _("Berkas ini arsip ZIP, bukan dokumen DOCX, XLSX, PPTX, ODT atau ODS."),
        "zip_bomb": lambda: _("Berkas ini arsip yang terlalu besar bila dibuka, jadi ditolak tanpa dibaca."),
        "damaged": lambda: _("Berkas ini rusak atau isinya tidak sesuai dengan jenisnya."),
        "macros": lambda: _("Berkas ini berisi makro. Simpan tanpa makro (.docx, .xlsx atau .pptx), lalu unggah lagi."),
        "encrypted": lambda: _("Berkas ini dilindungi kata sandi; unggah dokumen yang terbuka."),
        "name_mismatch": lambda: _(
            "Nama berkas ini berakhiran .%(extension)s, tetapi isinya dokumen %(format)s. Beri nama yang benar.",
            extension=p["extension"], format=p["format"],
        ),
    }  # fmt: skip
    return messages[refused.code]()


def _now():
    return datetime.now(UTC)


def free_name(innovation, filename, document_format):
    """A file name for the document: from the uploaded name, made safe, with the extension of
    what it really is, and not taken by another document of the case study."""
    stem = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    stem = _SAFE.sub("-", stem.lower()).strip("-")[: MAX_NAME - 12] or "dokumen"
    taken = {document.name.lower() for document in innovation.documents}
    name, n = f"{stem}.{document_format}", 2
    while name in taken:
        name, n = f"{stem}-{n}.{document_format}", n + 1
    return name


def _changed(innovation, user, comment):
    innovation.edited_at = _now()  # a later import of an older file must not undo it
    _flush(innovation)
    return history.record(innovation, "edited", user=user, status_from=innovation.status, comment=str(comment))


def _check(innovation, user):
    if not user.can("innovation.edit", innovation):
        raise NotAllowed("documents")


def _fields(kind, title, description, regulation_type, regulation_number, regulation_year):
    """The document's texts; a regulation's citation only for a regulation."""
    regulation = kind == "regulation"
    return {
        "kind": kind,
        "title": title,
        "description": description or None,
        "regulation_type": (regulation_type or None) if regulation else None,
        "regulation_number": (regulation_number or None) if regulation else None,
        "regulation_year": regulation_year if regulation else None,
    }


def add(innovation, data, *, filename, user, written, **texts):
    """Add a document at the end. Refused (Invalid, field ``file``) when it is no document the
    site takes or the case study has its 20 already; nothing is stored then."""
    _check(innovation, user)
    if len(innovation.documents) >= MAX_DOCUMENTS:
        raise Invalid([("file", str(_l("Paling banyak %(max)d dokumen per studi kasus. Hapus satu dulu.",
                                        max=MAX_DOCUMENTS)))])  # fmt: skip
    try:
        checked = check(data, filename)
    except DocumentRefused as refused:
        raise Invalid([("file", refusal_text(refused))]) from refused
    history.ensure_baseline(innovation)
    digest, created = store_document(data)
    if created:
        written.append(digest)
    document = InnovationDocument(name=free_name(innovation, filename, checked.format),
                                  number=len(innovation.documents) + 1, format=checked.format, size=checked.size,
                                  sha256=digest, text=checked.text, **_fields(**texts))  # fmt: skip
    innovation.documents.append(document)
    _changed(innovation, user, _l("Dokumen ditambahkan: %(name)s", name=document.name))
    return document


def describe(innovation, document, *, user, **texts):
    """Change a document's kind, title, description and regulation citation."""
    _check(innovation, user)
    history.ensure_baseline(innovation)
    for key, value in _fields(**texts).items():
        setattr(document, key, value)
    return _changed(innovation, user, _l("Keterangan dokumen diubah: %(name)s", name=document.name))


def move(innovation, document, step, *, user):
    """Move a document one place up (``step`` -1) or down (+1)."""
    _check(innovation, user)
    documents = list(innovation.documents)
    here = documents.index(document)
    there = here + step
    if not 0 <= there < len(documents):
        return None
    history.ensure_baseline(innovation)
    documents[here], documents[there] = documents[there], documents[here]
    for number, item in enumerate(documents, start=1):
        item.number = number
    innovation.documents = documents
    return _changed(innovation, user, _l("Urutan dokumen diubah: %(name)s", name=document.name))


def remove(innovation, document, *, user):
    """Remove a document (its blob stays until ``flask files clean``)."""
    _check(innovation, user)
    history.ensure_baseline(innovation)
    documents = [item for item in innovation.documents if item is not document]
    for number, item in enumerate(documents, start=1):
        item.number = number
    innovation.documents = documents
    return _changed(innovation, user, _l("Dokumen dihapus: %(name)s", name=document.name))
