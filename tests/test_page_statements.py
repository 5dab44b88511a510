"""The pages that miss the page cache send a fixed number of SQL statements, whatever the
number of cards or replications they show (issue 16, item 8): every card list and the
case-study page load what they show with the rows (joined, or one query per collection),
never one lazy load per row. Counted on the real database of the run (SQLite, or
PostgreSQL in CI's second pass) with SQLAlchemy's ``before_cursor_execute`` event.

And loading less changes nothing that is shown: a card list and a case-study page rendered
from rows loaded with the lists' and the page's loader options are byte for byte those
rendered from rows loaded plainly, attribute by attribute (lazy loads).
"""

from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import render_template_string
from sqlalchemy import event

from app.catalog import queries
from app.catalog import views as catalog_views
from app.catalog.models import Indicator, Innovation
from app.datagen import scopes
from app.extensions import db as _db
from app.memo import memo
from app.replication import services
from app.replication.models import ReplicationIndicator
from app.search import views as search_views
from tests import factories
from tests.test_pagecache_scopes import KINDS, servers  # noqa: F401 - the two servers on one database
from tests.test_search_support import clean_index

# A regency of Central Java for each case study and adopter: each its own owner and region.
REGENCIES = [f"33.{n:02d}" for n in range(1, 27)]
PAGES = ("/", "/inovasi", "/inovasi?sector=kesehatan&sort=most_replicated", "/inovasi?province=33",
         "/api/v1/innovations", "/api/v1/innovations?sector=kesehatan&per_page=20", "/cari?q=layanan")  # fmt: skip


@contextmanager
def counting(app):
    """The statements sent while the block runs, as a list of SQL strings."""
    sent = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def statements(app, client, path):
    client.get(path)  # templates compiled, the search snapshot opened
    with counting(app) as sent:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(sent)


def _case_study(region, n, **fields):
    return factories.innovation(
        f"Layanan Kesehatan Keliling {n}",
        region=region,
        year=2015 + n % 8,
        awards=[(2020 + n % 3, "top99")],
        themes=fields.pop("themes", ("stunting",) if n % 2 else ()),
        summary=f"Layanan kesehatan keliling nomor {n}.",
        images=[{"alt": f"Gambar {n}"}],
        **fields,
    )


def _add_case_studies(first, count):
    for n in range(first, first + count):
        _case_study(REGENCIES[n], n)


def _add_replications(item, first, count):
    """Replications of ``item`` by ``count`` more regencies, each with a local name, a note
    and its own figure for the case study's indicator."""
    for n in range(first, first + count):
        adopter = factories.owner("regency", REGENCIES[-1 - n])
        replication = services.create(item, adopter, "implemented", notify=False, local_name=f"Nama Lokal {n}")
        _db.session.add(ReplicationIndicator(replication=replication, indicator=item.indicators[0], result_value=n))


@pytest.fixture
def world(app):
    """Two case studies, the first with an indicator and two replications; ``grow`` adds
    eight case studies and five replications (the first is the most replicated throughout)."""
    with clean_index(app):
        with app.app_context():
            # Two sectors and two themes: joined with the case study, they come as four rows.
            first = _case_study(REGENCIES[0], 0, documents=[{"title": "SOP"}], sectors=("kesehatan", "pendidikan"),
                                themes=("kemitraan", "sistem-informasi"))  # fmt: skip
            first.indicators = [Indicator(number=1, name="Waktu tunggu", unit="menit", baseline_value=60,
                                          result_value=20)]  # fmt: skip
            _db.session.flush()
            _add_case_studies(1, 1)
            _add_replications(first, 0, 2)
            _db.session.commit()
            slug = first.slug

        def grow():
            with app.app_context():
                item = _db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))
                _add_case_studies(2, 8)
                _add_replications(item, 2, 5)
                _db.session.commit()

        yield app, slug, grow


def test_the_statements_of_a_page_do_not_grow_with_what_it_shows(world):
    app, slug, grow = world
    client = app.test_client()
    pages = (*PAGES, f"/inovasi/{slug}")
    before = {path: statements(app, client, path) for path in pages}
    grow()
    after = {path: statements(app, client, path) for path in pages}
    assert after == before
    shown = client.get("/inovasi").get_data(as_text=True)
    assert shown.count('class="card"') == 10  # the lists did grow
    page = client.get(f"/inovasi/{slug}").get_data(as_text=True)
    assert page.count("Nama Lokal") >= 7  # and so did the replications on the case study


def test_the_case_study_page_loads_nothing_row_by_row(world):
    """Lazy loads of the case study's own data (owner, unit, region, lists) are gone: what
    is left is the case study with its owner, unit, region, sectors and themes (1) and one
    query per other list it shows (5, the documents with their download counts joined),
    the replication panels' own queries with each adopter joined (2), the search index's
    position (1) and the similar case studies as cards: the rows, then their sectors,
    awards, pictures and replications (5)."""
    app, slug, grow = world
    grow()
    client = app.test_client()
    client.get(f"/inovasi/{slug}")
    with counting(app) as sent:
        client.get(f"/inovasi/{slug}")
    by_id = [s for s in sent if " = ?" in s.split("WHERE")[-1] or " = %(" in s.split("WHERE")[-1]]
    single = [
        s
        for s in by_id
        if s.split("FROM")[1].split()[0] in ("owner", "institution", "region", "sector", "document_download")
    ]
    assert single == [], "one-row lazy loads on the case-study page"
    assert len(sent) <= 14, "\n".join(" ".join(s.split())[:150] for s in sent)


def test_with_the_memo_on_the_case_study_page_sends_ten_statements(world):
    """As a server sends them (the memo on): the case study with its owner, unit, region,
    sectors and themes (1), its awards, contacts, indicators, pictures and documents (5),
    the replication panel, the kit and the indicator's comparison (3) and the data
    generation the memo reads (1). The
    similar case studies' cards are remembered; the outbox's newest change and the index
    position are read on the generation's own connection, once per generation."""
    app, slug, grow = world
    grow()
    client = app.test_client()
    memo.clear()
    app.config["GENERATION_MEMO"] = True
    try:
        client.get(f"/inovasi/{slug}")
        with counting(app) as sent:
            assert client.get(f"/inovasi/{slug}").status_code == 200
    finally:
        app.config["GENERATION_MEMO"] = False
        memo.clear()
    assert len(sent) <= 10, "\n".join(" ".join(s.split())[:150] for s in sent)


def _lazily(rows):
    """The same case studies, loaded again plainly in a fresh session (every attribute a lazy load)."""
    ids = [row.id for row in rows]
    _db.session.expunge_all()
    found = {row.id: row for row in _db.session.scalars(sa.select(Innovation).where(Innovation.id.in_(ids)))}
    return [found[i] for i in ids]


def test_cards_are_the_same_whatever_the_rows_were_loaded_with(world):
    app, _slug, grow = world
    grow()
    template = '{% from "catalog/_macros.html" import card_list with context %}{{ card_list(items) }}'
    with app.test_request_context("/"):
        # ORM rows with the lists' loader options, and the plain records the memo keeps
        lists = (lambda: queries.newest(6), lambda: queries.most_replicated(6),
                 lambda: queries.browse(queries.Filters())[0], lambda: queries.newest_cards(6),
                 lambda: queries.most_replicated_cards(6), lambda: queries.browse_cards(queries.Filters())[0])  # fmt: skip
        for cards_of in lists:
            _db.session.expunge_all()
            cards = cards_of()
            assert cards
            rendered = render_template_string(template, items=cards)
            assert render_template_string(template, items=_lazily(cards)) == rendered


def test_the_case_study_page_is_the_same_without_its_loader_options(world, monkeypatch):
    app, slug, grow = world
    grow()
    client = app.test_client()
    eager = client.get(f"/inovasi/{slug}").get_data()
    monkeypatch.setattr(catalog_views, "page_loads", lambda: ())
    assert client.get(f"/inovasi/{slug}").get_data() == eager
    page = eager.decode()
    assert all(name in page for name in ("Kesehatan", "Pendidikan", "Kemitraan", "Penerapan Sistem Informasi"))


# -- remembered card lists (app/catalog/cards.py, app/memo.py) ------------------------------

CARD_PAGES = ("/", "/inovasi", "/inovasi?sector=kesehatan", "/inovasi?sector=pendidikan",
              "/inovasi?sort=most_replicated", "/inovasi?replicated=true", "/inovasi?province=35")  # fmt: skip


def _rendered(app, url, remembered):
    app.config.update(PAGE_CACHE_ENABLED=False, GENERATION_MEMO=remembered)
    try:
        response = app.test_client().get(url)
        assert response.status_code == 200, url
        return response.get_data()
    finally:
        app.config.update(PAGE_CACHE_ENABLED=True, GENERATION_MEMO=True)


@pytest.mark.parametrize("kind", list(KINDS))
def test_remembered_cards_are_never_older_than_the_data(servers, kind):  # noqa: F811
    """Every card page rendered with the remembered lists, after each kind of write made on
    another server, is byte for byte the page rendered with nothing remembered; a write
    that cannot change a list keeps it."""
    reader, writer, ids = servers
    for url in CARD_PAGES:
        assert _rendered(reader, url, True) == _rendered(reader, url, False), url
    with writer.app_context():
        KINDS[kind][0](ids)()
        _db.session.commit()
    computed = memo.computed
    if kind == "summary edit":  # of alfa: the lists without alfa, and every count, are kept
        _rendered(reader, "/inovasi?sector=pendidikan", True)
        assert memo.computed == computed
        _rendered(reader, "/", True)
        assert memo.computed > computed  # the newest and most replicated show alfa
    for url in CARD_PAGES:
        assert _rendered(reader, url, True) == _rendered(reader, url, False), f"{url} after a {kind}"
    if kind == "stage change, count unchanged":  # no list, count or card changes: all kept
        assert memo.computed == computed
    else:
        assert memo.computed > computed


def test_a_remembered_list_makes_the_page_depend_on_its_case_studies(servers):  # noqa: F811
    reader, _writer, ids = servers
    reader.config.update(PAGE_CACHE_ENABLED=False)
    try:
        for _ in range(2):  # computed, then remembered: the same dependencies
            with reader.test_request_context("/"):
                scopes.track("catalog.home")
                cards = queries.newest_cards(6)
                deps = scopes.collected(_db.session())
                assert {scopes.innovation(card.id) for card in cards} | {scopes.CATALOGUE} <= deps
                assert scopes.innovation(ids["alfa"]) in deps
    finally:
        reader.config.update(PAGE_CACHE_ENABLED=True)


def test_the_search_page_is_the_same_with_the_api_lists_loads(world, monkeypatch):
    app, _slug, grow = world
    grow()
    client = app.test_client()
    for path in ("/cari?q=layanan", "/cari?q=kesehatan+keliling&sort=newest", "/cari?sector=kesehatan"):
        lean = client.get(path).get_data()
        monkeypatch.setattr(search_views, "result_loads", lambda: None)  # fetch's own: all the API shows
        assert client.get(path).get_data() == lean, path
        monkeypatch.undo()
