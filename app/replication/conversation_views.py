"""The thread of a replication, "Minat saya", and withdrawing an interest."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.changes import commit
from app.extensions import csrf
from app.replication import conversation, services, stalled
from app.replication.access import replication_or_404
from app.replication.forms import MessageForm, WithdrawForm

bp = Blueprint("conversation", __name__)
csrf.exempt(bp)  # each form checks its own token and keeps what was typed when it is stale


def _thread_or_404(replication_id):
    """Someone outside the thread gets a 404, as for a replication they may not see."""
    replication = replication_or_404(replication_id, current_user)
    if not current_user.can("replication.converse", replication):
        abort(404)
    return replication


@bp.route("/replikasi/<int:replication_id>/percakapan", methods=["GET", "POST"])
@login_required
def thread(replication_id):
    replication = _thread_or_404(replication_id)
    form = MessageForm()
    if form.validate_on_submit():
        message, refused = commit(conversation.post, replication, current_user, form.body.data)
        if refused is None:
            if message.routed_to_editors:
                flash(
                    _("Pesan terkirim ke editor Suar, karena belum ada orang lain yang dapat menerimanya."), "success"
                )
            else:
                flash(_("Pesan terkirim."), "success")
            return redirect(url_for("conversation.thread", replication_id=replication.id, _anchor=f"m{message.id}"))
        form.body.errors = [*form.body.errors, str(refused.message)]
    messages = conversation.messages(replication)
    unread_after = conversation.last_read(replication, current_user)
    reached, routed = conversation.recipients(replication, current_user)
    response = render_template(
        "replication/thread.html",
        replication=replication,
        messages=messages,
        unread_after=unread_after,
        form=form,
        recipients=reached,
        routed=routed,
        withdraw_form=WithdrawForm(version=str(replication.version)),
        can_withdraw=current_user.can("replication.withdraw", replication),
    )
    if messages:
        commit(conversation.mark_thread_read, replication, current_user, messages[-1].id)
    return response, (400 if form.errors else 200)


@bp.post("/replikasi/<int:replication_id>/tarik")
@login_required
def withdraw(replication_id):
    replication = _thread_or_404(replication_id)
    if not current_user.can("replication.withdraw", replication):
        abort(403)
    form = WithdrawForm()
    expected = int(form.version.data) if (form.version.data or "").isdigit() else 0
    if not form.validate_on_submit():
        flash(_("Formulir ini sudah kedaluwarsa. Coba sekali lagi."), "error")
    else:
        _done, refused = commit(services.withdraw, replication, current_user, expected_version=expected)
        if refused is None:
            flash(_("Minat ditarik. Anda dapat menyatakan minat lagi kapan saja."), "success")
            return redirect(url_for("conversation.mine"))
        flash(_("Replikasi ini baru saja berubah; periksa keadaannya, lalu ulangi bila perlu."), "error")
    return redirect(url_for("conversation.thread", replication_id=replication.id))


@bp.get("/minat-saya")
@login_required
def mine():
    """The user's interests and replications (their owner's, or their networks'), with the
    stage, the last message and unread messages; the stalled ones first."""
    if not current_user.can("replications.follow"):
        abort(403)
    followed = conversation.followed(current_user)
    summaries = conversation.summaries(current_user, followed)

    def newest(replication):
        last = summaries[replication.id]["last"]
        moments = [replication.updated_at] + ([last.created_at] if last else [])
        return max(conversation.aware(m) for m in moments)

    followed.sort(key=newest, reverse=True)
    stuck = stalled.stalled(among=followed)
    stuck = [(r, since) for r, since in stuck if _reminded_of(r)]
    adopting = [r for r in followed if r.adopter_id == current_user.owner_id]
    others = [r for r in followed if r.adopter_id != current_user.owner_id]
    return render_template("replication/mine.html", adopting=adopting, others=others, summaries=summaries, stuck=stuck)


def _reminded_of(replication):
    """Stalled ones are listed for the origin's officials and the coordinators."""
    return current_user.id in {u.id for u in stalled.people_to_remind(replication)}
