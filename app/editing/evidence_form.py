"""The costs and impact indicators of the case-study form: the fields, the repeatable
indicator rows (like the contact rows, docs/decisions/0062), and the front matter they make.

As for every field of the case study, the form only reads what was typed; the rules are the
file format's (app/content/evidence.py), so a file and the form refuse the same things.
"""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, FormField, SubmitField
from wtforms import Form as PlainForm

from app.catalog.costs import MAX_PREREQUISITE
from app.catalog.labels import BUDGET_SOURCE_LABELS
from app.catalog.models import INDICATOR_LIMITS
from app.content.evidence import MAX_INDICATORS
from app.forms import options, select_field, text_field

# Form field -> key of ``costs:`` (prerequisites under their own mapping).
COST_FIELDS = {
    "setup_cost": "setup",
    "yearly_cost": "yearly",
    "budget_source": "budget_source",
    "staff_needed": "staff",
    "months_to_launch": "months_to_launch",
    "needs_new_regulation": "needs_new_regulation",
}
PREREQUISITE_FIELDS = {
    "needs_infrastructure": "infrastructure",
    "needs_regulation_text": "regulation",
    "needs_partners": "partners",
}
YES_NO_UNKNOWN = {"": _l("Belum diketahui"), "true": _l("Ya"), "false": _l("Tidak")}
DIRECTIONS = {"true": _l("Makin tinggi makin baik"), "false": _l("Makin rendah makin baik")}


def _text(label, limit, **kwargs):
    return text_field(label, limit, is_required=False, **kwargs)


def _number(label, **kwargs):
    return _text(label, 30, render_kw={"inputmode": "numeric"}, **kwargs)


class IndicatorRowForm(PlainForm):
    """One impact indicator, a row of the case-study form (its CSRF token is the parent's).
    A row left empty, or marked for removal, is no indicator."""

    name = _text(_l("Nama indikator"), INDICATOR_LIMITS["name"])
    unit = _text(_l("Satuan"), INDICATOR_LIMITS["unit"])
    baseline_value = _text(_l("Angka sebelum"), 30, render_kw={"inputmode": "decimal"})
    baseline_date = _text(_l("Waktu sebelum (TTTT, TTTT-BB atau TTTT-BB-HH)"), 10)
    result_value = _text(_l("Angka sesudah"), 30, render_kw={"inputmode": "decimal"})
    result_date = _text(_l("Waktu sesudah (TTTT, TTTT-BB atau TTTT-BB-HH)"), 10)
    source = _text(_l("Sumber data"), INDICATOR_LIMITS["source"])
    higher_is_better = select_field(
        _l("Arah yang baik"), choices=options(DIRECTIONS.items()), default="true", validate_choice=False
    )
    remove = BooleanField(_l("Hapus indikator ini"))

    TEXTS = ("name", "unit", "baseline_value", "baseline_date", "result_value", "result_date", "source")

    def item(self):
        """The indicator in the file format (values as typed), or None for an empty or removed row."""
        texts = {key: (getattr(self, key).data or "").strip() for key in self.TEXTS}
        if self.remove.data or not any(texts.values()):
            return None
        item = {key: texts[key] for key in ("name", "unit") if texts[key]}
        for side in ("baseline", "result"):
            figure = {part: texts[f"{side}_{part}"] for part in ("value", "date") if texts[f"{side}_{part}"]}
            item[side] = figure
        if texts["source"]:
            item["source"] = texts["source"]
        direction = self.higher_is_better.data
        item["higher_is_better"] = {"true": True, "false": False}.get(direction, direction)
        return item

    def show(self, item):
        """Put a file-format indicator in the row."""
        self.name.data, self.unit.data = item.get("name", ""), item.get("unit", "")
        for side in ("baseline", "result"):
            figure = item.get(side) or {}
            getattr(self, f"{side}_value").data = "" if figure.get("value") is None else str(figure["value"])
            getattr(self, f"{side}_date").data = figure.get("date", "")
        self.source.data = item.get("source", "")
        self.higher_is_better.data = "false" if item.get("higher_is_better") is False else "true"


class EvidenceFields:
    """The costs and indicators fields, mixed into the case-study form."""

    setup_cost = _number(_l("Biaya awal (Rupiah)"))
    yearly_cost = _number(_l("Biaya per tahun (Rupiah)"))
    budget_source = select_field(
        _l("Sumber anggaran"),
        choices=options([("", _l("Belum diketahui")), *BUDGET_SOURCE_LABELS.items()]),
        validate_choice=False,
    )
    staff_needed = _number(_l("Tenaga yang dibutuhkan (orang)"))
    months_to_launch = _number(_l("Dari keputusan sampai diluncurkan (bulan)"))
    needs_infrastructure = _text(_l("Prasyarat infrastruktur"), MAX_PREREQUISITE)
    needs_regulation_text = _text(_l("Prasyarat regulasi"), MAX_PREREQUISITE)
    needs_partners = _text(_l("Mitra yang dibutuhkan"), MAX_PREREQUISITE)
    needs_new_regulation = select_field(
        _l("Perlu peraturan baru?"), choices=options(YES_NO_UNKNOWN.items()), validate_choice=False
    )
    indicators = FieldList(FormField(IndicatorRowForm), min_entries=1, max_entries=MAX_INDICATORS)
    add_indicator = SubmitField(_l("Tambah indikator"))

    def fill_evidence(self, fields):
        """Show the ``costs:`` and ``indicators:`` of a front matter."""
        costs = fields.get("costs", {})
        for name, key in COST_FIELDS.items():
            value = costs.get(key)
            if isinstance(value, bool):
                value = "true" if value else "false"
            getattr(self, name).data = "" if value is None else str(value)
        prerequisites = costs.get("prerequisites", {})
        for name, key in PREREQUISITE_FIELDS.items():
            getattr(self, name).data = prerequisites.get(key, "")
        while self.indicators.entries:
            self.indicators.pop_entry()
        for item in fields.get("indicators", []):
            self.indicators.append_entry()
            self.indicators.entries[-1].form.show(item)
        self.add_indicator_row()

    def evidence_front_matter(self):
        """``{"costs": ..., "indicators": ...}`` as typed (only what was filled in)."""
        costs = {}
        for name, key in COST_FIELDS.items():
            text = (getattr(self, name).data or "").strip()
            if text:
                costs[key] = {"true": True, "false": False}.get(text, text) if key == "needs_new_regulation" else text
        prerequisites = {
            key: getattr(self, name).data.strip()
            for name, key in PREREQUISITE_FIELDS.items()
            if (getattr(self, name).data or "").strip()
        }
        if prerequisites:
            costs["prerequisites"] = prerequisites
        # Which row each listed indicator came from (casepage.attach puts problems back there).
        self.indicator_rows = [n for n, entry in enumerate(self.indicators.entries) if entry.form.item() is not None]
        data = {"costs": costs} if costs else {}
        indicators = [self.indicators.entries[n].form.item() for n in self.indicator_rows]
        if indicators:
            data["indicators"] = indicators
        return data

    def add_indicator_row(self):
        """One more empty indicator row ("Tambah indikator"); False when the list is full."""
        if len(self.indicators.entries) >= MAX_INDICATORS:
            return False
        self.indicators.append_entry()
        return True
