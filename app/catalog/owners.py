"""Finding the owner that a member, participant or official stands for.

Network members, adopters and officials are regional governments, many of which have no
case study yet and so no Owner row; these helpers find the government owner of a region or
create it, named after the official region (as the importer names it).
"""

import sqlalchemy as sa

from app.catalog.models import GOVERNMENT_KINDS, Owner
from app.extensions import db
from app.regions.models import Region
from app.slugs import slugify


def government_owner(region):
    """The owner that is the government of ``region``, created (flushed) when missing."""
    query = sa.select(Owner).where(Owner.region_code == region.code, Owner.kind.in_(GOVERNMENT_KINDS))
    owner = db.session.scalars(query).first()
    if owner is None:
        owner = Owner(name=region.display_name, kind=region.kind, region_code=region.code)
        owner.slug = free_slug(slugify(owner.name, max_length=150))
        db.session.add(owner)
        db.session.flush()
    return owner


def resolve_owner(text):
    """The owner named by a region code (``35.78``), an owner slug or an owner's exact name.

    A region code gives that region's government, created when missing. None when
    nothing matches.
    """
    text = " ".join((text or "").split())
    if not text:
        return None
    region = db.session.get(Region, text)
    if region is not None:
        return government_owner(region)
    owner = db.session.scalars(sa.select(Owner).where(Owner.slug == text)).first()
    if owner is None:
        owner = db.session.scalars(sa.select(Owner).where(sa.func.lower(Owner.name) == text.lower())).first()
    if owner is None and slugify(text):
        owner = db.session.scalars(sa.select(Owner).where(Owner.slug == slugify(text))).first()
    return owner


def free_slug(base):
    """``base``, or ``base-2``, ``base-3``... whichever no owner has yet."""
    taken = set(db.session.scalars(sa.select(Owner.slug).where(Owner.slug.startswith(base, autoescape=True))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
