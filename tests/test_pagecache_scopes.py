"""Finer invalidation (docs/decisions/0091): a write drops the cached pages and figures it
can change, on every server, and keeps the others.

Every cached route is requested with real arguments and cached; then a write of each kind is
made on another server, and every page is asked for again. A page still served from the
cache must be, byte for byte, the page rendered afresh from the database: never older than
the data it shows. The pages a write cannot change are named for each kind, and must still
be served from the cache.
"""

import pytest
import sqlalchemy as sa

from app import pagecache
from app.catalog import queries as catalog_queries
from app.catalog.models import Innovation
from app.datagen import scopes
from app.datagen.generation import CacheChange
from app.extensions import db as _db
from app.memo import memo
from app.pagecache.store import store
from app.replication import services
from app.replication.models import Replication
from tests import factories
from tests.accounts_fixtures import make_network
from tests.support import make_app

# Each cached route's arguments, and query strings worth caching apart.
EXTRA = ("/inovasi?sector=kesehatan", "/inovasi?sector=pendidikan", "/inovasi?sort=most_replicated",
         "/inovasi?replicated=true", "/cari?q=layanan", "/cari?q=sekolah", "/cari?q=pasar",
         "/cari?sector=pendidikan", "/cari?replicated=true", "/cari?q=layanan&sort=newest", "/api/v1/innovations?sector=pendidikan",
         "/api/v1/innovations?q=layanan", "/api/v1/innovations?q=sekolah",
         "/api/v1/replications?innovation={alfa_slug}", "/statistik?year=2023",
         "/inovasi?sector=pendidikan&sort=most_replicated", "/inovasi?sector=kesehatan&sort=most_replicated",
         "/inovasi?sort=most_replicated&per_page=1&page=2", "/inovasi?replicated=false", "/inovasi?province=35",
         "/inovasi?replicated=true&province=35", "/inovasi?replicated=true&sector=kesehatan")  # fmt: skip


@pytest.fixture
def servers(databases, tmp_path_factory):
    """Two servers on one database with the page cache and the memo on; the second writes."""
    url = databases.new()
    on = {"PAGE_CACHE_ENABLED": True, "GENERATION_MEMO": True, "SQLALCHEMY_DATABASE_URI": url}
    reader = make_app(databases, tmp_path_factory, **on)
    writer = make_app(databases, tmp_path_factory, **on)
    pagecache.clear()
    memo.clear()
    with writer.app_context():
        alfa = factories.innovation("Alfa Sehat Banyumas", region="33.02", year=2021, awards=[(2023, "top99")],
                                    summary="Layanan kesehatan keliling.")  # fmt: skip
        beta = factories.innovation("Beta Sekolah Semarang", region="33.74", kind="city", sectors=("pendidikan",),
                                    year=2022, summary="Sekolah terbuka untuk semua.")  # fmt: skip
        gamma = factories.innovation("Gamma Pasar", region="35.07", sectors=("ekonomi-umkm",), summary="Pasar daring.")
        delta = factories.innovation("Delta Irigasi", region="35.07", sectors=("pertanian-pangan",),
                                     summary="Saluran air bagi petani.")  # fmt: skip
        for item, adopter, stage in ((alfa, "35.78", "interest"), (alfa, "33.01", "committed"),
                                     (beta, "33.02", "implemented"), (beta, "35.78", "committed")):  # fmt: skip
            services.create(item, factories.owner(*_government(adopter)), stage, notify=False)
        make_network("jipp-jateng", "33")
        _db.session.commit()
        world = {"alfa": alfa, "beta": beta, "gamma": gamma, "delta": delta}
        ids = {name: item.id for name, item in world.items()}
        ids.update({f"{name}_slug": item.slug for name, item in world.items()})
    yield reader, writer, ids
    pagecache.clear()
    memo.clear()
    for app in (reader, writer):
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


def _government(code):
    return ("city" if code in ("35.78", "33.74") else "regency", code)


def _urls(app, slugs):
    """Every cached route, with the arguments of the world above, and a few query strings."""
    with app.app_context():
        values = {
            "slug": [*_db.session.scalars(sa.select(Innovation.slug).order_by(Innovation.id)), "jipp-jateng"],
            "code": ["33.02", "33"],
            "replication_id": list(_db.session.scalars(sa.select(Replication.id).order_by(Replication.id))),
            "activity_id": [1],
            "number": [1],
        }
        owners = [item.owner.slug for item in _db.session.scalars(sa.select(Innovation).order_by(Innovation.id))]
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in pagecache.CACHED_ENDPOINTS:
            continue
        names = sorted(rule.arguments)
        choices = [[]] if not names else [[(n, v) for n in names] for v in values.get(names[0], [])]
        if rule.endpoint == "catalog.owner":
            choices = [[("slug", owner)] for owner in owners]
        for choice in choices:
            arguments = dict(choice)
            if all(n in arguments or n in values for n in names):
                arguments = {n: arguments.get(n, values.get(n, [None])[0]) for n in names}
                urls.append(rule.build(arguments, append_unknown=False)[1])
    return list(dict.fromkeys(urls + [url.format(**slugs) for url in EXTRA]))


def _get(app, url):
    response = app.test_client().get(url)
    return response.status_code, response.headers.get("X-Page-Cache"), response.get_data()


def _fresh(app, url):
    """The page rendered from the database now: no page cache, no remembered figure."""
    app.config.update(PAGE_CACHE_ENABLED=False, GENERATION_MEMO=False)
    try:
        return _get(app, url)[2]
    finally:
        app.config.update(PAGE_CACHE_ENABLED=True, GENERATION_MEMO=True)


def _cache_everything(app, slugs):
    cached = []
    for url in _urls(app, slugs):
        if _get(app, url)[0] == 200 and _get(app, url)[1] == "hit":
            cached.append(url)
    return cached


def _stage(ids, name, stage):
    def write():
        replication = _db.session.scalar(
            sa.select(Replication).where(Replication.innovation_id == ids[name]).order_by(Replication.id)
        )
        services.update(replication, user=None, expected_version=replication.version, stage=stage, notify=False)

    return write


def _second_stage(ids, stage, name="alfa"):
    def write():
        replication = _db.session.scalars(
            sa.select(Replication).where(Replication.innovation_id == ids[name]).order_by(Replication.id)
        ).all()[1]
        services.update(replication, user=None, expected_version=replication.version, stage=stage, notify=False)

    return write


def _edit(ids, name, **fields):
    def write():
        item = _db.session.get(Innovation, ids[name])
        for field, value in fields.items():
            setattr(item, field, value)

    return write


# (write, pages that must still be served from the cache afterwards, pages that must not)
KINDS = {
    "stage change, count unchanged": (
        lambda ids: _stage(ids, "alfa", "planned"),
        (
            "/",
            "/inovasi",
            "/inovasi?sector=kesehatan",
            "/inovasi/{beta_slug}",
            "/inovasi/{delta_slug}",
            "/api/v1/innovations",
            "/cari?q=layanan",
        ),
        ("/inovasi/{alfa_slug}", "/statistik", "/api/v1/replications"),
    ),
    # A search answer's counts come from the index, which learns the count: kept when the
    # index still gives the same answer (docs/decisions/0094).
    # Alfa's count from 0 to 1: the lists alfa can be counted in (docs/decisions/0102).
    "stage change, count moves": (
        lambda ids: _second_stage(ids, "piloting"),
        (
            "/cari?q=sekolah",
            "/cari?sector=pendidikan",
            "/api/v1/innovations?sector=pendidikan",
            "/inovasi?sector=pendidikan",
            "/inovasi?sector=pendidikan&sort=most_replicated",
            "/inovasi?province=35",
        ),
        (
            "/inovasi/{alfa_slug}",
            # Alfa is not in Jawa Timur, but joins the province facet's count for Jawa Tengah.
            "/inovasi?replicated=true&province=35",
            "/",
            "/inovasi",
            "/inovasi?sector=kesehatan",
            "/inovasi?replicated=true",
            "/inovasi?replicated=false",
            "/inovasi?sort=most_replicated",
            "/inovasi?replicated=true&sector=kesehatan",
            "/statistik",
            "/cari?replicated=true",
            "/cari?q=layanan",
        ),
    ),
    # Beta's count from 1 to 2: only the lists ordered by the count that hold beta, and those
    # that show beta's card.
    "stage change, count moves above zero": (
        lambda ids: _second_stage(ids, "piloting", "beta"),
        (
            "/inovasi?sector=kesehatan",
            "/inovasi?sector=kesehatan&sort=most_replicated",
            "/inovasi?replicated=false",
            "/inovasi?province=35",
            "/inovasi?replicated=true&province=35",
            "/inovasi?replicated=true&sector=kesehatan",
        ),
        (
            "/inovasi/{beta_slug}",
            "/",
            "/inovasi",
            "/inovasi?sector=pendidikan",
            "/inovasi?sort=most_replicated&per_page=1&page=2",
            "/statistik",
        ),
    ),
    # The search index applies a summary edit too: a search answer that does not show the case
    # study is kept when the index still gives it (docs/decisions/0094), whatever its query.
    "summary edit": (
        lambda ids: _edit(ids, "alfa", summary="Layanan kesehatan keliling, kini tiap hari."),
        (
            "/inovasi?sector=pendidikan",
            "/statistik",
            "/statistik?year=2023",
            "/cari?q=sekolah",
            "/cari?q=pasar",
            "/cari?sector=pendidikan",
            "/api/v1/innovations?sector=pendidikan",
            "/api/v1/innovations?q=sekolah",
        ),
        (
            "/inovasi/{alfa_slug}",
            "/inovasi",
            "/inovasi?sector=kesehatan",
            "/",
            "/cari?q=layanan",
            "/cari",
            "/api/v1/innovations",
            "/api/v1/innovations?q=layanan",
        ),
    ),
    # A case study that comes to match a query changes that search's answer, though the page
    # did not show it before: only the index can tell.
    "summary edit, a search gains it": (
        lambda ids: _edit(ids, "gamma", summary="Pasar daring dengan layanan antar."),
        (
            "/inovasi?sector=pendidikan",
            "/statistik",
            "/cari?q=sekolah",
            "/cari?sector=pendidikan",
            "/api/v1/innovations?sector=pendidikan",
            "/api/v1/innovations?q=sekolah",
        ),
        (
            "/inovasi/{gamma_slug}",
            "/cari?q=pasar",
            "/cari?q=layanan",
            "/cari?q=layanan&sort=newest",
            "/api/v1/innovations?q=layanan",
        ),
    ),
    "title edit (not narrowed)": (
        lambda ids: _edit(ids, "alfa", title="Alfa Sehat Banyumas Baru"),
        (),
        ("/inovasi/{beta_slug}", "/inovasi?sector=pendidikan", "/statistik", "/jaringan"),
    ),
}
# Search answers (/cari, the API's list) also depend on the search index, which applies a
# change right after the commit (here: on the reader's next look, as the follower would):
# when the index changed (a summary, a replication count) they are kept only if the index
# still gives the same answer, and when it had nothing to change.


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_write_drops_what_it_changes_and_keeps_the_rest(servers, kind):
    reader, writer, ids = servers
    write, kept, dropped = KINDS[kind]
    kept, dropped = [url.format(**ids) for url in kept], [url.format(**ids) for url in dropped]
    cached = _cache_everything(reader, ids)
    assert set(kept) | set(dropped) <= set(cached), "a page named below is not cached at all"
    for url in cached:
        assert _get(reader, url)[2] == _fresh(reader, url), f"{url} differs from a fresh render before any write"
    with writer.app_context():
        write(ids)()
        _db.session.commit()
    states = {}
    for url in cached:
        _, state, body = _get(reader, url)
        states[url] = state
        # A page rendered again may still use remembered figures and cards (app/memo.py):
        # those must be as current as the page served from the cache.
        assert body == _fresh(reader, url), f"{url} ({state}) is older than the data after: {kind}"
    assert [u for u in kept if states[u] != "hit"] == [], f"{kind} dropped pages it cannot change"
    assert [u for u in dropped if states[u] == "hit"] == [], f"{kind} kept pages it changes"


@pytest.mark.parametrize("kind", [kind for kind in KINDS if "not narrowed" not in kind and "gains" not in kind])
def test_a_write_keeps_the_pages_of_other_case_studies(servers, kind):
    """Without a search index no case-study page shows others (more like this): then a
    write about one case study keeps every other one's page."""
    reader, writer, ids = servers
    reader.config["SEARCH_AUTO_BUILD_LIMIT"] = 0
    subject = "beta" if "above zero" in kind else "alfa"
    others = [f"/inovasi/{ids[name + '_slug']}" for name in ("alfa", "beta", "gamma", "delta") if name != subject]
    mine = f"/inovasi/{ids[subject + '_slug']}"
    for url in (*others, mine):
        _get(reader, url)
        assert _get(reader, url)[1] == "hit"
    with writer.app_context():
        KINDS[kind][0](ids)()
        _db.session.commit()
    assert [_get(reader, url)[1] for url in others] == ["hit"] * len(others)
    state, body = _get(reader, mine)[1:]
    assert state == "miss" and body == _fresh(reader, mine)


def test_every_narrow_endpoint_is_cached(servers):
    """The endpoints given narrower dependencies are all cached ones (a typo narrows nothing)."""
    assert set(scopes.PAGES) <= pagecache.CACHED_ENDPOINTS


def test_a_page_that_reads_every_replication_depends_on_every_replication(servers):
    reader, writer, ids = servers
    _cache_everything(reader, ids)
    page = next(p for p in store.entries.values() if p.endpoint == "stats.dashboard")
    assert page.deps is None or scopes.REPLICATIONS in page.deps
    _get(reader, "/inovasi/{alfa_slug}")
    page = next(p for p in store.entries.values() if p.endpoint == "catalog.innovation")
    assert {scopes.innovation(ids["alfa"]), scopes.replications_of(ids["alfa"])} <= page.deps
    assert scopes.REPLICATIONS not in page.deps


def _headline(app):
    with app.app_context():
        _db.session.remove()  # a fresh transaction, as a new request
        return catalog_queries.headline_figures(), memo.computed


def test_a_figure_survives_writes_it_cannot_change(servers):
    reader, writer, ids = servers
    first, computed = _headline(reader)
    for kind in ("summary edit", "stage change, count unchanged"):
        with writer.app_context():
            KINDS[kind][0](ids)()
            _db.session.commit()
        assert _headline(reader) == (first, computed), f"{kind} threw away the home page's figures"
    with writer.app_context():
        KINDS["stage change, count moves"][0](ids)()
        _db.session.commit()
    figures, again = _headline(reader)
    assert again == computed + 1 and figures["replications"] == first["replications"] + 1


def test_a_process_that_missed_changes_renders_again(servers):
    """Rows pruned (or never written): nothing built before the gap is vouched for."""
    reader, writer, ids = servers
    reader.config["SEARCH_AUTO_BUILD_LIMIT"] = 0  # no "more like this": beta's page shows nothing of alfa
    url = f"/inovasi/{ids['beta_slug']}"
    _get(reader, url)
    assert _get(reader, url)[1] == "hit"
    with writer.app_context():
        KINDS["summary edit"][0](ids)()  # about alfa: beta's page could stay
        _db.session.commit()
        _db.session.execute(sa.delete(CacheChange))
        _db.session.commit()
    assert _get(reader, url)[1] == "miss"


def test_the_index_learns_a_replication_count_that_moved(servers):
    """Replication changes reach the search index only when the count it holds can move."""
    reader, writer, ids = servers

    def replicated():
        return [item["slug"] for item in reader.test_client().get("/api/v1/innovations?replicated=true").json["items"]]

    assert ids["alfa_slug"] not in replicated()
    with writer.app_context():
        KINDS["stage change, count unchanged"][0](ids)()
        _db.session.commit()
    assert ids["alfa_slug"] not in replicated()
    with writer.app_context():
        KINDS["stage change, count moves"][0](ids)()
        _db.session.commit()
    assert ids["alfa_slug"] in replicated()


# -- search answers across index changes (docs/decisions/0094) -----------------------------

SEARCHES = ("/cari", "/cari?q=layanan", "/cari?q=sekolah", "/cari?q=pasar", "/cari?q=air+petani",
            "/cari?sector=pendidikan", "/cari?replicated=true", "/api/v1/innovations?replicated=false", "/cari?q=layanan&sort=newest", "/cari?q=layanan&per_page=1&page=2",
            "/cari?region=35", "/api/v1/innovations", "/api/v1/innovations?q=layanan",
            "/api/v1/innovations?sector=pendidikan", "/api/v1/innovations?q=saluran&per_page=1")  # fmt: skip


def _searched(reader):
    """The search answers, each cached (asked twice: a miss, then a hit)."""
    for url in SEARCHES:
        _get(reader, url)
        assert _get(reader, url)[1] == "hit", url


def _index_version(app):
    from app.search import index_version

    with app.app_context():
        return index_version(app)


def test_a_search_answer_is_checked_against_the_index_a_fresh_render_would_use(servers):
    """The reader's index has not yet applied the edit when the first request comes: the
    cache lets it catch up (as rendering would) before it trusts the index version."""
    reader, writer, ids = servers
    _searched(reader)
    before = _index_version(reader)
    with writer.app_context():
        KINDS["summary edit, a search gains it"][0](ids)()
        _db.session.commit()
    assert _index_version(reader) == before  # nothing has read the reader's index since
    state, body = _get(reader, "/cari?q=layanan")[1:]
    assert state == "miss" and b"Gamma Pasar" in body
    assert body == _fresh(reader, "/cari?q=layanan")


def test_a_summary_edit_re_renders_only_the_answers_it_changes(servers, monkeypatch):
    """Counted: before 0094 an index change re-rendered every search answer and API list; now
    only those showing the case study (its snippet, its card) or whose index answer moved,
    and each kept page asks the index once per index version."""
    from app.search import service

    reader, writer, ids = servers
    _searched(reader)
    before = _index_version(reader)
    asked = []
    answer = service.answer
    monkeypatch.setattr(service, "answer", lambda filters: asked.append(filters) or answer(filters))
    with writer.app_context():
        _edit(ids, "delta", summary="Saluran air bagi petani dan peternak.")()  # "air petani", "saluran"
        _db.session.commit()
    states = {url: _get(reader, url)[1] for url in SEARCHES}
    assert _index_version(reader) != before
    rendered = sorted(url for url, state in states.items() if state != "hit")
    # Delta is on the whole catalogue, its region, the unreplicated, and the two searches that find it.
    assert rendered == sorted(["/cari", "/cari?q=air+petani", "/cari?region=35", "/api/v1/innovations",
                               "/api/v1/innovations?q=saluran&per_page=1", "/api/v1/innovations?replicated=false"])  # fmt: skip
    assert len(asked) == len(SEARCHES) - len(rendered)  # each kept page: one index query, no render
    for url in SEARCHES:
        state, body = _get(reader, url)[1:]
        assert state == "hit" and body == _fresh(reader, url), url
    assert len(asked) == len(SEARCHES) - len(rendered), "a page was checked twice in one index version"
    print(f"summary edit: {len(rendered)} of {len(SEARCHES)} search answers rendered again (before: all)")


def test_an_answer_read_from_the_index_another_way_is_not_kept(servers):
    """A page that read the index outside ``search()`` cannot be vouched for by its answers."""
    from flask import g

    from app.search import service

    reader, writer, ids = servers
    with reader.test_request_context("/cari"):
        g.index_answers = []
        service.search(_filters(q="sekolah"))
        assert len(g.index_answers) == 1
        service.snapshot()
        assert g.index_answers is None


def _filters(**values):
    from app.catalog.filters import Filters

    return Filters(**values)


def _next_stage(rng):
    replications = _db.session.scalars(sa.select(Replication).order_by(Replication.id)).all()
    replication = rng.choice(replications)
    later = [stage for stage in services.allowed_stages(replication) if stage != "discontinued"]
    if later:
        services.update(replication, user=None, expected_version=replication.version, stage=later[0], notify=False)


WORDS = ("layanan", "sekolah", "pasar", "air", "petani", "daring", "kesehatan", "terbuka")


@pytest.mark.parametrize("seed", range(3))
def test_random_summary_edits_never_leave_a_stale_search_answer(servers, seed):
    """Property: whatever summaries and replication stages change, every search answer served
    from the cache is the one rendered afresh, and one that cannot change is served from the
    cache."""
    import random

    reader, writer, ids = servers
    rng = random.Random(seed)
    names = ("alfa", "beta", "gamma", "delta")
    _searched(reader)
    kept = 0
    for _ in range(6):
        name = rng.choice(names)
        summary = " ".join(rng.sample(WORDS, 3)).capitalize() + "."
        with writer.app_context():
            if rng.random() < 0.3:  # or a replication one stage on: the count may move
                _next_stage(rng)
                summary = "(a stage change)"
            else:
                _edit(ids, name, summary=summary)()
            _db.session.commit()
        for url in SEARCHES:
            _, state, body = _get(reader, url)
            fresh = _fresh(reader, url)
            assert body == fresh, f"{url} after {name}'s summary became {summary!r} (seed {seed})"
            kept += state == "hit"
            assert _get(reader, url)[1] == "hit"  # rendered or kept: cached again
    assert kept > 0, "no search answer was ever kept across an index change"


def test_without_an_index_a_search_answer_depends_on_the_catalogue(servers):
    """The database's answer (no index yet) has no fingerprint: a write that changes which
    case studies a list selects drops it, as it drops the catalogue."""
    reader, writer, ids = servers
    reader.config["SEARCH_AUTO_BUILD_LIMIT"] = 0  # the reader never builds its index
    url = "/cari?replicated=true"
    _get(reader, url)
    state, body = _get(reader, url)[1:]
    assert state == "hit" and b"Gamma" not in body
    page = next(p for p in store.entries.values() if p.endpoint == "search.index")
    assert page.answers is None and scopes.CATALOGUE in page.deps
    with writer.app_context():
        KINDS["stage change, count moves"][0](ids)()
        _db.session.commit()
    state, body = _get(reader, url)[1:]
    assert state == "miss" and body == _fresh(reader, url)


# -- catalogue lists across moved replication counts (docs/decisions/0102) ------------------

LIST_FILTERS = {
    "sector": ("kesehatan", "pendidikan", "ekonomi-umkm"),
    "theme": ("sistem-informasi",),
    "owner_kind": ("regency", "city"),
    "province": ("33", "35"),
    "region": ("33.02", "35.07"),
    "replicated": ("true", "false"),
    "year": ("2021", "2022"),
    "award": ("top99", "top45"),
    "stage": ("implemented", "institutionalized"),
    "digital": ("true", "false"),
    "cost": ("lt50jt", "50-500jt", "unknown"),
    "no_new_regulation": ("true", "false"),
    "sort": ("most_replicated", "most_replicated", "title"),
}


def _random_lists(rng, count):
    """``count`` catalogue pages under random filters, orders and pages, and the one-card pages
    of the whole catalogue by count (where a move changes the order alone: no card of the
    case study whose count moved need be on them)."""
    urls = {f"/inovasi?sort=most_replicated&per_page=1&page={page}" for page in range(1, 5)}
    while len(urls) < count:
        args = [f"{name}={rng.choice(values)}" for name, values in LIST_FILTERS.items() if rng.random() < 0.25]
        if rng.random() < 0.3:
            args += ["per_page=1", f"page={rng.randint(1, 3)}"]
        urls.add("/inovasi" + ("?" + "&".join(args) if args else ""))
    return sorted(urls)


def _random_stage(rng):
    """One replication moved to another stage it may take (forward, discontinued or reopened)."""
    replication = rng.choice(_db.session.scalars(sa.select(Replication).order_by(Replication.id)).all())
    stage = rng.choice([s for s in services.allowed_stages(replication) if s != replication.stage])
    extra = {"discontinued_reason": "Anggaran tidak berlanjut"} if stage == "discontinued" else {}
    services.update(replication, user=None, expected_version=replication.version, stage=stage, notify=False, **extra)
    return f"replication {replication.id} to {stage}"


# Replications for gamma and delta, so that every case study of the world has counts to move.
MORE_REPLICATIONS = (("gamma", "33.74", "implemented"), ("gamma", "33.01", "committed"),
                     ("delta", "33.01", "piloting"), ("delta", "35.78", "planned"))  # fmt: skip


def _replicate(ids, rows):
    """A replication for each ``(case study, adopting region, stage)`` of ``rows``."""
    for name, adopter, stage in rows:
        item = _db.session.get(Innovation, ids[name])
        services.create(item, factories.owner(*_government(adopter)), stage, notify=False)


@pytest.mark.parametrize("seed", range(3))
def test_random_stage_changes_never_leave_a_stale_catalogue_list(servers, seed):
    """Property: whichever replications move, up or down, across zero or not, every list of
    the catalogue served from the cache is the one rendered afresh, and some lists a moved
    count cannot change are still served from the cache."""
    import random

    reader, writer, ids = servers
    with writer.app_context():
        # A case study with a value for every filter, and facts the others lack.
        epsilon = factories.innovation("Epsilon Kota", kind="city", region="35.78", sectors=("kesehatan", "pendidikan"),
                                       themes=("sistem-informasi",), awards=[(2022, "top45")], year=2022, digital=True,
                                       setup_cost=100_000_000, needs_new_regulation=False, stage="institutionalized")  # fmt: skip
        delta = _db.session.get(Innovation, ids["delta"])
        delta.setup_cost, delta.needs_new_regulation, delta.stage = 10_000_000, True, "implemented"
        _db.session.flush()
        ids["epsilon"] = epsilon.id
        # Counts of 1 to tie with beta's: a move above zero reorders them.
        _replicate(ids, MORE_REPLICATIONS + (("epsilon", "33.02", "committed"), ("epsilon", "35.07", "implemented")))
        _db.session.commit()
    rng = random.Random(seed)
    urls = _random_lists(rng, 30)
    for url in urls:
        _get(reader, url)
        assert _get(reader, url)[1] == "hit", url
    kept = dropped = 0
    for _ in range(12):
        with writer.app_context():
            change = _random_stage(rng)
            _db.session.commit()
        for url in urls:
            _, state, body = _get(reader, url)
            assert body == _fresh(reader, url), f"{url} ({state}) after {change} (seed {seed})"
            kept += state == "hit"
            dropped += state != "hit"
            assert _get(reader, url)[1] == "hit"
    assert kept > 0 and dropped > 0, (kept, dropped)
    print(f"seed {seed}: {kept} lists kept, {dropped} rendered again over 12 stage changes")


def test_a_transaction_with_very_many_tags_records_everything(app, db):
    """A bulk write (hundreds of recounts) records ``*``: one short row, rewritten cheaply."""
    from app.datagen.generation import MAX_TAGS, bump

    def recorded():
        return db.session.scalar(sa.select(CacheChange.tags).order_by(CacheChange.generation.desc()))

    bump(db.session, {scopes.innovation(i) for i in range(MAX_TAGS)})
    assert len(recorded().split()) == MAX_TAGS
    bump(db.session, {scopes.innovation(MAX_TAGS)})
    assert recorded() == scopes.ALL
    db.session.commit()
    bump(db.session, {scopes.innovation(i) for i in range(MAX_TAGS + 1)})
    assert recorded() == scopes.ALL
    db.session.commit()


def test_a_moved_count_carries_the_facts_committed_before_it(servers):
    """The writer loaded alfa (year 2021) before another server made it 2022; its count move
    must still tell the lists of 2022 about alfa, or their remembered facet counts outlive it."""
    reader, writer, ids = servers
    url = "/inovasi?year=2022"
    with writer.app_context():
        replication = _db.session.scalars(
            sa.select(Replication).where(Replication.innovation_id == ids["alfa"]).order_by(Replication.id)
        ).all()[1]
        assert replication.innovation.year == 2021
        with reader.app_context():  # the other server, meanwhile
            _db.session.get(Innovation, ids["alfa"]).year = 2022
            _db.session.commit()
        _get(reader, url)
        assert _get(reader, url)[1] == "hit"  # cached after the year changed
        services.update(replication, user=None, expected_version=replication.version, stage="piloting", notify=False)
        _db.session.commit()
    assert _get(reader, url)[2] == _fresh(reader, url)


def test_a_count_move_in_a_transaction_that_changes_everything_reads_no_facts(app, db):
    """Past ``MAX_TAGS`` (a bulk import's recounts) the transaction records ``*``: the count
    moves after that send no queries for the case study's facts."""
    from app.datagen.generation import MAX_TAGS, bump

    item = factories.innovation("Zeta Desa", region="33.02")
    services.create(item, factories.owner("regency", "35.07"), "implemented", batch=True, notify=False)
    db.session.commit()
    bump(db.session, {scopes.innovation(i) for i in range(MAX_TAGS + 1)})
    statements = []
    record = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        services.refresh_count(item)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert item.replication_count == 1
    assert not [s for s in statements if "innovation_sector" in s or "award" in s], statements
    db.session.commit()
    assert db.session.scalar(sa.select(CacheChange.tags).order_by(CacheChange.generation.desc())) == scopes.ALL
