"""The facet links of the catalogue and the search page are built without ``url_for`` per
link (app/urls.py ``query_links``): each must be the URL ``url_for`` would give."""

from flask import url_for
from hypothesis import given, settings
from hypothesis import strategies as st

from app.catalog.facets import facet_options
from app.catalog.filters import parse_filters
from app.urls import query_links

ENDPOINTS = ("catalog.catalogue", "search.index")
# Keys and values a query string may carry, hostile ones included: the separators, the
# characters Werkzeug leaves unescaped, percent signs, non-ASCII and control characters.
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
VALUES = st.one_of(TEXT, st.sampled_from(["a&b=c", "50%", "x+y z", "/../etc", "?#!$'()*,/:;@", ""]), st.integers())
ARGS = st.dictionaries(st.one_of(TEXT.filter(bool), st.sampled_from(["q", "page", "sector"])), VALUES, max_size=6)


@settings(max_examples=200)
@given(args=ARGS, endpoint=st.sampled_from(ENDPOINTS), root=st.sampled_from(["", "/suar", "/a b"]))
def test_a_link_is_the_url_url_for_gives(app, args, endpoint, root):
    with app.test_request_context("/", environ_base={"SCRIPT_NAME": root}):
        assert query_links(endpoint)(args) == url_for(endpoint, **args)


def test_every_facet_option_links_where_url_for_would(app, db):
    from tests import factories

    factories.innovation("Bank Sampah", kind="city", region="33.74", sectors=["lingkungan-hidup"])
    factories.innovation("Posyandu Digital", kind="regency", region="35.07", sectors=["kesehatan"])
    db.session.commit()
    from app.search import service

    for query in ({}, {"q": "sampah & posyandu", "sector": "kesehatan", "page": "2"}, {"province": "33"}):
        filters = parse_filters(query)
        counts = service.search(filters).facets
        for endpoint in ENDPOINTS:
            with app.test_request_context("/", environ_base={"SCRIPT_NAME": "/suar"}):
                facets = facet_options(filters, counts, endpoint)
                assert facets and all(f["options"] for f in facets if f["name"] in ("sector", "province"))
                for facet in facets:
                    expected = url_for(endpoint, **filters.to_args(**{facet["name"]: None}, page=1))
                    assert facet["clear_url"] == expected
                    for option in facet["options"]:
                        value = None if option["selected"] else option["value"]
                        expected = url_for(endpoint, **filters.to_args(**{facet["name"]: value}, page=1))
                        assert option["url"] == expected
