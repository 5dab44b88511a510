"""Network pages for everyone; member and activity pages for the network's coordinators."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import ValidationError

from app.changes import commit
from app.extensions import csrf, db
from app.networks import panels, queries, services  # noqa: F401 - panels registers itself
from app.networks.access import activity_or_404, membership_or_404, network_or_404
from app.networks.forms import (
    ACTIVITY_KIND_LABELS,
    MEMBER_ROLE_LABELS,
    ActivityForm,
    BulkMemberForm,
    MemberForm,
    RemoveMemberForm,
)
from app.regions.models import Region

bp = Blueprint("networks", __name__, url_prefix="/jaringan")
# Each form checks its own CSRF token (Flask-WTF), so that a stale token re-renders the form
# with what was typed and a clear message instead of a bare 400 (docs/decisions/0013).
csrf.exempt(bp)


@bp.context_processor
def _labels():
    return {"kind_labels": ACTIVITY_KIND_LABELS, "role_labels": MEMBER_ROLE_LABELS}


@bp.get("")
def index():
    """Every network, with its members and activities counted."""
    return render_template("networks/index.html", networks=queries.all_networks())


@bp.get("/<slug>")
def show(slug):
    """A network: description, members, coordinators, activities, the members' innovations."""
    network = network_or_404(slug, current_user)
    members = queries.memberships(network)
    innovation_total, innovations = queries.member_innovations(network)
    return render_template(
        "networks/show.html",
        network=network,
        members=members,
        provinces=queries.member_provinces(members),
        innovation_total=innovation_total,
        innovations=innovations,
        can_edit=current_user.can("network.edit", network),
    )


@bp.get("/<slug>/kegiatan/<int:activity_id>")
def activity(slug, activity_id):
    """One activity and its report."""
    activity = activity_or_404(slug, activity_id, current_user)
    return render_template(
        "networks/activity.html",
        network=activity.network,
        activity=activity,
        can_edit=current_user.can("activity.edit", activity),
    )


@bp.route("/<slug>/anggota", methods=["GET", "POST"])
@login_required
def members(slug):
    """The network's members and coordinators, with the form that adds a member."""
    network = network_or_404(slug, current_user, "network.edit")
    form = MemberForm()
    form.set_region_choices(queries.region_choices(first=network.province_code))
    if form.validate_on_submit():
        region = db.session.get(Region, form.region.data)
        membership, refused = commit(services.add_member, network, region, form.role.data, form.since.data)
        if refused is None:
            flash(_("%(owner)s ditambahkan sebagai anggota.", owner=membership.owner.name), "success")
            return redirect(url_for("networks.members", slug=network.slug))
        form.region.errors.append(refused.message)
    return _members_page(network, form=form)


def _members_page(network, form=None, bulk=None, status=200):
    if form is None:
        form = MemberForm(formdata=None)
        form.set_region_choices(queries.region_choices(first=network.province_code))
    return render_template(
        "networks/members.html",
        network=network,
        members=queries.memberships(network),
        form=form,
        bulk=bulk if bulk is not None else BulkMemberForm(formdata=None, prefix="bulk"),
        remove_form=RemoveMemberForm(),
    ), status


@bp.post("/<slug>/anggota/banyak")
@login_required
def add_members(slug):
    """Several members at once, one region per line; one bad line and nobody is added."""
    network = network_or_404(slug, current_user, "network.edit")
    bulk = BulkMemberForm(prefix="bulk")
    pairs = {code: label for _province, regions in queries.region_choices().items() for code, label in regions}
    if bulk.validate_on_submit():
        try:
            codes = bulk.region_codes(pairs)
        except ValidationError as refused:
            bulk.regions.errors.append(str(refused))
        else:
            regions = [db.session.get(Region, code) for code in codes]
            result, refused = commit(services.add_members, network, regions, bulk.role.data, bulk.since.data)
            if refused is not None:
                bulk.regions.errors.append(refused.message)
                return _members_page(network, bulk=bulk, status=400)
            added, already = result
            message = _("%(n)d anggota ditambahkan.", n=len(added))
            if already:
                message += " " + _("Sudah anggota: %(names)s.", names=", ".join(o.name for o in already))
            flash(message, "success")
            return redirect(url_for("networks.members", slug=network.slug))
    return _members_page(network, bulk=bulk, status=400)


@bp.post("/<slug>/anggota/<int:membership_id>/hapus")
@login_required
def remove_member(slug, membership_id):
    """End a membership."""
    membership = membership_or_404(slug, membership_id, current_user)
    network = membership.network
    form = RemoveMemberForm()
    if not form.validate_on_submit():
        flash(form.csrf_token.errors[0] if form.csrf_token.errors else _("Permintaan tidak sah."), "error")
        return redirect(url_for("networks.members", slug=network.slug))
    name = membership.owner.name
    commit(services.remove_member, membership)
    flash(_("%(owner)s tidak lagi menjadi anggota.", owner=name), "success")
    return redirect(url_for("networks.members", slug=network.slug))


@bp.route("/<slug>/kegiatan/baru", methods=["GET", "POST"])
@login_required
def new_activity(slug):
    """Record a knowledge-transfer activity of the network."""
    network = network_or_404(slug, current_user, "network.edit")
    form = ActivityForm()
    form.set_choices(queries.memberships(network), queries.innovation_choices(network))
    if form.validate_on_submit():
        activity, _refused = commit(services.save_activity, services.new_activity(network), user=current_user,
                                    **_values(form))  # fmt: skip
        flash(_("Kegiatan disimpan."), "success")
        return redirect(url_for("networks.activity", slug=network.slug, activity_id=activity.id))
    return render_template("networks/activity_form.html", network=network, form=form, activity=None)


@bp.route("/<slug>/kegiatan/<int:activity_id>/ubah", methods=["GET", "POST"])
@login_required
def edit_activity(slug, activity_id):
    """Change an activity of the network."""
    activity = activity_or_404(slug, activity_id, current_user, "activity.edit")
    network = activity.network
    form = ActivityForm(obj=_ActivityData(activity))
    form.set_choices(queries.memberships(network), queries.innovation_choices(network, activity), activity)
    if form.validate_on_submit():
        commit(services.save_activity, activity, **_values(form))
        flash(_("Kegiatan disimpan."), "success")
        return redirect(url_for("networks.activity", slug=network.slug, activity_id=activity.id))
    return render_template("networks/activity_form.html", network=network, form=form, activity=activity)


def _values(form):
    return {
        "kind": form.kind.data,
        "title": form.title.data,
        "date": form.date.data,
        "place": form.place.data,
        "report": form.report.data,
        "participant_ids": form.participants.data or [],
        "innovation_ids": [*(form.innovations.data or []), *getattr(form, "other_innovation_ids", [])],
    }


class _ActivityData:
    """The values an activity form starts from."""

    def __init__(self, activity):
        self.kind, self.title, self.date = activity.kind, activity.title, activity.date
        self.place, self.report = activity.place, activity.report_md
        self.participants = [o.id for o in activity.participants]
        self.innovations = [i.id for i in activity.public_innovations]
