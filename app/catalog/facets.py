"""Facet options as a page shows them: label, count, the link that applies or removes it.

The catalogue and the search page show the same facets, from counts keyed by the values
the query string uses (``"true"``, ``"2020"``, ``"kesehatan"``).
"""

from flask_babel import get_locale

from app.catalog import reference
from app.catalog.filters import SORTS, param
from app.catalog.labels import (
    AWARD_STAGE_LABELS,
    COST_BAND_LABELS,
    FACET_TITLES,
    OWNER_KIND_LABELS,
    SORT_LABELS,
    STAGE_LABELS,
    YES_NO,
)
from app.urls import query_links

_FIXED = {
    "owner_kind": OWNER_KIND_LABELS,
    "stage": STAGE_LABELS,
    "award": AWARD_STAGE_LABELS,
    "digital": {param(k): v for k, v in YES_NO.items()},
    "replicated": {param(k): v for k, v in YES_NO.items()},
    "cost": COST_BAND_LABELS,
    "no_new_regulation": {param(k): v for k, v in YES_NO.items()},
}


def _names(listing, values):
    locale = str(get_locale())
    return {value: reference.name(listing[value], locale) for value in values if value in listing}


def labels(facet, values):
    """``{value: label}`` for the values of one facet, in the reader's language."""
    values = list(values)
    if facet == "sector":
        return _names(reference.sectors(), values)
    if facet == "theme":
        return _names(reference.themes(), values)
    if facet == "province":
        known = reference.regions()
        return {value: known[value][0] for value in values if value in known}
    if facet in _FIXED:
        return _FIXED[facet]
    return {value: value for value in values}


def _order(facet, options):
    if facet == "year":
        return sorted(options, key=lambda o: -int(o["value"]))
    if facet in ("sector", "theme", "province"):
        return sorted(options, key=lambda o: (-o["count"], str(o["label"])))
    if facet in _FIXED:  # the order of the codes (stages from initiative on, yes before no)
        order = list(_FIXED[facet])
        return sorted(options, key=lambda o: order.index(o["value"]) if o["value"] in order else len(order))
    return options


def facet_options(filters, counts, endpoint):
    """For each facet: its title, its options (selected or not) and a link that clears it."""
    facets = []
    link = query_links(endpoint)
    for facet, values in counts.items():
        chosen = getattr(filters, facet)
        selected = param(chosen) if chosen is not None else None
        shown = dict(values)
        if selected is not None:
            shown.setdefault(selected, 0)  # a filter that gives nothing stays visible, to clear it
        names = labels(facet, shown)
        options = [
            {
                "value": value,
                "label": names.get(value, value),
                "count": count,
                "selected": value == selected,
                "url": link(filters.to_args(**{facet: None if value == selected else value}, page=1)),
            }
            for value, count in shown.items()
        ]
        facets.append(
            {
                "name": facet,
                "title": FACET_TITLES[facet],
                "options": _order(facet, options),
                "selected": selected,
                "clear_url": link(filters.to_args(**{facet: None}, page=1)),
            }
        )
    return facets


def sort_choices(filters):
    """``(value, label)`` of the sorts a reader may choose (relevance only with a query)."""
    return [(name, SORT_LABELS[name]) for name in SORTS if name != "relevance" or filters.q]
