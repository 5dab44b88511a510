"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``.

Kept true by tests/test_api.py, which validates real responses against it with openapi-core.
"""

from app.catalog.filters import MAX_PER_PAGE, SORTS
from app.catalog.models import AWARD_STAGES, OWNER_KINDS, STAGES
from app.replication.models import STAGES as REPLICATION_STAGES

NULLABLE_STRING = {"type": ["string", "null"]}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name, description, schema=None):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(_ref("Error"), "A parameter that names nothing, a bad number, an unknown parameter"),
    "404": _json(_ref("Error"), "No such record"),
    "429": _json(_ref("Error"), "Too many requests from this address"),
}
PAGING = [
    _query("page", "Page number, from 1", {"type": "integer", "minimum": 1}),
    _query(
        "per_page",
        f"Items per page, at most {MAX_PER_PAGE}",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    ),
]
INNOVATION_FILTERS = [
    _query("q", "Words to search for (ranked by relevance)", {"type": "string", "maxLength": 200}),
    _query("sector", "Sector slug, e.g. kesehatan"),
    _query("theme", "Theme slug, e.g. sistem-informasi"),
    _query("owner_kind", "Kind of owner", {"type": "string", "enum": list(OWNER_KINDS)}),
    _query("province", "Province code, e.g. 33"),
    _query("region", "Region code; a province includes its regencies and cities"),
    _query("year", "Catalogue year", {"type": "integer"}),
    _query("award", "Award stage reached", {"type": "string", "enum": list(AWARD_STAGES)}),
    _query("stage", "Lifecycle stage", {"type": "string", "enum": list(STAGES)}),
    _query("digital", "Delivered through an application", {"type": "string", "enum": ["true", "false"]}),
    _query("replicated", "Copied by at least one region", {"type": "string", "enum": ["true", "false"]}),
    _query("sort", "Order (relevance needs q)", {"type": "string", "enum": list(SORTS)}),
    *PAGING,
]

SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
    "Award": {
        "type": "object",
        "required": ["competition", "year", "stage"],
        "properties": {"competition": {"type": "string"}, "year": {"type": "integer"}, "stage": {"type": "string"}},
    },
    "Innovation": {
        "type": "object",
        "required": [
            "slug",
            "title",
            "summary",
            "owner",
            "region",
            "year",
            "sectors",
            "themes",
            "awards",
            "stage",
            "replication_count",
            "url",
        ],
        "properties": {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "owner": {
                "type": "object",
                "required": ["name", "kind"],
                "properties": {"name": {"type": "string"}, "kind": {"type": "string", "enum": list(OWNER_KINDS)}},
            },
            "region": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["code", "name"],
                        "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
                    },
                ]
            },
            "year": {"type": "integer"},
            "sectors": {"type": "array", "items": {"type": "string"}},
            "themes": {"type": "array", "items": {"type": "string"}},
            "awards": {"type": "array", "items": _ref("Award")},
            "stage": {"type": "string", "enum": list(STAGES)},
            "replication_count": {"type": "integer", "minimum": 0},
            "url": {"type": "string", "format": "uri"},
        },
    },
    "InnovationList": {
        "type": "object",
        "required": ["items", "total", "page", "per_page", "facets"],
        "properties": {
            "items": {"type": "array", "items": _ref("Innovation")},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "facets": {
                "type": "object",
                "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}},
            },
            "suggestion": NULLABLE_STRING,
        },
    },
    "InnovationRecord": {
        "allOf": [
            _ref("Innovation"),
            {
                "type": "object",
                "required": ["institution", "language", "body_html", "replications"],
                "properties": {
                    "institution": {"type": "string"},
                    "started": NULLABLE_STRING,
                    "digital": {"type": "boolean"},
                    "legal_basis": NULLABLE_STRING,
                    "language": {"type": "string", "enum": ["id", "en"]},
                    "sample": {"type": "boolean"},
                    "contact": {"type": "object"},
                    "body_html": {"type": "string"},
                    "replications": {"type": "array", "items": _ref("Replication")},
                },
            },
        ]
    },
    "Replication": {
        "type": "object",
        "required": ["id", "innovation", "adopter", "status", "stage_dates", "url"],
        "properties": {
            "id": {"type": "integer"},
            "innovation": {"type": "object", "required": ["slug", "title"]},
            "adopter": {"type": "object", "required": ["name", "kind"]},
            "adopter_unit": NULLABLE_STRING,
            "network": NULLABLE_STRING,
            "local_name": NULLABLE_STRING,
            "transfer_mode": NULLABLE_STRING,
            "status": {"type": "string", "enum": list(REPLICATION_STAGES)},
            "stage_dates": {"type": "object", "additionalProperties": {"type": "string", "format": "date"}},
            "budget_source": NULLABLE_STRING,
            "legal_basis": NULLABLE_STRING,
            "evidence": {"type": "array", "items": {"type": "string"}},
            "outcome": {"type": ["object", "null"]},
            "url": {"type": "string", "format": "uri"},
        },
    },
    "ReplicationList": {
        "type": "object",
        "required": ["items", "total", "page", "per_page"],
        "properties": {
            "items": {"type": "array", "items": _ref("Replication")},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    },
    "NetworkSummary": {
        "type": "object",
        "required": ["slug", "name", "province", "url"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "province": {"type": "object"},
            "launched": NULLABLE_STRING,
            "url": {"type": "string"},
        },
    },
    "Network": {
        "allOf": [
            _ref("NetworkSummary"),
            {
                "type": "object",
                "required": ["members", "coordinators", "activities"],
                "properties": {
                    "members": {"type": "array", "items": {"type": "object", "required": ["name", "role"]}},
                    "coordinators": {"type": "array", "items": {"type": "string"}},
                    "activities": {"type": "array", "items": {"type": "object", "required": ["kind", "title", "date"]}},
                    "legal_basis": NULLABLE_STRING,
                    "description_html": {"type": "string"},
                },
            },
        ]
    },
    "Region": {
        "type": "object",
        "required": ["code", "name", "kind", "innovations", "adopted"],
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["province", "regency", "city"]},
            "parent": NULLABLE_STRING,
            "lat": {"type": ["number", "null"]},
            "lon": {"type": ["number", "null"]},
            "innovations": {"type": "array", "items": _ref("Innovation")},
            "adopted": {"type": "array", "items": _ref("Replication")},
        },
    },
    "Composition": {
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "required": ["owners", "innovations"],
            "properties": {"owners": {"type": "integer"}, "innovations": {"type": "integer"}},
        },
    },
}


def document(server_url):
    """The OpenAPI 3.1 document, with this deployment's base URL."""
    path = {"name": None, "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Suar API",
            "version": "1",
            "description": "Read-only, public data of Suar: innovations, replications, networks, regions and "
            "statistics. No login. Lists are paged (`page`, `per_page` up to 100) with a `Link` header; "
            "answers carry an `ETag` (send `If-None-Match` for a 304); CORS allows any origin to read.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/innovations": {
                "get": {
                    "summary": "Innovations in rank order, with facets",
                    "parameters": INNOVATION_FILTERS,
                    "responses": {"200": _json(_ref("InnovationList")), **ERRORS},
                }
            },
            "/innovations/{slug}": {
                "get": {
                    "summary": "One innovation, its body and replications",
                    "parameters": [{**path, "name": "slug"}],
                    "responses": {"200": _json(_ref("InnovationRecord")), **ERRORS},
                }
            },
            "/replications": {
                "get": {
                    "summary": "Replications",
                    "parameters": [
                        _query("innovation", "Innovation slug"),
                        _query("adopter_region", "Region code of the adopter"),
                        _query("status", "Replication stage", {"type": "string", "enum": list(REPLICATION_STAGES)}),
                        _query("network", "Network slug"),
                        *PAGING,
                    ],
                    "responses": {"200": _json(_ref("ReplicationList")), **ERRORS},
                }
            },
            "/networks": {
                "get": {
                    "summary": "The JIPP networks",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["items", "total"],
                                "properties": {
                                    "items": {"type": "array", "items": _ref("NetworkSummary")},
                                    "total": {"type": "integer"},
                                },
                            }
                        ),
                        **ERRORS,
                    },
                }
            },
            "/networks/{slug}": {
                "get": {
                    "summary": "A network: members, coordinators, activities",
                    "parameters": [{**path, "name": "slug"}],
                    "responses": {"200": _json(_ref("Network")), **ERRORS},
                }
            },
            "/regions/{code}": {
                "get": {
                    "summary": "A region, what it owns and what it adopted",
                    "parameters": [{**path, "name": "code"}],
                    "responses": {"200": _json(_ref("Region")), **ERRORS},
                }
            },
            "/stats/composition": {
                "get": {
                    "summary": "Distinct owners and innovations per owner kind for an award stage",
                    "parameters": [
                        _query("year", "Competition year", {"type": "integer"}),
                        _query("award", "Award stage", {"type": "string", "enum": list(AWARD_STAGES)}),
                    ],
                    "responses": {"200": _json(_ref("Composition")), **ERRORS},
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
