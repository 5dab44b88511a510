"""The cost and regulation filters, their facets and the set-up cost sort on the pages, the
API and the CSV export (the paths agree: tests/test_filter_paths.py); bad values are the
same clear 400 everywhere; the CSV export's new columns."""

import csv
import io

import pytest

from app.search.index import IndexStore
from tests import factories


@pytest.fixture
def priced(db, app):
    items = {
        "murah": factories.innovation("Layanan Murah", setup_cost=10_000_000, yearly_cost=0, needs_new_regulation=False,
                                      staff_needed=2, months_to_launch=3, budget_source="dana_desa"),
        "sedang": factories.innovation("Layanan Sedang", setup_cost=50_000_000, needs_new_regulation=True),
        "mahal": factories.innovation("Layanan Mahal", setup_cost=2_000_000_000),
        "entah": factories.innovation("=Layanan Entah"),
    }  # fmt: skip
    db.session.commit()
    IndexStore(app.config["SEARCH_INDEX_DIR"]).rebuild(db.engine)
    return items


def _titles(client, url):
    return [item["title"] for item in client.get(url).get_json()["items"]]


def test_bands_filters_facets_and_the_sort_on_every_path(client, priced):
    assert _titles(client, "/api/v1/innovations?cost=lt50jt") == ["Layanan Murah"]
    assert _titles(client, "/api/v1/innovations?cost=50-500jt") == ["Layanan Sedang"]
    assert _titles(client, "/api/v1/innovations?cost=unknown") == ["=Layanan Entah"]
    assert _titles(client, "/api/v1/innovations?no_new_regulation=true") == ["Layanan Murah"]
    assert _titles(client, "/api/v1/innovations?sort=setup_cost") == [
        "Layanan Murah", "Layanan Sedang", "Layanan Mahal", "=Layanan Entah"
    ]  # fmt: skip
    facets = client.get("/api/v1/innovations").get_json()["facets"]
    assert facets["cost"] == {"50-500jt": 1, "gt500jt": 1, "lt50jt": 1, "unknown": 1}
    assert facets["no_new_regulation"] == {"false": 1, "true": 1}
    item = client.get("/api/v1/innovations?cost=lt50jt").get_json()["items"][0]
    assert item["costs"]["setup"] == 10_000_000 and item["costs"]["cost_band"] == "lt50jt"
    html = client.get("/inovasi?cost=gt500jt").get_data(as_text=True)
    assert "Layanan Mahal" in html and "Layanan Murah" not in html
    # the cost facet counts every band under the other filters; the sort is offered
    assert "Di bawah Rp50 juta (1)" in html and "Rp500 juta ke atas (1)" in html and "Biaya awal (termurah)" in html
    assert "Tanpa peraturan baru" in client.get("/inovasi").get_data(as_text=True)
    search = client.get("/cari?q=layanan&no_new_regulation=false").get_data(as_text=True)
    assert "Layanan Sedang" in search and "Layanan Murah" not in search


@pytest.mark.parametrize("query", ["cost=zzz", "cost=LT50JT", "no_new_regulation=maybe", "cost=%27%20OR%201%3D1--"])
def test_bad_values_are_a_clear_400_on_every_path(client, priced, query):
    page = client.get(f"/inovasi?{query}")
    assert page.status_code == 400 and "Filter tidak dapat dipakai" in page.get_data(as_text=True)
    assert client.get(f"/cari?q=layanan&{query}").status_code == 400
    api = client.get(f"/api/v1/innovations?{query}")
    assert api.status_code == 400 and set(api.get_json()) == {"error"}
    assert client.get(f"/export/innovations.csv?{query}").status_code == 400


def test_the_csv_export_has_the_numeric_columns(client, priced):
    text = client.get("/export/innovations.csv?sort=setup_cost").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["setup_cost"] for r in rows] == ["10000000", "50000000", "2000000000", ""]
    first = rows[0]
    assert (first["yearly_cost"], first["staff_needed"], first["months_to_launch"]) == ("0", "2", "3")
    assert (first["budget_source"], first["needs_new_regulation"]) == ("dana_desa", "false")
    assert rows[1]["needs_new_regulation"] == "true" and rows[2]["needs_new_regulation"] == ""
    assert rows[3]["title"] == "'=Layanan Entah"  # formulas stay text
