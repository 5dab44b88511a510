"""The replication kit of the case-study form: repeatable step rows (a text and its typical
weeks) and pitfall rows, without JavaScript as the indicator rows (docs/decisions/0084).

The form only reads what was typed; the rules are the file format's (app/content/kit.py).
"""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, FormField, SubmitField
from wtforms import Form as PlainForm

from app.content.kit import MAX_PITFALL, MAX_PITFALLS, MAX_STEP, MAX_STEPS
from app.forms import text_field


class KitStepRowForm(PlainForm):
    """One step of the kit (its CSRF token is the parent's); empty or removed: no step."""

    step = text_field(_l("Langkah"), MAX_STEP, is_required=False)
    weeks = text_field(_l("Lama biasanya (minggu)"), 10, is_required=False, render_kw={"inputmode": "numeric"})
    remove = BooleanField(_l("Hapus langkah ini"))

    def item(self):
        step, weeks = (self.step.data or "").strip(), (self.weeks.data or "").strip()
        if self.remove.data or not (step or weeks):
            return None
        item = {"step": step} if step else {}
        if weeks:
            item["weeks"] = weeks
        return item


class KitPitfallRowForm(PlainForm):
    """One pitfall of the kit; empty or removed: none."""

    text = text_field(_l("Hal yang perlu dihindari"), MAX_PITFALL, is_required=False)
    remove = BooleanField(_l("Hapus baris ini"))

    def item(self):
        text = (self.text.data or "").strip()
        return None if self.remove.data or not text else text


class KitFields:
    """The kit's rows, mixed into the case-study form."""

    kit_steps = FieldList(FormField(KitStepRowForm), min_entries=1, max_entries=MAX_STEPS)
    add_kit_step = SubmitField(_l("Tambah langkah"))
    kit_pitfalls = FieldList(FormField(KitPitfallRowForm), min_entries=1, max_entries=MAX_PITFALLS)
    add_kit_pitfall = SubmitField(_l("Tambah hal yang dihindari"))

    def fill_kit(self, fields):
        """Show the ``kit:`` of a front matter, with one empty row more in each list."""
        kit = fields.get("kit", {})
        for rows, items in ((self.kit_steps, kit.get("steps", [])), (self.kit_pitfalls, kit.get("pitfalls", []))):
            while rows.entries:
                rows.pop_entry()
            for item in items:
                rows.append_entry()
                form = rows.entries[-1].form
                if rows is self.kit_steps:
                    form.step.data, form.weeks.data = item.get("step", ""), str(item.get("weeks") or "")
                else:
                    form.text.data = item
        self.add_kit_row("steps")
        self.add_kit_row("pitfalls")

    def kit_front_matter(self):
        """``{"kit": {...}}`` as typed (only the rows filled in), or ``{}``."""
        # Which row each listed step and pitfall came from (casepage.attach puts problems there).
        self.kit_step_rows = [n for n, e in enumerate(self.kit_steps.entries) if e.form.item() is not None]
        self.kit_pitfall_rows = [n for n, e in enumerate(self.kit_pitfalls.entries) if e.form.item() is not None]
        kit = {}
        if self.kit_step_rows:
            kit["steps"] = [self.kit_steps.entries[n].form.item() for n in self.kit_step_rows]
        if self.kit_pitfall_rows:
            kit["pitfalls"] = [self.kit_pitfalls.entries[n].form.item() for n in self.kit_pitfall_rows]
        return {"kit": kit} if kit else {}

    def add_kit_row(self, which):
        """One more empty row of ``steps`` or ``pitfalls``; False when the list is full."""
        rows, limit = (self.kit_steps, MAX_STEPS) if which == "steps" else (self.kit_pitfalls, MAX_PITFALLS)
        if len(rows.entries) >= limit:
            return False
        rows.append_entry()
        return True
