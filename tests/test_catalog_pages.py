"""The public catalogue pages, with data and with an empty database, in both languages."""

import re
from datetime import date
from html import unescape

import pytest
from flask import render_template_string

from app.catalog.facets import facet_options
from app.catalog.filters import parse_filters
from app.catalog.queries import facet_counts
from tests import factories


def page(client, url, status=200, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def result_count(html):
    match = re.search(r'class="results-count">([\d.,]+) (?:inovasi|innovations?)<', html)
    assert match, html[:2000]
    return int(match.group(1).replace(".", "").replace(",", ""))


@pytest.fixture
def catalogue(db):
    """A small catalogue across kinds, provinces, sectors, years, awards and stages."""
    f = factories
    items = [
        f.innovation(
            "Antrean Puskesmas Daring", region="33.74", kind="city", year=2019, awards=[(2019, "top99")], digital=True
        ),
        f.innovation(
            "Dokter Keliling Stunting", region="33.02", year=2021, sectors=("kesehatan", "sosial"), stage="trial"
        ),
        f.innovation(
            "Akta Lahir di Rumah Sakit",
            region="33.02",
            year=2021,
            sectors=("administrasi-kependudukan",),
            awards=[(2021, "top45")],
        ),
        f.innovation("Tele Kesehatan Provinsi", region="33", kind="province", year=2019, themes=("sistem-informasi",)),
        f.innovation(
            "Izin Usaha Sehari",
            region="35.78",
            kind="city",
            year=2022,
            sectors=("perizinan-investasi",),
            replication_count=3,
        ),
        f.innovation(
            "Portal Layanan Kementerian", kind="ministry", region=None, year=2022, sectors=("aparatur",), language="en"
        ),
        f.innovation("Contoh Rekaan", region="73.71", kind="city", year=2020, sample=True, stage="discontinued"),
    ]
    db.session.commit()
    return items


# --- empty database -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/inovasi", "/wilayah/33", "/wilayah/33.74", "/inovasi?sector=kesehatan"])
def test_pages_answer_on_an_empty_catalogue(client, url):
    html = page(client, url)
    assert 'class="site-header"' in html


def test_empty_catalogue_says_so(client):
    assert "Katalog masih kosong" in page(client, "/")
    html = page(client, "/inovasi")
    assert result_count(html) == 0
    assert "Tidak ada inovasi yang cocok" in html


@pytest.mark.parametrize(
    "url", ["/inovasi/tidak-ada", "/pemilik/tidak-ada", "/wilayah/99", "/wilayah/33.99", "/wilayah/" + "9" * 500]
)
def test_unknown_records_are_404(client, url):
    assert "Halaman tidak ditemukan" in page(client, url, status=404)


# --- with data --------------------------------------------------------------------------


def test_home_shows_figures_latest_and_entry_points(client, catalogue):
    html = page(client, "/")
    assert "Izin Usaha Sehari" in html and "Portal Layanan Kementerian" in html
    assert 'href="/inovasi?sector=kesehatan"' in html
    assert 'href="/wilayah/33"' in html
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([\d.]+)</dd>", html))
    assert figures["Inovasi"] == "7"
    assert figures["Provinsi"] == "3"  # 33, 35 and 73; the ministry has no region
    assert "Paling banyak direplikasi" in html  # one innovation was replicated


def test_catalogue_lists_everything_newest_first(client, catalogue):
    html = page(client, "/inovasi")
    assert result_count(html) == 7
    titles = re.findall(r'class="card-title"[^>]*><a [^>]+>([^<]+)<', html)
    assert titles[:2] == ["Portal Layanan Kementerian", "Izin Usaha Sehari"]
    assert titles[-1] in ("Antrean Puskesmas Daring", "Tele Kesehatan Provinsi")


def test_every_facet_count_equals_the_list_it_leads_to(client, app, catalogue):
    with app.test_request_context("/inovasi?sector=kesehatan"):
        filters = parse_filters({"sector": "kesehatan"})
        facets = facet_options(filters, facet_counts(filters), "catalog.catalogue")
    checked = 0
    for facet in facets:
        for option in facet["options"]:
            if option["selected"]:
                continue
            assert result_count(page(client, option["url"])) == option["count"], (facet["name"], option)
            checked += 1
    assert checked >= 10


def test_counts_on_the_page_match_the_results(client, catalogue):
    html = page(client, "/inovasi?province=33")
    options = dict(re.findall(r'<option value="([^"]+)"[^>]*>[^<(]+\((\d+)\)</option>', html))
    assert result_count(html) == 4
    assert result_count(page(client, "/inovasi?province=33&sector=kesehatan")) == int(options["kesehatan"]) == 3


def test_combined_filters(client, catalogue):
    assert result_count(page(client, "/inovasi?province=33&sector=kesehatan&year=2021")) == 1
    assert result_count(page(client, "/inovasi?owner_kind=city&digital=true")) == 1
    assert result_count(page(client, "/inovasi?award=top45")) == 1
    assert result_count(page(client, "/inovasi?replicated=true")) == 1
    assert result_count(page(client, "/inovasi?replicated=false&stage=discontinued")) == 1
    assert result_count(page(client, "/inovasi?theme=sistem-informasi&owner_kind=province")) == 1
    assert result_count(page(client, "/inovasi?region=33.02")) == 2
    assert result_count(page(client, "/inovasi?province=35&sector=kesehatan")) == 0


def test_sorts(client, catalogue):
    html = page(client, "/inovasi?sort=title")
    titles = re.findall(r'class="card-title"[^>]*><a [^>]+>([^<]+)<', html)
    assert titles == sorted(titles, key=str.lower)
    html = page(client, "/inovasi?sort=most_replicated")
    assert re.findall(r'class="card-title"[^>]*><a [^>]+>([^<]+)<', html)[0] == "Izin Usaha Sehari"


def test_paging(client, db):
    for n in range(25):
        factories.innovation(f"Inovasi Halaman {n:02d}")
    db.session.commit()
    first = page(client, "/inovasi?sort=title")
    assert first.count('class="card"') == 20 and 'rel="next"' in first
    second = page(client, "/inovasi?sort=title&page=2")
    assert second.count('class="card"') == 5 and 'rel="prev"' in second
    assert "Inovasi Halaman 24" in second and "Inovasi Halaman 24" not in first
    beyond = page(client, "/inovasi?page=9")
    assert "Halaman ini kosong" in beyond


@pytest.mark.parametrize(
    "query",
    ["page=-1", "page=abc", "page=1000000000", "page=0", "per_page=100000", "sector=zzz", "province=33.74",
     "year=dua", "replicated=maybe", "sort=random", "sector=%27%20OR%201%3D1--", "owner_kind=" + "x" * 5000],
)  # fmt: skip
def test_bad_filters_get_a_clear_message_not_a_500(client, catalogue, query):
    html = page(client, f"/inovasi?{query}", status=400)
    assert "Filter tidak dapat dipakai" in html
    assert "Tampilkan seluruh katalog" in html


def test_huge_query_string_is_refused_cleanly(client, catalogue):
    response = client.get("/inovasi?" + "&".join(f"x{n}=1" for n in range(2000)))
    assert response.status_code in (200, 400, 414)


def test_case_study_page(client, catalogue):
    item = catalogue[0]
    html = page(client, f"/inovasi/{item.slug}")
    assert "<h1>Antrean Puskesmas Daring</h1>" in html
    assert 'href="/pemilik/kota-semarang"' in html and 'href="/wilayah/33.74"' in html and 'href="/wilayah/33"' in html
    assert "KIPP 2019 · Top 99" in html
    assert 'href="/inovasi?sector=kesehatan"' in html
    assert 'id="bagian-latar-belakang"' in html and 'href="#bagian-latar-belakang"' in html  # table of contents
    assert 'lang="id"' in html and "Belum ada daerah yang tercatat mereplikasi" in html
    assert "Contoh" not in re.sub(r"<footer.*", "", html, flags=re.S).split("<main", 1)[1].split("Daftar isi")[0]


def test_sample_case_study_is_labelled(client, catalogue):
    html = page(client, f"/inovasi/{catalogue[-1].slug}")
    assert 'class="sample-label"' in html and "studi kasus rekaan" in html


def test_english_case_study_keeps_its_language(client, catalogue):
    html = page(client, f"/inovasi/{catalogue[5].slug}")
    assert '<article class="case-study" lang="en">' in html
    assert 'lang="id"' in html  # the interface around it stays Indonesian


def test_owner_page(client, catalogue):
    html = page(client, "/pemilik/kabupaten-banyumas")
    assert "<h1>Kabupaten Banyumas</h1>" in html
    assert "Dokter Keliling Stunting" in html and "Akta Lahir di Rumah Sakit" in html
    assert "Izin Usaha Sehari" not in html


def test_province_page_lists_its_regencies_and_cities_with_counts(client, catalogue):
    html = page(client, "/wilayah/33")
    assert "<h1>Provinsi Jawa Tengah</h1>" in html
    assert "Tele Kesehatan Provinsi" in html and "Dokter Keliling Stunting" not in html
    row = re.search(
        r'href="/wilayah/33.02">Kabupaten Banyumas</a></td>\s*<td>[^<]+</td>\s*<td class="num">(\d+)<', html
    )
    assert row and row.group(1) == "2"
    assert html.count('href="/wilayah/33.') == 35  # 29 regencies and 6 cities
    assert "4 inovasi di provinsi ini: 1 milik pemerintah provinsi, 3 milik kabupaten dan kota." in html


def test_regency_page_shows_what_it_owns(client, catalogue):
    html = page(client, "/wilayah/33.02")
    assert "Kabupaten Banyumas" in html and "Dokter Keliling Stunting" in html
    assert 'href="/wilayah/33"' in html


def test_escaping_of_imported_text(client, db):
    factories.innovation('<script>alert("x")</script> Judul', summary="<img src=x onerror=alert(1)>")
    db.session.commit()
    for url in ("/", "/inovasi", f"/inovasi/{db.session.scalars(db.select(factories.Innovation)).first().slug}"):
        html = page(client, url)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Judul" in html or "&lt;script&gt;" in html


# --- language -------------------------------------------------------------------------


def test_indonesian_by_default(client, catalogue):
    html = page(client, "/inovasi")
    assert '<html lang="id">' in html and "Katalog inovasi" in html


def test_english_from_the_browser_on_a_first_visit(client, catalogue):
    html = page(client, "/inovasi", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in html and "Innovation catalogue" in html and "7 innovations" in html


def test_language_switch_is_remembered_and_returns_to_the_page(client, catalogue):
    response = client.get("/bahasa/en?next=/inovasi%3Fsector%3Dkesehatan")
    assert response.status_code == 302 and response.headers["Location"] == "/inovasi?sector=kesehatan"
    assert "lang=en" in response.headers["Set-Cookie"]
    html = page(client, "/inovasi?sector=kesehatan", headers={"Accept-Language": "id"})
    assert "Innovation catalogue" in html and "Indonesian" not in html and "Bahasa Indonesia" in html
    client.get("/bahasa/id")
    assert "Katalog inovasi" in page(client, "/inovasi", headers={"Accept-Language": "en"})


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"]
)
def test_language_switch_never_leaves_the_site(client, target):
    response = client.get("/bahasa/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    response = client.get("/bahasa/fr?next=/inovasi")
    assert response.headers["Location"] == "/inovasi" and "Set-Cookie" not in response.headers


def test_404_in_english(client):
    html = page(client, "/nowhere", status=404, headers={"Accept-Language": "en"})
    assert "Page not found" in html


def test_pages_vary_on_language(client):
    response = client.get("/")
    assert {"Cookie", "Accept-Language"} <= set(response.vary)


@pytest.mark.parametrize(
    ("language", "number", "day"),
    [("id", "1.234", "18 Juli 2019"), ("en", "1,234", "July 18, 2019")],
)
def test_numbers_and_dates_follow_the_locale(app, language, number, day):
    with app.test_request_context("/", headers={"Accept-Language": language}):
        rendered = render_template_string("{{ 1234|numberformat }}|{{ d|dateformat('long') }}", d=date(2019, 7, 18))
    assert unescape(rendered) == f"{number}|{day}"
