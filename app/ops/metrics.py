"""Prometheus metrics: counted by the request layer (app/ops/wsgi.py) for every request,
those the page cache's front answers too; the search index's state computed at scrape time.

Under gunicorn every worker is a process with counters of its own: with
``PROMETHEUS_MULTIPROC_DIR`` set (deploy/gunicorn.conf.py sets it, and cleans up after dead
workers) the client library keeps them in files there, and a scrape of any worker adds
them all up (docs/decisions/0051).
"""

import ipaddress
import logging
import os

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)
__all__ = ["CONTENT_TYPE_LATEST", "observe", "exposition", "allowed"]

# Rendering a page takes 5 to 200 ms, a cache hit well under 1 ms.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_SECONDS = Histogram(
    "suar_http_request_duration_seconds",
    "Time from a request's arrival to the last byte of its answer, per endpoint.",
    ("endpoint", "method"),
    buckets=BUCKETS,
)
REQUESTS = Counter("suar_http_requests", "Requests answered, by endpoint and status.", ("endpoint", "method", "status"))
PAGE_CACHE = Counter(
    "suar_page_cache_requests",
    "Anonymous requests for cached pages: hit (answered from the cache, by the WSGI front or by Flask) or miss.",
    ("result", "layer"),
)


METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))
# The series one kind of request counts in, by (endpoint, method, status, page cache, layer):
# looking a child up by its labels cost more than counting in it. Every part comes from a
# bounded set (the app's endpoints, METHODS or "other", status codes, the cache's words).
_series = {}


def observe(endpoint, method, status, seconds, page_cache, layer):
    """Count one finished request."""
    method = method if method in METHODS else "other"
    kind = (endpoint, method, status, page_cache, layer)
    series = _series.get(kind)
    if series is None:
        series = _series[kind] = _series_of(*kind)
    histogram, counter, cache = series
    histogram.observe(seconds)
    counter.inc()
    if cache is not None:
        cache.inc()


def _series_of(endpoint, method, status, page_cache, layer):
    endpoint = endpoint or "unmatched"
    cache = None
    if page_cache in ("hit", "miss"):
        cache = PAGE_CACHE.labels(page_cache, layer if page_cache == "hit" else "flask")
    return REQUEST_SECONDS.labels(endpoint, method), REQUESTS.labels(endpoint, method, str(status)), cache


class _Computed:
    """Families computed for this scrape only."""

    def __init__(self, families):
        self.families = families

    def collect(self):
        return self.families


def _search_families(app):
    from app.ops.health import search_state

    try:
        state = search_state(app)
    except Exception:
        # The counters are still worth a scrape; the missing series say the rest.
        log.warning("search state unavailable for the metrics", exc_info=True)
        return []
    present = GaugeMetricFamily("suar_search_index_present", "1 when this server has a search index it can read.")
    present.add_metric([], 1 if state["present"] else 0)
    lag = GaugeMetricFamily(
        "suar_search_index_lag_changes", "Outbox changes not yet applied to this server's search index."
    )
    lag.add_metric([], state["lag"])
    outbox = GaugeMetricFamily("suar_search_outbox_rows", "Rows kept in the search outbox until `flask search prune`.")
    outbox.add_metric([], state["outbox"])
    return [present, lag, outbox]


def exposition(app):
    """The Prometheus text of every worker's counters and of the index's state now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    computed = CollectorRegistry(auto_describe=False)
    computed.register(_Computed(_search_families(app)))
    return generate_latest(registry) + generate_latest(computed)


def allowed_networks(setting):
    """``METRICS_ALLOW`` ("127.0.0.1, ::1, 10.0.0.0/8") as networks."""
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in setting.split(",") if item.strip())


def allowed(address, networks):
    """True when ``address`` (the client, after ProxyFix) may read the metrics."""
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)
