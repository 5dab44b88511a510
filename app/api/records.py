"""``/api/v1`` records: one innovation, replications, networks, regions, statistics; and
what every API answer carries: paging links, an ETag (304 on a match), read-only CORS."""

import sqlalchemy as sa
from flask import current_app, jsonify, request, url_for
from sqlalchemy.orm import selectinload

from app.accounts.models import AnonymousUser
from app.api import openapi
from app.api.blueprint import bp
from app.api.exports import replication_query
from app.api.serializers import image_item, indicator_item, innovation_item, kit_item, reported_item
from app.catalog.access import innovation_or_none
from app.catalog.filters import MAX_PAGE, MAX_PER_PAGE, FilterError
from app.catalog.models import AWARD_STAGES, Innovation, Owner
from app.extensions import db, limiter
from app.networks.models import Network
from app.networks.queries import memberships
from app.regions.models import Region
from app.replication.models import Replication, ReplicationIndicator
from app.slugs import is_valid_slug
from app.stats.queries import composition

# The API is read by anyone and answers alike for everyone: what the public may see.
PUBLIC = AnonymousUser()
# Per address, one budget shared by every API route (declared once, when this module is
# imported): a plain limit on a blueprint counts each route apart.
limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api")(bp)


def _paging(args):
    def number(name, default, high):
        value = args.get(name, "")
        if value == "":
            return default
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= high:
            raise FilterError(name, f"must be a whole number from 1 to {high}")
        return int(value)

    return number("page", 1, MAX_PAGE), number("per_page", 20, MAX_PER_PAGE)


def replication_item(replication):
    """A replication as the API shows it."""
    adopter = replication.adopter
    return {
        "id": replication.id,
        "innovation": {"slug": replication.innovation.slug, "title": replication.innovation.title},
        "adopter": {"name": adopter.name, "kind": adopter.kind, "region_code": adopter.region_code},
        "adopter_unit": replication.adopter_unit.name if replication.adopter_unit else None,
        "network": replication.network.slug if replication.network else None,
        "local_name": replication.local_name,
        "transfer_mode": replication.transfer_mode,
        "status": replication.stage,
        "stage_dates": {s: replication.stage_date(s).isoformat() for s in _stages() if replication.stage_date(s)},
        "budget_source": replication.budget_source,
        "legal_basis": replication.legal_basis,
        "evidence": replication.evidence_links,
        "outcome": {"value": replication.outcome_value, "unit": replication.outcome_unit}
        if replication.outcome_value is not None
        else None,
        "indicators": [
            reported_item(v) for v in sorted(replication.indicator_values, key=lambda v: v.indicator.number)
        ],
        "url": url_for("replication.show", replication_id=replication.id, _external=True),
    }


def _stages():
    from app.replication.models import STAGES

    return STAGES


@bp.get("/innovations/<slug>")
def innovation(slug):
    """The whole record of one innovation, with its sanitised body and its replications."""
    item = innovation_or_none(slug, PUBLIC) if is_valid_slug(slug) else None
    if item is None:
        return jsonify(error=f"no innovation {slug[:120]!r}"), 404
    record = innovation_item(item)
    replications = db.session.scalars(
        sa.select(Replication).where(Replication.innovation_id == item.id).order_by(Replication.id)
    ).all()
    record.update(
        institution=item.institution.name,
        started=item.started,
        digital=item.digital,
        legal_basis=item.legal_basis,
        language=item.language,
        body_html=item.body_html,
        indicators=[indicator_item(i) for i in item.indicators],
        kit=kit_item(item),
        replications=[replication_item(r) for r in replications],
    )
    return jsonify(record)


@bp.get("/replications")
def replications():
    """Replications filtered by ``innovation``, ``adopter_region``, ``status``, ``network``."""
    page, per_page = _paging(request.args)
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
    query = replication_query(args)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(
        query.options(
            selectinload(Replication.innovation),
            selectinload(Replication.adopter),
            selectinload(Replication.indicator_values).selectinload(ReplicationIndicator.indicator),
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return jsonify(items=[replication_item(r) for r in rows], total=total, page=page, per_page=per_page)


def _network_summary(network):
    return {
        "slug": network.slug,
        "name": network.name,
        "province": {"code": network.province_code, "name": network.province.name},
        "launched": network.launched,
        "url": url_for("networks.show", slug=network.slug, _external=True),
    }


@bp.get("/networks")
def networks():
    items = db.session.scalars(sa.select(Network).order_by(Network.name)).all()
    return jsonify(items=[_network_summary(n) for n in items], total=len(items))


@bp.get("/networks/<slug>")
def network(slug):
    """A network: members, coordinators' names, activities."""
    item = None
    if is_valid_slug(slug):
        item = db.session.scalar(sa.select(Network).where(Network.slug == slug))
    if item is None:
        return jsonify(error=f"no network {slug[:120]!r}"), 404
    record = _network_summary(item)
    record.update(
        legal_basis=item.legal_basis,
        description_html=item.description_html,
        members=[
            {
                "name": m.owner.name,
                "kind": m.owner.kind,
                "region_code": m.owner.region_code,
                "role": m.role,
                "since": m.since.isoformat() if m.since else None,
            }
            for m in memberships(item)
        ],  # fmt: skip
        coordinators=[user.name for user in item.coordinators if user.active],
        activities=[
            {
                "id": a.id,
                "kind": a.kind,
                "title": a.title,
                "date": a.date.isoformat(),
                "place": a.place,
                "images": [image_item(image) for image in a.images],
            }
            for a in item.activities
        ],
    )
    return jsonify(record)


@bp.get("/regions/<code>")
def region(code):
    """A region, the innovations it owns, and the innovations it adopted."""
    item = db.session.get(Region, code[:13])
    if item is None:
        return jsonify(error=f"no region {code[:13]!r}"), 404
    owned = db.session.scalars(
        sa.select(Innovation)
        .where(Innovation.region_code == item.code, Innovation.is_public)
        .order_by(Innovation.year.desc())
    ).all()
    adopted = db.session.scalars(
        sa.select(Replication)
        .where(Replication.is_public, Replication.adopter.has(Owner.region_code == item.code))
        .order_by(Replication.id)
    ).all()
    return jsonify(
        code=item.code,
        name=item.name,
        kind=item.kind,
        parent=item.parent_code,
        lat=item.lat,
        lon=item.lon,
        innovations=[innovation_item(i) for i in owned],
        adopted=[replication_item(r) for r in adopted],
    )


@bp.get("/stats/composition")
def stats_composition():
    """Per owner kind, distinct owners and innovations that reached ``award`` in ``year``."""
    unknown = sorted(set(request.args) - {"year", "award"})
    if unknown:
        raise FilterError(unknown[0], "is not a known parameter")
    year, award = request.args.get("year", ""), request.args.get("award", "top99")
    if not (year.isascii() and year.isdigit() and 1990 <= int(year) <= 2100):
        raise FilterError("year", "is required: a year such as 2019")
    if award not in AWARD_STAGES:
        raise FilterError("award", f"must be one of {', '.join(AWARD_STAGES)}")
    return jsonify(composition(int(year), award))


@bp.get("/openapi.json")
def openapi_document():
    base = url_for("api.innovations", _external=True).rsplit("/innovations", 1)[0]
    return jsonify(openapi.document(base, openapi.vocabulary()))


@bp.after_request
def _api_headers(response):
    if response.headers.get("X-Page-Cache") == "hit":  # stored with every header below
        response.make_conditional(request)
        return response
    # Read-only, public data: any site may read it from a browser.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Link"
    response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
    if response.status_code == 200 and response.is_json:
        _link_header(response)
        response.add_etag()
        response.make_conditional(request)
    return response


def _link_header(response):
    body = response.get_json(silent=True)
    if not isinstance(body, dict) or not {"total", "page", "per_page"} <= set(body):
        return
    last = max(1, -(-body["total"] // body["per_page"]))
    args = request.args.to_dict()
    links = []
    for rel, page in (("first", 1), ("prev", body["page"] - 1), ("next", body["page"] + 1), ("last", last)):
        if 1 <= page <= last and (rel in ("first", "last") or page != body["page"]):
            url = url_for(request.endpoint, **{**(request.view_args or {}), **args, "page": page}, _external=True)
            links.append(f'<{url}>; rel="{rel}"')
    if links:
        response.headers["Link"] = ", ".join(links)
