"""Public catalogue pages."""

import sqlalchemy as sa
from flask import Blueprint, render_template

from app.catalog.models import Innovation
from app.extensions import db

bp = Blueprint("catalog", __name__)


@bp.get("/")
def home():
    latest = db.session.scalars(sa.select(Innovation).order_by(Innovation.year.desc(), Innovation.title).limit(12))
    total = db.session.scalar(sa.select(sa.func.count(Innovation.id)))
    return render_template("catalog/home.html", latest=list(latest), total=total)
