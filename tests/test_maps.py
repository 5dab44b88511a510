"""The maps say what they count: one adopter is plainly unlike none, the legend has a title,
and a transfer inside one province shows where it went (the adopting regencies and cities as
dots, with the table of replications beside the map)."""

import re
from pathlib import Path

from app.regions.maps import PALETTE, load_shapes
from app.regions.models import Region
from app.replication import services
from tests.accounts_fixtures import add_member
from tests.test_replication import world  # noqa: F401 (fixture)


def _luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a, b):
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_one_is_unlike_none_and_every_step_is_darker():
    assert _contrast(PALETTE[0], PALETTE[1]) >= 1.6
    assert all(_luminance(a) > _luminance(b) for a, b in zip(PALETTE, PALETTE[1:], strict=False))


def test_the_stylesheet_legend_swatches_are_the_map_colours(app):
    text = (Path(app.static_folder) / "css" / "suar.css").read_text(encoding="utf-8")
    for i, colour in enumerate(PALETTE):
        assert f".swatch-{i} {{ background: {colour}; }}" in text


def test_a_transfer_inside_one_province_marks_the_adopting_regency(app, client, db, world):  # noqa: F811
    # Tele Sehat is Kota Semarang's (33.74); Kabupaten Brebes (33.29) copies it: same province.
    jateng = world["innovation"].owner.region.province_code
    brebes = add_member(db.session.get(type(world["jatim"]), world["jatim"].id), "33.29").owner
    services.create(world["innovation"], brebes, "planned", user=world["editor"])
    services.create(world["innovation"], world["lumajang"], "planned", user=world["editor"])
    db.session.commit()
    page = client.get(f"/inovasi/{world['innovation'].slug}").get_data(as_text=True)
    svg = re.search(r'<svg class="province-map".*?</svg>', page, re.S).group(0)
    dots = re.findall(r'<circle cx="(\d+)" cy="(\d+)" r="6"><title>([^<]+)</title>', svg)
    assert sorted(name for _x, _y, name in dots) == ["Kabupaten Brebes", "Kabupaten Lumajang"]
    # each dot sits where its region is: inside the box of its province's outline
    shapes, _height, projection = load_shapes(str(app.config["PROVINCES_GEOJSON"]))
    for x, y, name in dots:
        region = db.session.query(Region).filter_by(name=name).one()
        outline = next(s for s in shapes if s.code == region.province_code)
        xs = [float(n) for n in re.findall(r"[ML](-?\d+) ", outline.path)]
        ys = [float(n) for n in re.findall(r"[ML]-?\d+ (-?\d+)", outline.path)]
        assert min(xs) <= int(x) <= max(xs) and min(ys) <= int(y) <= max(ys), name
    central_java = re.search(rf'<a href="/wilayah/{jateng}"><path d="[^"]+" fill="([^"]+)"', svg).group(1)
    assert central_java == PALETTE[1]
    assert '<p class="legend-title">Jumlah daerah yang mereplikasi per provinsi</p>' in page
    assert "kabupaten atau kota yang mereplikasi" in page
    table = re.search(r"<table.*?</table>", page.split('class="province-map"')[0], re.S)
    assert table and "Kabupaten Brebes" in table.group(0)  # the table beside the map names it too


def test_the_statistics_map_has_a_legend_title(client, db):
    page = client.get("/statistik").get_data(as_text=True)
    assert '<p class="legend-title">Jumlah inovasi per provinsi</p>' in page


def test_a_map_drawn_once_is_the_same_map_only_for_the_same_values_and_language(app):
    """The map is remembered per process (app/regions/maps.py): what is served again must be
    what drawing it afresh gives, in the reader's language and for these values only."""
    from flask_babel import force_locale

    from app.regions.maps import _drawn, province_map

    _drawn.cache_clear()
    with app.test_request_context():
        with force_locale("id"):
            first_id, legend_id = province_map({"33": 1234}, "Peta")
        with force_locale("en"):
            first_en, _ = province_map({"33": 1234}, "Peta")
        with force_locale("id"):
            again_id, again_legend = province_map({"33": 1234}, "Peta")
            other, _ = province_map({"33": 1235}, "Peta")
            pointed, _ = province_map({"33": 1234}, "Peta", points=[(-7.0, 110.4, "Kota Semarang")])
            lined, _ = province_map({"33": 1234}, "Peta", highlight={"33"})
    assert "1.234" in first_id and "1,234" in first_en  # each in its own language
    assert again_id == first_id and again_legend == legend_id
    assert _drawn.cache_info().hits == 1
    assert "1.235" in other and "1.234" not in other
    assert "Kota Semarang" in pointed and "Kota Semarang" not in first_id
    assert 'stroke-width="2.5"' in lined and 'stroke-width="2.5"' not in first_id
    assert 'href="/wilayah/33"' in first_id and "0CODE0" not in first_id  # each province links to its page
    legend_id.append("changed by a caller")  # a caller's own list: the remembered legend stays
    with app.test_request_context(), force_locale("id"):
        assert "changed by a caller" not in province_map({"33": 1234}, "Peta")[1]
