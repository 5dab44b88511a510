"""The sitemap becomes an index of numbered sitemaps, each with its lastmod, once it would hold
more URLs than one file may (50,000; lowered here)."""

import xml.etree.ElementTree as ET

import pytest

from app.api.exports import SITEMAP_MAX_URLS
from tests import factories

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def catalogue(db):
    items = [factories.innovation(f"Inovasi Peta Situs {n}", region="33.02") for n in range(3)]
    db.session.commit()
    return items


def _locations(client, url):
    root = ET.fromstring(client.get(url).get_data())
    assert root.tag == f"{NS}urlset"
    return [loc.text for loc in root.iter(f"{NS}loc")]


def test_the_limit_is_the_sitemap_protocols():
    assert SITEMAP_MAX_URLS == 50_000


def test_a_small_site_has_one_sitemap_with_lastmod_on_case_studies(app, client, catalogue):
    root = ET.fromstring(client.get("/sitemap.xml").get_data())
    assert root.tag == f"{NS}urlset"
    dated = {u.findtext(f"{NS}loc"): u.findtext(f"{NS}lastmod") for u in root.iter(f"{NS}url")}
    assert dated[f"http://localhost/inovasi/{catalogue[0].slug}"].endswith("Z")
    assert client.get("/sitemap-1.xml").status_code == 404


def test_over_the_limit_the_sitemap_is_an_index(app, client, catalogue, monkeypatch):
    every = _locations(client, "/sitemap.xml")
    monkeypatch.setitem(app.config, "SITEMAP_MAX_URLS", 100)
    root = ET.fromstring(client.get("/sitemap.xml").get_data())
    assert root.tag == f"{NS}sitemapindex"
    entries = [(s.findtext(f"{NS}loc"), s.findtext(f"{NS}lastmod")) for s in root.iter(f"{NS}sitemap")]
    assert len(entries) == -(-len(every) // 100) >= 6  # 552 regions alone
    assert [loc for loc, _ in entries] == [f"http://localhost/sitemap-{n}.xml" for n in range(1, len(entries) + 1)]
    assert all(lastmod and lastmod.endswith("Z") for _, lastmod in entries)
    parts = [_locations(client, loc.removeprefix("http://localhost")) for loc, _ in entries]
    assert all(len(part) <= 100 for part in parts)
    assert [loc for part in parts for loc in part] == every  # the same pages, split in order
    assert client.get(f"/sitemap-{len(entries) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404
