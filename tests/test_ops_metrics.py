"""/metrics: Prometheus text for the allowed addresses only, with every request counted (those
the page cache's front answers too) and the search index's state computed when scraped.
Several gunicorn workers: tests/test_deploy_gunicorn.py."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app import pagecache
from app.extensions import db as _db
from app.ops.metrics import allowed, allowed_networks
from tests import factories
from tests.support import make_app


@pytest.fixture
def cached(databases, tmp_path_factory):
    app = make_app(databases, tmp_path_factory, PAGE_CACHE_ENABLED=True, SEARCH_SYNC_AFTER_COMMIT=False)
    pagecache.clear()
    yield app
    pagecache.clear()
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def scrape(app, address="127.0.0.1"):
    response = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.content_type.startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


def test_only_allowed_addresses_may_read_the_metrics(cached):
    client = cached.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert response.status_code == 404 and b"suar_" not in response.data


def test_the_allow_list_takes_addresses_and_networks():
    networks = allowed_networks("127.0.0.1, ::1, 10.20.0.0/16")
    assert allowed("127.0.0.1", networks) and allowed("::1", networks) and allowed("10.20.3.4", networks)
    assert allowed("::ffff:127.0.0.1", networks)  # IPv4 seen on a dual-stack socket
    assert not allowed("10.21.0.1", networks) and not allowed("", networks) and not allowed("nonsense", networks)


def test_requests_and_page_cache_hits_are_counted_per_endpoint(cached):
    before = scrape(cached)
    client = cached.test_client()
    for _ in range(3):
        client.get("/inovasi")  # a miss, then two hits answered by the front
    client.get("/tidak-ada")
    client.set_cookie("session", "anything")
    client.get("/inovasi")  # a hit answered by Flask
    after = scrape(cached)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("suar_http_requests_total", endpoint="catalog.catalogue", method="GET", status="200") == 4
    assert grew("suar_http_request_duration_seconds_count", endpoint="catalog.catalogue", method="GET") == 4
    assert grew("suar_http_requests_total", endpoint="unmatched", method="GET", status="404") == 1
    assert grew("suar_page_cache_requests_total", result="miss", layer="flask") == 1
    assert grew("suar_page_cache_requests_total", result="hit", layer="front") == 2
    assert grew("suar_page_cache_requests_total", result="hit", layer="flask") == 1


def test_search_index_lag_and_outbox_are_read_when_scraped(cached):
    from app.search.index import IndexStore

    samples = scrape(cached)
    assert value(samples, "suar_search_index_present") == 0
    with cached.app_context():
        IndexStore(cached.config["SEARCH_INDEX_DIR"]).rebuild(_db.engine)
        factories.innovation("Menunggu Indeks", region="33.02")
        _db.session.commit()  # SEARCH_SYNC_AFTER_COMMIT is off: the change waits in the outbox
    samples = scrape(cached)
    assert value(samples, "suar_search_index_present") == 1
    lag = value(samples, "suar_search_index_lag_changes")
    assert lag >= 1 and value(samples, "suar_search_outbox_rows") >= lag
    with cached.app_context():
        IndexStore(cached.config["SEARCH_INDEX_DIR"]).sync(_db.engine)
    assert value(scrape(cached), "suar_search_index_lag_changes") == 0
