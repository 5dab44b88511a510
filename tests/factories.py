"""Test records made through the real models (no mocks): owners, units, innovations."""

import itertools
from io import BytesIO

import sqlalchemy as sa
from PIL import Image

from app.catalog.documents import check as check_document
from app.catalog.image_store import store_variants
from app.catalog.images import prepare
from app.catalog.models import (
    GOVERNMENT_KINDS,
    Award,
    Contact,
    Indicator,
    Innovation,
    InnovationDocument,
    InnovationImage,
    Institution,
    Owner,
    Sector,
    Theme,
)
from app.extensions import db
from app.files import blob_store, digest_of
from app.regions.models import Region
from app.rendering import render_markdown
from app.slugs import slugify

_numbers = itertools.count(1)


def owner(kind="regency", region="33.02", name=None):
    """The owner of a region (created once), or a named ministry/agency/SOE."""
    if kind in GOVERNMENT_KINDS:
        found = db.session.scalar(sa.select(Owner).where(Owner.region_code == region))
        if found:
            return found
        name = db.session.get(Region, region).display_name
    name = name or f"Kementerian Uji {next(_numbers)}"
    found = db.session.scalar(sa.select(Owner).where(Owner.slug == slugify(name)))
    if found:
        return found
    item = Owner(name=name, slug=slugify(name), kind=kind, region_code=region if kind in GOVERNMENT_KINDS else None)
    db.session.add(item)
    db.session.flush()
    return item


def innovation(title=None, kind="regency", region="33.02", sectors=("kesehatan",), themes=(), awards=(), **fields):
    """An innovation with sensible defaults; ``awards`` as ``(year, stage)`` pairs of KIPP;
    ``contacts`` and ``indicators`` as dicts of Contact's and Indicator's fields; ``images`` as
    dicts of an image's ``alt`` (``caption``, ``credit``, ``size``, ``color``, ``format``)."""
    n = next(_numbers)
    images = fields.pop("images", ())
    documents = fields.pop("documents", ())
    contacts = fields.pop("contacts", ())
    indicators = fields.pop("indicators", ())
    title = title or f"Inovasi Uji {n}"
    who = fields.pop("owner", None) or owner(kind, region)
    body = fields.pop("body", "## Latar Belakang\nMasalah.\n\n## Inovasi\nSolusi.\n")
    unit = Institution(owner=who, name=fields.pop("institution", f"Dinas Uji {n}"))
    db.session.add(unit)
    item = Innovation(
        slug=fields.pop("slug", None) or f"{slugify(title)[:80]}-{n}",
        title=title,
        owner=who,
        institution=unit,
        region_code=region if kind in GOVERNMENT_KINDS else fields.pop("region_code", None),
        year=fields.pop("year", 2020),
        summary=fields.pop("summary", "Ringkasan inovasi uji."),
        body_md=body,
        body_html=render_markdown(body),
        **fields,
    )
    db.session.add(item)
    item.sectors = list(db.session.scalars(sa.select(Sector).where(Sector.slug.in_(sectors))))
    item.themes = list(db.session.scalars(sa.select(Theme).where(Theme.slug.in_(themes))))
    item.awards = [Award(competition="KIPP", year=year, stage=stage) for year, stage in awards]
    item.contacts = [Contact(number=number, **contact) for number, contact in enumerate(contacts, start=1)]
    item.indicators = [Indicator(number=number, **fields) for number, fields in enumerate(indicators, start=1)]
    item.images = [image_row(number, **image) for number, image in enumerate(images, start=1)]
    item.documents = [document_row(number, **document) for number, document in enumerate(documents, start=1)]
    db.session.add(item)
    db.session.flush()
    return item


def picture(size=(640, 360), color=(30, 120, 160), format="PNG", **save):
    """The bytes of a plain picture made with Pillow."""
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format, **save)
    return out.getvalue()


def image_row(number, alt, caption=None, credit=None, size=(640, 360), color=(30, 120, 160), format="PNG", name=None,
              row_class=InnovationImage):  # fmt: skip
    """A picture of a case study (or of what ``row_class`` is), its blobs stored as an upload stores them."""
    data = picture(size, color, format)
    prepared = prepare(data, digest_of(data))
    digests, _created = store_variants(prepared)
    row = row_class(number=number, name=name or f"gambar-{number}.{prepared.format.replace('jpeg', 'jpg')}",
                    alt=alt, caption=caption, credit=credit)  # fmt: skip
    row.set_blobs(prepared, digests)
    return row


def pdf(*lines):
    """The bytes of a one-page PDF showing ``lines`` (tools/sample_documents.py)."""
    from tools.sample_documents import text_pdf

    return text_pdf(lines or ["Dokumen uji"])


def document_row(number, title, kind="sop", text=None, data=None, name=None, **fields):
    """A document of a case study, its blob stored as an upload stores it: a PDF showing
    ``text`` unless ``data`` is given."""
    data = data if data is not None else pdf(*(text or "Dokumen uji").split("\n"))
    checked = check_document(data)
    digest, _created = blob_store().put(data)
    return InnovationDocument(number=number, name=name or f"dokumen-{number}.{checked.format}", kind=kind, title=title,
                              format=checked.format, size=checked.size, sha256=digest, text=checked.text,
                              **fields)  # fmt: skip
