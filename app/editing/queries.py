"""The lists of the editing pages: an author's case studies, the editors' review queue."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.catalog.models import Innovation
from app.extensions import db

LIST_LIMIT = 200


def _listed(query):
    query = query.options(selectinload(Innovation.owner)).order_by(Innovation.updated_at.desc(), Innovation.id.desc())
    return list(db.session.scalars(query.limit(LIST_LIMIT)))


def of_author(user):
    """Case studies the user wrote, or that belong to the owner they are an official of."""
    mine = Innovation.created_by_id == user.id
    if user.has_role("official") and user.owner_id is not None:
        mine = sa.or_(mine, Innovation.owner_id == user.owner_id)
    return _listed(sa.select(Innovation).where(mine))


def with_status(*statuses):
    """Case studies in one of ``statuses`` (the review queue is ``submitted``)."""
    return _listed(sa.select(Innovation).where(Innovation.status.in_(statuses)))


def by_slug(slug):
    """The case study with this slug, whatever its status, or None."""
    if "\x00" in slug:  # PostgreSQL refuses NUL in text: no slug holds one
        return None
    return db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug[:120]))


def waiting_for_review():
    """How many case studies wait in the review queue (the editors' count in the header)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Innovation).where(Innovation.status == "submitted"))
