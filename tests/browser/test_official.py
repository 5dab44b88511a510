"""A regional official finds an innovation and asks to replicate it; the origin hears of it."""

import re

from tests.browser.a11y import assert_accessible
from tests.browser.conftest import logout
from tests.live import PASSWORD, PEOPLE


def _sign_in_here(page, person):
    page.get_by_label("Email").fill(PEOPLE[person][0])
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def test_official_searches_filters_and_asks_to_replicate(page, login):
    page.goto("/")
    page.get_by_label("Masalah apa yang ingin Anda selesaikan?").fill("stunting")
    page.locator(".hero-search button").click()
    page.wait_for_url(re.compile(r"/cari\?q=stunting"))
    assert_accessible(page)
    # The search page filters as the catalogue does: choosing a province submits the form.
    page.get_by_label("Provinsi").select_option("33")  # Jawa Tengah
    page.wait_for_url(re.compile(r"province=33"))
    result = page.locator("a[href='/inovasi/doling-tengkes-brebes']")
    assert result.count() == 1, page.content()[:3000]
    result.click()
    page.wait_for_url(re.compile(r"/inovasi/doling-tengkes-brebes$"))

    page.locator(".replication-panel").get_by_role("link", name="Masuk").click()
    _sign_in_here(page, "official")
    page.wait_for_url(re.compile(r"/inovasi/doling-tengkes-brebes$"))  # back where they were
    page.get_by_role("button", name="Kami ingin mereplikasi").click()
    page.wait_for_url(re.compile(r"/replikasi/\d+$"))
    assert page.get_by_text("Minat Anda tercatat").count() == 1
    assert "Berminat" in page.locator(".badges").inner_text()
    assert_accessible(page)
    logout(page)

    login("origin_official")
    page.get_by_role("link", name="Kotak masuk").click()
    inbox = page.locator(".inbox").inner_text()
    assert "Kabupaten Lumajang ingin mereplikasi DOLING TENGKES" in inbox
    assert_accessible(page)
