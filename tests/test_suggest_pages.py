"""``GET /api/v1/suggestions`` and the "Jelaskan masalah Anda" page: answers, reasons in both
languages, bad and hostile input (a clear message, never a 500), nothing stored."""

import re

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from app.api.serializers import innovation_item
from app.catalog.models import Innovation
from app.extensions import db as _db
from tests.accounts_fixtures import submit
from tests.test_search_support import clean_index, load_cases
from tests.test_security_attacks import assert_nothing_runs

PROBLEM = "Banyak bayi lahir di rumah sakit tapi orang tuanya tdk sempat mengurus akta kelahiran."
PAGE = "/jelaskan-masalah"
HOSTILE = "\"><script>alert(1)</script><img src=x onerror=alert(2)>{{7*7}} ' OR 1=1 --"


@pytest.fixture
def catalogue(app):
    with clean_index(app):
        yield load_cases(app)


def api(client, **args):
    return client.get("/api/v1/suggestions", query_string=args)


def row_count():
    tables = [t for t in _db.metadata.sorted_tables if t.name not in ("search_outbox",)]
    return {t.name: _db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in tables}


# --- the API --------------------------------------------------------------------------------
def test_the_api_answers_items_of_the_innovations_shape_with_reasons(catalogue, client):
    answer = api(client, problem=PROBLEM, region="35.15", per_page=3)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["per_page"] == 3 and 1 <= len(body["items"]) <= 3
    first = body["items"][0]
    assert first["slug"] == "akta-lahir-rumah-sakit-sidoarjo"
    with catalogue.test_request_context():
        row = _db.session.scalar(sa.select(Innovation).where(Innovation.slug == first["slug"]))
        assert {k: v for k, v in first.items() if k != "reasons"} == innovation_item(row)
    kinds = [r["kind"] for r in first["reasons"]]
    assert kinds[0] == "matches" and "like_region" in kinds and "institutionalised" in kinds
    assert first["reasons"][0]["quote"]
    assert answer.headers["Access-Control-Allow-Origin"] == "*" and answer.headers["ETag"]


def test_the_api_reasons_follow_the_requested_language(catalogue, client):
    english = client.get("/api/v1/suggestions", query_string={"problem": PROBLEM}, headers={"Accept-Language": "en"})
    texts = [r["text"] for r in english.get_json()["items"][0]["reasons"]]
    assert any(t.startswith("Answers this part of your problem") for t in texts)
    assert any(t.startswith("Institutionalised") for t in texts)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({}, "problem: is required"),
        ({"problem": "  "}, "problem: is required"),
        ({"problem": "x" * 10_000}, "problem: is longer than 5000 characters"),
        ({"problem": "<>!?"}, "problem: holds no word"),
        ({"problem": "我们的村庄没有干净的水"}, "problem: holds no word in Latin letters"),
        ({"problem": "sampah", "region": "99.99"}, "region: is not a known region code"),
        ({"problem": "sampah", "region": "<script>"}, "region: is not a known region code"),
        ({"problem": "sampah", "per_page": "0"}, "per_page: must be a whole number from 1 to 50"),
        ({"problem": "sampah", "per_page": "51"}, "per_page: must be a whole number from 1 to 50"),
        ({"problem": "sampah", "per_page": "-1"}, "per_page"),
        ({"problem": "sampah", "budget": "banyak"}, "budget"),
        ({"problem": "sampah", "q": "sampah"}, "q: is not a parameter"),
    ],
)
def test_the_api_refuses_bad_input_with_a_clear_message(catalogue, client, args, error):
    answer = api(client, **args)
    assert answer.status_code == 400
    assert answer.get_json()["error"].startswith(error)


def test_the_api_gives_a_sensible_answer_to_markup_and_other_languages(catalogue, client):
    for problem in (HOSTILE, "Nuestro pueblo no tiene agua potable", "SELECT * FROM innovation; DROP TABLE user"):
        answer = api(client, problem=problem)
        assert answer.status_code == 200, problem
        texts = [r["text"] for item in answer.get_json()["items"] for r in item["reasons"]]
        assert not [t for t in texts if "<" in t or "alert(1)" in t]  # words of the problem, never its markup


@settings(max_examples=40)
@given(problem=st.text(max_size=300), region=st.sampled_from(["", "35.07", "33"]))
def test_any_text_is_answered_without_a_server_error(catalogue, client, problem, region):
    answer = api(client, problem=problem, region=region)
    assert answer.status_code in (200, 400)
    assert "error" in answer.get_json() or "items" in answer.get_json()


def test_the_api_lists_suggestions_in_its_document(catalogue, client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/suggestions"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"problem", "region", "per_page", "budget"}
    assert "reasons" in document["components"]["schemas"]["Suggestion"]["properties"]


# --- the page ------------------------------------------------------------------------------
def test_the_page_is_linked_from_home_and_search(catalogue, client):
    for page in ("/", "/cari"):
        assert f'href="{PAGE}"' in client.get(page).get_data(as_text=True), page


def test_the_form_shows_suggestions_with_reasons_and_keeps_what_was_typed(catalogue, client, db):
    before = row_count()
    answer = submit(client, PAGE, {"problem": PROBLEM, "region": "Sidoarjo", "budget": "Rp 500 juta"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Akta Kelahiran Terbit di Rumah Sakit" in html and "<blockquote" in html
    assert "Menjawab bagian masalah Anda" in html and "daerah Anda sendiri" in html
    assert "tdk sempat mengurus akta kelahiran.</textarea>" in html
    assert 'value="Kabupaten Sidoarjo (35.15)"' in html or 'value="Sidoarjo"' in html
    assert 'value="Rp 500 juta"' in html
    assert row_count() == before  # nothing stored


def test_the_form_works_in_english(catalogue, client):
    html = submit(client, PAGE, {"problem": PROBLEM}, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Describe your problem" in html and "Answers this part of your problem" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"problem": ""}, "Wajib diisi."),
        ({"problem": "x" * 5001}, "Paling banyak 5000 karakter."),
        ({"problem": "?!"}, "tidak berisi kata"),
        ({"problem": "Наша деревня без воды"}, "dalam bahasa Indonesia atau bahasa Inggris"),
        ({"problem": "sampah", "region": "Atlantis"}, "Tidak ada Atlantis di daftar"),
        ({"problem": "sampah", "budget": "banyak sekali"}, "Tulis anggaran sebagai angka rupiah"),
    ],
)
def test_the_form_says_what_is_wrong(catalogue, client, data, message):
    answer = submit(client, PAGE, data)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)


def test_the_form_refuses_a_post_without_its_token(catalogue, client):
    assert client.post(PAGE, data={"problem": PROBLEM}).status_code == 400


def test_hostile_text_is_shown_back_as_text(catalogue, client):
    for data in ({"problem": HOSTILE}, {"problem": "sampah", "region": HOSTILE}, {"problem": "x", "budget": HOSTILE}):
        html = submit(client, PAGE, data).get_data(as_text=True)
        assert_nothing_runs(html, data)
        assert "&lt;script&gt;" in html


@settings(max_examples=25)
@given(problem=st.text(max_size=400))
def test_any_text_in_the_form_is_answered_without_a_server_error(catalogue, client, problem):
    answer = submit(client, PAGE, {"problem": problem})
    assert answer.status_code in (200, 400)
    if answer.status_code == 400:
        assert re.search(r'class="(form-)?error"', answer.get_data(as_text=True))
