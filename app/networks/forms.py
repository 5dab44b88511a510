"""Forms of the coordinators' pages: members and activities."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField

from app.forms import (
    Form,
    date_between,
    date_field,
    input_required,
    max_length,
    multi_select_field,
    optional,
    options,
    required,
    select_field,
    text_field,
)
from app.networks.models import ACTIVITY_KINDS, MEMBER_ROLES

EARLIEST = date(2000, 1, 1)  # JIPP began in 2018; older dates are typing errors
PLANNED_DAYS_AHEAD = 2 * 366  # an activity may be planned up to two years ahead
MAX_REPORT = 20_000

ACTIVITY_KIND_LABELS = {
    "learning_visit": _l("Kunjungan belajar"),
    "workshop": _l("Lokakarya"),
    "replication_forum": _l("Forum replikasi"),
    "coaching": _l("Pendampingan (coaching)"),
    "staff_exchange": _l("Pertukaran pegawai"),
    "competition_clinic": _l("Klinik kompetisi inovasi"),
}
MEMBER_ROLE_LABELS = {"hub": _l("Simpul (hub)"), "member": _l("Anggota biasa")}
assert set(ACTIVITY_KIND_LABELS) == set(ACTIVITY_KINDS) and set(MEMBER_ROLE_LABELS) == set(MEMBER_ROLES)


class MemberForm(Form):
    """A regional government joins the network."""

    region = select_field(_l("Pemerintah daerah"), [required()])
    role = select_field(_l("Peran dalam jaringan"), choices=options((r, MEMBER_ROLE_LABELS[r]) for r in MEMBER_ROLES))
    since = date_field(_l("Anggota sejak (boleh kosong)"), [optional(), date_between(EARLIEST, 0)])
    submit = SubmitField(_l("Tambahkan anggota"))

    def set_region_choices(self, groups):
        """Offer the regions grouped by province, with an empty first choice."""
        choices = options([("", _l("— pilih —"))])
        for province, regions in groups.items():
            choices.extend(options(regions, optgroup=province))
        self.region.choices = choices


class RemoveMemberForm(Form):
    """Ending a membership is a POST with a CSRF token."""

    submit = SubmitField(_l("Keluarkan"))


class ActivityForm(Form):
    """A knowledge-transfer activity: what, when, where, who took part, what was discussed."""

    kind = select_field(_l("Jenis kegiatan"), choices=options((k, ACTIVITY_KIND_LABELS[k]) for k in ACTIVITY_KINDS))
    title = text_field(_l("Judul"), 200)
    date = date_field(_l("Tanggal"), [input_required(), date_between(EARLIEST, PLANNED_DAYS_AHEAD)])
    place = text_field(_l("Tempat"), 200, is_required=False)
    participants = multi_select_field(_l("Peserta (anggota jaringan)"), coerce=int, render_kw={"size": 8})
    innovations = multi_select_field(_l("Inovasi yang dibahas"), coerce=int, render_kw={"size": 10})
    report = TextAreaField(
        _l("Laporan (Markdown, boleh kosong)"), [optional(), max_length(MAX_REPORT)], render_kw={"rows": 12}
    )
    submit = SubmitField(_l("Simpan kegiatan"))

    def set_choices(self, members, innovations, activity=None):
        """Participants are the network's members (and whoever took part before leaving it)."""
        owners = {m.owner.id: m.owner.name for m in members}
        for owner in activity.participants if activity is not None else ():
            owners.setdefault(owner.id, owner.name)
        self.participants.choices = options(sorted(owners.items(), key=lambda item: item[1]))
        self.innovations.choices = options(innovations)
