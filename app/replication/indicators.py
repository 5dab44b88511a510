"""An adopter's own figures for the case study's impact indicators: the form, its rules and
the service that stores them (``replication_indicator``, docs/decisions/0080).

The figures obey the case-study format's rules for a baseline and a result (a number
within ±10^15, a date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` not in the future, the result
not before the baseline), so that an origin and its adopters compare on the same terms.
"""

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, HiddenField, SubmitField
from wtforms import Form as PlainForm

from app.changes import Refused
from app.content.evidence import MAX_INDICATORS, before, number, period
from app.extensions import db, utcnow
from app.forms import Form, text_field
from app.replication.models import ReplicationIndicator
from app.replication.services import _record

PARTS = ("baseline_value", "baseline_date", "result_value", "result_date")


class ReportedRowForm(PlainForm):
    """One indicator's figures in the adopter's region (its CSRF token is the parent's). The
    row names its indicator, so that a list changed meanwhile on the case study is still read
    right (a row of an indicator no longer listed is ignored)."""

    indicator = HiddenField()

    baseline_value = text_field(_l("Angka sebelum"), 30, is_required=False, render_kw={"inputmode": "decimal"})
    baseline_date = text_field(_l("Waktu (TTTT, TTTT-BB atau TTTT-BB-HH)"), 10, is_required=False)
    result_value = text_field(_l("Angka sesudah"), 30, is_required=False, render_kw={"inputmode": "decimal"})
    result_date = text_field(_l("Waktu (TTTT, TTTT-BB atau TTTT-BB-HH)"), 10, is_required=False)


class ReportedForm(Form):
    """The adopter's figures, one row per indicator of the case study, in its order."""

    rows = FieldList(FormField(ReportedRowForm), min_entries=0, max_entries=MAX_INDICATORS)
    version = HiddenField()
    submit = SubmitField(_l("Simpan angka"))

    def fill(self, replication):
        """Show the stored figures, one row per indicator."""
        stored = {value.indicator_id: value for value in replication.indicator_values}
        while self.rows.entries:
            self.rows.pop_entry()
        for indicator in replication.innovation.indicators:
            value = stored.get(indicator.id)
            shown = {part: _shown(getattr(value, part, None)) for part in PARTS}
            self.rows.append_entry({"indicator": str(indicator.id), **shown})
        self.version.data = str(replication.version)


def _shown(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read(form, indicators, today):
    """``{indicator id: {part: value}}`` of the rows posted, or False after putting a problem
    at each bad field. A row not posted leaves that indicator's figures as they are."""
    figures, ok = {}, True
    listed = {str(indicator.id): indicator for indicator in indicators}
    for entry in form.rows.entries:
        row, values = entry.form, {}
        indicator = listed.get((row.indicator.data or "").strip())
        if indicator is None or indicator.id in figures:
            continue
        for part in PARTS:
            text = (getattr(row, part).data or "").strip()
            if not text:
                values[part] = None
                continue
            value, reason = number(text) if part.endswith("value") else period(text, today)
            if reason:
                message = (
                    _l("Tulis angka, mis. 12,5.")
                    if part.endswith("value")
                    else _l("Tulis TTTT, TTTT-BB atau TTTT-BB-HH, tidak di masa depan.")
                )
                getattr(row, part).errors = [*getattr(row, part).errors, str(message)]
                ok = False
            values[part] = value
        if values["baseline_date"] and values["result_date"] and before(values["result_date"], values["baseline_date"]):
            row.result_date.errors = [
                *row.result_date.errors,
                str(_l("Waktu sesudah tidak boleh sebelum waktu sebelum.")),
            ]
            ok = False
        figures[indicator.id] = values
    return figures if ok else False


class Stale(Refused):
    """The replication changed since the form was loaded."""

    status = 409


def save(replication, figures, *, user, expected_version):
    """Store the adopter's ``figures`` (``{indicator id: {part: value}}``); rows left empty
    are removed. Recorded in the replication's history."""
    if expected_version != replication.version:
        raise Stale(_l("Replikasi ini baru saja diubah orang lain; muat ulang halaman."))
    names = {indicator.id: indicator.name for indicator in replication.innovation.indicators}
    stored = {value.indicator_id: value for value in replication.indicator_values}
    changes = {}
    for indicator_id, values in figures.items():
        row = stored.get(indicator_id)
        old = {part: getattr(row, part) for part in PARTS} if row is not None else dict.fromkeys(PARTS)
        if all(value is None for value in values.values()):
            if row is not None:
                replication.indicator_values.remove(row)
        else:
            if row is None:
                row = ReplicationIndicator(indicator_id=indicator_id)
                replication.indicator_values.append(row)
            for part, value in values.items():
                setattr(row, part, value)
        if old != values:
            changes[f"indikator: {names[indicator_id]}"] = [_summary(old), _summary(values)]
    if changes:
        replication.updated_at = utcnow()  # an UPDATE of the row: its version moves on
        _record(replication, user, replication.stage, replication.stage, changes, None)
    db.session.flush()
    return bool(changes)


def _summary(values):
    if all(value is None for value in values.values()):
        return None
    left = _shown(values["baseline_value"]) or "?"
    right = _shown(values["result_value"]) or "?"
    return f"{left} → {right}"
