"""Forms of the coordinators' pages: members and activities."""

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField, ValidationError

from app.forms import (
    Form,
    date_between,
    date_field,
    input_required,
    markdown_text,
    max_length,
    multi_select_field,
    optional,
    options,
    required,
    resolve_choice,
    select_field,
    text_field,
    typeahead_field,
)
from app.networks.models import ACTIVITY_KINDS, MEMBER_ROLES
from app.networks.queries import innovations_by_slug

EARLIEST = date(2000, 1, 1)  # JIPP began in 2018; older dates are typing errors
PLANNED_DAYS_AHEAD = 2 * 366  # an activity may be planned up to two years ahead
MAX_REPORT = 20_000
MAX_OTHER_INNOVATIONS = 20
# A case study's address (…/inovasi/<slug>, with or without the site) or its slug alone.
_CASE_STUDY = re.compile(r"^(?:.*/inovasi/)?([a-z0-9][a-z0-9-]{0,119})/?(?:[?#].*)?$")

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

    region = typeahead_field(_l("Pemerintah daerah"), [required()])
    role = select_field(_l("Peran dalam jaringan"), choices=options((r, MEMBER_ROLE_LABELS[r]) for r in MEMBER_ROLES))
    since = date_field(_l("Anggota sejak (boleh kosong)"), [optional(), date_between(EARLIEST, 0)])
    submit = SubmitField(_l("Tambahkan anggota"))

    def set_region_choices(self, groups):
        """Offer the regions grouped by province, with an empty first choice."""
        choices = options([("", _l("— pilih —"))])
        for province, regions in groups.items():
            choices.extend(options(regions, optgroup=province))
        self.region.choices = choices


MAX_BULK_MEMBERS = 100


class BulkMemberForm(Form):
    """Several governments join at once: one per line, by name or code (as the member form
    reads them). Every line is checked first; one bad line and nobody is added."""

    regions = TextAreaField(
        _l("Pemerintah daerah, satu per baris"), [required(), max_length(MAX_BULK_MEMBERS * 80)], render_kw={"rows": 6}
    )
    role = select_field(_l("Peran dalam jaringan"), choices=options((r, MEMBER_ROLE_LABELS[r]) for r in MEMBER_ROLES))
    since = date_field(_l("Anggota sejak (boleh kosong)"), [optional(), date_between(EARLIEST, 0)])
    submit = SubmitField(_l("Tambahkan semuanya"))

    def region_codes(self, pairs):
        """The codes the lines name, in order, without repeats; ValidationError naming every
        line that names no region or several."""
        lines = [(n, line.strip()) for n, line in enumerate((self.regions.data or "").splitlines(), 1) if line.strip()]
        if len(lines) > MAX_BULK_MEMBERS:
            raise ValidationError(_l("Paling banyak %(n)d baris sekaligus.", n=MAX_BULK_MEMBERS))
        codes, problems = [], []
        for number, line in lines:
            try:
                codes.append(resolve_choice(line, pairs))
            except ValueError as refused:
                problems.append(_("Baris %(n)d: %(problem)s", n=number, problem=refused))
        if problems:
            raise ValidationError(" ".join(problems[:20]))
        return list(dict.fromkeys(codes))


class RemoveMemberForm(Form):
    """Ending a membership is a POST with a CSRF token."""

    submit = SubmitField(_l("Keluarkan"))


class ActivityForm(Form):
    """A knowledge-transfer activity: what, when, where, who took part, what was discussed."""

    kind = select_field(_l("Jenis kegiatan"), choices=options((k, ACTIVITY_KIND_LABELS[k]) for k in ACTIVITY_KINDS))
    title = text_field(_l("Judul"), 200)
    date = date_field(_l("Tanggal"), [input_required(), date_between(EARLIEST, PLANNED_DAYS_AHEAD)])
    place = text_field(_l("Tempat"), 200, is_required=False)
    participants = multi_select_field(_l("Peserta (anggota jaringan)"), coerce=int)
    innovations = multi_select_field(_l("Inovasi anggota yang dibahas"), coerce=int)
    other_innovations = TextAreaField(
        _l("Inovasi lain yang dibahas (boleh kosong)"), [optional(), max_length(4000)], render_kw={"rows": 3}
    )
    report = TextAreaField(
        _l("Laporan (Markdown, boleh kosong)"),
        [optional(), max_length(MAX_REPORT), markdown_text],
        render_kw={"rows": 12},
    )
    submit = SubmitField(_l("Simpan kegiatan"))

    def set_choices(self, members, innovations, activity=None):
        """Participants are the network's members (and whoever took part before leaving it)."""
        owners = {m.owner.id: m.owner.name for m in members}
        for owner in activity.participants if activity is not None else ():
            owners.setdefault(owner.id, owner.name)
        self.participants.choices = options(sorted(owners.items(), key=lambda item: item[1]))
        self.innovations.choices = options(innovations)

    def validate_other_innovations(self, field):
        """Each line (or comma-separated entry) names a published case study by its address."""
        entries = [e.strip() for e in re.split(r"[\n,]", field.data or "") if e.strip()]
        if len(entries) > MAX_OTHER_INNOVATIONS:
            raise ValidationError(_("Paling banyak %(n)d studi kasus.", n=MAX_OTHER_INNOVATIONS))
        slugs = []
        for entry in entries:
            match = _CASE_STUDY.match(entry)
            if match is None:
                raise ValidationError(_("“%(entry)s” bukan alamat studi kasus.", entry=entry[:80]))
            slugs.append(match.group(1))
        found = innovations_by_slug(slugs) if slugs else {}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise ValidationError(_("Tidak ada studi kasus terbit dengan alamat “%(slug)s”.", slug=missing[0]))
        self.other_innovation_ids = [found[slug] for slug in slugs]
