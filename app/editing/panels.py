"""The status of a case study and the way to its form and history, shown on the case-study
page (app.panels) to the people who may work on it; the public sees nothing of it."""

from flask import render_template
from flask_login import current_user

from app import panels
from app.editing import history
from app.editing.forms import ReviewForm
from app.editing.labels import STATUS_LABELS


@panels.provide("innovation_status", order=10)
def status_banner(innovation):
    """Status, the editor's last comment when returned, and links to edit and to the history."""
    if not (current_user.can("innovation.edit", innovation) or current_user.can("innovation.history", innovation)):
        return None
    returned = history.last_return(innovation) if innovation.status == "returned" else None
    form = ReviewForm(formdata=None, version=str(innovation.version))
    return render_template(
        "editing/_status_panel.html",
        innovation=innovation,
        returned=returned,
        form=form,
        status_labels=STATUS_LABELS,
    )
