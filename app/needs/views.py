"""Needs pages: the list, a need with its suggestions, posting and changing one, its status,
a case study suggested by hand, and a network's board."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.permissions import coordinated_networks, member_ids
from app.catalog.filters import FilterError
from app.catalog.models import Owner, Sector
from app.changes import commit
from app.extensions import csrf, db
from app.needs import panels, queries, services  # noqa: F401 - panels registers itself
from app.needs.access import need_or_404
from app.needs.forms import DeleteForm, NeedForm, StatusForm, SuggestionForm
from app.needs.labels import (
    BUDGET_LABELS,
    CONNECTIVITY_LABELS,
    STAFF_LABELS,
    STATUS_LABELS,
    TERRAIN_LABELS,
    VISIBILITY_LABELS,
)
from app.needs.models import STATUSES
from app.needs.suggestions import innovation_from_text
from app.networks.access import network_or_404
from app.networks.models import Network
from app.regions.models import Region
from app.replication import interest_links
from app.replication.models import Replication

bp = Blueprint("needs", __name__)

# "Kami ingin mereplikasi ini" from a suggestion: the replication's interest form finds the
# need and links the interest through these (replication never imports needs).
interest_links.register(lambda need_id, user: need_or_404(need_id, user, "need.replicate"), services.link_interest)
csrf.exempt(bp)  # each form checks its own token and re-renders with a clear message


@bp.app_context_processor
def _labels():
    return {
        "need_status_labels": STATUS_LABELS,
        "need_visibility_labels": VISIBILITY_LABELS,
        "need_budget_labels": BUDGET_LABELS,
        "need_connectivity_labels": CONNECTIVITY_LABELS,
        "need_staff_labels": STAFF_LABELS,
        "need_terrain_labels": TERRAIN_LABELS,
    }


@bp.get("/kebutuhan")
def index():
    """The needs the reader may see, with filters and pages."""
    try:
        filters = queries.parse_filters(request.args)
    except FilterError as error:
        return render_template("needs/index.html", error=error.message, **_choices()), 400
    total, needs = queries.page_of(current_user, filters)
    return render_template(
        "needs/index.html", error=None, filters=filters, total=total, needs=needs,
        pages=max(1, -(-total // filters.per_page)), **_choices(),
    )  # fmt: skip


def _choices():
    locale = str(get_locale())
    return {
        "sector_choices": [
            (s.slug, s.name(locale)) for s in db.session.scalars(sa.select(Sector).order_by(Sector.slug))
        ],
        "province_choices": [
            (r.code, r.name)
            for r in db.session.scalars(sa.select(Region).where(Region.kind == "province").order_by(Region.code))
        ],
        "network_choices": [(n.slug, n.name) for n in db.session.scalars(sa.select(Network).order_by(Network.name))],
        "statuses": STATUSES,
        "can_create": current_user.can("need.create"),
    }


def _owners(user):
    """The owners ``user`` may post a need for: their own, and the members of their networks."""
    ids = set(member_ids(coordinated_networks(user)))
    if user.has_role("official") and user.owner_id is not None:
        ids.add(user.owner_id)
    return list(db.session.scalars(sa.select(Owner).where(Owner.id.in_(ids)).order_by(Owner.name))) if ids else []


def _need_form(need=None):
    form = NeedForm(obj=None)
    owners = _owners(current_user) if need is None else [need.owner]
    form.set_choices(owners, db.session.scalars(sa.select(Sector).order_by(Sector.slug)), str(get_locale()))
    if request.method == "GET" and need is not None:
        form.owner.data = str(need.owner_id)
        for name in ("title", "problem", "affected", "deadline", "visibility"):
            getattr(form, name).data = getattr(need, name)
        for name in ("budget", "connectivity", "staff"):
            getattr(form, name).data = getattr(need, name) or ""
        form.terrain.data = need.terrains
        form.sectors.data = [s.slug for s in need.sectors]
        form.version.data = str(need.version)
    elif request.method == "GET":
        form.visibility.data = "signed_in"
        if len(owners) == 1:
            form.owner.data = str(owners[0].id)
    return form


def _values(form):
    return {
        "title": form.title.data, "problem": form.problem.data, "affected": form.affected.data,
        "budget": form.budget.data, "connectivity": form.connectivity.data, "staff": form.staff.data,
        "terrain": form.terrain.data or [], "sectors": form.sectors.data or [], "deadline": form.deadline.data,
        "visibility": form.visibility.data,
    }  # fmt: skip


def _attach(form, refused):
    """Show a refusal by its field (or on top); the answer's status is the refusal's."""
    field = getattr(form, refused.field, None) if refused.field else None
    if field is not None:
        field.errors = [*field.errors, str(refused.message)]
    else:
        flash(str(refused.message), "error")
    return refused.status


@bp.route("/kebutuhan/baru", methods=["GET", "POST"])
@login_required
def new():
    """Post a need for one's own owner (or, for a coordinator, for a member)."""
    if not current_user.can("need.create"):
        abort(403)
    form = _need_form()
    if form.validate_on_submit():
        owner = db.session.get(Owner, int(form.owner.data))
        need, refused = commit(services.create, current_user, owner, **_values(form))
        if refused is None:
            flash(_("Kebutuhan dipasang. Berikut studi kasus yang mungkin cocok."), "success")
            return redirect(url_for("needs.show", need_id=need.id))
        return render_template("needs/form.html", form=form, need=None), _attach(form, refused)
    return render_template("needs/form.html", form=form, need=None), (400 if form.errors else 200)


@bp.route("/kebutuhan/<int:need_id>/ubah", methods=["GET", "POST"])
@login_required
def edit(need_id):
    need = need_or_404(need_id, current_user, "need.edit")
    form = _need_form(need)
    if form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else -1
        _done, refused = commit(services.update, need, current_user, expected_version=version, **_values(form))
        if refused is None:
            flash(_("Kebutuhan disimpan."), "success")
            return redirect(url_for("needs.show", need_id=need.id))
        status, need = _attach(form, refused), need_or_404(need_id, current_user)
        form.version.data = str(need.version)  # what they now see is what they may save over
        return render_template("needs/form.html", form=form, need=need), status
    return render_template("needs/form.html", form=form, need=need), (400 if form.errors else 200)


@bp.get("/kebutuhan/<int:need_id>")
def show(need_id):
    """A need, the case studies Suar suggests for it, and those suggested by hand."""
    need = need_or_404(need_id, current_user)
    refusal, suggested = queries.suggestions_for(need)
    return render_template(
        "needs/show.html",
        need=need,
        refusal=refusal,
        suggested=suggested,
        by_hand=[s for s in need.suggestions if s.innovation.is_public],
        linked=_linked_replications(need),
        can_edit=current_user.can("need.edit", need),
        can_delete=current_user.can("need.delete", need),
        can_suggest=current_user.can("need.suggest", need),
        can_replicate=current_user.can("need.replicate", need),
        show_author=current_user.is_authenticated and current_user.is_active,
        status_form=_status_form(need) if current_user.can("need.edit", need) else None,
        suggestion_form=SuggestionForm() if current_user.can("need.suggest", need) else None,
    )


def _linked_replications(need):
    """The replications asked for from this need that the reader may see."""
    query = sa.select(Replication).where(Replication.need_id == need.id, Replication.is_public).order_by(Replication.id)
    return [r for r in db.session.scalars(query) if current_user.can("replication.view", r)]


def _status_form(need):
    form = StatusForm()
    adopted = sa.select(Replication).where(Replication.adopter_id == need.owner_id, Replication.is_public)
    form.replication.choices = [("", _("Belum ada"))] + [
        (str(r.id), f"{r.innovation.title} ({r.innovation.owner.name})") for r in db.session.scalars(adopted)
    ]
    form.status.choices = [(s, STATUS_LABELS[s]) for s in services.TRANSITIONS[need.status]]
    if request.method == "GET":
        form.version.data = str(need.version)
    return form


@bp.route("/kebutuhan/<int:need_id>/status", methods=["GET", "POST"])
@login_required
def status(need_id):
    need = need_or_404(need_id, current_user, "need.edit")
    form = _status_form(need)
    if form.validate_on_submit():
        replication = db.session.get(Replication, int(form.replication.data)) if form.replication.data else None
        version = int(form.version.data) if (form.version.data or "").isdigit() else -1
        _done, refused = commit(services.change_status, need, current_user, form.status.data,
                                expected_version=version, replication=replication)  # fmt: skip
        if refused is None:
            flash(_("Status kebutuhan diubah."), "success")
            return redirect(url_for("needs.show", need_id=need.id))
        status, need = _attach(form, refused), need_or_404(need_id, current_user)
        form.version.data = str(need.version)
        return render_template("needs/status.html", need=need, form=form), status
    return render_template("needs/status.html", need=need, form=form), (400 if form.errors else 200)


@bp.route("/kebutuhan/<int:need_id>/hapus", methods=["GET", "POST"])
@login_required
def delete(need_id):
    """Delete a need for good, after a confirmation that says what goes and what stays."""
    need = need_or_404(need_id, current_user, "need.delete")
    form = DeleteForm()
    status = 200
    if form.validate_on_submit():
        title = need.title
        _done, refused = commit(services.delete, need, current_user)
        if refused is None:
            flash(_("Kebutuhan “%(title)s” dihapus.", title=title), "success")
            return redirect(url_for("needs.index"))
        status, need = _attach(form, refused), need_or_404(need_id, current_user, "need.delete")
    elif form.errors:
        status = 400
    return render_template("needs/delete.html", need=need, form=form, linked=_linked_replications(need)), status


@bp.route("/kebutuhan/<int:need_id>/usulan", methods=["GET", "POST"])
@login_required
def suggest(need_id):
    """A coordinator names a published case study for the need; its author is told."""
    need = need_or_404(need_id, current_user, "need.suggest")
    form = SuggestionForm()
    if form.validate_on_submit():
        innovation = innovation_from_text(form.innovation.data)
        _done, refused = commit(services.add_suggestion, need, current_user, innovation, form.note.data)
        if refused is None:
            flash(_("Usulan disimpan; penulis kebutuhan diberi tahu."), "success")
            return redirect(url_for("needs.show", need_id=need.id))
        status = _attach(form, refused)
        return render_template("needs/suggest.html", need=need_or_404(need_id, current_user), form=form), status
    return render_template("needs/suggest.html", need=need, form=form), (400 if form.errors else 200)


@bp.get("/jaringan/<slug>/kebutuhan")
def network(slug):
    """Every need of a network's members that the reader may see, on one board."""
    item = network_or_404(slug, current_user)
    return render_template("needs/network.html", network=item, needs=queries.network_board(current_user, item))
