"""Needs: who sees which need, on every path (page, list, network board, API, CSV, feed,
sitemap), and what the public never sees (the author)."""

import csv
import io
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa

from app.accounts.models import AnonymousUser
from app.needs.access import visible_needs
from app.needs.models import Need
from tests.accounts_fixtures import sign_in
from tests.needs_fixtures import ROLES, SEES, world  # noqa: F401 - the shared fixture


def _as(client, world, role):  # noqa: F811
    if role != "anonymous":
        sign_in(client, world["people"][role])


@pytest.mark.parametrize("role", ROLES)
def test_each_need_is_seen_by_exactly_those_its_visibility_names(client, world, role):  # noqa: F811
    _as(client, world, role)
    listing = client.get("/kebutuhan").get_data(as_text=True)
    board = client.get("/jaringan/jipp-jawa-tengah/kebutuhan").get_data(as_text=True)
    network_page = client.get("/jaringan/jipp-jawa-tengah").get_data(as_text=True)
    for visibility, need in world["needs"].items():
        expected = SEES[visibility][role]
        page = client.get(f"/kebutuhan/{need.id}")
        assert page.status_code == (200 if expected else 404), (role, visibility)
        assert (f'data-need="{need.id}"' in listing) is expected, (role, visibility)
        assert (f'data-need="{need.id}"' in board) is expected, (role, visibility)
        assert (f'data-need="{need.id}"' in network_page) is expected, (role, visibility)
        # The permission table and the SQL condition answer alike.
        user = world["people"].get(role, AnonymousUser())
        assert user.can("need.view", need) is expected


@pytest.mark.parametrize("role", ROLES)
def test_the_open_data_holds_only_the_public_need_whoever_asks(client, world, role):  # noqa: F811
    _as(client, world, role)
    public, others = world["needs"]["public"], [world["needs"]["signed_in"], world["needs"]["networks"]]
    api = client.get("/api/v1/needs").get_json()
    assert [item["id"] for item in api["items"]] == [public.id] and api["total"] == 1
    assert client.get(f"/api/v1/needs/{public.id}").status_code == 200
    for need in others:
        assert client.get(f"/api/v1/needs/{need.id}").status_code == 404
    rows = list(csv.DictReader(io.StringIO(client.get("/export/needs.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert [int(row["id"]) for row in rows] == [public.id]
    feed = client.get("/feeds/needs.atom").get_data(as_text=True)
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    for text in (feed, sitemap):
        assert f"/kebutuhan/{public.id}<" in text
        assert all(f"/kebutuhan/{n.id}<" not in text for n in others)


def test_the_public_never_sees_who_wrote_a_need(client, world):  # noqa: F811
    need = world["needs"]["public"]
    for url in (f"/kebutuhan/{need.id}", "/kebutuhan", f"/api/v1/needs/{need.id}", "/api/v1/needs",
                "/export/needs.csv", "/feeds/needs.atom", "/jaringan/jipp-jawa-tengah"):  # fmt: skip
        body = client.get(url).get_data(as_text=True)
        assert "Penulis Rahasia" not in body and "penulis@banyumas" not in body, url
    sign_in(client, world["people"]["member_official"])
    assert "Penulis Rahasia" in client.get(f"/kebutuhan/{need.id}").get_data(as_text=True)
    assert "penulis@banyumas" not in client.get(f"/kebutuhan/{need.id}").get_data(as_text=True)


def test_one_condition_selects_what_each_user_may_see(db, world):  # noqa: F811
    for role in ROLES:
        user = world["people"].get(role, AnonymousUser())
        seen = set(db.session.scalars(sa.select(Need.id).where(visible_needs(user))))
        assert seen == {n.id for v, n in world["needs"].items() if SEES[v][role]}, role


def test_an_inactive_account_sees_what_the_public_sees(db, world):  # noqa: F811
    user = world["people"]["editor"]
    user.active = False
    db.session.commit()
    seen = set(db.session.scalars(sa.select(Need.id).where(visible_needs(user))))
    assert seen == {world["needs"]["public"].id}


@pytest.mark.parametrize("url", ["/kebutuhan/0", "/kebutuhan/999999", f"/kebutuhan/{2**31}", f"/kebutuhan/{2**63}",
                                 f"/api/v1/needs/{2**40}", "/kebutuhan/999999/ubah", "/kebutuhan/abc"])  # fmt: skip
def test_unknown_and_huge_ids_are_404(client, world, url):  # noqa: F811
    sign_in(client, world["people"]["admin"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"public", "signed_in", "networks"}),
        ("?sector=kesehatan", {"public", "signed_in", "networks"}),
        ("?sector=pendidikan", set()),
        ("?province=33", {"public", "signed_in", "networks"}),
        ("?province=73", set()),
        ("?network=jipp-jawa-tengah", {"public", "signed_in", "networks"}),
        ("?network=jipp-sulawesi-selatan", set()),
        ("?status=open", {"public", "signed_in", "networks"}),
        ("?status=closed", set()),
    ],
)
def test_the_list_filters(client, world, query, expected):  # noqa: F811
    sign_in(client, world["people"]["editor"])
    body = client.get(f"/kebutuhan{query}").get_data(as_text=True)
    shown = {v for v, n in world["needs"].items() if f'data-need="{n.id}"' in body}
    assert shown == expected


@pytest.mark.parametrize(
    "query",
    ["?sector=zzz", "?province=99", "?province=33.02", "?network=BAD%20SLUG", "?status=done",
     "?page=0", "?page=-1", "?page=abc", f"?page={10**9}", "?province=%3Cscript%3E"],
)  # fmt: skip
def test_a_filter_that_names_nothing_is_a_clear_400(client, world, query):  # noqa: F811
    page = client.get(f"/kebutuhan{query}")
    assert page.status_code == 400 and 'role="alert"' in page.get_data(as_text=True)
    api = client.get(f"/api/v1/needs{query}")
    assert api.status_code == 400 and "error" in api.get_json()
    assert client.get(f"/export/needs.csv{query}").status_code == 400


def test_a_network_that_does_not_exist_is_400_on_the_page_and_nothing_in_the_open_data(client, world):  # noqa: F811
    assert client.get("/kebutuhan?network=tidak-ada").status_code == 400
    assert client.get("/api/v1/needs?network=tidak-ada").get_json()["total"] == 0
    assert client.get("/export/needs.csv?network=tidak-ada").get_data(as_text=True).count("\n") == 1


def test_a_nul_character_is_refused_everywhere(client, world):  # noqa: F811
    for url in ("/kebutuhan?sector=%00", "/api/v1/needs?sector=%00", "/export/needs.csv?network=%00"):
        assert client.get(url).status_code == 400, url


def test_the_api_refuses_unknown_parameters_and_pages(client, world):  # noqa: F811
    assert client.get("/api/v1/needs?colour=red").status_code == 400
    assert client.get("/api/v1/needs?per_page=1000").status_code == 400
    answer = client.get("/api/v1/needs?per_page=1&page=1")
    assert answer.status_code == 200 and answer.get_json()["per_page"] == 1


def test_the_list_pages(client, db, world):  # noqa: F811
    from app.needs import services
    from tests.needs_fixtures import need_values

    for number in range(25):
        services.create(world["people"]["author"], world["banyumas"], **need_values(title=f"Banyak {number}"))
    db.session.commit()
    first = client.get("/kebutuhan").get_data(as_text=True)
    second = client.get("/kebutuhan?page=2").get_data(as_text=True)
    assert first.count("data-need=") == 20 and second.count("data-need=") == 6
    assert "page=2" in first
    assert client.get("/kebutuhan?page=9").status_code == 200


def test_the_api_document_describes_the_needs(client, world):  # noqa: F811
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/needs", "/needs/{need_id}"} <= set(spec["paths"])
    assert {"Need", "NeedList"} <= set(spec["components"]["schemas"])
    item = client.get(f"/api/v1/needs/{world['needs']['public'].id}").get_json()
    assert set(item) == set(spec["components"]["schemas"]["Need"]["properties"])
    assert "author" not in item


def test_the_need_pages_speak_english(client, world):  # noqa: F811
    client.get("/bahasa/en?next=/")
    need = world["needs"]["public"]
    page = client.get(f"/kebutuhan/{need.id}").get_data(as_text=True)
    for words in ("Case studies that may fit", "Islands", "Weak or intermittent internet", "Under Rp50 million"):
        assert words in page, words
    listing = client.get("/kebutuhan?status=zzz")
    assert listing.status_code == 400 and "Unknown status." in listing.get_data(as_text=True)
    feed = client.get("/feeds/needs.atom")
    assert feed.mimetype == "application/atom+xml"
    entries = ElementTree.fromstring(feed.get_data()).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1
