"""Costs and impact indicators on the case-study page, the before/after chart, and an adopter's
own figures: recorded on the replication, compared with the origin's on the case study."""

import re

import pytest
import sqlalchemy as sa

from app.replication import services
from app.replication.models import ReplicationEvent, ReplicationIndicator
from tests import factories
from tests.accounts_fixtures import sign_in, submit
from tests.test_replication import world  # noqa: F401 - the shared fixture

INDICATORS = [
    {"name": "Waktu tunggu <rata-rata>", "unit": "menit", "baseline_value": 120.0, "baseline_date": "2017",
     "result_value": 25.5, "result_date": "2019-06", "source": "'; DROP TABLE innovation; --", "higher_is_better": False},
    {"name": "Pasien terlayani", "unit": "orang per hari", "baseline_value": 1500.0, "result_value": 2750.0},
]  # fmt: skip


@pytest.fixture
def costly(db):
    item = factories.innovation(
        "Antrean Daring",
        setup_cost=150_000_000,
        yearly_cost=60_000_000,
        budget_source="dana_desa",
        staff_needed=4,
        months_to_launch=6,
        needs_partners="<script>alert(1)</script>",
        needs_new_regulation=False,
        indicators=INDICATORS,
    )
    db.session.commit()
    return item


def test_the_case_study_shows_costs_and_indicators_with_charts(client, costly):
    html = client.get(f"/inovasi/{costly.slug}").get_data(as_text=True)
    box = html[html.index('id="biaya"') : html.index("</section>", html.index('id="biaya"'))]
    assert "Biaya dan sumber daya" in box
    assert "Rp150.000.000" in box and "Rp60.000.000" in box and "Dana Desa" in box
    assert "4 orang" in box and "6 bulan" in box
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in box and "<script>alert" not in html
    assert re.search(r"Perlu peraturan baru</dt>\s*<dd>Tidak</dd>", box)
    # the chart: an accessible image whose title says both figures, formatted for the locale
    charts = re.findall(r'<svg class="indicator-chart"[^>]*role="img" aria-labelledby="([^"]+)"', html)
    assert charts == ["indicator-1-title", "indicator-2-title"]
    assert (
        '<title id="indicator-1-title">Waktu tunggu &lt;rata-rata&gt;: 120 menit (2017), 25,5 menit (2019-06)' in html
    )
    assert "1.500 orang per hari" in html and "bar-after-better" in html
    assert "&#39;; DROP TABLE innovation; --" in html
    english = client.get(f"/inovasi/{costly.slug}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Rp150,000,000" in english and "25.5 menit" in english


def test_a_case_study_without_costs_or_indicators_shows_neither(client, db):
    item = factories.innovation("Tanpa Biaya")
    db.session.commit()
    html = client.get(f"/inovasi/{item.slug}").get_data(as_text=True)
    assert 'id="biaya"' not in html and 'id="indikator"' not in html and "indicator-chart" not in html


def test_an_adopter_records_its_figures_and_the_case_study_compares_them(client, db, world):  # noqa: F811
    innovation = world["innovation"]
    factories_indicators = [factories_indicator(n, item) for n, item in enumerate(INDICATORS, start=1)]
    innovation.indicators = factories_indicators
    replication = services.create(innovation, world["lumajang"], "implemented", user=world["coordinator"])
    db.session.commit()
    sign_in(client, world["coordinator"])
    url = f"/replikasi/{replication.id}/indikator"
    page = client.get(url)
    assert page.status_code == 200 and "Waktu tunggu &lt;rata-rata&gt;" in page.get_data(as_text=True)
    first, second = (str(i.id) for i in innovation.indicators)
    data = {"version": str(replication.version), "rows-0-indicator": first, "rows-0-baseline_value": "90",
            "rows-0-baseline_date": "2023", "rows-0-result_value": "40,5", "rows-0-result_date": "2025-01"}  # fmt: skip
    # bad input: refused at its field, what was typed kept, nothing stored
    bad = submit(
        client, url, {**data, "rows-0-result_date": "2020", "rows-1-indicator": second, "rows-1-result_value": "banyak"}
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Waktu sesudah tidak boleh sebelum waktu sebelum." in text
    assert "Tulis angka, mis. 12,5." in text and 'value="banyak"' in text
    assert db.session.scalar(sa.select(sa.func.count(ReplicationIndicator.id))) == 0
    too_big = submit(client, url, {**data, "rows-0-result_value": "1" + "0" * 16})
    assert too_big.status_code == 400
    saved = submit(client, url, data)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.scalars(sa.select(ReplicationIndicator)).all()
    assert [(v.baseline_value, v.baseline_date, v.result_value, v.result_date) for v in stored] == [
        (90, "2023", 40.5, "2025-01")
    ]
    event = db.session.scalars(sa.select(ReplicationEvent).order_by(ReplicationEvent.id.desc())).first()
    assert "indikator: Waktu tunggu <rata-rata>" in event.changes
    # a stale version is a conflict, not a silent overwrite
    stale = submit(client, url, {**data, "version": "1", "rows-0-result_value": "1"})
    assert stale.status_code == 409
    html = client.get(f"/inovasi/{innovation.slug}").get_data(as_text=True)
    start = html.index('id="perbandingan"')
    table = html[start : html.index("</section>", start)]
    assert "Kabupaten Lumajang" in table and "40,5" in table and "120" in table and "-49,5" in table
    assert table.count("<table") == 1  # only the indicator an adopter reported
    api = client.get(f"/api/v1/innovations/{innovation.slug}").get_json()
    assert api["indicators"][0]["baseline"] == {"value": 120, "date": "2017"}
    assert api["replications"][0]["indicators"] == [
        {"name": "Waktu tunggu <rata-rata>", "baseline": {"value": 90, "date": "2023"},
         "result": {"value": 40.5, "date": "2025-01"}}
    ]  # fmt: skip
    # emptied rows remove the figures
    version = str(db.session.get(type(replication), replication.id).version)
    cleared = submit(client, url, {"version": version, "rows-0-indicator": first, "rows-5-indicator": "999999"})
    assert cleared.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(ReplicationIndicator.id))) == 0


def test_only_who_may_edit_the_replication_records_figures(client, db, world):  # noqa: F811
    replication = services.create(world["innovation"], world["lumajang"], "planned", user=world["coordinator"])
    db.session.commit()
    assert client.get(f"/replikasi/{replication.id}/indikator").status_code == 302
    sign_in(client, world["official"])
    assert client.get(f"/replikasi/{replication.id}/indikator").status_code == 403


def factories_indicator(number, fields):
    from app.catalog.models import Indicator

    return Indicator(number=number, **fields)


def test_an_indicator_removed_from_the_case_study_drops_what_adopters_reported(db, world):  # noqa: F811
    from app.content.importer import fill_indicators

    innovation = world["innovation"]
    innovation.indicators = [factories_indicator(n, item) for n, item in enumerate(INDICATORS, start=1)]
    replication = services.create(innovation, world["lumajang"], "implemented", user=world["coordinator"])
    db.session.flush()
    kept, dropped = innovation.indicators
    for indicator in (kept, dropped):
        db.session.add(ReplicationIndicator(replication=replication, indicator=indicator, result_value=1.0))
    db.session.commit()
    # reordered and with another unit: the kept indicator is the same row, its figures stay
    item = {"name": kept.name, "unit": "jam", "baseline": {"value": 2}, "result": {"value": 1}}
    fill_indicators(innovation, [item])
    db.session.commit()
    db.session.expire_all()
    assert [(i.id, i.unit) for i in innovation.indicators] == [(kept.id, "jam")]
    remaining = db.session.scalars(sa.select(ReplicationIndicator.indicator_id)).all()
    assert remaining == [kept.id]
