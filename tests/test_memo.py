"""Figures kept per data generation (app/memo.py): remembered while nothing is written, never
older than the current generation once someone writes, on any server."""

import pytest
import sqlalchemy as sa

from app.catalog import queries as catalog
from app.catalog.filters import Filters
from app.catalog.models import Innovation
from app.extensions import db as _db
from app.memo import GenerationMemo, memo
from app.replication import services
from app.stats import queries as stats
from tests import factories
from tests.support import make_app


@pytest.fixture
def servers(databases, tmp_path_factory):
    """Two apps on one database with the memo on, as two servers (or workers) would be."""
    url = databases.new()
    first = make_app(databases, tmp_path_factory, GENERATION_MEMO=True, SQLALCHEMY_DATABASE_URI=url)
    second = make_app(databases, tmp_path_factory, GENERATION_MEMO=True, SQLALCHEMY_DATABASE_URI=url)
    memo.clear()
    with first.app_context():
        factories.innovation("Inovasi Pertama", region="33.02", awards=[(2023, "top99")])
        _db.session.commit()
    yield first, second
    memo.clear()
    for app in (first, second):
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


def _figures():
    """Every memoised figure, read as a page would read it (in a fresh transaction)."""
    _db.session.remove()
    return {
        "headline": catalog.headline_figures(),
        "facets": catalog.facet_counts(Filters(sector="kesehatan")),
        "total": catalog.count_selected(Filters(sector="kesehatan")),
        "sectors": catalog.counts_by_sector(),
        "provinces": catalog.counts_by_province(),
        "by_sector": [tuple(row) for row in stats.by_sector()],
        "by_year": [tuple(row) for row in stats.by_year()],
        "by_province": stats.by_province(2023, "top99"),
        "composition": stats.composition(2023, "top99"),
        "years": stats.award_years(),
        "newest": stats.newest_year_reaching("top99"),
    }


def test_figures_are_computed_once_per_generation(servers):
    app, _ = servers
    with app.app_context():
        first = _figures()
        computed = memo.computed
        assert _figures() == first
        assert memo.computed == computed, "the same generation computed a figure again"


def test_a_write_on_another_server_changes_every_figure(servers):
    first, second = servers
    with first.app_context():
        before = _figures()
        assert before["headline"]["innovations"] == 1 and before["total"] == 1
    with second.app_context():
        factories.innovation("Inovasi Kedua", region="35.07", awards=[(2024, "top99")], year=2024)
        _db.session.commit()
    with first.app_context():
        after = _figures()
        assert stats.composition(2024, "top99")["regency"]["innovations"] == 1
    assert after["headline"]["innovations"] == 2 and after["headline"]["provinces"] == 2
    assert after["total"] == 2 and after["facets"]["province"] == {"33": 1, "35": 1}
    assert after["sectors"] == {"kesehatan": 2} and after["provinces"] == {"33": 1, "35": 1}
    assert after["by_sector"][0][-1] == 2 and (2024, 1) in after["by_year"]
    assert after["years"] == [2024, 2023] and after["newest"] == 2024
    assert after["composition"] == before["composition"] and after["by_province"] == before["by_province"]


def test_a_replication_stage_change_is_seen(servers):
    first, second = servers
    with second.app_context():
        innovation = _db.session.scalar(sa.select(Innovation))
        adopter = factories.owner("regency", "35.07")
        services.create(innovation, adopter, "implemented", batch=True, notify=False)
        services.refresh_count(innovation)
        _db.session.commit()
    with first.app_context():
        before = _figures()
        assert before["headline"]["replications"] == 1 and before["facets"]["replicated"] == {"true": 1}
    with second.app_context():
        replication = _db.session.scalar(sa.select(services.Replication))
        _db.session.delete(replication)
        _db.session.flush()
        services.refresh_count(replication.innovation)
        _db.session.commit()
    with first.app_context():
        after = _figures()
    assert after["headline"]["replications"] == 0 and after["facets"]["replicated"] == {"false": 1}


def test_unpublishing_is_seen_at_once(servers):
    first, second = servers
    with first.app_context():
        assert _figures()["headline"]["innovations"] == 1
    with second.app_context():
        _db.session.scalar(sa.select(Innovation)).status = "archived"
        _db.session.commit()
    with first.app_context():
        after = _figures()
    assert after["headline"]["innovations"] == 0 and after["total"] == 0 and after["years"] == []


def test_a_transaction_with_its_own_writes_neither_reads_nor_fills_the_memo(servers):
    app, _ = servers
    with app.app_context():
        assert _figures()["headline"]["innovations"] == 1
        _db.session.remove()
        factories.innovation("Belum Disimpan", region="35.07")  # flushed, not committed
        assert catalog.headline_figures()["innovations"] == 2  # its own write, not the memo's 1
        _db.session.rollback()
        # The next commit brings the generation the rolled-back flush had taken: its figure
        # must not have been kept under it.
        _db.session.scalar(sa.select(Innovation)).title = "Inovasi Pertama, judul baru"
        _db.session.commit()
        assert _figures()["headline"]["innovations"] == 1


def test_off_by_configuration(servers):
    app, _ = servers
    app.config["GENERATION_MEMO"] = False
    with app.app_context():
        computed = memo.computed
        _figures()
        _figures()
        assert memo.computed == computed


def test_a_full_memo_makes_room_by_dropping_the_entry_used_longest_ago(servers):
    """A figure read on every page outlives entries read once (cards of one case study each)."""
    app, _ = servers
    small, computed = GenerationMemo(max_entries=2), []

    def get(name):
        _db.session.remove()  # a fresh transaction, as a new request
        return small.get(name, (), lambda: computed.append(name) or name)

    with app.app_context():
        get("facets"), get("cards 1"), get("facets"), get("cards 2")  # cards 1 used longest ago
        assert computed == ["facets", "cards 1", "cards 2"]
        get("facets"), get("cards 2")
        assert computed == ["facets", "cards 1", "cards 2"], "a recently used entry was dropped"
        get("cards 1")
        assert computed == ["facets", "cards 1", "cards 2", "cards 1"]
        assert len(small.entries) == 2


def test_the_reference_lists_are_read_once_and_a_change_of_them_is_seen(servers):
    """Sectors, themes and regions (app/catalog/reference.py): read once per generation by
    the filters and facet labels; a sector renamed or added on another server is seen at
    once, and a write of a narrow kind (a case study's summary) keeps them."""
    from flask_babel import force_locale
    from werkzeug.datastructures import MultiDict

    from app.catalog import reference
    from app.catalog.facets import labels
    from app.catalog.filters import FilterError, parse_filters
    from app.catalog.models import Sector

    first, second = servers

    def read():
        _db.session.remove()
        with first.test_request_context(), force_locale("en"):
            return labels("sector", ["kesehatan", "baru"]), labels("province", ["33", "99"])

    def accepted(**args):
        _db.session.remove()
        try:
            parse_filters(MultiDict(args))
        except FilterError:
            return False
        return True

    with first.app_context():
        assert read() == ({"kesehatan": "Health"}, {"33": "Jawa Tengah"})
        with first.test_request_context(), force_locale("fr"):  # any other language: the Indonesian name
            assert labels("sector", ["kesehatan"]) == {"kesehatan": "Kesehatan"}
        assert accepted(sector="kesehatan", province="33", region="33.02") and not accepted(sector="baru")
        assert not accepted(province="33.02") and not accepted(region="99") and not accepted(theme="kesehatan")
        computed = memo.computed
        read(), accepted(sector="kesehatan", theme="kemitraan", region="33.02")
        assert memo.computed == computed, "a reference list was read again in the same generation"
    with second.app_context():
        _db.session.scalar(sa.select(Innovation)).summary = "Ringkasan baru."
        _db.session.commit()
    with first.app_context():
        read()
        assert memo.computed == computed, "a summary edit dropped the reference lists"
    with second.app_context():
        _db.session.scalar(sa.select(Sector).where(Sector.slug == "kesehatan")).name_en = "Health care"
        _db.session.add(Sector(slug="baru", name_id="Sektor Baru", name_en="New sector"))
        _db.session.commit()
    with first.app_context():
        assert read() == ({"kesehatan": "Health care", "baru": "New sector"}, {"33": "Jawa Tengah"})
        assert accepted(sector="baru")
        assert "baru" in reference.sectors()
