"""The province map, drawn as SVG on the server from content/reference/provinces.geojson.

No tiles, no script, no internet: shapes are projected and simplified once per process,
and each page only chooses the colours. Every map comes with a data table beside it. The
statistics, network and replication pages all draw it through ``province_map``.
"""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

WIDTH = 1000
TOLERANCE = 1.0  # pixels: finer detail than this is invisible at the map's size
# "None" is a pale grey, then sequential blues, light to dark. The first blue is far enough
# from "none" that one adopter is never mistaken for none (contrast at least 1.6:1,
# tests/test_maps.py); each step is darker than the one before.
PALETTE = ("#eef0f2", "#8cc0dd", "#5a9fc9", "#2f7bb0", "#175a8c", "#0b3d66")
POINT_COLOUR = "#b34700"  # the adopting regencies and cities, as dots over the provinces


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str


def _project(lon, lat, bounds, scale):
    west, north = bounds
    return (lon - west) * scale, (north - lat) * scale * 1.0


def _simplify(points, tolerance):
    """Douglas-Peucker on projected points."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            # A closed ring's ends coincide: measure from that point instead of a line.
            distance = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / length if length else math.hypot(x - x1, y - y1)
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, k in zip(points, keep, strict=True) if k]


@dataclass(frozen=True)
class Projection:
    west: float
    north: float
    scale: float

    def point(self, lat, lon):
        return _project(lon, lat, (self.west, self.north), self.scale)


@lru_cache(maxsize=4)
def load_shapes(geojson_path):
    """Projected, simplified province outlines, the map's height and its projection, read
    once per process."""
    data = json.loads(Path(geojson_path).read_text(encoding="utf-8"))
    rings = [
        (feature["properties"], ring)
        for feature in data["features"]
        for polygon in feature["geometry"]["coordinates"]
        for ring in polygon
    ]
    west = min(pt[0] for _, ring in rings for pt in ring)
    east = max(pt[0] for _, ring in rings for pt in ring)
    north = max(pt[1] for _, ring in rings for pt in ring)
    south = min(pt[1] for _, ring in rings for pt in ring)
    scale = WIDTH / (east - west)
    height = math.ceil((north - south) * scale)
    paths = {}
    names = {}
    for properties, ring in rings:
        points = _simplify([_project(lon, lat, (west, north), scale) for lon, lat in ring], TOLERANCE)
        if len(points) < 3:
            continue
        code = str(properties["code"])
        names[code] = properties["name"]
        # Whole pixels of a 1000-pixel-wide map: finer coordinates only make the page heavier.
        d = "M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in points) + "Z"
        paths.setdefault(code, []).append(d)
    shapes = tuple(Shape(code, names[code], "".join(parts)) for code, parts in sorted(paths.items()))
    return shapes, height, Projection(west, north, scale)


def colour_steps(values):
    """Upper bounds of the colour classes for the given values (at most five classes)."""
    top = max(values, default=0)
    if top <= 0:
        return []
    if top <= 5:
        return list(range(1, top + 1))
    step = math.ceil(top / 5)
    return [step * i for i in range(1, 6)]


def _colour(value, steps):
    if not value:
        return PALETTE[0]
    for i, bound in enumerate(steps, start=1):
        if value <= bound:
            return PALETTE[min(i, len(PALETTE) - 1)]
    return PALETTE[-1]


def render(geojson_path, values, title, label, highlight=(), link=None, points=()):
    """An accessible SVG map: provinces coloured by ``values`` ({code: number}).

    ``label`` formats a province's tooltip from its name and value; ``highlight`` outlines
    provinces (a network's members); ``link(code)`` makes each province a link; ``points``
    are ``(lat, lon, name)`` drawn as dots (the adopting regencies and cities, so that a
    transfer inside one province shows where it went).
    """
    shapes, height, projection = load_shapes(str(geojson_path))
    steps = colour_steps(list(values.values()))
    parts = [
        # A group, not an image: its provinces are links (an image may hold no controls).
        f'<svg class="province-map" viewBox="0 0 {WIDTH} {height}" role="{"group" if link else "img"}" '
        'aria-labelledby="map-title" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="map-title">{escape(title)}</title>',
        '<g stroke="#ffffff" stroke-width="0.6" stroke-linejoin="round">',
    ]
    for shape in shapes:
        value = values.get(shape.code, 0)
        stroke = ' stroke="#b34700" stroke-width="2.5"' if shape.code in highlight else ""
        path = (
            f'<path d="{shape.path}" fill="{_colour(value, steps)}"{stroke}>'
            f"<title>{escape(label(shape.name, value))}</title></path>"
        )
        if link:
            path = f'<a href="{escape(link(shape.code))}">{path}</a>'
        parts.append(path)
    parts.append("</g>")
    if points:
        parts.append(f'<g fill="{POINT_COLOUR}" stroke="#ffffff" stroke-width="1.5" class="map-points">')
        for lat, lon, name in points:
            x, y = projection.point(lat, lon)
            parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="6"><title>{escape(name)}</title></circle>')
        parts.append("</g>")
    parts.append("</svg>")
    legend = [(PALETTE[0], 0, 0)]
    low = 1
    for i, bound in enumerate(steps, start=1):
        legend.append((PALETTE[min(i, len(PALETTE) - 1)], low, bound))
        low = bound + 1
    return Markup("".join(parts)), legend  # noqa: S704 every text above went through escape()


def province_map(values, title, highlight=(), points=()):
    """The province map with ``values`` ({code: number}), each province linking to its page;
    ``points`` as in ``render``. The same map in the same language is drawn once per process
    (a case study's adopters change only when a replication does): it is a pure function of
    what is given here, the language and the link pattern."""
    from flask import current_app, url_for
    from flask_babel import get_locale

    svg, legend = _drawn(
        current_app.config["PROVINCES_GEOJSON"],
        tuple(sorted(values.items())),
        str(title),
        frozenset(highlight),
        tuple(points),
        str(get_locale()),
        url_for("catalog.region", code=_CODE),
    )
    return svg, list(legend)


_CODE = "0CODE0"  # stands for a province code in the link pattern (codes are digits)


@lru_cache(maxsize=64)  # about 40 KB each: 2.5 MB at most, the most read case studies' maps
def _drawn(geojson, values, title, highlight, points, locale, link_pattern):
    from flask_babel import format_number

    svg, legend = render(
        geojson,
        dict(values),
        title,
        lambda name, value: f"{name}: {format_number(value)}",
        highlight=highlight,
        link=lambda code: link_pattern.replace(_CODE, code),
        points=points,
    )
    return svg, tuple(legend)
