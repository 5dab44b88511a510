"""The "Jelaskan masalah Anda" form: the problem in the writer's words, and optionally the
region they work for and what they can spend."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField, ValidationError

from app.forms import Form, max_length, optional, options, required, strip, text_field, typeahead_field
from app.suggest.engine import MAX_BUDGET, MAX_PROBLEM_CHARS

# Rupiah as people type them: 250.000.000, Rp 250 juta, 1,5 miliar.
_AMOUNT = re.compile(r"^(?:rp\.?\s*)?(\d[\d.,\s]*?)\s*(ribu|rb|juta|jt|miliar|milyar|m)?$", re.IGNORECASE)
_SCALE = {"ribu": 10**3, "rb": 10**3, "juta": 10**6, "jt": 10**6, "miliar": 10**9, "milyar": 10**9, "m": 10**9}


def parse_rupiah(text):
    """Whole rupiah from ``250.000.000``, ``Rp 250 juta`` or ``1,5 miliar``; ValueError otherwise."""
    match = _AMOUNT.match((text or "").strip())
    if not match:
        raise ValueError(text)
    number, scale = match.group(1).replace(" ", ""), match.group(2)
    if scale:  # 1,5 juta: a comma or a single dot is the decimal mark
        number = number.replace(",", ".")
        if number.count(".") > 1:
            raise ValueError(text)
        amount = round(float(number) * _SCALE[scale.lower()])
    else:  # 250.000.000 or 250,000,000: dots and commas group thousands
        digits = number.replace(".", "").replace(",", "")
        if not digits.isdigit():
            raise ValueError(text)
        amount = int(digits)
    if not 0 <= amount <= MAX_BUDGET:
        raise ValueError(text)
    return amount


def rupiah(form, field):
    """The budget field holds an amount of rupiah, or nothing."""
    if field.data:
        try:
            parse_rupiah(field.data)
        except ValueError:
            raise ValidationError(_l("Tulis anggaran sebagai angka rupiah, mis. 250.000.000 atau 250 juta.")) from None


class ProblemForm(Form):
    """A problem to find case studies for; nothing of it is stored."""

    problem = TextAreaField(
        _l("Masalah Anda"),
        [required(), max_length(MAX_PROBLEM_CHARS)],
        filters=[strip],
        render_kw={"rows": 7, "maxlength": MAX_PROBLEM_CHARS},
    )
    region = typeahead_field(_l("Daerah Anda (boleh kosong)"), [optional()])
    budget = text_field(
        _l("Anggaran yang tersedia (boleh kosong)"),
        40,
        is_required=False,
        extra=[rupiah],
        render_kw={"inputmode": "numeric"},
    )
    submit = SubmitField(_l("Cari studi kasus"))

    def budget_amount(self):
        """The budget in rupiah, or None (call after validation)."""
        return parse_rupiah(self.budget.data) if self.budget.data else None

    def set_region_choices(self, groups):
        """Offer the regions grouped by province, with an empty first choice."""
        choices = options([("", _l("— pilih —"))])
        for province, regions in groups.items():
            choices.extend(options(regions, optgroup=province))
        self.region.choices = choices
