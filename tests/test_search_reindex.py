"""A full reindex over several processes (``flask search reindex --procs``, Whoosh's
multiprocess writer, one segment per process) answers every search exactly as an index
built by one process does."""

import multiprocessing
import os
import random
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.content.importer import import_case_studies
from app.regions.models import Region
from app.search import cli, service
from app.search import index as index_module
from app.search.documents import document
from app.search.index import IndexStore
from bench.synthetic import TOPICS, write_case_studies
from tests.test_search_support import clean_index, load_cases

SYNTHETIC = 450  # more than Whoosh's batch of 100 documents per process, so each process gets some


@pytest.fixture
def catalogue(app, db, tmp_path):
    with clean_index(app):
        load_cases(app)
        with app.app_context():
            regions = [tuple(r) for r in db.session.execute(sa.select(Region.code, Region.name, Region.kind))]
            write_case_studies(tmp_path, SYNTHETIC, [r for r in regions if r[2] != "province"])
            for batch in sorted(p for p in tmp_path.iterdir() if p.is_dir()):
                import_case_studies(batch)
            db.session.commit()
            db.session.remove()
        yield app


def _queries():
    rng = random.Random(5)
    words = sorted({w for _, vocabulary in TOPICS.values() for w in vocabulary.split()})
    singles = rng.sample(words, 25)
    pairs = [" ".join(rng.sample(words, 2)) for _ in range(15)]
    return singles + pairs + ["stunting posyandu", "akta kelahiran", "birth registration", "bank sampah"]


def _answers(client):
    out = {}
    for q in _queries():
        for args in ({"q": q}, {"q": q, "sector": "kesehatan", "sort": "newest"}):
            answer = client.get("/api/v1/innovations", query_string={**args, "per_page": 100})
            assert answer.status_code == 200
            body = answer.get_json()
            out[tuple(sorted(args.items()))] = ([item["slug"] for item in body["items"]], body["total"], body["facets"])
    return out


def _segments(app):
    with app.app_context():
        return len(service.snapshot().leaves)


def test_several_processes_build_the_same_index(catalogue, client, runner, db):
    store = IndexStore(catalogue.config["SEARCH_INDEX_DIR"])
    with catalogue.app_context():
        assert store.rebuild(db.engine, procs=1) == SYNTHETIC + 8
    assert _segments(catalogue) == 1
    one = _answers(client)
    assert sum(total for _, total, _ in one.values()) > 0  # the queries find case studies

    result = runner.invoke(args=["search", "reindex", "--procs", "3", "--pool-mb", "16"])
    assert result.exit_code == 0, result.output
    assert f"Indexed {SYNTHETIC + 8} innovations" in result.output
    assert _segments(catalogue) == 3
    assert _answers(client) == one


@pytest.mark.parametrize("args", [["--procs", "0"], ["--procs", "-2"], ["--procs", "x"], ["--pool-mb", "1"]])
def test_bad_reindex_options_are_refused(runner, args):
    result = runner.invoke(args=["search", "reindex", *args])
    assert result.exit_code == 2 and "Invalid value" in result.output


@pytest.mark.parametrize(
    ("method", "cores", "expected"), [("fork", 2, 2), ("fork", 16, 4), ("spawn", 8, 1), ("forkserver", 8, 1)]
)
def test_the_default_processes_follow_the_cores_where_python_forks(monkeypatch, method, cores, expected):
    monkeypatch.setattr(multiprocessing, "get_start_method", lambda allow_none=False: method)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    assert cli.default_procs() == expected


def _generations(app):
    return sorted(p.name for p in Path(app.config["SEARCH_INDEX_DIR"]).iterdir() if p.name.startswith("gen-"))


def test_a_process_that_fails_leaves_the_current_index_in_use(catalogue, client, runner, db, monkeypatch):
    """Whoosh's multiprocess writer commits without the segment of a process that died: such
    an index is counted, refused, and the one in use stays."""
    store = IndexStore(catalogue.config["SEARCH_INDEX_DIR"])
    with catalogue.app_context():
        store.rebuild(db.engine, procs=1)
    before = store.current_path()
    generations = _generations(catalogue)
    one = _answers(client)
    sent = []

    def broken(innovation):
        fields = document(innovation)
        sent.append(innovation.id)
        if len(sent) == SYNTHETIC:  # in a later batch: a process other than the first gets it
            fields["year"] = "not a year"  # the indexing process raises on it
        return fields

    monkeypatch.setattr(index_module, "document", broken)
    result = runner.invoke(args=["search", "reindex", "--procs", "2", "--pool-mb", "16"])
    assert result.exit_code == 1, result.output
    assert "the current index is kept" in result.output
    assert store.current_path() == before
    assert _generations(catalogue) == generations  # the half-built one was removed
    assert _answers(client) == one


@pytest.mark.parametrize(("platform_default", "expected"), [("fork", 2), ("spawn", 1), ("forkserver", 1)])
def test_before_a_start_method_is_set_the_platforms_default_decides(monkeypatch, platform_default, expected):
    """Nothing has called set_start_method yet (get_start_method gives None): the platform's
    default, the first of get_all_start_methods, is the one Whoosh's processes would use."""
    others = [m for m in ("fork", "spawn", "forkserver") if m != platform_default]
    monkeypatch.setattr(multiprocessing, "get_start_method", lambda allow_none=False: None if allow_none else "x")
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: [platform_default, *others])
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert cli.default_procs() == expected
