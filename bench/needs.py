"""Needs -> suggestions benchmark (issue 18): problem statements against the case studies.

    .venv/bin/python bench/needs.py [--eval ../shared/eval] [--sqlite] [--per-statement]
                                    [--latency-size 20000] [--runs 200]

Builds a fresh database (by default its own database on the PostgreSQL server of
DATABASE_URL, or postgresql+psycopg://postgres@127.0.0.1:5432/test, dropped afterwards;
``--sqlite`` for a file in a temporary folder), imports the 160 case studies of
EVAL/corpus with the real importer, lets the outbox build the index, and reports nDCG@10,
recall@20 and MRR (as bench/relevance.py computes them) over EVAL/needs/statements.tsv for:

* Suar's suggestions, through ``GET /api/v1/suggestions?problem=...`` (the path partners use);
* the catalogue search, ``GET /api/v1/innovations?q=`` with the statement's first 200
  characters (it refuses longer text);
* plain BM25: Whoosh 2.7's BM25F with its default analyzer over title, summary and body,
  no boosts, an OR of the statement's words.

Then (unless ``--latency-size 0``) it adds that many synthetic case studies
(bench/synthetic.py), reindexes, and times the API for 70-word problems made of the
statements' own words: median and p95 warm (the index's per-snapshot memo in use, as in
production), for an unseen problem (70 words of the blind check set, bench/needs_check, asked
of a server whose memo holds what the warm pass left and nothing of these words: the memo is
put back to that state before each request), and with the memo emptied before each request
(every word scored anew, as after an index change).

Latency alone, against a catalogue that already exists (building 20,000 case studies on
PostgreSQL takes about 20 minutes), side by side with another checkout of Suar:

    .venv/bin/python bench/needs.py --existing postgresql+psycopg://postgres@127.0.0.1:5432/DB \
        --index /tmp/INDEX [--compare /tmp/suggest-before [--compare-index /tmp/INDEX-BEFORE]] [--runs 200]

Each checkout answers in its own process (its own ``app`` package; the other checkout
needs its translations compiled), through the Flask test client, against the same
database and index. The problems are sent to the processes in turn, one at a time, so a
busy moment of the machine falls on both. Nothing is written to the database.
"""

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# not bench/: its markdown.py would shadow the Markdown package. A timing worker of
# ``--compare`` imports the other checkout's app instead (SUAR_BENCH_CODE).
sys.path[0] = os.environ.get("SUAR_BENCH_CODE") or str(ROOT)

import sqlalchemy as sa  # noqa: E402
from whoosh import fields as wfields  # noqa: E402
from whoosh import index as windex  # noqa: E402
from whoosh import scoring  # noqa: E402
from whoosh.query import Or, Term  # noqa: E402

from app import create_app  # noqa: E402
from app.catalog.models import Innovation  # noqa: E402
from app.content.importer import import_case_studies  # noqa: E402
from app.extensions import db  # noqa: E402
from app.migrations import upgrade  # noqa: E402
from app.regions.models import Region  # noqa: E402
from app.search import service  # noqa: E402
from app.search.documents import plain_text  # noqa: E402
from app.search.index import IndexStore  # noqa: E402
from bench.relevance import metrics  # noqa: E402
from bench.synthetic import write_case_studies  # noqa: E402
from config import Config  # noqa: E402

DEPTH = 50  # the most the suggestions API gives
SEARCH_LIMIT = 200
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PROBLEM_WORDS = 70


def read_statements(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return [(row["sid"], row["statement"]) for row in csv.DictReader(handle, delimiter="\t")]


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            qrels.setdefault(row["sid"], {})[row["slug"]] = int(row["grade"])
    return qrels


class Suggestions:
    name = "suar-suggestions"

    def __init__(self, client):
        self.client = client

    def rank(self, statement):
        answer = self.client.get("/api/v1/suggestions", query_string={"problem": statement, "per_page": DEPTH})
        if answer.status_code != 200:
            raise RuntimeError(f"{answer.status_code} {answer.get_data(as_text=True)}")
        return [item["slug"] for item in answer.get_json()["items"]]


class CatalogueSearch:
    name = "catalogue-search"

    def __init__(self, client):
        self.client = client

    def rank(self, statement):
        q = statement[:SEARCH_LIMIT]
        answer = self.client.get("/api/v1/innovations", query_string={"q": q, "per_page": 100})
        if answer.status_code != 200:
            raise RuntimeError(f"{answer.status_code} {answer.get_data(as_text=True)}")
        return [item["slug"] for item in answer.get_json()["items"]]


class PlainBM25:
    name = "plain-bm25"

    def __init__(self, docs, folder):
        schema = wfields.Schema(
            slug=wfields.ID(stored=True), title=wfields.TEXT, summary=wfields.TEXT, body=wfields.TEXT
        )
        self.ix = windex.create_in(folder, schema)
        with self.ix.writer() as writer:
            for slug, title, summary, body in docs:
                writer.add_document(slug=slug, title=title, summary=summary, body=body)
        self.analyzer = schema["body"].analyzer

    def rank(self, statement):
        # An OR of the statement's terms in each field, as the default analyzer cuts them.
        terms = {token.text for token in self.analyzer(statement)}
        query = Or([Term(field, term) for field in ("title", "summary", "body") for term in sorted(terms)])
        with self.ix.searcher(weighting=scoring.BM25F()) as searcher:
            return [hit["slug"] for hit in searcher.search(query, limit=100)]


def make_database(sqlite, workdir):
    """``(url, drop)``: a fresh database and the function that removes it."""
    if sqlite:
        return f"sqlite:///{workdir / 'needs.db'}", lambda: None
    server = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    name = f"suar_needs_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()

    def drop():
        engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return sa.make_url(server).set(database=name).render_as_string(hide_password=False), drop


def build_app(url, workdir):
    config = Config(environ={})
    config.SQLALCHEMY_DATABASE_URI = url
    config.SEARCH_INDEX_DIR = str(workdir / "index")
    config.RATELIMIT_ENABLED = False
    config.PAGE_CACHE_ENABLED = False
    return create_app(config)


def quality(app, corpus, statements, qrels, workdir, per_statement):
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        report = import_case_studies(corpus)
        db.session.commit()
        print(f"imported and indexed {report.total} case studies in {time.perf_counter() - started:.1f} s")
        rows = db.session.scalars(sa.select(Innovation).order_by(Innovation.id)).all()
        docs = [(i.slug, i.title, i.summary, plain_text(i.body_md)) for i in rows]
    (workdir / "bm25").mkdir()
    client = app.test_client()
    engines = [Suggestions(client), CatalogueSearch(client), PlainBM25(docs, str(workdir / "bm25"))]
    results = {e.name: {} for e in engines}
    with app.app_context():
        for sid, statement in statements:
            for engine in engines:
                results[engine.name][sid] = metrics(engine.rank(statement), qrels.get(sid, {}))
    names = [e.name for e in engines]
    if per_statement:
        print(f"\n{'sid':5} {'statement':44} " + " ".join(f"{n[:16]:>16}" for n in names) + "  (nDCG@10)")
        for sid, statement in statements:
            print(f"{sid:5} {statement[:44]:44} " + " ".join(f"{results[n][sid]['ndcg10']:16.3f}" for n in names))
    print(f"\n{len(statements)} statements, {len(docs)} case studies")
    print(f"{'engine':18} {'nDCG@10':>8} {'R@20':>8} {'MRR':>8}")
    summary = {}
    for name in names:
        values = results[name].values()
        summary[name] = {m: statistics.fmean(r[m] for r in values) for m in ("ndcg10", "recall20", "mrr")}
        s = summary[name]
        print(f"{name:18} {s['ndcg10']:8.3f} {s['recall20']:8.3f} {s['mrr']:8.3f}")
    return summary


def problems(statements, count, seed=11):
    """``count`` problems of PROBLEM_WORDS words: a statement, topped up with the next one's words."""
    rng = random.Random(seed)
    texts = [s for _, s in statements]
    out = []
    for _ in range(count):
        first = rng.randrange(len(texts))
        words = (texts[first] + " " + texts[(first + 1) % len(texts)]).split()
        start = rng.randrange(0, max(1, len(words) - PROBLEM_WORDS))
        out.append(" ".join(words[start : start + PROBLEM_WORDS]))
    return out


def ask(client, text):
    """``(milliseconds, [slug])`` of one ``GET /api/v1/suggestions`` for ``text``."""
    started = time.perf_counter()
    answer = client.get("/api/v1/suggestions", query_string={"problem": text})
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise RuntimeError(f"{answer.status_code} {answer.get_data(as_text=True)}")
    return elapsed, [item["slug"] for item in answer.get_json()["items"]]


def empty_memos():
    """Forget everything remembered about words and answers: the index snapshot's memo (term
    and concept scores), the per-generation memo, and remembered suggestion answers."""
    from app import memo

    service.snapshot()._memo.clear()
    memo.memo.clear()
    try:
        from app.suggest import cache
    except ImportError:  # a checkout from before the answers were remembered
        return
    cache.forget()


MODES = ("warm", "unseen problem", "memo emptied")
# "unseen problem": problems cut from the blind check set (bench/needs_check, written without
# seeing the system), each asked of a server whose memo holds what the warm pass left (the
# development problems' words) and nothing of the check set: the memo is put back to that state
# before every request, so each problem's new words are scored anew, as for a writer whose
# problem the server has never met.
UNSEEN = ROOT / "bench" / "needs_check" / "statements.tsv"


def remember_state():
    """What the index snapshot's memo (term, concept and ranking scores) holds now."""
    return OrderedDict(service.snapshot()._memo)


def restore_state(state):
    """Put the snapshot's memo back to ``state`` (what ``remember_state`` saw)."""
    live = service.snapshot()._memo
    live.clear()
    live.update(state)


def mode_problems(statements, runs):
    """The problems timed in each mode: the development statements' words, or (unseen) the
    blind check set's."""
    unseen = problems(read_statements(UNSEEN), runs, seed=13)
    return {mode: unseen if mode == "unseen problem" else problems(statements, runs) for mode in MODES}


class Preparer:
    """Puts the memos in the state a mode times: as they are (warm), back to what the warm
    pass left (unseen problem), or empty."""

    def __init__(self):
        self.after_warm = None

    def __call__(self, mode):
        if mode == "unseen problem":
            if self.after_warm is None:
                self.after_warm = remember_state()
            restore_state(self.after_warm)
        elif mode == "memo emptied":
            empty_memos()


def percentile95(values):
    values = sorted(values)
    return values[max(0, int(0.95 * len(values)) - 1)]


def report(title, timings):
    print(title)
    for mode, values in timings.items():
        print(
            f"  {mode:14} median {statistics.median(values):6.1f} ms   p95 {percentile95(values):6.1f} ms"
            f"   max {max(values):6.1f} ms"
        )


def latency(app, statements, size, runs, workdir):
    folder = workdir / "synthetic"
    folder.mkdir()
    with app.app_context():
        regions = [tuple(r) for r in db.session.execute(sa.select(Region.code, Region.name, Region.kind))]
        regions = [r for r in regions if r[2] != "province"]
        write_case_studies(folder, size, regions)
        started = time.perf_counter()
        for batch in sorted(folder.iterdir()):
            import_case_studies(batch)
            db.session.commit()
        print(f"\nimported {size} synthetic case studies in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        IndexStore(app.config["SEARCH_INDEX_DIR"]).rebuild(db.engine, wait=True)
        print(f"reindexed in {time.perf_counter() - started:.0f} s")
    client = app.test_client()
    texts = mode_problems(statements, runs)
    timings = {mode: [] for mode in MODES}
    with app.app_context():
        for text in problems(statements, 5, seed=5):  # open the snapshot, load the segments' facts
            ask(client, text)
        prepare = Preparer()
        for mode in MODES:
            for text in texts[mode]:
                prepare(mode)
                timings[mode].append(ask(client, text)[0])
    title = f"{PROBLEM_WORDS}-word problems, {runs} runs each, at {size + 160} case studies"
    report(f"\nGET /api/v1/suggestions, {title}", timings)


# --- latency against an existing catalogue, side by side with another checkout ----------
def worker(url, index):
    """Answer timing requests read from stdin (one JSON line each) with this process's app."""
    config = Config(environ={})
    config.SQLALCHEMY_DATABASE_URI = url
    config.SEARCH_INDEX_DIR = index
    config.RATELIMIT_ENABLED = False
    config.PAGE_CACHE_ENABLED = False
    app = create_app(config)
    client = app.test_client()
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(Innovation.id)).where(Innovation.is_public))
        print(json.dumps({"ready": True, "public": count}), flush=True)
        prepare = Preparer()
        for line in sys.stdin:
            request = json.loads(line)
            prepare(request["mode"])
            elapsed, slugs = ask(client, request["problem"])
            print(json.dumps({"ms": elapsed, "slugs": slugs}), flush=True)
            db.session.remove()


class Worker:
    """A timing worker process running ``code``'s app (None: this checkout)."""

    def __init__(self, code, url, index):
        env = dict(os.environ)
        if code:
            env["SUAR_BENCH_CODE"] = str(Path(code).resolve())
        else:
            env.pop("SUAR_BENCH_CODE", None)
        self.name = str(code or ROOT)
        command = [sys.executable, __file__, "--worker", "--existing", url, "--index", index]
        self.process = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        hello = self.read()
        print(f"{self.name}: {hello['public']} public case studies")

    def read(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the timing worker of {self.name} stopped (see its error above)")
        return json.loads(line)

    def ask(self, problem, mode="warm"):
        self.process.stdin.write(json.dumps({"problem": problem, "mode": mode}) + "\n")
        return self.read()

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)


def overlap(first, second, depth=10):
    return len(set(first[:depth]) & set(second[:depth])) / max(1, min(depth, len(first), len(second)))


def existing(options, statements):
    """Time this checkout (and ``--compare``'s) against an existing database and index."""
    codes = [options.compare, None] if options.compare else [None]
    indexes = [options.compare_index or options.index, options.index] if options.compare else [options.index]
    workers = [Worker(code, options.existing, index) for code, index in zip(codes, indexes, strict=True)]
    try:
        for text in problems(statements, 5, seed=5):  # open the snapshot, load the segments' facts
            for w in workers:
                w.ask(text)
        texts = mode_problems(statements, options.runs)
        timings = [{mode: [] for mode in MODES} for _ in workers]
        answers = [[] for _ in workers]
        for mode in MODES:
            for turn, text in enumerate(texts[mode]):
                order = range(len(workers)) if turn % 2 == 0 else reversed(range(len(workers)))
                for index in order:  # each goes first every other time
                    answer = workers[index].ask(text, mode)
                    timings[index][mode].append(answer["ms"])
                    answers[index].append(answer["slugs"])
        print(f"\nGET /api/v1/suggestions, {PROBLEM_WORDS}-word problems, {options.runs} runs each, Flask test client")
        for w, timing in zip(workers, timings, strict=True):
            report(w.name, timing)
        if len(workers) == 2:
            shared = [overlap(a, b) for a, b in zip(answers[0], answers[1], strict=True)]
            same_first = sum(1 for a, b in zip(answers[0], answers[1], strict=True) if a[:1] == b[:1])
            print(
                f"top 10 shared between the two: {statistics.fmean(shared):.2f} on average; "
                f"same first case study in {same_first} of {len(shared)} answers"
            )
    finally:
        for w in workers:
            w.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", default="../shared/eval", help="the eval folder (default ../shared/eval)")
    parser.add_argument("--sqlite", action="store_true", help="SQLite in a temporary folder instead of PostgreSQL")
    parser.add_argument("--per-statement", action="store_true", help="nDCG@10 of every statement")
    parser.add_argument("--latency-size", type=int, default=20_000, help="synthetic case studies added (0: none)")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--existing", metavar="URL", help="time the latency only, on this database as it is")
    parser.add_argument("--index", help="the search index folder of --existing's catalogue")
    parser.add_argument("--compare", metavar="DIR", help="also time this checkout of Suar (with --existing)")
    parser.add_argument("--compare-index", metavar="DIR", help="--compare's own index (default: --index)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        return worker(options.existing, options.index)
    folder = Path(options.eval)
    statements = read_statements(folder / "needs" / "statements.tsv")
    if options.existing:
        if not options.index:
            parser.error("--existing needs --index")
        return existing(options, statements)
    if options.compare:
        parser.error("--compare needs --existing")
    qrels = read_qrels(folder / "needs" / "qrels.tsv")
    with tempfile.TemporaryDirectory(prefix="suar-needs-") as tmp:
        workdir = Path(tmp)
        url, drop = make_database(options.sqlite, workdir)
        print(f"database {url.split('@')[-1]}")
        try:
            app = build_app(url, workdir)
            quality(app, folder / "corpus", statements, qrels, workdir, options.per_statement)
            if options.latency_size:
                latency(app, statements, options.latency_size, options.runs, workdir)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        finally:
            drop()


if __name__ == "__main__":
    main()
