"""``/jelaskan-masalah``: describe a problem, get the case studies that solved it elsewhere.

Public, no account, nothing stored: the text is read, matched and shown back with the
results; the form is sent by POST so that the text stays out of addresses and server logs.
"""

from flask import Blueprint, render_template, request

from app.networks.queries import region_choices
from app.search.service import innovation_url
from app.suggest.engine import ProblemRefused, suggest
from app.suggest.forms import ProblemForm

bp = Blueprint("suggest", __name__)
SHOWN = 10


@bp.route("/jelaskan-masalah", methods=["GET", "POST"])
def describe():
    """The form; on a valid POST, the suggestions for the problem below it."""
    form = ProblemForm()
    form.set_region_choices(region_choices())
    suggestions, refused, status = None, None, 200
    if request.method == "POST":
        if form.validate():
            try:
                suggestions = suggest(
                    form.problem.data, region_code=form.region.data or None, limit=SHOWN, budget=form.budget_amount()
                )
            except ProblemRefused as error:
                refused, status = str(error), 400
        else:
            status = 400
    return (
        render_template(
            "suggest/describe.html", form=form, suggestions=suggestions, refused=refused, innovation_url=innovation_url
        ),
        status,
    )
