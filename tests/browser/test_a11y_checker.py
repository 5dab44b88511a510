"""The accessibility check itself: it finds what it should, whether axe-core was sent to the
page by the check or was already there (``preload_axe``), so a page found clean is clean."""

import pytest

from tests.browser.a11y import axe_problems, preload_axe

BAD_PAGE = (
    '<!doctype html><html lang="id"><head><title>x</title></head><body><main><h1>Halaman</h1>'
    '<img src="/static/favicon.ico"><input type="text" name="q">'
    '<p style="color:#777;background:#888">kontras rendah</p></main></body></html>'
)


@pytest.mark.parametrize("preloaded", [False, True], ids=["sent by the check", "preloaded"])
def test_axe_finds_the_serious_problems_of_a_bad_page(browser, live_server, preloaded):
    context = browser.new_context(base_url=live_server)
    if preloaded:
        preload_axe(context)
    page = context.new_page()
    page.route("**/bad", lambda route: route.fulfill(status=200, content_type="text/html", body=BAD_PAGE))
    page.goto("/bad")
    assert page.evaluate("typeof window.axe") == ("object" if preloaded else "undefined")
    problems = " ".join(axe_problems(page))
    for rule in ("image-alt", "label", "color-contrast"):
        assert rule in problems, (rule, problems)
    page.goto("/bad")  # a second page of the same context: checked afresh, not remembered
    assert "image-alt" in " ".join(axe_problems(page))
    context.close()
