"""Facet options as a page shows them: label, count, the link that applies or removes it."""

import sqlalchemy as sa
from flask import url_for
from flask_babel import get_locale

from app.catalog.labels import AWARD_STAGE_LABELS, FACET_TITLES, OWNER_KIND_LABELS, STAGE_LABELS, YES_NO
from app.catalog.models import Sector, Theme
from app.extensions import db
from app.regions.models import Region


def _names(model):
    locale = str(get_locale())
    return {row.slug: row.name(locale) for row in db.session.scalars(sa.select(model))}


def _labels(facet, values):
    if facet == "sector":
        return _names(Sector)
    if facet == "theme":
        return _names(Theme)
    if facet == "province":
        query = sa.select(Region.code, Region.name).where(Region.code.in_(list(values)))
        return dict(db.session.execute(query).all())
    fixed = {"owner_kind": OWNER_KIND_LABELS, "stage": STAGE_LABELS, "award": AWARD_STAGE_LABELS}
    if facet in fixed:
        return fixed[facet]
    if facet in ("digital", "replicated"):
        return YES_NO
    return {value: str(value) for value in values}


def _order(facet, options):
    if facet == "year":
        return sorted(options, key=lambda o: -o["value"])
    if facet in ("sector", "theme", "province"):
        return sorted(options, key=lambda o: (-o["count"], str(o["label"])))
    return options


def facet_options(filters, counts, endpoint):
    """For each facet: its title, its options (selected or not) and a link that clears it."""
    facets = []
    for facet, values in counts.items():
        labels = _labels(facet, values)
        selected = getattr(filters, facet)
        options = []
        for value, label in (
            labels.items() if facet not in ("year", "province") else ((v, labels.get(v, v)) for v in values)
        ):
            count = values.get(value, 0)
            if not count and value != selected:
                continue
            options.append(
                {
                    "value": value,
                    "param": ("true" if value else "false") if isinstance(value, bool) else value,
                    "label": label,
                    "count": count,
                    "selected": value == selected,
                    "url": url_for(
                        endpoint, **filters.to_args(**{facet: None if value == selected else value}, page=1)
                    ),
                }
            )
        facets.append(
            {
                "name": facet,
                "title": FACET_TITLES[facet],
                "options": _order(facet, options),
                "selected": selected,
                "clear_url": url_for(endpoint, **filters.to_args(**{facet: None}, page=1)),
            }
        )
    return facets
