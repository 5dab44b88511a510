"""A person's bulk runs: what happened to the CSV or the list they confirmed
(docs/decisions/0081). Only the person who sent a run, and admins, see it."""

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from app.extensions import db
from app.jobs.models import BulkRun

bp = Blueprint("jobs", __name__)
PAGE_SIZE = 30
# While a run waits its page reloads itself this often (seconds); it works without JavaScript.
REFRESH_SECONDS = 3
# Where each kind was sent from, to send the next one.
ORIGINS = {"replications": "replication.import_csv", "awards": "editing.award_results"}


def _visible(run):
    return run is not None and (run.user_id == current_user.id or current_user.can("users.manage"))


@bp.get("/proses")
@login_required
def runs():
    """The user's bulk runs, newest first, in pages."""
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= 10_000:
        abort(400)
    page = int(page)
    items = db.session.scalars(
        sa.select(BulkRun)
        .where(BulkRun.user_id == current_user.id)
        .order_by(BulkRun.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    return render_template(
        "jobs/runs.html", runs=items[:PAGE_SIZE], more=len(items) > PAGE_SIZE, page=page, origins=ORIGINS
    )


@bp.get("/proses/<int:run_id>")
@login_required
def run(run_id):
    """One run: waiting (the page reloads itself), done with its counts, or why nothing was written."""
    item = db.session.get(BulkRun, run_id)
    if not _visible(item):
        abort(404)
    response = render_template("jobs/run.html", run=item, origins=ORIGINS, refresh=REFRESH_SECONDS)
    return response
