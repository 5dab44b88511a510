"""Relevance benchmark: Suar's search against plain Whoosh and SQLite FTS5.

    .venv/bin/python bench/relevance.py CORPUS QUERIES QRELS [--per-query] [--json FILE]

Imports CORPUS (a folder of case-study files) into a temporary database with the real
importer, lets the outbox build the index, runs every query through the API
(``GET /api/v1/innovations``, the path partners use), and prints nDCG@10 (gain 2^grade-1,
log2 discount), recall@20 (grade >= 2) and MRR (first grade >= 2), averaged over queries,
beside two baselines built in the same process from the same rows:

* Whoosh 2.7 with its default analyzer, an OR query, title x3 / summary x1.5;
* SQLite FTS5 with the unicode61 tokenizer, an OR query, ranked by bm25().
"""

import argparse
import csv
import json
import math
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # not bench/: its markdown.py would shadow the package

from whoosh import fields as wfields  # noqa: E402
from whoosh import index as windex  # noqa: E402
from whoosh import qparser  # noqa: E402

from app import create_app  # noqa: E402
from app.catalog.models import Innovation  # noqa: E402
from app.content.importer import import_case_studies  # noqa: E402
from app.extensions import db  # noqa: E402
from app.migrations import upgrade  # noqa: E402
from app.search.documents import plain_text  # noqa: E402
from config import Config  # noqa: E402

DEPTH = 100


def read_queries(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return [(row["qid"], row["query"]) for row in csv.DictReader(handle, delimiter="\t")]


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            qrels.setdefault(row["qid"], {})[row["slug"]] = int(row["grade"])
    return qrels


def metrics(ranking, judged):
    """nDCG@10, recall@20 and reciprocal rank of one ranked list of slugs."""
    dcg = sum((2 ** judged.get(slug, 0) - 1) / math.log2(i + 2) for i, slug in enumerate(ranking[:10]))
    ideal = sorted(judged.values(), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    relevant = {slug for slug, g in judged.items() if g >= 2}
    recall = len(relevant & set(ranking[:20])) / len(relevant) if relevant else 0.0
    rr = next((1.0 / (i + 1) for i, slug in enumerate(ranking) if judged.get(slug, 0) >= 2), 0.0)
    return {"ndcg10": dcg / idcg if idcg else 0.0, "recall20": recall, "mrr": rr}


class SuarEngine:
    """The app's own search, through the API."""

    name = "suar"

    def __init__(self, app):
        self.client = app.test_client()

    def search(self, query):
        response = self.client.get("/api/v1/innovations", query_string={"q": query, "per_page": DEPTH})
        if response.status_code != 200:
            raise RuntimeError(f"{query!r}: {response.status_code} {response.get_data(as_text=True)}")
        return [item["slug"] for item in response.get_json()["items"]]


class WhooshBaseline:
    """Whoosh's default analyzer, OR query, title x3 / summary x1.5."""

    name = "whoosh-default"

    def __init__(self, docs, folder):
        schema = wfields.Schema(
            slug=wfields.ID(stored=True), title=wfields.TEXT, summary=wfields.TEXT, body=wfields.TEXT
        )
        self.ix = windex.create_in(folder, schema)
        with self.ix.writer() as writer:
            for slug, title, summary, body in docs:
                writer.add_document(slug=slug, title=title, summary=summary, body=body)
        self.parser = qparser.MultifieldParser(
            ["title", "summary", "body"], schema, fieldboosts={"title": 3.0, "summary": 1.5}, group=qparser.OrGroup
        )

    def search(self, query):
        with self.ix.searcher() as searcher:
            hits = searcher.search(self.parser.parse(query), limit=DEPTH)
            return [hit["slug"] for hit in hits]


class Fts5Baseline:
    """SQLite FTS5, unicode61 tokenizer, OR of the query's words, bm25()."""

    name = "sqlite-fts5"

    def __init__(self, docs):
        self.connection = sqlite3.connect(":memory:")
        self.connection.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(slug UNINDEXED, title, summary, body, tokenize='unicode61')"
        )
        self.connection.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", docs)

    def search(self, query):
        words = re.findall(r"\w+", query.lower())
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        rows = self.connection.execute(
            "SELECT slug FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (match, DEPTH)
        )
        return [slug for (slug,) in rows]


def build_app(corpus, workdir):
    config = Config(environ={})
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{workdir / 'bench.db'}"
    config.SEARCH_INDEX_DIR = str(workdir / "index")
    config.RATELIMIT_ENABLED = False
    app = create_app(config)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        report = import_case_studies(corpus)
        db.session.commit()  # the outbox applies the import to the (new) index after this commit
        print(f"imported and indexed {report.total} case studies in {time.perf_counter() - started:.1f} s")
        rows = db.session.scalars(db.select(Innovation).order_by(Innovation.id)).all()
        docs = [(i.slug, i.title, i.summary, plain_text(i.body_md)) for i in rows]
    return app, docs


def run(corpus, queries_path, qrels_path, per_query=False, json_path=None):
    queries, qrels = read_queries(queries_path), read_qrels(qrels_path)
    with tempfile.TemporaryDirectory(prefix="suar-relevance-") as tmp:
        workdir = Path(tmp)
        app, docs = build_app(corpus, workdir)
        (workdir / "whoosh").mkdir()
        with app.app_context():
            engines = [SuarEngine(app), WhooshBaseline(docs, str(workdir / "whoosh")), Fts5Baseline(docs)]
            results = {engine.name: {} for engine in engines}
            for qid, query in queries:
                for engine in engines:
                    results[engine.name][qid] = metrics(engine.search(query), qrels.get(qid, {}))
        with app.app_context():
            db.engine.dispose()
    names = [engine.name for engine in engines]
    if per_query:
        print(f"\n{'qid':8} {'query':38} " + " ".join(f"{n[:14]:>14}" for n in names) + "   (nDCG@10)")
        for qid, query in queries:
            print(f"{qid:8} {query[:38]:38} " + " ".join(f"{results[n][qid]['ndcg10']:14.3f}" for n in names))
    summary = {
        name: {m: sum(r[m] for r in results[name].values()) / len(queries) for m in ("ndcg10", "recall20", "mrr")}
        for name in names
    }
    print(f"\n{len(queries)} queries, {len(docs)} documents")
    print(f"{'engine':16} {'nDCG@10':>8} {'R@20':>8} {'MRR':>8}")
    for name in names:
        s = summary[name]
        print(f"{name:16} {s['ndcg10']:8.3f} {s['recall20']:8.3f} {s['mrr']:8.3f}")
    if json_path:
        Path(json_path).write_text(json.dumps({"summary": summary, "per_query": results}, indent=2))
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("queries")
    parser.add_argument("qrels")
    parser.add_argument("--per-query", action="store_true", help="print nDCG@10 of every query")
    parser.add_argument("--json", help="write all figures to this file")
    args = parser.parse_args()
    run(args.corpus, args.queries, args.qrels, args.per_query, args.json)


if __name__ == "__main__":
    main()
