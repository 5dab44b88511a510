"""Costs and resources of a case study: the budget sources, the cost bands the catalogue
filters on, and the limits every path (file, form, table) shares (docs/decisions/0080).

The bands are defined here once: the filter (SQL and the search index's facts), the facet
labels and the API all read them, so ``cost=50-500jt`` means one range everywhere.
"""

import sqlalchemy as sa

BUDGET_SOURCES = ("apbd", "apbn", "dak", "dana_desa", "csr", "other")
# Rupiah, whole numbers: beyond 10^15 (a thousand trillion) is a typing error, not a cost.
MAX_RUPIAH = 10**15
MAX_STAFF = 100_000
MAX_MONTHS = 600
PREREQUISITES = ("infrastructure", "regulation", "partners")
MAX_PREREQUISITE = 500
# The set-up cost bands, lowest first: (name, lowest included, highest excluded or None).
JUTA = 1_000_000
COST_BANDS = (
    ("lt50jt", 0, 50 * JUTA),
    ("50-500jt", 50 * JUTA, 500 * JUTA),
    ("gt500jt", 500 * JUTA, None),
)
UNKNOWN = "unknown"
COST_BAND_NAMES = (*(name for name, _low, _high in COST_BANDS), UNKNOWN)


def band_of(setup_cost):
    """The band a set-up cost falls in (``unknown`` when it is not known)."""
    if setup_cost is None:
        return UNKNOWN
    for name, low, high in COST_BANDS:
        if setup_cost >= low and (high is None or setup_cost < high):
            return name
    return UNKNOWN  # negative: never stored (the rules refuse it)


def band_sql(column, band):
    """SQL: ``column`` (a set-up cost) lies in ``band``."""
    if band == UNKNOWN:
        return column.is_(None)
    low, high = next((low, high) for name, low, high in COST_BANDS if name == band)
    return sa.and_(column >= low, column < high) if high is not None else column >= low


def band_case(column):
    """SQL: the band of ``column``, for counting a facet in one GROUP BY."""
    whens = [(band_sql(column, name), name) for name, _low, _high in COST_BANDS]
    return sa.case(*whens, else_=sa.literal(UNKNOWN))
