"""The home page leads with what a visitor comes for: the search box with example problems
that find something, the numbers, and innovations of regions like the visitor's own; the
labelled examples are marked as examples in its lists too."""

import re
from pathlib import Path

import pytest

from app.catalog.views import EXAMPLE_QUERIES
from app.content.importer import import_case_studies
from app.extensions import db as _db
from tests import factories
from tests.accounts_fixtures import make_user, sign_in
from tests.test_search_support import clean_index, slugs

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture
def sample_catalogue(app):
    with clean_index(app):
        with app.app_context():
            import_case_studies(CONTENT)
            _db.session.commit()
            _db.session.remove()
        yield app


def test_every_example_query_finds_case_studies_in_the_sample_content(sample_catalogue):
    for query in EXAMPLE_QUERIES:
        assert slugs(sample_catalogue, query), f"the example {query!r} finds nothing"
    page = sample_catalogue.test_client().get("/").get_data(as_text=True)
    examples = re.findall(r'<p class="example-queries">(.*?)</p>', page, re.S)[0]
    assert len(re.findall(r'<a href="/cari\?q=[^"]+">', examples)) == len(EXAMPLE_QUERIES)


def test_a_visitor_finds_innovations_of_regions_like_theirs(client, db):
    factories.innovation("Inovasi Kabupaten Tetangga", kind="regency", region="33.29")
    factories.innovation("Inovasi Kota", kind="city", region="33.74")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    form = re.search(r'<form method="get" action="/inovasi" class="form like-form">(.*?)</form>', page, re.S).group(1)
    assert re.findall(r'name="([^"]+)"', form) == ["owner_kind", "province"]
    answer = client.get("/inovasi", query_string={"owner_kind": "regency", "province": "33"}).get_data(as_text=True)
    assert "Inovasi Kabupaten Tetangga" in answer and "Inovasi Kota" not in answer
    everywhere = client.get("/inovasi", query_string={"owner_kind": "city", "province": ""})
    assert everywhere.status_code == 200 and "Inovasi Kota" in everywhere.get_data(as_text=True)


def test_an_official_sees_innovations_of_governments_like_theirs_own_province_first(client, db):
    near = factories.innovation("Inovasi Brebes", kind="regency", region="33.29")
    far = factories.innovation("Inovasi Lumajang", kind="regency", region="35.08")
    far.replication_count = 5  # copied more, but in another province: still after Brebes
    factories.innovation("Inovasi Kota Semarang", kind="city", region="33.74")  # another kind
    mine = factories.innovation("Inovasi Banyumas Sendiri", kind="regency", region="33.02")
    sample = factories.innovation("Contoh Kabupaten", kind="regency", region="33.01", sample=True)
    official = make_user("pejabat@banyumas.example.go.id", "official", owner=mine.owner)
    db.session.commit()
    sign_in(client, official)
    page = client.get("/").get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="like-h".*?</section>', page, re.S).group(0)
    titles = re.findall(r"<h3[^>]*><a[^>]*>([^<]+)</a>", section)
    assert "Inovasi Banyumas Sendiri" not in titles and "Inovasi Kota Semarang" not in titles
    assert titles.index(near.title) < titles.index(far.title)
    assert sample.title in titles and "badge-sample" in section  # examples say so, here too
    assert 'value="regency" selected' in section and 'value="33" selected' in section
