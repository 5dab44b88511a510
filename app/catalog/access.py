"""Loading a catalogue record for a request: one loader per record, with visibility and
permission built in (docs/decisions/0039). A record the user may not see is a 404, everywhere;
one they may see but not act on is a 403. Views, form choice lists, imports and the API all
load through these."""

import sqlalchemy as sa
from flask import abort

from app.catalog.models import Innovation, Owner
from app.extensions import db
from app.regions.models import Region

MAX_SLUG = 120


def clean_key(text, limit):
    """``text`` if it could be a key (not too long, no NUL, which PostgreSQL refuses), else None."""
    if not isinstance(text, str) or not text or len(text) > limit or "\x00" in text:
        return None
    return text


def innovation_by_slug(slug, options=()):
    """The case study with this slug, whatever its status, or None (for loaders and services);
    ``options``: loader options, for a page that knows what it will show of it."""
    slug = clean_key(slug, MAX_SLUG)
    if not slug:
        return None
    # unique(): options may join collections (the case-study page joins sectors and themes).
    return db.session.scalars(sa.select(Innovation).where(Innovation.slug == slug).options(*options)).unique().first()


def innovation_or_none(slug, user, action="innovation.view", **context):
    """The case study ``slug`` if ``user`` may see it and take ``action`` on it, else None."""
    innovation = innovation_by_slug(slug)
    if innovation is None or not user.can(action, innovation, **context):
        return None
    return innovation


def innovation_or_404(slug, user, action="innovation.view", options=(), **context):
    """The case study ``slug``: 404 when ``user`` may not see it, 403 when they may see it but
    not take ``action``. ``options``: loader options (innovation_by_slug)."""
    innovation = innovation_by_slug(slug, options)
    if innovation is None or not user.can("innovation.view", innovation):
        abort(404)
    if not user.can(action, innovation, **context):
        abort(403)
    return innovation


def owner_or_404(slug):
    """An owner (public: governments, ministries, agencies and SOEs are all listed)."""
    slug = clean_key(slug, 160)
    owner = db.session.scalar(sa.select(Owner).where(Owner.slug == slug)) if slug else None
    if owner is None:
        abort(404)
    return owner


def region_or_404(code):
    """An official region by its Kemendagri code."""
    code = clean_key(code, 13)
    region = db.session.get(Region, code) if code else None
    if region is None:
        abort(404)
    return region
