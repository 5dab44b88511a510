"""What the replication feature shows on other features' pages (see app.panels)."""

from collections import Counter

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import contains_eager, joinedload

from app import panels
from app.accounts.permissions import member_ids
from app.catalog.models import Owner
from app.datagen import scopes
from app.extensions import db
from app.regions.maps import province_map
from app.replication.models import PROGRESS, STAGES, Replication, ReplicationIndicator


def _of(*where, cache_tags=None):
    # A case study that is not public (a draft, archived) does not show through its replications.
    # Each row's adopter and its region (the table and the map show both) come joined: one
    # query, whatever the number of replications.
    query = (
        sa.select(Replication)
        .where(*where, Replication.is_public)
        .order_by(Replication.updated_at.desc(), Replication.id.desc())
        .options(joinedload(Replication.adopter, innerjoin=True).joinedload(Owner.region))
    )
    if cache_tags is not None:  # what a cached page showing them depends on (docs/decisions/0091)
        query = query.execution_options(cache_tags=cache_tags)
    return list(db.session.scalars(query))


def adopter_map(replications, title, highlight=()):
    """Provinces coloured by the number of adopters in them, each adopting regency or city a
    dot at its place, and the legend."""
    counts = Counter((r.adopter.region_code or "").split(".")[0] for r in replications if r.adopter.region_code)
    places = {r.adopter.region: None for r in replications if r.adopter.region is not None}
    points = [(p.lat, p.lon, p.name) for p in places if p.kind != "province" and p.lat is not None]
    return province_map(dict(counts), title, highlight=highlight, points=points)


@panels.provide("innovation", order=10)
def case_study(innovation):
    replications = _of(Replication.innovation_id == innovation.id, cache_tags={scopes.replications_of(innovation.id)})
    shown = [r for r in replications if r.stage != "discontinued"]
    map_svg = legend = None
    if shown:
        map_svg, legend = adopter_map(shown, _("Daerah yang mereplikasi %(title)s", title=innovation.title))
    return render_template(
        "replication/_case_study.html",
        innovation=innovation,
        replications=replications,
        replicated=[r for r in replications if r.counts_as_replicated],
        map_svg=map_svg,
        legend=legend,
        can_log=current_user.can("innovation.log_replication", innovation),
        can_interest=current_user.can("innovation.express_interest", innovation),
        already=next(
            (
                r
                for r in replications
                if r.adopter_id == getattr(current_user.owner, "id", None) and r.stage != "discontinued"
            ),
            None,
        ),
    )


@panels.provide("innovation", order=5)
def indicator_comparison(innovation):
    """The origin's figures beside each adopter's that reported its own, indicator by indicator."""
    if not innovation.indicators:
        return ""
    query = (
        sa.select(ReplicationIndicator)
        .join(Replication)
        .where(Replication.innovation_id == innovation.id, Replication.is_public)
        .order_by(Replication.id)
        .options(contains_eager(ReplicationIndicator.replication).joinedload(Replication.adopter, innerjoin=True))
        .execution_options(cache_tags={scopes.replications_of(innovation.id)})
    )
    reported = {}
    for value in db.session.scalars(query):
        if value.baseline_value is not None or value.result_value is not None:
            reported.setdefault(value.indicator_id, []).append(value)
    if not reported:
        return ""
    rows = [(indicator, reported[indicator.id]) for indicator in innovation.indicators if indicator.id in reported]
    return render_template("replication/_indicators.html", innovation=innovation, rows=rows)


def _ours(replication):
    return replication.adopter_id == getattr(current_user.owner, "id", None)


@panels.provide("owner", order=10)
def owner_page(owner):
    adopted = _of(Replication.adopter_id == owner.id)
    from app.catalog.models import Innovation

    exported = _of(Replication.innovation.has(Innovation.owner_id == owner.id))
    return render_template("replication/_owner.html", adopted=adopted, exported=exported)


@panels.provide("region", order=10)
def region_page(region):
    adopted = _of(Replication.adopter.has(Owner.region_code == region.code))
    return render_template("replication/_region.html", region=region, adopted=adopted)


@panels.provide("network", order=10)
def network_page(network):
    members = member_ids([network])
    replications = _of(sa.or_(Replication.network_id == network.id, Replication.adopter_id.in_(members or {0})))
    pipeline = {stage: [r for r in replications if r.stage == stage] for stage in STAGES}
    map_svg = legend = None
    if replications:
        map_svg, legend = adopter_map(
            [r for r in replications if r.stage != "discontinued"],
            _("Daerah yang mereplikasi melalui %(network)s", network=network.name),
            highlight={network.province_code},
        )
    return render_template(
        "replication/_network.html",
        network=network,
        pipeline=pipeline,
        progress=PROGRESS,
        map_svg=map_svg,
        legend=legend,
    )


@panels.provide("activity", order=10)
def produced_by_activity(activity):
    """The replications that came out of a network activity (those anyone may see)."""
    replications = _of(Replication.activity_id == activity.id)
    return render_template("replication/_activity.html", replications=replications)
