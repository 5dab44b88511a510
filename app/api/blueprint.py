"""The API's blueprint, which its views and records share (``/api/v1``)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
