"""Open data: CSV exports (streamed, with a BOM), Atom feeds, sitemap and robots.txt."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from app.replication import csvio, services
from tests import factories
from tests.accounts_fixtures import make_user

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def data(db):
    items = [
        factories.innovation(
            "Layanan Akta Kelahiran Terpadu", region="33.02", year=2021, sectors=("administrasi-kependudukan",)
        ),
        factories.innovation(
            'Posyandu "Ceria" <script>alert(1)</script>',
            region="35.08",
            year=2022,
            summary="Kader ibu & anak — gizi, stunting.",
        ),
        factories.innovation(
            "Bank Sampah Kelurahan", kind="city", region="33.74", year=2020, sectors=("lingkungan-hidup",)
        ),
    ]
    editor = make_user("editor@example.go.id", "editor")
    services.create(items[0], factories.owner("regency", "35.08"), "piloting", user=editor, local_name="AKTA KITA")
    db.session.commit()
    return items


def _rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_exports_are_streamed(app, data):
    from app.api.exports import innovations_csv, replications_csv

    for view in (innovations_csv, replications_csv):
        with app.test_request_context("/"):
            response = view()
            assert response.is_streamed
            first = next(iter(response.response))
            assert first == "\ufeff"
            response.close()


def test_innovations_csv_has_a_bom_a_header_and_every_row(client, data):
    response = client.get("/export/innovations.csv")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response)
    assert rows[0][:3] == ["slug", "title", "owner"]
    assert len(rows) == 4
    titles = {row[1] for row in rows[1:]}
    assert 'Posyandu "Ceria" <script>alert(1)</script>' in titles  # text, exactly as stored
    summary = next(row for row in rows if row[1].startswith("Posyandu"))[-1]
    assert summary == "Kader ibu & anak — gizi, stunting."


def test_innovations_csv_takes_the_catalogue_filters(client, data):
    rows = _rows(client.get("/export/innovations.csv?province=33&sector=administrasi-kependudukan"))
    assert [row[1] for row in rows[1:]] == ["Layanan Akta Kelahiran Terpadu"]
    assert len(_rows(client.get("/export/innovations.csv?replicated=true"))) == 2


@pytest.mark.parametrize("query", ["sector=zzz", "page=0", "year=abc", "province=%27%3B--"])
def test_bad_export_filters_are_400(client, data, query):
    response = client.get(f"/export/innovations.csv?{query}")
    assert response.status_code == 400 and response.mimetype == "text/plain"


def test_replications_csv_reads_back_with_the_import(client, db, data):
    response = client.get("/export/replications.csv")
    rows = _rows(response)
    assert tuple(rows[0]) == (*csvio.COLUMNS, *csvio.INFORMATIVE)
    assert rows[1][rows[0].index("local_name")] == "AKTA KITA"
    parsed = csvio.read(response.get_data())
    assert parsed.ok, parsed.problems
    counts = csvio.write(parsed, None)
    assert counts == {"created": 0, "updated": 0, "unchanged": 1}


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("status=piloting", 1),
        ("status=planned", 0),
        ("adopter_region=35", 1),
        ("adopter_region=33", 0),
        ("network=nope", 0),
    ],
)
def test_replications_csv_filters(client, data, query, count):
    assert len(_rows(client.get(f"/export/replications.csv?{query}"))) == 1 + count


@pytest.mark.parametrize("query", ["status=done", "adopter_region=99.99", "colour=red", "innovation=Bukan_Slug"])
def test_bad_replication_filters_are_400(client, data, query):
    assert client.get(f"/export/replications.csv?{query}").status_code == 400


def _atom_problems(root):
    """The MUSTs of RFC 4287 that a feed can break."""
    problems = []
    if root.tag != f"{ATOM}feed":
        return ["root is not atom:feed"]
    for name in ("id", "title", "updated"):
        if len(root.findall(f"{ATOM}{name}")) != 1:
            problems.append(f"feed needs exactly one {name}")
    feed_author = root.find(f"{ATOM}author") is not None
    ids = set()
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            if len(entry.findall(f"{ATOM}{name}")) != 1:
                problems.append(f"entry needs exactly one {name}")
        if not feed_author and entry.find(f"{ATOM}author") is None:
            problems.append("entry without author")
        if entry.find(f"{ATOM}content") is None and entry.find(f"{ATOM}link[@rel='alternate']") is None:
            problems.append("entry without content or alternate link")
        entry_id = entry.findtext(f"{ATOM}id")
        if entry_id in ids:
            problems.append(f"duplicate id {entry_id}")
        ids.add(entry_id)
        if not entry.findtext(f"{ATOM}updated", "").endswith("Z"):
            problems.append("updated is not an RFC 3339 UTC date")
    return problems


@pytest.mark.parametrize("url", ["/feeds/innovations.atom", "/feeds/replications.atom"])
def test_feeds_are_valid_atom(client, data, url):
    response = client.get(url)
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())
    assert _atom_problems(root) == []
    assert len(root.findall(f"{ATOM}entry")) >= 1


def test_feed_escapes_text(client, data):
    body = client.get("/feeds/innovations.atom").get_data(as_text=True)
    assert "<script>" not in body and "&lt;script&gt;" in body
    titles = [e.findtext(f"{ATOM}title") for e in ET.fromstring(body).findall(f"{ATOM}entry")]
    assert 'Posyandu "Ceria" <script>alert(1)</script>' in titles


def test_empty_feeds_are_still_valid(client):
    for url in ("/feeds/innovations.atom", "/feeds/replications.atom"):
        assert _atom_problems(ET.fromstring(client.get(url).get_data())) == []


def test_sitemap_lists_every_public_page(client, data):
    root = ET.fromstring(client.get("/sitemap.xml").get_data())
    locations = {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert "http://localhost/" in locations and "http://localhost/statistik" in locations
    assert f"http://localhost/inovasi/{data[0].slug}" in locations
    assert "http://localhost/wilayah/33.74" in locations and "http://localhost/pemilik/kabupaten-banyumas" in locations
    assert sum("/wilayah/" in loc for loc in locations) == 552


def test_robots_points_to_the_sitemap(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in text and "Disallow: /admin/" in text


def test_case_study_has_opengraph_and_description(client, data):
    html = client.get(f"/inovasi/{data[1].slug}").get_data(as_text=True)
    assert '<meta property="og:title" content="Posyandu &#34;Ceria&#34; &lt;script&gt;' in html
    assert '<meta name="description" content="Kader ibu &amp; anak' in html
