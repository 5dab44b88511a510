"""Dates the sources give only in part ("2021", "2021-03") are said as the reader's language
says them, never as ISO strings; the home page's figures are in the reader's language."""

import re

import pytest

from app.i18n import partial_date
from tests import factories
from tests.accounts_fixtures import add_member, make_network


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("id", "2021", "2021"),
        ("id", "2021-03", "Maret 2021"),
        ("en", "2021-03", "March 2021"),
        ("id", "2021-03-15", "15 Maret 2021"),
        ("en", "2021-03-15", "March 15, 2021"),
        ("en", "2021-13", "2021-13"),  # not a date: shown as it is, never a 500
        ("en", "<script>", "<script>"),  # escaped by the template, as any text
        ("en", "", ""),
        ("en", None, ""),
    ],
)
def test_partial_dates_in_each_language(app, language, value, shown):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert partial_date(value) == shown


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_pages_say_partial_dates_and_figures_in_the_readers_language(client, db):
    item = factories.innovation("Layanan Sejak Maret", started="2021-03")
    network = make_network("jipp-jatim", "35")
    network.launched = "2019-11"
    add_member(network, "35.08")
    db.session.commit()
    english = {"Accept-Language": "en"}
    assert "running since March 2021" in _text(client.get(f"/inovasi/{item.slug}", headers=english))
    assert "berjalan sejak Maret 2021" in _text(client.get(f"/inovasi/{item.slug}"))
    assert "November 2019" in _text(client.get("/jaringan/jipp-jatim", headers=english))
    home = _text(client.get("/", headers=english))
    assert re.search(r"Provinces \d+", home) and not re.search(r"Province \d", home)
    assert re.search(r"Provinsi \d+", _text(client.get("/")))


def test_a_networks_indonesian_description_is_marked_as_such_for_english_readers(client, db):
    network = make_network("jipp-jatim", "35")
    network.description_md, network.description_html = "Jaringan ini", "<p>Jaringan ini menghubungkan daerah.</p>"
    db.session.commit()
    page = client.get("/jaringan/jipp-jatim", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en"' in page
    assert re.search(r'<section class="prose" lang="id">\s*<p>Jaringan ini menghubungkan daerah.</p>', page)
