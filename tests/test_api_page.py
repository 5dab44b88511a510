"""The API page is made from the OpenAPI document: every endpoint with its parameters, its
answers, an example that works, and a form to try it (a plain GET form, no script). Walks the
document, so a new endpoint is covered without a new case here."""

import re
from html import unescape

import pytest

from app.needs import services as need_services
from tests import factories
from tests.accounts_fixtures import add_member, make_network, make_user


@pytest.fixture
def catalogue(db):
    factories.innovation("Antrean Daring", kind="regency", region="33.02", awards=[(2024, "top99")])
    add_member(make_network("jipp-jawa-tengah", "33"), "33.02")
    author = make_user("pejabat@banyumas.example.go.id", "official", owner=factories.owner("regency", "33.02"))
    need_services.create(author, author.owner, title="Antrean", problem="Antrean panjang.", visibility="public")
    db.session.commit()


def _sections(html):
    return dict(
        re.findall(
            r'<section class="api-endpoint"[^>]*>\s*<h2[^>]*><code>GET /api/v1([^<]+)</code></h2>(.*?)</section>',
            html,
            re.S,
        )
    )


def test_every_endpoint_is_described_with_its_parameters_answers_and_a_working_example(client, catalogue):
    spec = client.get("/api/v1/openapi.json").get_json()
    html = client.get("/api").get_data(as_text=True)
    sections = _sections(html)
    assert set(sections) == set(spec["paths"])
    for path, item in spec["paths"].items():
        section, operation = sections[path], item["get"]
        assert operation["summary"] in section, path
        for parameter in operation["parameters"]:
            assert f"<code>{parameter['name']}</code>" in section, (path, parameter["name"])
        for code in operation["responses"]:
            assert f"<code>{code}</code>" in section, (path, code)
        example = re.search(r'<a href="([^"]+)" class="try-it">', section)
        assert example, f"{path} has no example"
        answer = client.get(unescape(example.group(1)))
        assert answer.status_code == 200 and answer.is_json, (path, example.group(1), answer.status_code)


def test_each_try_it_form_sends_the_operations_own_parameters_and_works_as_sent_empty(client, catalogue):
    spec = client.get("/api/v1/openapi.json").get_json()
    html = client.get("/api").get_data(as_text=True)
    forms = re.findall(r'<form method="get" action="(/api/v1[^"]+)" class="form">(.*?)</form>', html, re.S)
    assert forms, "no try-it form"
    for action, body in forms:
        operation = spec["paths"][action.removeprefix("/api/v1")]["get"]
        names = re.findall(r'name="([^"]+)"', body)
        expected = [p["name"] for p in operation["parameters"] if p["in"] == "query"]
        assert names == expected, action
        required = [p["name"] for p in operation["parameters"] if p["in"] == "query" and p["required"]]
        labels = re.findall(r'<label for="([^"]+)">', body)
        ids = re.findall(r' id="([^"]+)"', body)
        assert labels == ids, action  # every field has its label
        if not required:
            # a browser sends every field, the empty ones as name=
            answer = client.get(action, query_string=[(name, "") for name in names])
            assert answer.status_code == 200, (action, answer.get_json())
    ids = re.findall(r' id="(ep[^"]+)"', html)
    assert len(ids) == len(set(ids))  # no two fields share an id
