"""Search behaviour on a small catalogue: language, typos, places, filters and facets, pages."""

import pytest
import sqlalchemy as sa

from app.catalog.filters import parse_filters
from app.catalog.models import Award, Innovation, Owner, Sector, innovation_sector
from app.search import search, similar
from tests.test_search_support import clean_index, load_cases, reset_index, slugs

STUNTING = {"cegah-tengkes-banyumas", "gizi-anak-kupang"}


@pytest.fixture
def search_app(app):
    with clean_index(app):
        yield app


@pytest.fixture
def catalogue(search_app):
    return load_cases(search_app)


def test_affix_forms_find_each_other(catalogue):
    assert "akta-lahir-rumah-sakit-sidoarjo" in slugs(catalogue, "layanan disdukcapil")
    assert "akta-lahir-rumah-sakit-sidoarjo" in slugs(catalogue, "melayani")


def test_synonyms_and_acronyms_expand(catalogue):
    assert set(slugs(catalogue, "tengkes")[:2]) == STUNTING  # one says stunting, one tengkes
    assert "gizi-anak-kupang" in slugs(catalogue, "ibu hamil")  # the case study says bumil
    assert slugs(catalogue, "e-ktp")[0] == "ktp-el-keliling-kemendagri"


def test_english_finds_indonesian_and_back(catalogue):
    assert slugs(catalogue, "birth certificate hospital")[:2] in (
        ["akta-lahir-rumah-sakit-sidoarjo", "birth-registration-makassar"],
        ["birth-registration-makassar", "akta-lahir-rumah-sakit-sidoarjo"],
    )
    assert "birth-registration-makassar" in slugs(catalogue, "akta kelahiran")


def test_a_typo_is_corrected_and_suggested(catalogue):
    with catalogue.test_request_context():
        result = search(parse_filters({"q": "stuntng"}))
    assert result.suggestion == "stunting"
    assert {hit.innovation.slug for hit in result.hits} >= {"cegah-tengkes-banyumas"}


def test_the_search_page_suggests_and_finds(catalogue, client):
    page = client.get("/cari?q=stuntng").get_data(as_text=True)
    assert "stunting" in page and "Gerakan Cegah Stunting dari Posyandu" in page
    assert "<mark>" in page


def test_all_words_rank_above_some_words(catalogue):
    ranked = slugs(catalogue, "izin usaha aplikasi")
    assert ranked[0] == "izin-usaha-malang"  # says all three; Jakarta says two
    assert "izin-usaha-jakarta" in ranked


def test_a_quoted_phrase_must_appear_as_written(catalogue):
    assert slugs(catalogue, '"bank sampah"') == ["bank-sampah-kupang"]
    assert slugs(catalogue, '"sampah bank"') == []


def test_a_region_in_the_query_ranks_its_innovations_first(catalogue):
    assert slugs(catalogue, "perizinan jawa timur")[0] == "izin-usaha-malang"
    assert slugs(catalogue, "perizinan dki jakarta")[0] == "izin-usaha-jakarta"
    assert set(slugs(catalogue, "perizinan jawa timur")) == {"izin-usaha-malang", "izin-usaha-jakarta"}


def test_snippets_escape_the_text_and_mark_the_words(catalogue):
    with catalogue.test_request_context():
        (hit,) = search(parse_filters({"q": "perekaman ktp"})).hits[:1]
    html = str(hit.snippet)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>" in html


def test_similar_innovations(catalogue, db):
    stunting = db.session.scalar(sa.select(Innovation).where(Innovation.slug == "cegah-tengkes-banyumas"))
    found = similar(stunting, limit=5)
    assert 0 < len(found) <= 5 and stunting.id not in {card.id for card in found}
    assert found[0].slug == "gizi-anak-kupang"


def test_similar_for_a_case_study_whose_words_the_index_does_not_hold(catalogue, db):
    """An edit not yet in the index (or a draft) whose every word is new: no key terms, so
    the case studies of its sectors, never Whoosh's division by zero."""
    stunting = db.session.scalar(sa.select(Innovation).where(Innovation.slug == "cegah-tengkes-banyumas"))
    catalogue.config["SEARCH_SYNC_ON_READ"] = False
    try:
        stunting.title = stunting.summary = stunting.body_md = "Zqxwv plomtrak vrusnelk"
        db.session.flush()
        found = similar(stunting, limit=5)
        sectors = {sector.slug for sector in stunting.sectors}
        assert found and stunting.id not in {card.id for card in found}
        assert all(sectors & {sector.slug for sector in other.sectors} for other in found)
    finally:
        catalogue.config["SEARCH_SYNC_ON_READ"] = True
        db.session.rollback()


FILTERS = [
    {},
    {"sector": "kesehatan"},
    {"owner_kind": "city"},
    {"province": "35"},
    {"region": "53"},
    {"year": "2021"},
    {"award": "top99"},
    {"stage": "implemented", "sector": "perizinan-investasi"},
    {"replicated": "false"},
    {"q": "izin"},
    {"q": "balita", "owner_kind": "city"},
]


def _sql_ids(args):
    """The innovations that pass the filters, by a plain SQL query written for the test."""
    query = sa.select(Innovation.id).join(Owner, Innovation.owner_id == Owner.id)
    if "sector" in args:
        query = query.where(Innovation.sectors.any(Sector.slug == args["sector"]))
    if "owner_kind" in args:
        query = query.where(Owner.kind == args["owner_kind"])
    for name in ("province", "region"):
        if name in args:
            code = args[name]
            query = query.where(sa.or_(Innovation.region_code == code, Innovation.region_code.like(code + ".%")))
    if "year" in args:
        query = query.where(Innovation.year == int(args["year"]))
    if "award" in args:
        query = query.where(Innovation.awards.any(Award.stage == args["award"]))
    if "stage" in args:
        query = query.where(Innovation.stage == args["stage"])
    if "replicated" in args:
        query = query.where((Innovation.replication_count > 0) == (args["replicated"] == "true"))
    return query


def _oracle_ids(db, client, args):
    """The innovations the API must answer for ``args``: the filters by the test's own SQL,
    the text match (when there is one) as the API gives it for the query alone."""
    ids = set(db.session.scalars(_sql_ids(args)))
    if "q" in args:
        alone = client.get("/api/v1/innovations", query_string={"q": args["q"], "per_page": 100}).get_json()
        matched = set(db.session.scalars(sa.select(Innovation.id).where(Innovation.slug.in_(
            [item["slug"] for item in alone["items"]]))))  # fmt: skip
        assert matched, args
        ids &= matched
    return ids


@pytest.mark.parametrize("args", FILTERS)
def test_filters_and_facets_agree_with_the_database(catalogue, client, db, args):
    answer = client.get("/api/v1/innovations", query_string={**args, "per_page": 100}).get_json()
    ids = _oracle_ids(db, client, args)
    found = set(db.session.scalars(sa.select(Innovation.id).where(Innovation.slug.in_(
        [item["slug"] for item in answer["items"]]))))  # fmt: skip
    assert found == ids and answer["total"] == len(ids)
    # Each facet counts what choosing one of its values would give: the other filters kept.
    for facet in ("sector", "owner_kind", "year", "award", "province"):
        within = _oracle_ids(db, client, {k: v for k, v in args.items() if k != facet})
        if facet == "sector":
            query = sa.select(Sector.slug, sa.func.count()).join(innovation_sector)
            query = query.where(innovation_sector.c.innovation_id.in_(within)).group_by(Sector.slug)
        elif facet == "owner_kind":
            query = sa.select(Owner.kind, sa.func.count()).join(Innovation.owner)
            query = query.where(Innovation.id.in_(within)).group_by(Owner.kind)
        elif facet == "year":
            query = sa.select(Innovation.year, sa.func.count()).where(Innovation.id.in_(within))
            query = query.group_by(Innovation.year)
        elif facet == "award":
            query = sa.select(Award.stage, sa.func.count(sa.distinct(Award.innovation_id)))
            query = query.where(Award.innovation_id.in_(within)).group_by(Award.stage)
        else:
            province = sa.func.substr(Innovation.region_code, 1, 2)
            query = sa.select(province, sa.func.count()).where(Innovation.id.in_(within), province.is_not(None))
            query = query.group_by(province)
        expected = {str(key): n for key, n in db.session.execute(query).all()}
        assert answer["facets"][facet] == expected, (facet, args)


def test_the_api_answers_in_the_documented_shape(catalogue, client):
    answer = client.get("/api/v1/innovations?q=akta+kelahiran&per_page=2").get_json()
    assert set(answer) == {"items", "total", "page", "per_page", "facets"}
    assert answer["page"] == 1 and answer["per_page"] == 2 and len(answer["items"]) == 2
    item = answer["items"][0]
    assert set(item) == {"slug", "title", "summary", "owner", "region", "year", "sectors", "themes", "awards",
                         "stage", "replication_count", "costs", "images", "documents", "url", "sample"}  # fmt: skip
    assert item["slug"] == "akta-lahir-rumah-sakit-sidoarjo"
    assert item["sample"] is True  # the search fixtures are labelled examples
    assert item["region"] == {"code": "35.15", "name": "Kabupaten Sidoarjo"}
    assert item["awards"] == [{"competition": "KIPP", "year": 2019, "stage": "top45"}]
    assert set(answer["facets"]) == {"sector", "theme", "owner_kind", "province", "year", "award", "stage", "digital",
                                     "replicated", "cost", "no_new_regulation"}  # fmt: skip


def test_sorts_and_pages(catalogue, client):
    newest = client.get("/api/v1/innovations?sort=newest&per_page=3").get_json()
    years = [item["year"] for item in newest["items"]]
    assert years == sorted(years, reverse=True) and newest["total"] == 8
    second = client.get("/api/v1/innovations?sort=newest&per_page=3&page=2").get_json()
    assert not {i["slug"] for i in newest["items"]} & {i["slug"] for i in second["items"]}
    titles = [i["title"].lower() for i in client.get("/api/v1/innovations?sort=title").get_json()["items"]]
    assert titles == sorted(titles)


@pytest.mark.parametrize(
    "query",
    [
        "sector=unknown",
        "page=0",
        "per_page=100000",
        "year=abc",
        "year=1899",
        "replicated=maybe",
        "sector=kesehatan%27%20OR%201%3D1--",
        "province=35%3B%20DROP%20TABLE%20innovation",
        "q=" + "a" * 201,
        "sort=relevance",
        "colour=blue",
    ],
)
def test_bad_api_input_is_a_400_with_a_json_error(catalogue, client, query):
    response = client.get(f"/api/v1/innovations?{query}")
    assert response.status_code == 400
    assert response.is_json and set(response.get_json()) == {"error"}


@pytest.mark.parametrize("q", ['"', '"""', "AND OR NOT", "title:x*", "(((", "ktp-", "-", "\\", "%", "🙂", "a" * 200])
def test_odd_queries_never_fail(catalogue, client, q):
    assert client.get("/api/v1/innovations", query_string={"q": q}).status_code == 200
    assert client.get("/cari", query_string={"q": q}).status_code == 200


def test_the_search_page(catalogue, client):
    page = client.get("/cari?q=izin&sector=perizinan-investasi").get_data(as_text=True)
    assert "Izin Usaha Sehari Lewat Aplikasi" in page
    assert "Perizinan dan Investasi" in page  # the facet, by name
    assert client.get("/cari?sector=nope").status_code == 400
    assert "Tidak ada inovasi" in client.get("/cari?q=zzzzqqq").get_data(as_text=True)


def test_without_an_index_search_still_answers(catalogue, client):
    reset_index(catalogue)
    assert "bank-sampah-kupang" in slugs(catalogue, "bank sampah")  # a small catalogue: built on the spot
    reset_index(catalogue)
    catalogue.config["SEARCH_AUTO_BUILD_LIMIT"] = 0  # a large one: listed from the database, no text search
    listing = client.get("/api/v1/innovations?sector=kesehatan").get_json()
    assert listing["total"] == 2 and listing["facets"]["sector"]["kesehatan"] == 2
    assert client.get("/cari?q=sampah").status_code == 503
    assert "Indeks pencarian sedang disiapkan" in client.get("/cari?q=sampah").get_data(as_text=True)
    assert client.get("/api/v1/innovations?q=sampah").get_json() == {
        "error": "search index unavailable: it is being built, try again shortly"
    }


def test_similar_follows_an_edit_of_the_case_study(catalogue, db):
    """More-like-this is remembered per snapshot, under the case study's edit version: an
    edit is scored afresh even before the index has it."""
    stunting = db.session.scalar(sa.select(Innovation).where(Innovation.slug == "cegah-tengkes-banyumas"))
    assert similar(stunting, limit=5)[0].slug == "gizi-anak-kupang"
    catalogue.config["SEARCH_SYNC_ON_READ"] = False  # the same snapshot, the edit not yet in it
    try:
        stunting.title = "Akta kelahiran di rumah sakit"
        stunting.summary = "Akta kelahiran bayi diterbitkan di rumah sakit oleh petugas disdukcapil."
        stunting.body_md = "Akta kelahiran, kartu keluarga dan KIA bayi baru lahir, langsung di rumah sakit."
        db.session.flush()
        found = similar(stunting, limit=5)
        assert found[0].slug in {"akta-lahir-rumah-sakit-sidoarjo", "birth-registration-makassar"}
    finally:
        catalogue.config["SEARCH_SYNC_ON_READ"] = True
        db.session.rollback()
