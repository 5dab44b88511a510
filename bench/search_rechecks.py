"""How many cached search answers a summary edit makes the app render again (docs/decisions/0094).

In one process, with the page cache on: every search and API list of the mixed load run
(bench/load.py) is requested and cached; then, ``--edits`` times, a case study's summary is
edited as the mixed run's writer edits it (bench/synthetic.py write), and every answer is
asked for again. Each answer is then served from the cache (kept: checked with the index
query alone) or rendered again; both are counted and timed. ``--before`` turns the check
off (an index change drops every answer, as before 0094).

WRITES to the database and the index it is given: use a copy.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/suar_speed_mixed \\
    SEARCH_INDEX_DIR=/tmp/suar-speed-mixed/index python bench/search_rechecks.py [--before] [--verify]
"""

import random
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # not bench/: its markdown.py would shadow the package

import click  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench.load import PROVINCES, QUERIES, SECTORS  # noqa: E402


def answers():
    searches = [f"/cari?q={q.replace(' ', '+')}&province={p}" for q in QUERIES for p in PROVINCES]
    return searches + [f"/api/v1/innovations?sector={s}&per_page=20" for s in SECTORS]


@click.command()
@click.option("--edits", type=int, default=5, show_default=True)
@click.option("--seed", type=int, default=11, show_default=True)
@click.option("--before", is_flag=True, help="Drop every answer on an index change (no check).")
@click.option("--verify", is_flag=True, help="Compare every answer kept with a fresh render (slow).")
def main(edits, seed, before, verify):
    from app import create_app, pagecache
    from app.catalog.models import Innovation
    from app.extensions import db
    from app.search import index_version
    from config import Config

    app = create_app(Config())
    if before:
        pagecache.same_answers = lambda page: False
    client = app.test_client()
    urls = answers()

    def ask():
        states, took, bodies = {}, {}, {}
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            took[url] = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code)
            states[url], bodies[url] = response.headers.get("X-Page-Cache"), response.get_data()
        if verify:
            app.config.update(PAGE_CACHE_ENABLED=False, GENERATION_MEMO=False)
            stale = [url for url in urls if client.get(url).get_data() != bodies[url]]
            app.config.update(PAGE_CACHE_ENABLED=True, GENERATION_MEMO=True)
            assert not stale, f"served from the cache, not what a fresh render gives: {stale}"
        return states, took

    ask()
    states, _ = ask()
    assert set(states.values()) == {"hit"}, states
    rng = random.Random(seed)
    with app.app_context():
        ids = list(db.session.scalars(sa.select(Innovation.id).where(Innovation.slug.startswith("sintetis-"))))
    print(f"{len(urls)} answers cached ({'before 0094: no check' if before else 'with the check'})")
    if verify:
        print("every answer is compared with a fresh render after each edit")
    for written in range(edits):
        with app.app_context():
            version = index_version(app)
            innovation = db.session.get(Innovation, rng.choice(ids))
            innovation.summary = f"{innovation.summary.split(' [')[0]} [disunting {time.time_ns()}]"
            db.session.commit()
        states, took = ask()
        with app.app_context():
            assert index_version(app) != version, "the index did not change"
        rendered = [u for u in urls if states[u] != "hit"]
        kept = [u for u in urls if states[u] == "hit"]
        print(
            f"edit {written + 1}: rendered again {len(rendered)} of {len(urls)} "
            f"(mean {_mean(took, rendered):.1f} ms), kept {len(kept)} (mean {_mean(took, kept):.1f} ms, "
            f"max {max((took[u] for u in kept), default=0):.1f} ms: the check)"
        )
        if not verify:  # (a fresh render of each takes longer than an answer lives)
            again, _ = ask()
            assert set(again.values()) == {"hit"}, again


def _mean(took, urls):
    return sum(took[u] for u in urls) / len(urls) if urls else 0.0


if __name__ == "__main__":
    main()
