"""Pages that miss the cache: each page rendered in-process, one request at a time.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/suar_load \\
    SEARCH_INDEX_DIR=/tmp/suar-load/index \\
        .venv/bin/python bench/uncached.py [--runs 30] [--memo both] [--explain]

Runs against a database built as bench/load.py builds it (the sample content plus
``bench/synthetic.py seed``). The page cache is off, so every request renders its page, as
the first visit after a change does. ``--memo both`` times every page with the
per-generation memo (app/memo.py) off, then on, in the same run. Memo off is the first
visit after a write (every figure computed); memo on is any later page that misses the page
cache in the same data generation: another URL or language, a signed-in reader, another
page of the same filters. ``--explain`` prints EXPLAIN ANALYZE of the SQL a page sends (PostgreSQL).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: its markdown.py would shadow the package

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from config import Config  # noqa: E402

PAGES = (
    ("home", "/"),
    ("catalogue, no filter", "/inovasi"),
    ("filtered catalogue", "/inovasi?sector=kesehatan&province=33&sort=most_replicated"),
    ("case-study page", "/inovasi/{slug}"),
    ("search with filters", "/cari?q=stunting+posyandu&province=33"),
    ("API list", "/api/v1/innovations?sector=kesehatan&per_page=20"),
    ("statistics page", "/statistik"),
)


def time_page(client, path, runs):
    client.get(path)  # warm: templates compiled, the search snapshot loaded
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def explain(app, client, path):
    """Print each statement of one request with EXPLAIN ANALYZE (slowest first)."""
    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "cache_generation" not in statement:
            captured.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            client.get(path)
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        plans = []
        with db.engine.connect() as connection:
            for statement, parameters in captured:
                cursor = connection.connection.dbapi_connection.cursor()
                cursor.execute("EXPLAIN ANALYZE " + statement, parameters)
                plan = [row[0] for row in cursor.fetchall()]
                took = float(plan[-1].split(":")[1].split()[0])
                plans.append((took, statement, plan))
    print(f"\n## {path}: {len(plans)} statements, {sum(p[0] for p in plans):.1f} ms in the server")
    for took, statement, plan in sorted(plans, key=lambda p: p[0], reverse=True)[:6]:
        print(f"\n{took:.2f} ms  {' '.join(statement.split())[:300]}")
        print("\n".join("    " + line for line in plan))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--memo", choices=("on", "off", "both"), default="both")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--page", action="append", help="only pages whose label contains this")
    options = parser.parse_args()

    environ = {**os.environ, "PAGE_CACHE": "off", "SECRET_KEY": "uncached-benchmark"}
    environ["API_RATE_LIMIT"] = "1000000/minute"
    app = create_app(Config(environ))
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        slug = db.session.scalar(sa.text("SELECT slug FROM innovation ORDER BY replication_count DESC, id LIMIT 1"))
        count = db.session.scalar(sa.text("SELECT count(*) FROM innovation"))
        replications = db.session.scalar(sa.text("SELECT count(*) FROM replication"))
        dialect = db.engine.dialect.name
        db.session.remove()
    pages = [(label, path.format(slug=slug)) for label, path in PAGES]
    if options.page:
        pages = [(label, path) for label, path in pages if any(p in label for p in options.page)]
    client = app.test_client()
    if options.explain:
        for _label, path in pages:
            explain(app, client, path)
        return

    memos = ("off", "on") if options.memo == "both" else (options.memo,)
    results = {}
    for memo in memos:
        app.config["GENERATION_MEMO"] = memo == "on"
        for label, path in pages:
            results[label, memo] = time_page(client, path, options.runs)
    print(
        f"\n{dialect}, {count:,} innovations, {replications:,} replications; page cache off; "
        f"{options.runs} requests per page, one at a time\n"
    )
    print("| page | URL | " + " | ".join(f"memo {m}: p50 ms | p95 ms" for m in memos) + " |")
    print("|---|---|" + "---:|---:|" * len(memos))
    for label, path in pages:
        cells = " | ".join(f"{results[label, m][0]:.1f} | {results[label, m][1]:.1f}" for m in memos)
        print(f"| {label} | `{path}` | {cells} |")


if __name__ == "__main__":
    main()
