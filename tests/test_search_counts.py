"""A moved replication count and the cached search answers (docs/decisions/0104).

A change to a case study's replications reaches the index as an outbox row ``count``: its
document is written again with nothing changed but its count. A cached search answer that
cannot count or show that case study is kept across such a change without asking the index
again; every other answer is checked as before. Every page served from the cache must be,
byte for byte, the page rendered afresh.
"""

import random

import pytest
import sqlalchemy as sa
from flask import request

from app.catalog.models import Innovation
from app.extensions import db as _db
from app.replication import services
from app.replication.models import Replication
from app.search import counts
from app.search.models import SearchOutbox
from tests import factories
from tests.test_pagecache_scopes import (
    MORE_REPLICATIONS,
    SEARCHES,
    WORDS,
    _edit,
    _fresh,
    _get,
    _government,
    _index_version,
    _random_stage,
    _replicate,
    _searched,
    _second_stage,
    servers,  # noqa: F401 - the fixture
)


def _last_ops(app, innovation_id, count=1):
    with app.app_context():
        query = (
            sa.select(SearchOutbox.op)
            .where(SearchOutbox.innovation_id == innovation_id)
            .order_by(SearchOutbox.id.desc())
            .limit(count)
        )
        return list(_db.session.scalars(query))


def test_a_change_to_replications_reaches_the_outbox_as_a_count(servers):  # noqa: F811
    _, writer, ids = servers
    with writer.app_context():
        _second_stage(ids, "piloting")()
        _db.session.commit()
    assert _last_ops(writer, ids["alfa"]) == ["count"]
    with writer.app_context():  # a new replication, then one removed
        gamma = _db.session.get(Innovation, ids["gamma"])
        services.create(gamma, factories.owner(*_government("33.74")), "implemented", notify=False)
        _db.session.commit()
        assert _last_ops(writer, ids["gamma"]) == ["count"]
        _db.session.delete(_db.session.scalars(sa.select(Replication).filter_by(innovation_id=ids["gamma"])).one())
        _db.session.commit()
    assert _last_ops(writer, ids["gamma"], 2) == ["count", "count"]
    with writer.app_context():  # its summary and a count in one flush: the row says more than a count
        newest = _db.session.scalar(sa.select(sa.func.max(SearchOutbox.id)))
        with _db.session.no_autoflush:
            replications = _db.session.scalars(sa.select(Replication).filter_by(innovation_id=ids["beta"])).all()
            replications[0].stage, replications[0].discontinued_reason = "discontinued", "Anggaran tidak berlanjut"
            _db.session.delete(replications[1])  # seen after the edit in the flush: must not replace it
            _edit(ids, "beta", summary="Sekolah terbuka, kini dengan kelas malam.")()
        _db.session.commit()
        assert _db.session.scalars(sa.select(SearchOutbox.op).where(SearchOutbox.id > newest)).all() == ["upsert"]


def _checked(monkeypatch):
    """The addresses of the cached answers that ask the index again."""
    from app.search import service

    asked = []
    answer = service.answer
    monkeypatch.setattr(
        service, "answer", lambda filters: asked.append(request.full_path.rstrip("?")) or answer(filters)
    )
    return asked


def test_a_moved_count_keeps_the_answers_that_cannot_show_it_without_asking_the_index(servers, monkeypatch):  # noqa: F811
    """Alfa (Banyumas, province 33, health) goes from 0 to 1 replication: the answers whose
    filters it fails are kept as they are; the others are checked against the index."""
    reader, writer, ids = servers
    _searched(reader)
    before = _index_version(reader)
    asked = _checked(monkeypatch)
    with writer.app_context():
        _second_stage(ids, "piloting")()
        _db.session.commit()
    states = {url: _get(reader, url)[1] for url in SEARCHES}
    assert _index_version(reader) != before
    kept_unasked = sorted(url for url, state in states.items() if state == "hit" and url not in asked)
    assert kept_unasked == sorted(
        ["/cari?sector=pendidikan", "/cari?region=35", "/api/v1/innovations?sector=pendidikan"]
    )
    # Every other answer may count alfa (a text query is taken to match it): checked against
    # the index, or rendered again when it shows alfa's card (its data-generation tag).
    others = [url for url in SEARCHES if url not in kept_unasked]
    assert all(url in asked or states[url] == "miss" for url in others), (states, asked)
    assert asked and len(asked) < len(others)
    for url in SEARCHES:
        state, body = _get(reader, url)[1:]
        assert state == "hit" and body == _fresh(reader, url), url


def test_any_other_change_since_checks_every_answer(servers, monkeypatch):  # noqa: F811
    """A summary edit among the changes since a page's index version: no answer is taken on
    trust, even those whose filters the edited case study fails."""
    reader, writer, ids = servers
    _searched(reader)
    asked = _checked(monkeypatch)
    with writer.app_context():
        _second_stage(ids, "piloting")()
        _db.session.commit()
        _edit(ids, "delta", summary="Saluran air bagi petani dan peternak.")()
        _db.session.commit()
    for url in SEARCHES:
        state, body = _get(reader, url)[1:]
        assert body == _fresh(reader, url), url
        assert url in asked or state == "miss", url


def test_scores_read_live_documents_only(servers):  # noqa: F811
    """Writing a document again with the same text (a moved count) leaves every other
    document's score as it was: Whoosh counts a deleted document in a term's document
    frequency until its segment is merged, the scores do not."""
    from app.catalog.filters import Filters
    from app.search import service

    reader, writer, ids = servers

    def scores():
        with reader.test_request_context("/cari"):
            snap = service._snapshot()
            result = service._ask(snap, Filters(q="layanan kesehatan sekolah"))[4]
            return {snap.facts[n].id: score for n, score in result.items()}

    before = scores()
    assert ids["alfa"] in before and len(before) > 1
    with writer.app_context():
        _second_stage(ids, "piloting")()  # alfa's document, with "layanan kesehatan", written again
        _db.session.commit()
    after = scores()
    assert after == before


SEARCH_FILTERS = {
    "sector": ("kesehatan", "pendidikan", "ekonomi-umkm"),
    "province": ("33", "35"),
    "region": ("33.02", "35.07"),
    "replicated": ("true", "false"),
    "year": ("2021", "2022"),
    "award": ("top99",),
    "owner_kind": ("regency", "city"),
    "sort": ("most_replicated", "newest", "title"),
}


def _random_searches(rng, count):
    """``count`` search pages and API lists: with and without words, under random filters, orders and pages."""
    urls = set()
    while len(urls) < count:
        args = [f"{name}={rng.choice(values)}" for name, values in SEARCH_FILTERS.items() if rng.random() < 0.3]
        if rng.random() < 0.6:
            args.append("q=" + "+".join(rng.sample(WORDS, rng.randint(1, 2))))
        if rng.random() < 0.3:
            args += ["per_page=1", f"page={rng.randint(1, 3)}"]
        base = rng.choice(["/cari", "/cari", "/api/v1/innovations"])
        urls.add(base + ("?" + "&".join(args) if args else ""))
    return sorted(urls)


@pytest.mark.parametrize("seed", range(3))
def test_random_count_moves_never_leave_a_stale_search_answer(servers, monkeypatch, seed):  # noqa: F811
    """Property: whichever replications move (up, down, across zero or not), with now and then
    a summary edit among them, every search answer served from the cache is the one rendered
    afresh; some are kept without asking the index, and some are rendered again."""
    reader, writer, ids = servers
    with writer.app_context():  # every case study has replications to move, not only alfa and beta
        _replicate(ids, MORE_REPLICATIONS)
        _db.session.commit()
    rng = random.Random(seed)
    urls = _random_searches(rng, 30)
    for url in urls:
        assert _get(reader, url)[0] == 200, url
        assert _get(reader, url)[1] == "hit", url
    trusted = []
    unchanged = counts.unchanged
    monkeypatch.setattr(counts, "unchanged", lambda *args: unchanged(*args) and not trusted.append(1))
    rendered = 0
    for _ in range(12):
        with writer.app_context():
            if rng.random() < 0.2:
                name = rng.choice(("alfa", "beta", "gamma", "delta"))
                change = f"{name}'s summary edited"
                _edit(ids, name, summary=" ".join(rng.sample(WORDS, 3)).capitalize() + ".")()
            else:
                change = _random_stage(rng)
            _db.session.commit()
        for url in urls:
            _, state, body = _get(reader, url)
            assert body == _fresh(reader, url), f"{url} ({state}) after {change} (seed {seed})"
            rendered += state != "hit"
            assert _get(reader, url)[1] == "hit"
    assert trusted and rendered, (len(trusted), rendered)
    print(f"seed {seed}: {len(trusted)} answers kept on the count rule, {rendered} rendered again")


def test_filter_sets_and_facet_columns_joined_from_segments_equal_the_snapshots_own(servers):  # noqa: F811
    """An index of several segments, some with deleted documents: the sets and
    columns joined from each segment's own are those computed over the snapshot's documents."""
    from werkzeug.datastructures import MultiDict

    from app.catalog.filters import FACETS, FILTERS, parse_filters
    from app.search import service
    from app.search.documents import document, load_innovations
    from app.search.facets import docs_where, facet_keys
    from app.search.index import IndexStore, _codec

    reader, writer, ids = servers
    with reader.test_request_context("/cari"):
        service._snapshot()  # the reader's index, built
        # A small index merges into one segment on every commit: written here without a
        # merge, as a large one is (a big segment and a few small ones, with deletions).
        ix = IndexStore(reader.config["SEARCH_INDEX_DIR"]).open()
        for name in ("gamma", "alfa", "gamma"):
            with _db.session.no_autoflush:
                innovation = load_innovations(_db.session, [ids[name]])[ids[name]]
            whoosh_writer = ix.writer(codec=_codec())
            whoosh_writer.update_document(**document(innovation))
            whoosh_writer.commit(merge=False)
    with reader.test_request_context("/cari"):
        snap = service._snapshot()
        assert len(snap.leaves) > 1 and any(deleted for *_, deleted in snap.leaves)
        for name, values in {**SEARCH_FILTERS, "stage": ("implemented",), "digital": ("true",)}.items():
            if name == "sort":
                continue
            for value in values:
                ((name, typed),) = parse_filters(MultiDict({name: value})).active.items()
                expected = frozenset(n for n in snap.live if FILTERS[name].holds(snap.facts[n], typed))
                assert docs_where(snap, name, typed) == expected, (name, value)
        for facet in FACETS:
            keys = FILTERS[facet].keys
            assert facet_keys(snap, facet) == [keys(f) if f is not None else () for f in snap.facts], facet


def test_the_rule_steps_aside_when_it_cannot_be_sure(servers, monkeypatch):  # noqa: F811
    """An index rebuilt since, no version, more changes than it looks at, a change that may
    have been pruned, or a case study the index no longer holds: the answers are checked."""
    from app.catalog.filters import Filters
    from app.search import service
    from app.search.models import SearchPrune

    reader, writer, ids = servers
    answers = ((Filters(sector="pendidikan"), b"fingerprint"),)  # alfa (health) fails it
    with reader.test_request_context("/cari"):
        service._snapshot()
        version = service.index_version()
    with writer.app_context():
        _second_stage(ids, "piloting")()
        _db.session.commit()
    with reader.test_request_context("/cari"):
        snap = service._snapshot()
        assert counts.unchanged(snap, version, answers)  # the one case that is sure
        generation, _, applied = version.rpartition(":")
        assert not counts.unchanged(snap, f"gen-0-rebuilt:{applied}", answers)
        assert not counts.unchanged(snap, "none", answers)
        assert not counts.unchanged(snap, version, ())
        with monkeypatch.context() as patch:
            patch.setattr(counts, "MAX_CHANGES", 0)
            assert not counts.unchanged(snap, version, answers)
        with monkeypatch.context() as patch:
            patch.setattr(snap, "docnum_of", {k: v for k, v in snap.docnum_of.items() if k != ids["alfa"]})
            assert not counts.unchanged(snap, version, answers)
    with writer.app_context():  # a prune past the page's version, then a count the answers cannot show
        _db.session.merge(SearchPrune(id=1, through=int(applied) + 1))
        _replicate(ids, MORE_REPLICATIONS[:1])
        _db.session.commit()
    with reader.test_request_context("/cari"):
        snap = service._snapshot()
        assert not counts.unchanged(snap, version, answers)
        monkeypatch.setattr(counts, "_changes_since", lambda since: pytest.fail("read twice for one snapshot"))
        assert not counts.unchanged(snap, version, answers)  # the outbox is read once per snapshot and version
