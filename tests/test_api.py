"""The JSON API: every endpoint of interfaces.md, checked against the OpenAPI document with
openapi-core; paging and Link headers, ETag and 304, CORS, JSON errors, the rate limit."""

import re

import pytest
import sqlalchemy as sa
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from app.api.openapi import document, vocabulary
from app.extensions import db as _db
from app.needs import services as need_services
from app.needs.models import Need
from app.networks.models import Activity
from app.replication import services
from tests import factories
from tests.accounts_fixtures import add_member, make_network, make_user
from tests.support import rate_limited_app


@pytest.fixture
def data(db):
    from datetime import date

    items = [
        factories.innovation(
            f"Inovasi Kesehatan {n}", region="33.02", year=2019 + n % 3, awards=[(2019, "top99")] if n < 3 else []
        )
        for n in range(7)
    ]
    items.append(factories.innovation("Layanan Kementerian", kind="ministry", region=None, sectors=("aparatur",)))
    network = make_network("jipp-jawa-timur", "35")
    add_member(network, "35.08", role="hub")
    make_user("koord@example.go.id", "coordinator", networks=[network], name="Sri Rahayu")
    _db.session.add(
        Activity(network=network, kind="workshop", title="Lokakarya replikasi", date=date(2024, 3, 5), place="Surabaya")
    )
    editor = make_user("editor@example.go.id", "editor")
    services.create(items[0], factories.owner("regency", "35.08"), "implemented", user=editor, local_name="SEHAT",
                    network_id=network.id, evidence="https://example.go.id/perbup", legal_basis="Perbup 1/2025")  # fmt: skip
    lumajang = factories.owner("regency", "35.08")
    author = make_user("pejabat@lumajang.example.go.id", "official", owner=lumajang)
    need_services.create(author, lumajang, title="Antrean", problem="Antrean panjang.", visibility="public")
    _db.session.commit()
    return items


@pytest.fixture(scope="module")
def spec(app):
    with app.app_context():
        return OpenAPI.from_dict(document("http://localhost/api/v1", vocabulary()))  # validates the document itself


def check(spec, response):
    """The response must be what the OpenAPI document says for its request."""
    spec.validate_response(WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response))
    return response


URLS = [
    "/api/v1/innovations",
    "/api/v1/innovations?q=kesehatan&sector=kesehatan&per_page=3",
    "/api/v1/innovations?province=33&award=top99&sort=title",
    "/api/v1/replications",
    "/api/v1/replications?status=implemented&adopter_region=35&network=jipp-jawa-timur",
    "/api/v1/networks",
    "/api/v1/networks/jipp-jawa-timur",
    "/api/v1/regions/33.02",
    "/api/v1/regions/35.08",
    "/api/v1/stats/composition?year=2019&award=top99",
]


@pytest.mark.parametrize("url", URLS)
def test_live_responses_match_the_openapi_document(client, data, spec, url):
    response = check(spec, client.get(url))
    assert response.status_code == 200


def test_one_innovation_is_the_whole_record(client, data, spec):
    body = check(spec, client.get(f"/api/v1/innovations/{data[0].slug}")).get_json()
    assert body["slug"] == data[0].slug and body["body_html"].startswith("<h2")
    assert body["replications"][0]["local_name"] == "SEHAT" and body["replications"][0]["status"] == "implemented"
    assert body["replications"][0]["evidence"] == ["https://example.go.id/perbup"]


def test_a_record_never_shows_its_contact_person(client, db):
    # Contacts are personal data, for signed-in users only (docs/architecture.md, UU 27/2022).
    contact = {"name": "Budi Kontak", "email": "budi@example.go.id", "phone": "0812-0000-0001", "whatsapp": True}
    item = factories.innovation(contacts=[contact])
    _db.session.commit()
    response = client.get(f"/api/v1/innovations/{item.slug}")
    assert response.status_code == 200 and "contact" not in response.get_json()
    assert not any(text in response.get_data(as_text=True) for text in ("Budi Kontak", "budi@example", "0812", "62812"))


def test_network_record(client, data):
    body = client.get("/api/v1/networks/jipp-jawa-timur").get_json()
    assert body["coordinators"] == ["Sri Rahayu"] and body["members"][0]["role"] == "hub"
    assert body["activities"][0]["title"] == "Lokakarya replikasi"


def test_region_record(client, data):
    body = client.get("/api/v1/regions/35.08").get_json()
    assert body["name"] == "Kabupaten Lumajang" and body["adopted"][0]["innovation"]["slug"] == data[0].slug


def test_composition(client, data):
    body = client.get("/api/v1/stats/composition?year=2019&award=top99").get_json()
    assert body["regency"] == {"owners": 1, "innovations": 3} and body["ministry"] == {"owners": 0, "innovations": 0}


def test_paging_and_link_header(client, data):
    response = client.get("/api/v1/innovations?per_page=3&page=2&sort=title")
    body = response.get_json()
    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (8, 2, 3, 3)
    links = {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])}
    for rel, page in (("first", 1), ("prev", 1), ("next", 3), ("last", 3)):
        assert re.search(rf"[?&]page={page}(&|$)", links[rel]), links
    assert all("per_page=3" in url and "sort=title" in url for url in links.values())


def test_etag_and_conditional_get(client, data):
    first = client.get("/api/v1/innovations?per_page=5")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/innovations?per_page=5", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get("/api/v1/innovations?per_page=4", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_read_only_cors(client, data):
    response = client.get("/api/v1/networks", headers={"Origin": "https://partner.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    preflight = client.options(
        "/api/v1/innovations", headers={"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert client.post("/api/v1/innovations").status_code in (400, 405)


@pytest.mark.parametrize(
    "url",
    ["/api/v1/innovations?per_page=100000", "/api/v1/innovations?page=0", "/api/v1/innovations?year=abc",
     "/api/v1/innovations?sector=%27%20OR%201%3D1--", f"/api/v1/innovations?q={'a%20%20' * 70}", "/api/v1/innovations?colour=red", "/api/v1/innovations?sort=relevance",
     "/api/v1/replications?page=-1", "/api/v1/replications?per_page=101", "/api/v1/replications?status=done",
     "/api/v1/replications?adopter_region=99.99", "/api/v1/replications?innovation=Bukan_Slug",
     f"/api/v1/replications?network={'a' * 121}", "/api/v1/stats/composition", "/api/v1/stats/composition?year=2019&award=winner",
     "/api/v1/stats/composition?year=2019%3B+DROP+TABLE", "/api/v1/stats/composition?year=2019&x=1"],
)  # fmt: skip
def test_bad_input_is_400_json(client, data, spec, url):
    response = client.get(url)
    assert response.status_code == 400 and response.is_json and response.get_json()["error"]
    check(spec, response)


@pytest.mark.parametrize("method", ["POST", "DELETE", "TRACE"])
def test_an_unsupported_method_is_405_with_the_allowed_ones(client, method):
    # RFC 9110 requires Allow on a 405; the site's own error pages replaced Werkzeug's, which had it.
    for url in ("/api/v1/networks", "/api/v1/innovations/tidak-ada", "/inovasi"):
        response = client.open(url, method=method)
        assert response.status_code == 405
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert client.open("/api/v1/networks", method=method).get_json() == {"error": "method not allowed"}


def test_a_slug_names_its_record_exactly(client, db):
    # Slugs were cut to 120 characters before the lookup: a longer one named another record.
    long = factories.innovation(slug="s" * 120)
    _db.session.commit()
    assert client.get(f"/api/v1/innovations/{long.slug}").status_code == 200
    for url in (f"/api/v1/innovations/{long.slug}-lagi", f"/api/v1/networks/{'n' * 121}"):
        assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/replications?innovation={long.slug}x").status_code == 400


def _parameter(doc, path, name):
    return next(p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == name)


@pytest.mark.parametrize(
    ("path", "name"),
    [("/innovations", "page"), ("/innovations", "per_page"), ("/innovations", "year"), ("/replications", "page"),
     ("/replications", "per_page"), ("/stats/composition", "year")],
)  # fmt: skip
def test_the_document_states_the_bounds_the_api_keeps(client, data, path, name):
    schema = _parameter(client.get("/api/v1/openapi.json").get_json(), path, name)["schema"]
    low, high = schema["minimum"], schema["maximum"]
    statuses = [client.get(f"/api/v1{path}?{name}={n}").status_code for n in (low - 1, low, high, high + 1)]
    assert statuses == [400, 200, 200, 400]


def test_empty_values_are_taken_as_the_document_says(client, data):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, item in doc["paths"].items():
        for parameter in (p for p in item["get"]["parameters"] if p["in"] == "query"):
            # The parameters an endpoint requires, given, so only the one under test is empty.
            required = {"/stats/composition": "year=2019", "/suggestions": "problem=air+bersih+sekolah"}
            needed = required.get(path, "")
            others = f"&{needed}" if needed and not needed.startswith(parameter["name"] + "=") else ""
            status = client.get(f"/api/v1{path}?{parameter['name']}={others}").status_code
            assert status == (200 if parameter.get("allowEmptyValue") else 400), (path, parameter["name"])


def test_the_document_says_where_an_unknown_parameter_is_refused(client, data):
    # Lists and statistics refuse one (a mistyped filter); records ignore their query string.
    doc = client.get("/api/v1/openapi.json").get_json()
    records = {"/innovations/{slug}": data[0].slug, "/networks/{slug}": "jipp-jawa-timur", "/regions/{code}": "33.02",
               "/needs/{need_id}": str(_db.session.scalar(sa.select(Need.id)))}  # fmt: skip
    for path, item in doc["paths"].items():
        url = "/api/v1" + re.sub(r"\{\w+\}", records.get(path, ""), path)
        required = {"/stats/composition": {"year": 2019}, "/suggestions": {"problem": "air bersih sekolah"}}
        query = required.get(path, {})
        says = "unknown parameter" in item["get"]["responses"]["400"]["description"]
        statuses = (
            client.get(url, query_string=query).status_code,
            client.get(url, query_string={**query, "zz": 1}).status_code,
        )
        assert statuses == (200, 400 if says else 200), path


def test_the_document_says_which_parameters_are_required(client, data):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert _parameter(doc, "/stats/composition", "year")["required"] is True
    assert client.get("/api/v1/stats/composition").status_code == 400
    assert client.get("/api/v1/stats/composition?year=2019").status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/v1/innovations/tidak-ada", "/api/v1/networks/tidak-ada", "/api/v1/regions/99", "/api/v1/tidak-ada"]
)
def test_unknown_records_are_404_json(client, data, url):
    response = client.get(url)
    assert response.status_code == 404 and response.get_json()["error"]


def test_openapi_document_is_served_and_readable(client):
    body = client.get("/api/v1/openapi.json").get_json()
    assert (
        body["openapi"] == "3.1.0"
        and "/innovations" in body["paths"]
        and body["servers"][0]["url"] == "http://localhost/api/v1"
    )
    OpenAPI.from_dict(body)
    page = client.get("/api").get_data(as_text=True)
    assert "/api/v1/innovations" in page and "openapi.json" in page


@pytest.fixture
def limited(databases, tmp_path_factory):
    with rate_limited_app(databases, tmp_path_factory, API_RATE_LIMIT="5 per minute") as app:
        yield app


def test_the_api_is_rate_limited_per_address(limited, spec):
    client = limited.test_client()
    codes = [client.get("/api/v1/networks", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    limited_response = check(spec, client.get("/api/v1/networks", environ_base={"REMOTE_ADDR": "10.0.0.9"}))
    assert limited_response.is_json and "rate limit" in limited_response.get_json()["error"]
    assert client.get("/api/v1/networks", environ_base={"REMOTE_ADDR": "10.0.0.10"}).status_code == 200


def test_every_api_route_draws_on_one_budget_per_address(limited):
    """A reader cannot get five requests a minute from each route: the routes share one."""
    client = limited.test_client()
    routes = ["/api/v1/networks", "/api/v1/innovations", "/api/v1/replications", "/api/v1/openapi.json"]
    codes = [client.get(routes[n % 4], environ_base={"REMOTE_ADDR": "10.0.0.11"}).status_code for n in range(7)]
    assert codes == [200] * 5 + [429] * 2


def test_list_items_say_which_case_studies_are_examples(client, db, spec):
    # A labelled example is marked wherever it appears, in the list as on its record.
    real = factories.innovation("Layanan Nyata Banyumas")
    example = factories.innovation("Contoh Layanan Banyumas", sample=True)
    _db.session.commit()
    items = check(spec, client.get("/api/v1/innovations?sort=title")).get_json()["items"]
    assert {item["slug"]: item["sample"] for item in items} == {real.slug: False, example.slug: True}
    record = check(spec, client.get(f"/api/v1/innovations/{example.slug}")).get_json()
    assert record["sample"] is True


def test_list_items_show_every_sector_and_theme_and_document_count(client, db, spec):
    # The list loads sectors and themes joined with the rows (a case study comes back once
    # per pair of them from the database): each item still has all of them, once.
    both = factories.innovation(
        "Layanan Terpadu Banyumas",
        sectors=("kesehatan", "pendidikan"),
        themes=("kemitraan", "sistem-informasi"),
        documents=[{"title": "SOP"}, {"title": "Perbup"}],
    )
    factories.innovation("Layanan Sehat Banyumas", themes=("kemitraan",))
    _db.session.commit()
    for url in ("/api/v1/innovations", "/api/v1/innovations?sector=pendidikan", "/api/v1/innovations?q=terpadu"):
        items = {item["slug"]: item for item in check(spec, client.get(url)).get_json()["items"]}
        assert sorted(items[both.slug]["sectors"]) == ["kesehatan", "pendidikan"], url
        assert sorted(items[both.slug]["themes"]) == ["kemitraan", "sistem-informasi"], url
        assert len(items[both.slug]["documents"]) == 2, url
