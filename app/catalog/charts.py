"""A small before/after chart of an impact indicator, drawn on the server as SVG.

No script and no chart library: the figure is two bars with their numbers, readable
without CSS or JavaScript, and described for screen readers (``role="img"`` with a
``<title>`` that says both figures in words). Numbers are formatted for the reader's locale.
"""

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

WIDTH, HEIGHT = 240, 150
TOP, BOTTOM = 22, 24  # room for the numbers above and the dates below
BAR = 64


def rupiah(value):
    """``Rp150.000.000`` (``Rp150,000,000`` in English): whole Rupiah for the locale."""
    return f"Rp{format_decimal(value)}"


def figure_text(value, unit):
    """``61 persen``, ``1.250,5 hari``: a figure with its unit, formatted for the locale."""
    return f"{format_decimal(value)} {unit}".strip()


def _bar_geometry(value, low, high):
    """``(y, height)`` of a bar from zero to ``value`` in a scale from ``low`` to ``high``."""
    span = (high - low) or 1
    plot = HEIGHT - TOP - BOTTOM

    def y(v):
        return TOP + (high - v) / span * plot

    top, bottom = sorted((y(value), y(0)))
    return top, max(bottom - top, 1)


def indicator_chart(indicator, chart_id):
    """The SVG of one indicator (``baseline_value`` and ``result_value``); ``chart_id`` makes
    its title's id unique on the page."""
    before, after = indicator.baseline_value, indicator.result_value
    low, high = min(0, before, after), max(0, before, after)
    when_before = indicator.baseline_date or _("sebelum")
    when_after = indicator.result_date or _("sesudah")
    title = _(
        "%(name)s: %(before)s (%(when_before)s), %(after)s (%(when_after)s)",
        name=indicator.name,
        before=figure_text(before, indicator.unit),
        when_before=when_before,
        after=figure_text(after, indicator.unit),
        when_after=when_after,
    )
    better = (after > before) if indicator.higher_is_better else (after < before)
    parts = [
        f'<svg class="indicator-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    bars = (
        (40, before, when_before, "before"),
        (WIDTH - 40 - BAR, after, when_after, "after-better" if better else "after"),
    )
    for x, value, when, kind in bars:
        y, height = _bar_geometry(value, low, high)
        label_y = y - 6 if value >= 0 else y + height + 14
        parts += [
            f'<rect class="bar bar-{kind}" x="{x}" y="{y:.1f}" width="{BAR}" height="{height:.1f}"/>',
            f'<text x="{x + BAR / 2}" y="{label_y:.1f}" text-anchor="middle">{escape(format_decimal(value))}</text>',
            f'<text x="{x + BAR / 2}" y="{HEIGHT - 6}" text-anchor="middle" class="when">{escape(when)}</text>',
        ]
    zero = _bar_geometry(0, low, high)[0]
    parts.append(f'<line class="axis" x1="20" x2="{WIDTH - 20}" y1="{zero:.1f}" y2="{zero:.1f}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it is escaped above
