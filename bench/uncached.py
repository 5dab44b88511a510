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
``--statements`` adds the number of SQL statements each page sends (after the warm-up).

``--compare OTHER_TREE`` times another checkout (say ``git worktree add --detach ../before
main``) against this one in the same run, on the same database: each checkout in a process of
its own, alternately page by page (``--rounds`` times, the other first), so that both see the
same load; the table puts them side by side.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The checkout whose app is timed: this one, or the one --compare runs (UNCACHED_TREE).
ROOT = Path(os.environ.get("UNCACHED_TREE") or Path(__file__).resolve().parent.parent)
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


def count_statements(app, client, path):
    """How many SQL statements one request for ``path`` sends (templates and memo warm)."""
    count = 0

    def capture(*args):
        nonlocal count
        count += 1

    client.get(path)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            client.get(path)
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
    return count


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
    parser.add_argument("--statements", action="store_true", help="count the SQL statements of each page")
    parser.add_argument("--compare", metavar="OTHER_TREE", help="time another checkout beside this one")
    parser.add_argument("--rounds", type=int, default=2, help="with --compare: alternations per page")
    parser.add_argument("--json", help=argparse.SUPPRESS)  # --compare's children write their figures here
    options = parser.parse_args()
    if options.compare:
        return compare(options)

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
            if options.statements:
                results[label, memo] += (count_statements(app, client, path),)
    if options.json:
        Path(options.json).write_text(json.dumps([[label, memo, *r] for (label, memo), r in results.items()]))
        return
    print(
        f"\n{dialect}, {count:,} innovations, {replications:,} replications; page cache off; "
        f"{options.runs} requests per page, one at a time\n"
    )
    print("| page | URL | " + " | ".join(f"memo {m}: p50 ms | p95 ms" for m in memos) + " |")
    print("|---|---|" + "---:|---:|" * len(memos))
    for label, path in pages:
        cells = " | ".join(f"{results[label, m][0]:.1f} | {results[label, m][1]:.1f}" for m in memos)
        print(f"| {label} | `{path}` | {cells} |")
    if options.statements:
        print(
            "\nSQL statements per page: " + ", ".join(f"{label} {results[label, memos[-1]][2]}" for label, _ in pages)
        )


def compare(options):
    """Run this script on the other checkout and on this one, alternately page by page, and
    print their figures side by side (the pooled samples' p50 and p95 are not kept: each
    cell is the median over the rounds of each run's p50, and the largest p95)."""
    trees = {"before": Path(options.compare).resolve(), "after": Path(__file__).resolve().parent.parent}
    labels = [label for label, _ in PAGES if not options.page or any(p in label for p in options.page)]
    memos = ("off", "on") if options.memo == "both" else (options.memo,)
    figures = {}  # (tree, label, memo) -> [(p50, p95, statements)]
    with tempfile.TemporaryDirectory() as folder:
        for label in labels:
            for _round in range(options.rounds):
                for name, tree in trees.items():
                    out = Path(folder) / f"{name}.json"
                    command = [sys.executable, __file__, "--runs", str(options.runs), "--memo", options.memo,
                               "--page", label, "--statements", "--json", str(out)]  # fmt: skip
                    subprocess.run(command, check=True, env={**os.environ, "UNCACHED_TREE": str(tree)})
                    for row_label, memo, p50, p95, statements in json.loads(out.read_text()):
                        if row_label == label:
                            figures.setdefault((name, label, memo), []).append((p50, p95, statements))
    load = os.getloadavg()
    print(f"\n{options.rounds} alternating runs of {options.runs} requests per page and checkout; "
          f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")  # fmt: skip
    head = " | ".join(f"{n} memo {m}: p50 | p95 | SQL" for m in memos for n in trees)
    print(f"| page | {head} |")
    print("|---|" + "---:|---:|---:|" * len(memos) * len(trees))
    for label in labels:
        cells = []
        for memo in memos:
            for name in trees:
                runs = figures[name, label, memo]
                cells.append(
                    f"{statistics.median(r[0] for r in runs):.1f} | {max(r[1] for r in runs):.1f} | {runs[-1][2]}"
                )
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
