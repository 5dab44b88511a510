"""The catalogue as case-study files: one innovation as front matter and body, and
``flask content export`` writing the published catalogue back to a folder.

The same representation serves the site's revision history and the web form, so that a
file, a saved version and a form obey one format (content-format.md).
"""

import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import selectinload

from app.catalog.models import GOVERNMENT_KINDS, Innovation
from app.content.evidence import plain_number
from app.content.kit import copy_kit, kit_of
from app.content.schema import CaseStudy
from app.extensions import db
from app.files import blob_store

# The order of content-format.md, so that an exported file reads like a hand-written one.
FIELD_ORDER = (
    "title", "slug", "institution", "owner", "owner_kind", "region", "year", "started", "stage", "awards",
    "sectors", "themes", "digital", "legal_basis", "language", "contacts", "costs", "indicators", "kit", "images",
    "documents", "sample", "summary",
)  # fmt: skip


def case_of(innovation):
    """The innovation as the validated case study a file with the same content would give."""
    return CaseStudy(
        path="",
        slug=innovation.slug,
        title=innovation.title,
        institution=innovation.institution.name,
        owner=innovation.owner.name,
        owner_kind=innovation.owner.kind,
        region=innovation.region_code,
        year=innovation.year,
        summary=innovation.summary,
        sectors=[s.slug for s in innovation.sectors],
        body=innovation.body_md,
        started=innovation.started,
        stage=innovation.stage,
        awards=sorted((a.competition, a.year, a.stage) for a in innovation.awards),
        themes=[t.slug for t in innovation.themes],
        digital=bool(innovation.digital),
        legal_basis=innovation.legal_basis,
        language=innovation.language,
        contacts=contacts_of(innovation),
        sample=bool(innovation.sample),
        costs=costs_of(innovation),
        indicators=indicators_of(innovation),
        kit=kit_of(innovation),
        images=images_of(innovation),
        documents=documents_of(innovation),
    )


def image_path(innovation, image):
    """Where an exported image lives, relative to the case study's file: ``<slug>/<name>``."""
    return f"{innovation.slug}/{image.name}"


def images_of(innovation):
    """The pictures of ``innovation`` as the file format lists them."""
    images = []
    for image in innovation.images:
        item = {"file": image_path(innovation, image), "alt": image.alt, "caption": image.caption,
                "credit": image.credit}  # fmt: skip
        images.append({key: value for key, value in item.items() if value is not None})
    return images


def document_path(innovation, document):
    """Where an exported document lives, relative to the case study's file: ``<slug>/<name>``."""
    return f"{innovation.slug}/{document.name}"


def documents_of(innovation):
    """The documents of ``innovation`` as the file format lists them."""
    documents = []
    for document in innovation.documents:
        item = {
            "file": document_path(innovation, document),
            "kind": document.kind,
            "title": document.title,
            "description": document.description,
            "regulation_type": document.regulation_type,
            "regulation_number": document.regulation_number,
            "regulation_year": document.regulation_year,
        }
        documents.append({key: value for key, value in item.items() if value is not None})
    return documents


def costs_of(innovation):
    """The costs and resources of ``innovation`` as the file format writes them (only what is known)."""
    prerequisites = {
        "infrastructure": innovation.needs_infrastructure,
        "regulation": innovation.needs_regulation_text,
        "partners": innovation.needs_partners,
    }
    costs = {
        "setup": innovation.setup_cost,
        "yearly": innovation.yearly_cost,
        "budget_source": innovation.budget_source,
        "staff": innovation.staff_needed,
        "months_to_launch": innovation.months_to_launch,
        "prerequisites": {key: value for key, value in prerequisites.items() if value} or None,
        "needs_new_regulation": innovation.needs_new_regulation,
    }
    return {key: value for key, value in costs.items() if value is not None}


def _figure(value, when):
    figure = {"value": plain_number(value)}
    if when:
        figure["date"] = when
    return figure


def indicators_of(innovation):
    """The impact indicators of ``innovation`` as the file format lists them."""
    indicators = []
    for row in innovation.indicators:
        item = {
            "name": row.name,
            "unit": row.unit,
            "baseline": _figure(row.baseline_value, row.baseline_date),
            "result": _figure(row.result_value, row.result_date),
            "source": row.source,
            "higher_is_better": None if row.higher_is_better else False,
        }
        indicators.append({key: value for key, value in item.items() if value is not None})
    return indicators


def contacts_of(innovation):
    """The contacts of ``innovation`` as the file format lists them (only the fields set)."""
    contacts = []
    for contact in innovation.contacts:
        item = {
            "name": contact.name,
            "position": contact.position,
            "unit": contact.unit,
            "email": contact.email,
            "phone": contact.phone,
            "whatsapp": True if contact.whatsapp else None,
            "confirmed_on": contact.confirmed_on.isoformat() if contact.confirmed_on else None,
        }
        contacts.append({key: value for key, value in item.items() if value is not None})
    return contacts


def same_content(a, b):
    """True when two case studies say the same thing (where they came from aside), their
    pictures and documents aside: the importer compares those by their bytes
    (app/content/importer.py), and the web form does not edit them."""
    blank = {"path": "", "fingerprint": "", "images": [], "documents": []}
    return replace(a, **blank) == replace(b, **blank)


def front_matter(case):
    """The front matter of ``case`` as a dict in the file format, leaving out defaults."""
    values = {
        "title": case.title,
        "slug": case.slug,
        "institution": case.institution,
        "owner": case.owner,
        "owner_kind": case.owner_kind,
        "region": case.region,
        "year": case.year,
        "started": case.started,
        "stage": case.stage,
        "awards": [{"competition": c, "year": y, "stage": s} for c, y, s in case.awards],
        "sectors": list(case.sectors),
        "themes": list(case.themes),
        "digital": case.digital or None,
        "legal_basis": case.legal_basis,
        "language": case.language if case.language != "id" else None,
        "contacts": [dict(item) for item in case.contacts],
        "costs": _copy(case.costs),
        "indicators": [_copy(item) for item in case.indicators],
        "kit": copy_kit(case.kit),
        "images": [dict(item) for item in case.images],
        "documents": [dict(item) for item in case.documents],
        "sample": case.sample or None,
        "summary": case.summary,
    }
    # A government's region is required; other owners' only when known (their head office).
    if case.owner_kind in GOVERNMENT_KINDS:
        values["region"] = case.region
    return {key: values[key] for key in FIELD_ORDER if values[key] not in (None, [], {})}


def _copy(value):
    # A copy deep enough that a snapshot never shares a mapping with the case study.
    return {key: dict(item) if isinstance(item, dict) else item for key, item in value.items()}


class _Dumper(yaml.SafeDumper):
    """Text with line breaks is written double-quoted on one logical line (``\\n``), so that
    no line of the front matter can read as its closing ``---``."""


def _represent_text(dumper, value):
    style = '"' if "\n" in value or "\r" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def file_text(fields, body):
    """A case-study file: the front matter ``fields`` as YAML between ``---`` lines, then the body."""
    options = {"allow_unicode": True, "sort_keys": False, "default_flow_style": False, "width": 100}
    yaml_text = yaml.dump(fields, Dumper=_Dumper, **options)
    return f"---\n{yaml_text}---\n\n{body.strip(chr(10))}\n"


def to_text(case):
    """The case study as the text of its file."""
    return file_text(front_matter(case), case.body)


@dataclass
class ExportReport:
    """What an export wrote."""

    folder: str
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self):
        return len(self.created) + len(self.changed) + len(self.unchanged)


def export_catalogue(path):
    """Write every published case study to ``<slug>.md`` under ``path`` (its ``innovations/``
    folder when it has one, as the import reads it). Files of other slugs are left alone;
    a file whose text is already right is not touched."""
    root = Path(path)
    folder = root / "innovations" if (root / "innovations").is_dir() else root
    folder.mkdir(parents=True, exist_ok=True)
    report = ExportReport(folder=str(folder))
    query = (
        sa.select(Innovation)
        .where(Innovation.is_public)
        .order_by(Innovation.slug)
        .options(
            selectinload(Innovation.owner),
            selectinload(Innovation.institution),
            selectinload(Innovation.sectors),
            selectinload(Innovation.themes),
            selectinload(Innovation.awards),
            selectinload(Innovation.contacts),
            selectinload(Innovation.indicators),
            selectinload(Innovation.images),
            selectinload(Innovation.documents),
        )
        .execution_options(yield_per=200)
    )
    store = blob_store()
    for innovation in db.session.scalars(query):
        target = folder / f"{innovation.slug}.md"
        text = to_text(case_of(innovation))
        if target.is_symlink():
            raise OSError(f"{target} is a symbolic link; the export does not follow links")
        old = target.read_text(encoding="utf-8") if target.is_file() else None
        images_written = _export_images(folder, innovation, store)
        documents_written = _export_documents(folder, innovation, store)
        if old == text and not images_written and not documents_written:
            report.unchanged.append(innovation.slug)
            continue
        (report.created if old is None else report.changed).append(innovation.slug)
        _write_atomically(target, text)
    return report


def _export_images(folder, innovation, store):
    """Write each picture (its page size in its own format) beside the file; True when any
    file was written. The bytes are the stored ones, so a second export rewrites nothing."""
    written = False
    for image in innovation.images:
        target = folder / image_path(innovation, image)
        if target.parent.is_symlink() or target.is_symlink():
            raise OSError(f"{target} is a symbolic link; the export does not follow links")
        data = store.read(image.page_sha256)
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(exist_ok=True)
        _write_atomically(target, data)
        written = True
    return written


def _export_documents(folder, innovation, store):
    """Write each document, as stored, beside the file; True when any file was written."""
    written = False
    for document in innovation.documents:
        target = folder / document_path(innovation, document)
        if target.parent.is_symlink() or target.is_symlink():
            raise OSError(f"{target} is a symbolic link; the export does not follow links")
        data = store.read(document.sha256)
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(exist_ok=True)
        _write_atomically(target, data)
        written = True
    return written


def _write_atomically(target, content):
    # A crash mid-export must not leave half a file where a good one was.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=target.suffix)
    try:
        if isinstance(content, bytes):
            with os.fdopen(handle, "wb") as out:
                out.write(content)
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
