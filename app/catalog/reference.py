"""The reference lists a filter checks its value against and a facet takes its labels from:
sectors, themes and regions, remembered per data generation (app/memo.py).

A catalogue, search or API request asked the database whether ``?sector=kesehatan`` names
a sector, what kind of region ``?province=33`` is, and then the names of every sector,
theme and province its facets show: one statement each, for lists that change only when
the reference data is imported again. A change of a sector, theme or region is not one of
the narrow kinds of write (app/datagen/scopes.py): it drops every remembered figure, these
lists with them (``deps=frozenset()``: no narrower write touches them).
"""

from types import MappingProxyType

import sqlalchemy as sa

from app.catalog.models import Sector, Theme
from app.extensions import db
from app.memo import per_generation
from app.regions.models import Region

LOCALES = ("id", "en")


def _names(model):
    rows = db.session.scalars(sa.select(model))
    return MappingProxyType({row.slug: MappingProxyType({loc: row.name(loc) for loc in LOCALES}) for row in rows})


def name(names, locale):
    """A sector's or theme's name in ``locale``: the one ``Sector.name`` gave for it, or for
    a language not kept, the one it gives every language but English (Indonesian)."""
    return names.get(locale, names[LOCALES[0]])


@per_generation(deps=frozenset())
def sectors():
    """``{slug: {locale: name}}`` of every sector (read only)."""
    return _names(Sector)


@per_generation(deps=frozenset())
def themes():
    """``{slug: {locale: name}}`` of every theme (read only)."""
    return _names(Theme)


@per_generation(deps=frozenset())
def regions():
    """``{code: (name, kind)}`` of every official region (read only)."""
    rows = db.session.execute(sa.select(Region.code, Region.name, Region.kind))
    return MappingProxyType({code: (name, kind) for code, name, kind in rows})
