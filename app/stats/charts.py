"""Bar charts as server-rendered SVG: a title, labelled bars, values; no chart library.

Each chart is decoration beside a data table that carries the same figures.
"""

from markupsafe import Markup, escape

# Each row is its label on a line of its own, then the bar and its value: the label has the
# whole width (no name is cut at the left), and the chart is drawn about as wide as it is
# shown (its column on a desktop, the screen on a phone), so 13px text stays ~12-14px.
BAR_HEIGHT = 16
LABEL_LINE = 18
GAP = 12
CHART_WIDTH = 400
VALUE_WIDTH = 56
MAX_LABEL = 56


def bar_chart(title, rows, chart_id, number=str):
    """Horizontal bars for ``rows`` of ``(label, value)``; ``number`` formats the values."""
    rows = list(rows)
    top = max((value for _, value in rows), default=0) or 1
    span = CHART_WIDTH - VALUE_WIDTH
    step = LABEL_LINE + BAR_HEIGHT + GAP
    height = len(rows) * step + 4
    parts = [
        f'<svg class="bar-chart" viewBox="0 0 {CHART_WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * step
        width = max(1.0, span * value / top) if value else 0
        label = str(label)
        text = escape(label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…")
        bar_y = y + LABEL_LINE
        parts.append(
            f'<text x="0" y="{y + 13}" class="chart-label">{text}</text>'
            f'<rect x="0" y="{bar_y}" width="{width:.1f}" height="{BAR_HEIGHT}" class="chart-bar"/>'
            f'<text x="{width + 6:.1f}" y="{bar_y + 13}" class="chart-value">{escape(number(value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 every text above went through escape()
