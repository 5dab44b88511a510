"""The findings of the review as an attacker (issue 13) that the hunting tests do not reach by
themselves: the search index behind the database, Whoosh's deleted terms and its reader
refresh, the page cache's key, the table of contents, and which network may be named as a
replication's facilitator. Each test failed before its fix."""

import re

import pytest
import sqlalchemy as sa
from whoosh import reading

from app.catalog.filters import parse_filters
from app.extensions import db as _db
from app.replication import services as replication_services
from app.search import service
from app.search.index import IndexStore
from tests import factories
from tests.accounts_fixtures import add_member, make_network, make_user, sign_in, submit


@pytest.fixture
def indexed(db, app):
    """Two published case studies in the index: one to stay, one to be archived."""
    stays = factories.innovation("Posyandu Keliling", summary="Posyandu keliling desa.", year=2020)
    goes = factories.innovation("Kalamansi Sehat", summary="Kebun kalamansi untuk gizi.", year=2021)
    db.session.commit()
    IndexStore(app.config["SEARCH_INDEX_DIR"]).rebuild(db.engine)
    return stays, goes


def _archive(db, innovation):
    innovation.status = "archived"
    db.session.commit()


def test_a_hit_is_checked_against_the_database_while_the_index_lags(app, db, indexed, monkeypatch):
    _, goes = indexed
    # The writer is busy: the change waits in the outbox and the index still holds the document.
    monkeypatch.setitem(app.config, "SEARCH_SYNC_AFTER_COMMIT", False)
    monkeypatch.setitem(app.config, "SEARCH_SYNC_ON_READ", False)
    _archive(db, goes)
    result = service.search(parse_filters({"q": "kalamansi"}))
    assert [hit.innovation.slug for hit in result.hits] == []
    assert goes.slug not in {hit.innovation.slug for hit in service.search(parse_filters({})).hits}


def test_a_word_only_in_an_archived_case_study_is_never_suggested(app, db, indexed):
    _, goes = indexed
    _archive(db, goes)  # applied to the index: Whoosh deletes the document but keeps its terms
    snapshot = service.snapshot()
    assert snapshot.reader.doc_frequency("spell", "kalamansi") >= 1  # the term is still there
    result = service.search(parse_filters({"q": "kalamansy"}))
    assert result.suggestion is None and result.total == 0
    assert service.search(parse_filters({"q": "posyandy"})).suggestion == "posyandu"  # live words still are


def test_a_new_generation_of_segments_never_reads_through_closed_readers(app, db, indexed, monkeypatch):
    assert service.search(parse_filters({"q": "posyandu"})).total == 1  # a searcher is cached
    factories.innovation("Posyandu Remaja", summary="Posyandu untuk remaja.", year=2022)
    db.session.commit()  # a new segment: the cached searcher is out of date
    # A concurrent merge deletes a segment file just as the new readers open: Whoosh retries.
    failures = []
    original = reading.SegmentReader.__init__

    def vanishing_once(self, *args, **kwargs):
        if not failures:
            failures.append(1)
            raise FileNotFoundError("segment merged away")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(reading.SegmentReader, "__init__", vanishing_once)
    assert service.search(parse_filters({"q": "posyandu"})).total == 2
    assert failures == [1]


def test_a_forged_script_root_plants_nothing_in_the_page_cache(app, db, indexed, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_ENABLED", True)
    from app import pagecache

    pagecache.clear()
    try:
        client = app.test_client()
        forged = client.get("/inovasi", base_url="http://localhost/jahat")
        assert 'href="/jahat/inovasi/' in forged.get_data(as_text=True)
        honest = client.get("/inovasi")
        assert "/jahat" not in honest.get_data(as_text=True)
    finally:
        pagecache.clear()


def test_the_table_of_contents_escapes_headings_once(client, db):
    item = factories.innovation(body='## Biaya & Manfaat 1 < 2\n\nTeks.\n\n## Tahap 2 "Uji"\n\nTeks.\n')
    db.session.commit()
    html = client.get(f"/inovasi/{item.slug}").get_data(as_text=True)
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S)
    assert toc, "the page has a table of contents"
    assert "Biaya &amp; Manfaat 1 &lt; 2" in toc.group(0)
    assert "&amp;amp;" not in html and "&amp;lt;" not in html


@pytest.fixture
def two_networks(db):
    """JIPP Jawa Timur (Surabaya, Lumajang) and JIPP Sulawesi Selatan (Makassar); a case study
    of Surabaya's; a coordinator of Jawa Timur."""
    jatim, sulsel = make_network("jipp-jawa-timur", "35"), make_network("jipp-sulawesi-selatan", "73")
    add_member(jatim, "35.78")
    add_member(jatim, "35.08")
    add_member(sulsel, "73.71")
    innovation = factories.innovation("Layanan Surabaya", kind="city", region="35.78")
    coordinator = make_user("koor@jatim.example.go.id", "coordinator", networks=[jatim])
    editor = make_user("editor@example.go.id", "editor")
    db.session.commit()
    return {"jatim": jatim, "sulsel": sulsel, "innovation": innovation, "coordinator": coordinator, "editor": editor}


@pytest.mark.parametrize("who", ["coordinator", "editor"])
def test_a_replication_is_facilitated_only_by_a_network_of_its_adopter_or_origin(client, two_networks, who):
    from app.replication.models import Replication

    world = two_networks
    sign_in(client, world[who])
    url = f"/inovasi/{world['innovation'].slug}/replikasi/baru"
    page = client.get(url).get_data(as_text=True)
    offered = set(re.findall(r'<option value="(\d+)"[^>]*>JIPP', page))
    if who == "coordinator":
        assert str(world["sulsel"].id) not in offered  # neither side is a member of it
    data = {"adopter": "35.08", "stage": "planned", "network": str(world["sulsel"].id)}
    response = submit(client, url, data)
    assert response.status_code == 400
    assert _db.session.scalar(sa.select(sa.func.count(Replication.id))) == 0
    response = submit(client, url, {**data, "network": str(world["jatim"].id)})
    assert response.status_code == 302


def test_the_service_refuses_an_unrelated_facilitator_for_every_caller(db, two_networks):
    world = two_networks
    adopter = factories.owner("regency", "35.08")
    with pytest.raises(replication_services.ReplicationError) as refused:
        replication_services.create(world["innovation"], adopter, "planned", network_id=world["sulsel"].id)
    assert refused.value.field == "network"
    db.session.rollback()


def test_every_filter_on_every_page_is_a_clear_answer(client, db):
    from app.catalog.filters import FILTERS

    factories.innovation(digital=True)
    db.session.commit()
    good = {"sector": "kesehatan", "theme": "sistem-informasi", "owner_kind": "regency", "province": "33",
            "region": "33.02", "year": "2020", "award": "top99", "stage": "trial", "digital": "true",
            "replicated": "false", "cost": "unknown", "no_new_regulation": "true"}  # fmt: skip
    assert set(good) == set(FILTERS)
    for path in ("/inovasi", "/cari", "/api/v1/innovations", "/export/innovations.csv", "/cari?q=inovasi"):
        for name in FILTERS:
            joiner = "&" if "?" in path else "?"
            assert client.get(f"{path}{joiner}{name}={good[name]}").status_code == 200, (path, name)
            bad = client.get(f"{path}{joiner}{name}=zz%3Cscript%3E")
            assert bad.status_code == 400, (path, name)
            if bad.mimetype == "text/html":  # JSON and plain text carry it as data, with nosniff
                assert "<script>" not in bad.get_data(as_text=True), (path, name)
            else:
                assert bad.mimetype in ("application/json", "text/plain") and bad.headers["X-Content-Type-Options"]


def test_an_empty_catalogue_with_an_index_answers_every_search(app, client, db):
    IndexStore(app.config["SEARCH_INDEX_DIR"]).rebuild(db.engine)  # an index of nothing
    for url in ("/cari?q=stunting", "/cari", "/api/v1/innovations", "/api/v1/innovations?q=x&digital=true"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert client.get("/api/v1/innovations").get_json()["total"] == 0


def test_index_updates_hold_when_a_program_seeds_random(app, db, indexed, monkeypatch):
    import random

    monkeypatch.setitem(app.config, "SEARCH_SYNC_ON_READ", False)  # each commit must have applied its change
    for n in range(3):  # what Hypothesis does before each example
        random.seed(0)
        factories.innovation(f"Pos Gizi {n}", summary="Pos gizi desa.", year=2020)
        db.session.commit()
    found = {hit.innovation.title for hit in service.search(parse_filters({"q": "pos gizi"})).hits}
    assert {"Pos Gizi 0", "Pos Gizi 1", "Pos Gizi 2"} <= found
