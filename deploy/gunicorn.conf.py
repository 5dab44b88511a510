"""Gunicorn settings for Suar: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Each setting can be changed from the environment (systemd's ``Environment=``), so the same
file serves production, the load benchmark and the tests. Prometheus counters are kept per
worker in ``PROMETHEUS_MULTIPROC_DIR`` and added up by whichever worker is scraped
(app/ops/metrics.py, docs/decisions/0051); this file creates that folder empty when the
server starts and tells the client library when a worker has died.
"""

import os
import shutil
import tempfile

bind = os.environ.get("SUAR_BIND", "127.0.0.1:8000")
# Two workers per core is the usual start; the page cache is per worker, so more workers
# also mean more memory and colder caches (bench/RESULTS.md).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"  # nginx buffers slow clients; a sync worker serves one request at a time
timeout = int(os.environ.get("SUAR_WORKER_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced now and then, which bounds any slow growth of its memory.
max_requests = int(os.environ.get("SUAR_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# The app logs one line per request itself (with the request id, user and page-cache result).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("SUAR_GUNICORN_LOGLEVEL", "info")
# Only the local proxy talks to us; the app reads X-Forwarded-* through ProxyFix (PROXY_FIX_FOR).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn's control socket (for `gunicornc`) defaults to one path per user, which two
# servers of the same user would share: under systemd it goes in /run/suar, else nowhere.
if os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"], "gunicorn.ctl")
else:
    control_socket_disable = True
# The app is imported by each worker, after the fork: no database connection or open search
# index is ever shared between processes.
preload_app = False

# Before any worker imports prometheus_client, which reads this variable once.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    runtime = os.environ.get("RUNTIME_DIRECTORY") or tempfile.gettempdir()  # systemd's RuntimeDirectory=
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.path.join(runtime, f"suar-metrics-{os.getpid()}")
    _our_metrics_dir = True
else:
    _our_metrics_dir = False


def on_starting(server):
    # Files left by a previous run would be added to this run's counts.
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, mode=0o700)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    # Its counters stay (they are counts so far); its live gauges go.
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _our_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def post_worker_init(worker):
    # Several servers on one database (docs/decisions/0086): one thread per server follows the
    # outbox into this server's index and records its position; every worker starts one, and
    # the one holding the index folder's lock follows. SEARCH_FOLLOW=off turns it off.
    if os.environ.get("SEARCH_FOLLOW", "on") != "off":
        from app.search.follower import start_in_background

        start_in_background(worker.wsgi)
