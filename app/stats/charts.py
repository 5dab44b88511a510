"""Bar charts as server-rendered SVG: a title, labelled bars, values; no chart library.

Each chart is decoration beside a data table that carries the same figures.
"""

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 230
CHART_WIDTH = 640
VALUE_WIDTH = 60


def bar_chart(title, rows, chart_id, number=str):
    """Horizontal bars for ``rows`` of ``(label, value)``; ``number`` formats the values."""
    rows = list(rows)
    top = max((value for _, value in rows), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg class="bar-chart" viewBox="0 0 {CHART_WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for i, (label, value) in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        width = max(1.0, span * value / top) if value else 0
        middle = y + BAR_HEIGHT / 2 + 5
        text = escape(str(label))
        if len(text) > 34:
            text = escape(str(label)[:33] + "…")
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.0f}" text-anchor="end" class="chart-label">{text}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" class="chart-bar"/>'
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{middle:.0f}" class="chart-value">'
            f"{escape(number(value))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 every text above went through escape()
