"""Search latency and reindex time on a synthetic catalogue.

    .venv/bin/python bench/search_latency.py [--sizes 160,20000] [--runs 300] [--procs 2] [--keep DIR]

For each size, writes that many synthetic case studies (Indonesian-like text built from
the vocabulary of each sector, 10% in English, real regions, awards, themes) as files,
imports them with the real importer (``flask content import``'s code) into a temporary
SQLite database, rebuilds the index (timed), then times ``search()`` in-process, the code
the API and /cari call, with facets, for a mix of queries and filters: median and p95.
``--keep DIR`` keeps each size's imported database in DIR/<size> and reuses it on later
runs (the import of 20,000 takes about two minutes; the reindex is timed every run).

Against a catalogue that already exists (PostgreSQL, as production), without import or
reindex, and optionally with another checkout's code (``SUAR_BENCH_CODE=DIR``, that
checkout's ``app``; its translations compiled) to compare the two one after the other:

    .venv/bin/python bench/search_latency.py --existing postgresql+psycopg://.../DB --index /tmp/INDEX
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# not bench/: its markdown.py would shadow the package. SUAR_BENCH_CODE: another checkout's app.
sys.path[0] = os.environ.get("SUAR_BENCH_CODE") or str(Path(__file__).resolve().parent.parent)
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # bench.synthetic, from this checkout

import sqlalchemy as sa  # noqa: E402

try:
    from app.migrations import upgrade  # noqa: E402
except ImportError:  # a checkout from before decision 0108 (SUAR_BENCH_CODE)
    from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.catalog.filters import parse_filters  # noqa: E402
from app.content.importer import import_case_studies  # noqa: E402
from app.extensions import db  # noqa: E402
from app.regions.models import Region  # noqa: E402
from app.search import search  # noqa: E402
from app.search.index import IndexStore  # noqa: E402
from app.search.service import snapshot  # noqa: E402
from bench.synthetic import write_case_studies  # noqa: E402
from config import Config  # noqa: E402

QUERIES = [
    "stunting",
    "akta kelahiran rumah sakit",
    "bank sampah jawa timur",
    "izin usaha online",
    "pelayanan kesehatan",
    "stuntng balita",
    "peringatan dini banjir",
    "pupuk bersubsidi",
    '"jemput bola"',
    "bansos tepat sasaran",
    "teacher training",
    "pengaduan warga whatsapp",
    "umkm pemasaran digital",
    "kesehatan jawa tengah",
]
FILTERS = [
    {},
    {"sector": "kesehatan"},
    {"province": "35"},
    {"year": "2021"},
    {"award": "top99"},
    {"owner_kind": "regency", "sort": "newest"},
]


def build(workdir, size):
    config = Config(environ={})
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{workdir / 'latency.db'}"
    config.SEARCH_INDEX_DIR = str(workdir / "index")
    config.SEARCH_SYNC_AFTER_COMMIT = False  # the index is built once, timed, below
    app = create_app(config)
    if (workdir / ".imported").exists():  # --keep: imported by an earlier run
        print(f"  reusing the {size} case studies imported in {workdir}")
        return app
    with app.app_context():
        upgrade()
        rows = db.session.execute(sa.select(Region.code, Region.name, Region.kind).where(Region.kind != "province"))
        regions = [(c, n, k) for c, n, k in rows]
        folder = workdir / "cases"
        folder.mkdir()
        write_case_studies(folder, size, regions)
        started = time.perf_counter()
        for batch in sorted(folder.iterdir()):
            import_case_studies(batch)
            db.session.commit()
        print(f"  imported {size} case studies in {time.perf_counter() - started:.1f} s")
    (workdir / ".imported").touch()
    return app


def forget(snap):
    """Empty what a snapshot remembers: its memo and (since decision 0105) its text queries'
    plans and scores, kept apart from the memo."""
    snap._memo.clear()
    if hasattr(snap, "_queries"):  # a checkout from before 0105 (SUAR_BENCH_CODE) has none
        snap._queries.clear()
        snap._queries_size = 0


def time_searches(app, runs, cold=False):
    cases = [(q, f) for q in QUERIES for f in FILTERS] + [("", f) for f in FILTERS]
    timings = []
    with app.test_request_context():
        search(parse_filters({"q": "warm up"}))  # loads the snapshot once, as a worker's first request does
        if not cold:  # a running server has seen its popular queries: each case once before timing
            for q, extra in cases:
                search(parse_filters({"q": q, **extra} if q else extra))
                db.session.remove()
        for n in range(runs):
            q, extra = cases[n % len(cases)]
            args = {"q": q, **extra} if q else {k: v for k, v in extra.items() if k != "sort" or v != "relevance"}
            filters = parse_filters(args)
            if cold:  # forget every remembered word, concept, filter set and query of the snapshot
                forget(snapshot())
            started = time.perf_counter()
            result = search(filters)
            timings.append((time.perf_counter() - started) * 1000)
            assert result.facets is not None
            db.session.remove()  # one search per request, as in the app
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], timings[-1]


def existing(args):
    config = Config(environ={})
    config.SQLALCHEMY_DATABASE_URI = args.existing
    config.SEARCH_INDEX_DIR = args.index
    app = create_app(config)
    with app.app_context():
        print(f"{sys.path[0]}: {snapshot().doc_count} case studies in the index")
        for cold in (False, True):
            median, p95, worst = time_searches(app, args.runs, cold)
            print(
                f"  search with filters and facets, {args.runs} runs, {'cold' if cold else 'warm'}: "
                f"median {median:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="160,20000")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--procs", type=int, default=1, help="processes for the timed rebuild")
    parser.add_argument("--keep", metavar="DIR", help="keep (and reuse) each size's database in DIR/<size>")
    parser.add_argument("--existing", metavar="URL", help="time searches on this database as it is (with --index)")
    parser.add_argument("--index", metavar="DIR", help="the search index folder of --existing's catalogue")
    args = parser.parse_args()
    if args.existing:
        if not args.index:
            parser.error("--existing needs --index")
        return existing(args)
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="suar-latency-") as tmp:
            workdir = Path(args.keep) / str(size) if args.keep else Path(tmp)
            workdir.mkdir(parents=True, exist_ok=True)
            print(f"{size} innovations")
            app = build(workdir, size)
            with app.app_context():
                started = time.perf_counter()
                IndexStore(app.config["SEARCH_INDEX_DIR"]).rebuild(db.engine, procs=args.procs)
                print(f"  full reindex (procs={args.procs}): {time.perf_counter() - started:.1f} s")
                for cold in (False, True):
                    median, p95, worst = time_searches(app, args.runs, cold)
                    print(
                        f"  search with filters and facets, {args.runs} runs, {'cold' if cold else 'warm'}: "
                        f"median {median:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms"
                    )
                db.engine.dispose()


if __name__ == "__main__":
    main()
