"""What changed between two versions of a case study, field by field, in the form's words:
each changed field with its label, and for text the words removed and added (not lines of a
file with internal codes). Text is never marked up here; the template escapes it."""

import difflib
import json
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.catalog.labels import AWARD_STAGE_LABELS, OWNER_KIND_LABELS, STAGE_LABELS
from app.content.export import FIELD_ORDER

FIELD_LABELS = {
    "title": _l("Judul inovasi"),
    "slug": _l("Slug (alamat halaman)"),
    "institution": _l("Unit pelaksana"),
    "owner": _l("Pemilik"),
    "owner_kind": _l("Jenis pemilik"),
    "region": _l("Kode wilayah"),
    "year": _l("Tahun masuk katalog"),
    "started": _l("Mulai berjalan"),
    "stage": _l("Tahap inovasi"),
    "awards": _l("Penghargaan"),
    "sectors": _l("Sektor"),
    "themes": _l("Tema"),
    "digital": _l("Layanan digital"),
    "legal_basis": _l("Dasar hukum"),
    "language": _l("Bahasa studi kasus"),
    "contacts": _l("Kontak"),
    "costs": _l("Biaya dan sumber daya"),
    "indicators": _l("Indikator dampak"),
    "kit": _l("Paket replikasi"),
    "images": _l("Gambar"),
    "documents": _l("Dokumen"),
    "sample": _l("Contoh rekaan"),
    "summary": _l("Ringkasan"),
    "body": _l("Isi studi kasus"),
}
CODE_LABELS = {"owner_kind": OWNER_KIND_LABELS, "stage": STAGE_LABELS}
# A long unchanged stretch of text is shown as its first and last few words around "…".
CONTEXT_WORDS = 12
MAX_SEGMENTS = 400
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass
class Segment:
    kind: str  # same, removed, added, gap
    text: str


@dataclass
class FieldChange:
    key: str
    label: str
    old: str
    new: str
    words: list = field(default_factory=list)  # Segments, for texts long enough to need them


def _yes_no(value):
    return str(_l("ya")) if value else str(_l("tidak"))


def _compact(value):
    """A nested value (costs, an indicator, a contact) as readable "key: value" text."""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_compact(item)}" for key, item in value.items() if item not in (None, "", [], {}))
    if isinstance(value, list):
        return ", ".join(_compact(item) for item in value)
    if isinstance(value, bool):
        return _yes_no(value)
    return str(value)


def shown(key, value):
    """A front-matter value as the reader should see it."""
    if value in (None, "", [], {}):
        return ""
    if key in CODE_LABELS:
        return str(CODE_LABELS[key].get(value, value))
    if isinstance(value, bool):
        return _yes_no(value)
    if key == "awards":
        return "\n".join(
            f"{a.get('competition')} {a.get('year')} {AWARD_STAGE_LABELS.get(a.get('stage'), a.get('stage'))}"
            for a in value
        )
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return "\n".join(_compact(item) for item in value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {_compact(v)}" for k, v in value.items() if v not in (None, "", [], {}))
    return str(value)


def words(old, new):
    """Word-level differences of two texts, with long unchanged stretches cut to their ends."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            same = a[i1:i2]
            if len(same) > 4 * CONTEXT_WORDS:
                head = "".join(same[: 2 * CONTEXT_WORDS]) if segments else ""
                tail = "".join(same[-2 * CONTEXT_WORDS :]) if i2 < len(a) else ""
                if head:
                    segments.append(Segment("same", head))
                segments.append(Segment("gap", " … "))
                if tail:
                    segments.append(Segment("same", tail))
            else:
                segments.append(Segment("same", "".join(same)))
            continue
        if i2 > i1:
            segments.append(Segment("removed", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("added", "".join(b[j1:j2])))
        if len(segments) > MAX_SEGMENTS:
            segments.append(Segment("gap", " …"))
            break
    return segments


def _values(snapshot):
    if not snapshot:
        return {}
    values = dict(snapshot["front_matter"])
    values["body"] = snapshot.get("body") or ""
    return values


def changes(old_snapshot, new_snapshot):
    """The fields that differ, in the form's order: a list of FieldChange."""
    old, new = _values(old_snapshot), _values(new_snapshot)
    order = [*FIELD_ORDER, "body"]
    keys = [k for k in order if k in old or k in new] + sorted((set(old) | set(new)) - set(order))
    found = []
    for key in keys:
        if json.dumps(old.get(key), sort_keys=True, default=str) == json.dumps(
            new.get(key), sort_keys=True, default=str
        ):
            continue
        before, after = shown(key, old.get(key)), shown(key, new.get(key))
        change = FieldChange(key, str(FIELD_LABELS.get(key, key)), before, after)
        if len(before) > 80 or len(after) > 80 or "\n" in before + after:
            change.words = words(before, after)
        found.append(change)
    return found


def same_content(a, b):
    """Whether two revisions hold the same case study (a workflow step changes no field)."""
    return json.dumps(a.snapshot, sort_keys=True, default=str) == json.dumps(b.snapshot, sort_keys=True, default=str)
