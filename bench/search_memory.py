"""Resident memory of one process as a worker fills its search snapshot (issue 16, item 8).

    DATABASE_URL=sqlite:////tmp/index-lat/20000/latency.db SEARCH_INDEX_DIR=/tmp/index-lat/20000/index \\
        SECRET_KEY=x .venv/bin/python bench/search_memory.py [--similar 50] [--trace]

Prints VmRSS, RssAnon (the process's own memory) and RssFile (mapped files: the index's
segments, shared with every other process that reads them) after importing the app, after
opening the index snapshot, after 15 searches with filters and facets, and after
more-like-this for ``--similar`` case studies. ``--trace``: tracemalloc's top lines after
opening the snapshot, instead of the rest. Use a catalogue kept by
``bench/search_latency.py --keep`` or the PostgreSQL benchmark copy.
"""

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # not bench/: its markdown.py would shadow the package


def rss():
    figures = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile"):
                figures[key] = f"{int(value.split()[0]) // 1024} MiB"
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--similar", type=int, default=50)
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("SEARCH_SYNC_ON_READ", "0")
    print("python", rss())
    if args.trace:
        tracemalloc.start(4)
    import sqlalchemy as sa

    from app.catalog.filters import parse_filters
    from app.catalog.models import Innovation
    from app.extensions import db
    from app.search.service import search, similar, snapshot
    from wsgi import app

    print("app imported", rss())
    with app.test_request_context():
        started = time.perf_counter()
        snap = snapshot()
        print(f"snapshot of {snap.doc_count} documents ({time.perf_counter() - started:.1f} s)", rss())
        if args.trace:
            for stat in tracemalloc.take_snapshot().statistics("lineno")[:12]:
                print(" ", stat)
            return
        for q in ("stunting", "pelayanan kesehatan", "akta kelahiran rumah sakit", "bank sampah jawa timur", ""):
            for extra in ({}, {"sector": "kesehatan"}, {"province": "35"}):
                search(parse_filters({"q": q, **extra} if q else extra))
                db.session.remove()
        print("15 searches", rss())
        query = sa.select(Innovation).where(Innovation.is_public).order_by(Innovation.id).limit(args.similar)
        for innovation in db.session.scalars(query).all():
            similar(innovation)
        print(f"more-like-this for {args.similar} case studies", rss())


if __name__ == "__main__":
    main()
