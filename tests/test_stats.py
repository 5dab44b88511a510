"""Statistics reproduce the competition's own figures (KIPP 2019 Top 99, from facts.md)."""

import re

import pytest
import sqlalchemy as sa

from app.regions.models import Region
from app.stats import queries
from tests import factories

# KIPP 2019 Top 99: owner kind -> (institutions, innovations). facts.md.
TOP99_2019 = {
    "ministry": (12, 19),
    "province": (8, 12),
    "city": (18, 21),
    "regency": (27, 41),
    "agency": (4, 5),
    "soe": (1, 1),
}


def _spread(total, owners):
    """Split ``total`` innovations over ``owners`` owners, each at least one."""
    return [total // owners + (1 if i < total % owners else 0) for i in range(owners)]


@pytest.fixture
def top99_2019(db):
    """A catalogue built to the 2019 Top 99 figures (fictional names), plus noise that must not count."""
    regions = {
        kind: db.session.scalars(sa.select(Region.code).where(Region.kind == kind).order_by(Region.code)).all()
        for kind in ("province", "regency", "city")
    }
    central_java = {
        "regency": [c for c in regions["regency"] if c.startswith("33.")][:16],
        "city": [c for c in regions["city"] if c.startswith("33.")][:4],
    }
    plan = {
        # Jawa Tengah itself: 3 of the provinces' 12; its regencies and cities: 16 + 6 = 22.
        "province": [("33", 3)]
        + list(zip([c for c in regions["province"] if c != "33"][:7], _spread(9, 7), strict=True)),
        "regency": [(c, 1) for c in central_java["regency"]]
        + list(zip([c for c in regions["regency"] if not c.startswith("33.")][:11], _spread(25, 11), strict=True)),
        "city": list(zip(central_java["city"], [2, 2, 1, 1], strict=True))
        + list(zip([c for c in regions["city"] if not c.startswith("33.")][:14], _spread(15, 14), strict=True)),
    }
    for kind, owners in plan.items():
        for code, count in owners:
            for _ in range(count):
                factories.innovation(kind=kind, region=code, year=2019, awards=[(2019, "top99")])
    for kind in ("ministry", "agency", "soe"):
        owners, count = TOP99_2019[kind]
        for i, n in enumerate(_spread(count, owners)):
            who = factories.owner(kind, name=f"{kind.title()} Rekaan {i}")
            for _ in range(n):
                factories.innovation(kind=kind, owner=who, year=2019, awards=[(2019, "top99")])
    # Noise: a proposal of 2019, a Top 99 of 2020, an innovation with no award.
    factories.innovation(kind="regency", region="33.01", year=2019, awards=[(2019, "proposal")])
    factories.innovation(kind="regency", region="33.01", year=2020, awards=[(2020, "top99")])
    factories.innovation(kind="city", region="33.74", year=2019)
    db.session.commit()


def test_composition_of_the_2019_top_99(db, top99_2019):
    result = queries.composition(2019, "top99")
    assert {kind: (row["owners"], row["innovations"]) for kind, row in result.items()} == TOP99_2019
    assert sum(row["owners"] for row in result.values()) == 70
    assert sum(row["innovations"] for row in result.values()) == 99


def test_jawa_tengah_three_plus_twenty_two(db, top99_2019):
    assert queries.by_province(2019, "top99")["33"] == {"own": 3, "local": 22}


def test_a_top_45_innovation_counts_in_the_top_99(db):
    factories.innovation(kind="city", region="33.74", year=2019, awards=[(2019, "top45")])
    db.session.commit()
    assert queries.composition(2019, "top99")["city"] == {"owners": 1, "innovations": 1}
    assert queries.composition(2019, "top45")["city"] == {"owners": 1, "innovations": 1}
    assert queries.composition(2019, "outstanding")["city"] == {"owners": 0, "innovations": 0}


def test_statistics_page_shows_the_composition_exactly(client, top99_2019):
    html = client.get("/statistik?year=2019&award=top99").get_data(as_text=True)
    for kind, (owners, innovations) in TOP99_2019.items():
        row = re.search(
            rf'<tr data-kind="{kind}"><th scope="row">[^<]+</th><td class="num">(\d+)</td><td class="num">(\d+)</td>',
            html,
        )
        assert row and (int(row.group(1)), int(row.group(2))) == (owners, innovations), kind
    assert "70 instansi dengan 99 inovasi" in html
    row = re.search(
        r'<tr data-code="33">.*?<td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>', html
    )
    assert row and row.groups() == ("3", "22", "25")
    assert "<svg" in html and 'role="img"' in html and "<title" in html


def test_statistics_page_on_an_empty_catalogue(client):
    response = client.get("/statistik")
    assert response.status_code == 200
    assert "Belum ada data penghargaan" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["year=abc", "year=1800", "award=winner", "award=<script>", "year=2019%27--"])
def test_bad_choices_get_a_clear_message(client, top99_2019, query):
    response = client.get(f"/statistik?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "notice-error" in html and "<script>" not in html.split("<main", 1)[1]


def test_map_escapes_names_and_links_provinces(app):
    from app.regions.maps import render

    svg, legend = render(
        app.config["PROVINCES_GEOJSON"],
        {"33": 25, "35": 3},
        "<b>Peta</b>",
        lambda n, v: f"{n} <{v}>",
        link=lambda c: f"/wilayah/{c}",
    )
    assert svg.count("<path") >= 38 and "<b>" not in svg and "&lt;b&gt;Peta" in svg
    assert 'href="/wilayah/33"' in svg and "Jawa Tengah &lt;25&gt;" in svg
    assert legend[0][1:] == (0, 0) and legend[-1][2] >= 25


def test_the_page_opens_on_the_newest_year_that_has_the_stage(client, db):
    # 2021 has only proposals: opening on it would show "0 instansi dengan 0 inovasi".
    factories.innovation(kind="regency", region="33.01", year=2019, awards=[(2019, "top99")])
    factories.innovation(kind="regency", region="33.02", year=2020, awards=[(2020, "top45")])
    factories.innovation(kind="regency", region="33.03", year=2021, awards=[(2021, "proposal")])
    db.session.commit()
    html = client.get("/statistik").get_data(as_text=True)
    assert "KIPP 2020, Top 99: 1 instansi dengan 1 inovasi." in re.sub(r"<[^>]+>|\s+", " ", html).replace("  ", " ")
    assert re.search(r'<option value="2020" selected>', html)
    assert '<option value="2021"' in html  # still offered, for whoever wants it
    proposals = client.get("/statistik?year=2021&award=proposal").get_data(as_text=True)
    assert "1 instansi dengan 1 inovasi" in proposals


def test_most_replicated_counts_adopters_past_planning_and_says_so(client, db):
    """A planned replication is not "replicated": the empty list must not claim none is recorded."""
    from app.replication import services as replication

    innovation = factories.innovation(region="33.01", year=2019)
    planner = factories.owner("regency", region="33.02", name="Kabupaten Perencana")
    runner = factories.owner("regency", region="33.03", name="Kabupaten Pelaksana")
    replication.create(innovation, planner, "planned")
    db.session.commit()
    page = client.get("/statistik").get_data(as_text=True)
    section = page[page.index('id="replicated-h"') :]
    assert "rencana replikasi tidak dihitung" in section
    assert "Belum ada inovasi yang sudah diuji coba atau dijalankan oleh daerah lain." in section
    assert innovation.title not in section

    replication.create(innovation, runner, "implemented", stage_date=None)
    db.session.commit()
    section = client.get("/statistik").get_data(as_text=True).split('id="replicated-h"')[1]
    assert "Belum ada inovasi yang sudah" not in section
    assert re.search(re.escape(innovation.title) + r"</a> — 1 daerah", section)
