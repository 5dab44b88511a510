"""JSON shapes of the API's records."""

from flask import url_for

from app.catalog.costs import band_of
from app.catalog.document_store import document_url
from app.catalog.documents import MIMETYPES as DOCUMENT_MIMETYPES
from app.catalog.pictures import image_url
from app.content.evidence import plain_number
from app.search.service import innovation_url


def costs_item(innovation):
    """The costs and resources of an innovation (None where not known)."""
    return {
        "setup": innovation.setup_cost,
        "yearly": innovation.yearly_cost,
        "cost_band": band_of(innovation.setup_cost),
        "budget_source": innovation.budget_source,
        "staff": innovation.staff_needed,
        "months_to_launch": innovation.months_to_launch,
        "prerequisites": {
            "infrastructure": innovation.needs_infrastructure,
            "regulation": innovation.needs_regulation_text,
            "partners": innovation.needs_partners,
        },
        "needs_new_regulation": innovation.needs_new_regulation,
    }


def _figure(value, when):
    return {"value": None if value is None else plain_number(value), "date": when}


def indicator_item(indicator):
    """An impact indicator, before and after."""
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": _figure(indicator.baseline_value, indicator.baseline_date),
        "result": _figure(indicator.result_value, indicator.result_date),
        "source": indicator.source,
        "higher_is_better": indicator.higher_is_better,
    }


def reported_item(value):
    """A replication's own figures for one indicator."""
    return {
        "name": value.indicator.name,
        "baseline": _figure(value.baseline_value, value.baseline_date),
        "result": _figure(value.result_value, value.result_date),
    }


def image_item(image):
    """A picture: the addresses of its two sizes (WebP and the original format), its texts and size."""
    return {
        "thumb": {kind: image_url(image, "thumb", kind, external=True) for kind in ("original", "webp")},
        "page": {kind: image_url(image, "page", kind, external=True) for kind in ("original", "webp")},
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "thumb_width": image.thumb_width,
        "thumb_height": image.thumb_height,
    }


def document_item(document):
    """A document: its address, what it is, its type and size, a regulation's citation and
    how often it was downloaded."""
    return {
        "url": document_url(document, external=True),
        "kind": document.kind,
        "title": document.title,
        "description": document.description,
        "content_type": DOCUMENT_MIMETYPES[document.format],
        "format": document.format,
        "size": document.size,
        "regulation_type": document.regulation_type,
        "regulation_number": document.regulation_number,
        "regulation_year": document.regulation_year,
        "download_count": document.download_count,
    }


def kit_item(innovation):
    """The replication kit (docs/decisions/0084): steps with their typical weeks, pitfalls,
    the total of the weeks given, and the address of the ZIP."""
    steps = [{"step": step["step"], "weeks": step.get("weeks")} for step in innovation.kit_steps or []]
    return {
        "steps": steps,
        "pitfalls": list(innovation.kit_pitfalls or []),
        "total_weeks": sum(step["weeks"] or 0 for step in steps),
        "download_url": url_for("replication.kit_download", slug=innovation.slug, _external=True),
    }


def innovation_item(innovation):
    """An innovation as an item of ``GET /api/v1/innovations``."""
    region = innovation.region
    return {
        "slug": innovation.slug,
        "title": innovation.title,
        "summary": innovation.summary,
        "owner": {"name": innovation.owner.name, "kind": innovation.owner.kind},
        "region": {"code": region.code, "name": region.name} if region is not None else None,
        "year": innovation.year,
        "sectors": [sector.slug for sector in innovation.sectors],
        "themes": [theme.slug for theme in innovation.themes],
        "awards": [
            {"competition": award.competition, "year": award.year, "stage": award.stage} for award in innovation.awards
        ],
        "stage": innovation.stage,
        "replication_count": innovation.replication_count,
        "sample": innovation.sample,
        "costs": costs_item(innovation),
        "images": [image_item(image) for image in innovation.images],
        "documents": [document_item(document) for document in innovation.documents],
        "url": innovation_url(innovation, external=True),
    }
