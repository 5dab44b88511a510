"""The shapes of ``/api/v1`` answers, as JSON Schema (the ``components`` of the OpenAPI document).

Objects are closed (``additionalProperties: false``): a field the API adds without saying
so here makes the fuzz test (tests/test_api_fuzz.py) fail, so the document stays complete.
"""

from app.catalog.costs import BUDGET_SOURCES as INNOVATION_BUDGET_SOURCES
from app.catalog.costs import COST_BAND_NAMES, PREREQUISITES
from app.catalog.documents import FORMATS as DOCUMENT_FORMATS
from app.catalog.documents import KINDS as DOCUMENT_KINDS
from app.catalog.documents import (
    MAX_ANY_BYTES,
    MAX_DESCRIPTION,
    MAX_DOCUMENTS,
    MAX_REGULATION_NUMBER,
    MAX_REGULATION_TYPE,
    MAX_TITLE,
    MIMETYPES,
)
from app.catalog.filters import MAX_PAGE, MAX_PER_PAGE
from app.catalog.images import MAX_ALT, MAX_CAPTION, MAX_CREDIT, MAX_IMAGES
from app.catalog.models import AWARD_STAGES, LANGUAGES, OWNER_KINDS, STAGES
from app.content.evidence import MAX_INDICATORS
from app.content.kit import MAX_PITFALL, MAX_PITFALLS, MAX_STEP, MAX_STEPS, MAX_WEEKS, MIN_WEEKS
from app.networks.models import ACTIVITY_KINDS, MEMBER_ROLES
from app.replication.models import BUDGET_SOURCES, TRANSFER_MODES
from app.replication.models import STAGES as REPLICATION_STAGES
from app.search.facets import FACETS
from app.suggest import MAX_SUGGESTIONS, REASON_KINDS

SLUG = {"type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": 120}
NULLABLE_STRING = {"type": ["string", "null"]}
URL = {"type": "string", "format": "uri"}
COUNT = {"type": "integer", "minimum": 0}
DATE = {"type": "string", "format": "date"}
# A month or day may be unknown: ``2019``, ``2019-07`` or ``2019-07-18``.
PARTIAL_DATE = {"type": ["string", "null"], "pattern": r"^\d{4}(-\d{2}){0,2}$"}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties, required=None):
    """A closed object; every property is required unless ``required`` names fewer."""
    return {
        "type": "object",
        "required": list(properties) if required is None else required,
        "properties": properties,
        "additionalProperties": False,
    }


def _nullable(schema):
    return {"oneOf": [{"type": "null"}, schema]}


def _enum(values, nullable=False):
    return {"type": ["string", "null"] if nullable else "string", "enum": [*values, *([None] if nullable else [])]}


WHOLE = {"type": ["integer", "null"], "minimum": 0}
COSTS = {
    "setup": {**WHOLE, "description": "Set-up cost in Rupiah"},
    "yearly": {**WHOLE, "description": "Yearly running cost in Rupiah"},
    "cost_band": _enum(COST_BAND_NAMES),
    "budget_source": _enum(INNOVATION_BUDGET_SOURCES, nullable=True),
    "staff": WHOLE,
    "months_to_launch": {**WHOLE, "description": "Months from the decision to the launch"},
    "prerequisites": _object(dict.fromkeys(PREREQUISITES, NULLABLE_STRING)),
    "needs_new_regulation": {"type": ["boolean", "null"], "description": "null: not known"},
}
FIGURE = _object({"value": {"type": "number"}, "date": PARTIAL_DATE})
REPORTED_FIGURE = _object({"value": {"type": ["number", "null"]}, "date": PARTIAL_DATE})
INDICATOR = {
    "name": {"type": "string", "minLength": 1},
    "unit": {"type": "string", "minLength": 1},
    "baseline": FIGURE,
    "result": FIGURE,
    "source": NULLABLE_STRING,
    "higher_is_better": {"type": "boolean"},
}

IMAGE_SIZE = _object({"original": URL, "webp": URL})
IMAGE = {
    "thumb": {**IMAGE_SIZE, "description": "The card size, about 480 pixels wide"},
    "page": {**IMAGE_SIZE, "description": "The page size, up to 1280 pixels wide"},
    "alt": {"type": "string", "minLength": 1, "maxLength": MAX_ALT},
    "caption": {"type": ["string", "null"], "maxLength": MAX_CAPTION},
    "credit": {"type": ["string", "null"], "maxLength": MAX_CREDIT},
    "width": {"type": "integer", "minimum": 1, "description": "Of the page size"},
    "height": {"type": "integer", "minimum": 1},
    "thumb_width": {"type": "integer", "minimum": 1},
    "thumb_height": {"type": "integer", "minimum": 1},
}

DOCUMENT = {
    "url": {**URL, "description": "The download (Content-Disposition: attachment)"},
    "kind": _enum(DOCUMENT_KINDS),
    "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE},
    "description": {"type": ["string", "null"], "maxLength": MAX_DESCRIPTION},
    "content_type": {"type": "string", "enum": sorted(set(MIMETYPES.values()))},
    "format": _enum(DOCUMENT_FORMATS),
    "size": {"type": "integer", "minimum": 1, "maximum": MAX_ANY_BYTES, "description": "Bytes"},
    "regulation_type": {
        "type": ["string", "null"],
        "maxLength": MAX_REGULATION_TYPE,
        "description": "For a regulation: e.g. Peraturan Bupati",
    },
    "regulation_number": {"type": ["string", "null"], "maxLength": MAX_REGULATION_NUMBER},
    "regulation_year": {"type": ["integer", "null"], "minimum": 1945},
    "download_count": COUNT,
}

KIT = {
    "steps": {
        "type": "array",
        "maxItems": MAX_STEPS,
        "items": _object(
            {
                "step": {"type": "string", "minLength": 1, "maxLength": MAX_STEP},
                "weeks": {"type": ["integer", "null"], "minimum": MIN_WEEKS, "maximum": MAX_WEEKS,
                          "description": "Typical duration in weeks, null when not known"},
            }
        ),
    },
    "pitfalls": {"type": "array", "maxItems": MAX_PITFALLS, "items": {"type": "string", "minLength": 1,
                                                                       "maxLength": MAX_PITFALL}},
    "total_weeks": {"type": "integer", "minimum": 0, "description": "The sum of the steps' weeks given"},
    "download_url": {**URL, "description": "The kit as one ZIP: ringkasan.html and every document"},
}  # fmt: skip

INNOVATION = {
    "slug": SLUG,
    "title": {"type": "string"},
    "summary": {"type": "string"},
    "owner": _object({"name": {"type": "string"}, "kind": _enum(OWNER_KINDS)}),
    "region": _nullable(_object({"code": ref("RegionCode"), "name": {"type": "string"}})),
    "year": {"type": "integer"},
    "sectors": {"type": "array", "items": SLUG},
    "themes": {"type": "array", "items": SLUG},
    "awards": {"type": "array", "items": ref("Award")},
    "stage": _enum(STAGES),
    "replication_count": COUNT,
    "sample": {"type": "boolean", "description": "An invented example, not a real case study"},
    "costs": _object(COSTS),
    "images": {"type": "array", "items": _object(IMAGE), "maxItems": MAX_IMAGES},
    "documents": {"type": "array", "items": _object(DOCUMENT), "maxItems": MAX_DOCUMENTS},
    "url": URL,
}
NETWORK_SUMMARY = {
    "slug": SLUG,
    "name": {"type": "string"},
    "province": _object({"code": ref("RegionCode"), "name": {"type": "string"}}),
    "launched": PARTIAL_DATE,
    "url": URL,
}

SCHEMAS = {
    "Error": _object({"error": {"type": "string", "minLength": 1}}),
    "Award": _object({"competition": {"type": "string"}, "year": {"type": "integer"}, "stage": _enum(AWARD_STAGES)}),
    "Innovation": _object(INNOVATION),
    "InnovationList": _object(
        {
            "items": {"type": "array", "items": ref("Innovation"), "maxItems": MAX_PER_PAGE},
            "total": COUNT,
            "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "facets": {
                "description": "Counts of all matching innovations by sector, owner kind, province, year and "
                "award stage reached",
                **_object({name: {"type": "object", "additionalProperties": COUNT} for name in FACETS}),
            },
        }
    ),
    "Suggestion": _object(
        {
            **INNOVATION,
            "reasons": {
                "type": "array",
                "description": "Why it was suggested: the part of the problem it matches (quoting the case "
                "study), replications, institutionalised, cost within the budget, used by a region like the "
                "writer's; texts in the language of Accept-Language",
                "items": _object(
                    {
                        "kind": _enum(REASON_KINDS),
                        "text": {"type": "string", "minLength": 1},
                        "quote": NULLABLE_STRING,
                    }
                ),
            },
        }
    ),
    "SuggestionList": _object(
        {
            "items": {"type": "array", "items": ref("Suggestion"), "maxItems": MAX_SUGGESTIONS},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS},
        }
    ),
    "InnovationRecord": _object(
        {
            **INNOVATION,
            "institution": {"type": "string"},
            "started": PARTIAL_DATE,
            "digital": {"type": "boolean"},
            "legal_basis": NULLABLE_STRING,
            "language": _enum(LANGUAGES),
            "body_html": {"type": "string", "description": "Sanitised HTML"},
            "indicators": {"type": "array", "items": _object(INDICATOR), "maxItems": MAX_INDICATORS},
            "kit": {"description": "The replication kit", **_object(KIT)},
            "replications": {"type": "array", "items": ref("Replication")},
        }
    ),
    "Replication": _object(
        {
            "id": {"type": "integer", "minimum": 1},
            "innovation": _object({"slug": SLUG, "title": {"type": "string"}}),
            "adopter": _object(
                {"name": {"type": "string"}, "kind": _enum(OWNER_KINDS), "region_code": _nullable(ref("RegionCode"))}
            ),
            "adopter_unit": NULLABLE_STRING,
            "network": _nullable(SLUG),
            "local_name": NULLABLE_STRING,
            "transfer_mode": _enum(TRANSFER_MODES, nullable=True),
            "status": _enum(REPLICATION_STAGES),
            "stage_dates": {
                "description": "The date each stage was reached, where known",
                "type": "object",
                "propertyNames": {"enum": list(REPLICATION_STAGES)},
                "additionalProperties": DATE,
            },
            "budget_source": _enum(BUDGET_SOURCES, nullable=True),
            "legal_basis": NULLABLE_STRING,
            "evidence": {"type": "array", "items": URL},
            "outcome": _nullable(_object({"value": {"type": "number"}, "unit": NULLABLE_STRING})),
            "indicators": {
                "description": "The adopter's own figures for the case study's impact indicators",
                "type": "array",
                "items": _object({"name": {"type": "string"}, "baseline": REPORTED_FIGURE, "result": REPORTED_FIGURE}),
            },
            "url": URL,
        }
    ),
    "ReplicationList": _object(
        {
            "items": {"type": "array", "items": ref("Replication"), "maxItems": MAX_PER_PAGE},
            "total": COUNT,
            "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        }
    ),
    "NetworkSummary": _object(NETWORK_SUMMARY),
    "NetworkList": _object({"items": {"type": "array", "items": ref("NetworkSummary")}, "total": COUNT}),
    "Network": _object(
        {
            **NETWORK_SUMMARY,
            "legal_basis": NULLABLE_STRING,
            "description_html": {"type": "string", "description": "Sanitised HTML"},
            "members": {
                "type": "array",
                "items": _object(
                    {
                        "name": {"type": "string"},
                        "kind": _enum(OWNER_KINDS),
                        "region_code": _nullable(ref("RegionCode")),
                        "role": _enum(MEMBER_ROLES),
                        "since": {"type": ["string", "null"], "format": "date"},
                    }
                ),
            },
            "coordinators": {"type": "array", "items": {"type": "string"}, "description": "Names only"},
            "activities": {
                "type": "array",
                "items": _object(
                    {
                        "id": {"type": "integer", "minimum": 1},
                        "kind": _enum(ACTIVITY_KINDS),
                        "title": {"type": "string"},
                        "date": DATE,
                        "place": NULLABLE_STRING,
                        "images": {"type": "array", "items": _object(IMAGE), "maxItems": MAX_IMAGES},
                    }
                ),
            },
        }
    ),
    "Region": _object(
        {
            "code": ref("RegionCode"),
            "name": {"type": "string"},
            "kind": _enum(("province", "regency", "city")),
            "parent": _nullable(ref("RegionCode")),
            "lat": {"type": ["number", "null"]},
            "lon": {"type": ["number", "null"]},
            "innovations": {"type": "array", "items": ref("Innovation")},
            "adopted": {"type": "array", "items": ref("Replication")},
        }
    ),
    "Composition": _object({kind: _object({"owners": COUNT, "innovations": COUNT}) for kind in OWNER_KINDS}),
}
