"""Every filter and sort means the same on every path: the catalogue's SQL, the search index,
the database fallback, the API and the CSV export select the same innovations, in the same
order, with the same facet counts. Combinations are generated (Hypothesis), so a filter or
sort added to app/catalog/filters.py is covered without anyone listing it here."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.catalog import queries
from app.catalog.filters import FACETS, FILTERS, SORTS, param, parse_filters
from app.catalog.models import Innovation
from app.extensions import db as _db
from app.search import service
from app.search.index import IndexStore
from tests import factories

# Titles that sort differently by byte, by case, by accent and by punctuation.
TITLES = ["Émas Desa", "emas kota", "Zebra Cross", "apel Pagi", "Apel Siang", "ábaco", "Ómega", "omega", "_Garis",
          "Antre-Online", "Antre Online", "10 Menit", "9 Menit", "Layanan", "layanan", "Öffentlich"]  # fmt: skip
REGIONS = [("regency", "33.02"), ("city", "33.74"), ("province", "33"), ("city", "35.78"), ("regency", "73.71"),
           ("ministry", None), ("agency", None), ("soe", None)]  # fmt: skip
SECTORS = [("kesehatan",), ("kesehatan", "sosial"), ("pendidikan",), ("aparatur", "kesehatan"), ("sosial",)]
THEMES = [(), ("sistem-informasi",), ("layanan-terpadu", "sistem-informasi")]
AWARDS = [(), ((2019, "top99"),), ((2019, "top99"), (2020, "top45")), ((2021, "outstanding"),)]
STAGES = ["initiative", "trial", "implemented", "institutionalized", "discontinued"]
# Set-up costs on and beside the bands' edges (app/catalog/costs.py), ties and unknowns.
COSTS = [None, 0, 49_999_999, 50_000_000, 499_999_999, 500_000_000, 10**15, 50_000_000, None]


@pytest.fixture
def varied(db, app):
    """About forty innovations crossing every filter's values (and six that are not public),
    and an index built from them."""
    n = 0
    for i, title in enumerate(TITLES * 3):
        kind, region = REGIONS[i % len(REGIONS)]
        factories.innovation(
            title,
            kind=kind,
            region=region,
            year=2018 + (i * 7) % 5,
            sectors=SECTORS[i % len(SECTORS)],
            themes=THEMES[i % len(THEMES)],
            awards=AWARDS[(i // 2) % len(AWARDS)],
            stage=STAGES[(i // 3) % len(STAGES)],
            digital=i % 3 == 0,
            replication_count=(i * 5) % 4,
            setup_cost=COSTS[i % len(COSTS)],
            needs_new_regulation=(None, True, False)[(i // 2) % 3],
            **({"owner": factories.owner(kind, None, name=f"{kind} uji {i % 2}")} if region is None else {}),
        )
        n += 1
    for status in ("draft", "submitted", "returned", "archived"):
        factories.innovation(f"Belum Terbit {status}", status=status, digital=True, replication_count=3)
    db.session.commit()
    IndexStore(app.config["SEARCH_INDEX_DIR"]).rebuild(db.engine)
    assert n >= 40
    return n


def _values():
    """What each filter may be set to: the values of the fixture, and one that selects nothing."""
    return {
        "sector": ["kesehatan", "sosial", "pendidikan", "aparatur", "pertanian-pangan"],
        "theme": ["sistem-informasi", "layanan-terpadu", "kearifan-lokal"],
        "owner_kind": ["regency", "city", "province", "ministry", "agency", "soe"],
        "province": ["33", "35", "73", "11"],
        "region": ["33", "33.02", "33.74", "35.78", "73.71", "11.01"],
        "year": ["2018", "2019", "2020", "2021", "2022", "2030"],
        "award": ["proposal", "top99", "top45", "outstanding"],
        "stage": STAGES,
        "digital": ["true", "false"],
        "replicated": ["true", "false"],
        "cost": ["lt50jt", "50-500jt", "gt500jt", "unknown"],
        "no_new_regulation": ["true", "false"],
    }


def test_the_strategy_knows_every_filter():
    # A filter added to app/catalog/filters.py must get values here, or it would go untested.
    assert set(_values()) == set(FILTERS)


@st.composite
def query_strings(draw):
    values = _values()
    chosen = draw(st.lists(st.sampled_from(sorted(values)), max_size=4, unique=True))
    args = {name: draw(st.sampled_from(values[name])) for name in chosen}
    args["sort"] = draw(st.sampled_from([s for s in SORTS if s != "relevance"]))
    args["per_page"] = str(draw(st.sampled_from([3, 7, 100])))
    return args


def _pages(fetch, args):
    """Ordered ids over every page of one path, and the facets of its first page."""
    ids, facets, page = [], None, 1
    while True:
        got, total, page_facets = fetch({**args, "page": str(page)})
        facets = facets if facets is not None else page_facets
        ids += got
        if len(ids) >= total or not got:
            return ids, total, facets
        page += 1


def _slugs_to_ids(slugs):
    found = dict(
        _db.session.execute(_db.select(Innovation.slug, Innovation.id).where(Innovation.slug.in_(slugs))).all()
    )
    return [found[slug] for slug in slugs]


def _catalogue(args):
    filters = parse_filters(args)
    innovations, total = queries.browse(filters)
    return [i.id for i in innovations], total, queries.facet_counts(filters)


def _index(args):
    result = service.search(parse_filters(args))
    assert result.from_index
    return [hit.innovation.id for hit in result.hits], result.total, result.facets


def _fallback(args):
    result = service._search_database(parse_filters(args))
    return [hit.innovation.id for hit in result.hits], result.total, result.facets


def _api(client):
    def fetch(args):
        answer = client.get("/api/v1/innovations", query_string=args)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        body = answer.get_json()
        return _slugs_to_ids([item["slug"] for item in body["items"]]), body["total"], body["facets"]

    return fetch


def _csv_ids(client, args):
    answer = client.get("/export/innovations.csv", query_string={k: v for k, v in args.items() if k != "per_page"})
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    return _slugs_to_ids([row["slug"] for row in rows])


@settings(max_examples=40)
@given(args=query_strings())
def test_every_path_selects_orders_and_counts_alike(varied, client, args):
    expected_ids, expected_total, expected_facets = _pages(_catalogue, args)
    assert len(expected_ids) == expected_total
    public = set(_db.session.scalars(_db.select(Innovation.id).where(Innovation.is_public)))
    assert set(expected_ids) <= public
    for name, fetch in (("index", _index), ("fallback", _fallback), ("api", _api(client))):
        ids, total, facets = _pages(fetch, args)
        assert (ids, total) == (expected_ids, expected_total), (name, args)
        assert facets == expected_facets, (name, args)
    assert list(expected_facets) == list(FACETS)
    for counts in expected_facets.values():  # most first, then by value (JSON sorts the API's keys)
        assert list(counts.items()) == sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    assert _csv_ids(client, args) == expected_ids


@settings(max_examples=20)
@given(args=query_strings(), facet=st.sampled_from(FACETS))
def test_each_facet_count_is_the_size_of_the_list_it_leads_to(varied, args, facet):
    _, _, facets = _catalogue({**args, "page": "1"})
    for value, count in facets[facet].items():
        _, total, _ = _index({**args, facet: value, "page": "1"})
        assert total == count, (facet, value, args)


def test_sorts_agree_with_python_on_the_stored_titles(varied, db):
    # The title order is the order of the stored keys, by code point, on every database.
    ids, _, _ = _pages(_catalogue, {"sort": "title", "per_page": "100"})
    keys = dict(db.session.execute(db.select(Innovation.id, Innovation.sort_title)).all())
    assert [keys[i] for i in ids] == sorted(keys[i] for i in ids)
    assert param(True) == "true" and FILTERS["digital"].read("false") is False


@settings(max_examples=25)
@given(
    searches=st.lists(
        st.tuples(
            st.sampled_from(["apel", "layanan online", "omega menit", "emas", ""]), query_strings(), st.integers(1, 3)
        ),
        min_size=2,
        max_size=6,
    )
)
def test_a_query_remembered_across_filters_gives_what_a_fresh_snapshot_gives(varied, app, searches):
    # One snapshot remembers a text query's plan and scores for every filter, page and sort
    # (service._plan), and the documents and facet counts of each filters and query (service.
    # _narrow); each answer must be the one a snapshot that remembers nothing gives.
    for q, args, page in searches:
        args = {**args, "q": q, "page": str(page)}
        if page % 2 and q:
            args["sort"] = "relevance"
        filters = parse_filters(args)
        remembered = service.answer(filters)  # with what the earlier searches left
        snap = service._snapshot()
        # Everything the snapshot remembers: its memo, and the queries' plans, scores,
        # documents and facet counts (Snapshot.memo_query).
        kept = list(snap._memo.items()), list(snap._queries.items()), snap._queries_size
        snap._memo.clear()
        snap._queries.clear()
        snap._queries_size = 0
        assert service.answer(filters) == remembered, args
        snap._memo.clear()
        snap._memo.update(kept[0])
        snap._queries.clear()
        snap._queries.update(kept[1])
        snap._queries_size = kept[2]
