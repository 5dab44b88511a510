"""A visitor on a phone describes a problem in their own words and reads the case studies
suggested, with their reasons; with and without JavaScript, in Indonesian and English."""

import re

from playwright.sync_api import expect

from tests.browser.a11y import assert_accessible

PROBLEM = "Di desa2 kami banyak balita yg pendek dan kurang gizi, ibu hamil jarang datang ke posyandu."
PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def _check(page, javascript):
    # Measuring and axe need a script in the page: they run where scripts do (the layout is
    # the same without them: the page has no script of its own).
    if javascript:
        assert _no_sideways_scroll(page)
        assert_accessible(page)


def test_a_problem_told_on_a_phone_finds_case_studies_with_reasons(browser, live_server):
    for javascript in (True, False):
        context = browser.new_context(
            base_url=live_server, viewport=PHONE, locale="id-ID", java_script_enabled=javascript
        )
        page = context.new_page()
        page.goto("/")
        page.get_by_role("link", name="Jelaskan masalah Anda").first.click()
        page.wait_for_url(re.compile(r"/jelaskan-masalah$"))
        _check(page, javascript)

        # The problem is required (the browser says so before sending); a budget that is not
        # an amount is refused by the server, with what to write, and nothing typed is lost.
        assert page.get_by_label("Masalah Anda").get_attribute("required") is not None
        page.get_by_label("Masalah Anda").fill(PROBLEM)
        page.get_by_label("Anggaran yang tersedia (boleh kosong)").fill("banyak")
        page.get_by_role("button", name="Cari studi kasus").click()
        expect(page.locator(".field.has-error")).to_contain_text("Tulis anggaran sebagai angka rupiah")
        expect(page.get_by_label("Masalah Anda")).to_have_value(PROBLEM)
        _check(page, javascript)

        page.get_by_label("Daerah Anda (boleh kosong)").fill("Banyumas")
        page.get_by_label("Anggaran yang tersedia (boleh kosong)").fill("500 juta")
        page.get_by_role("button", name="Cari studi kasus").click()
        page.wait_for_load_state()
        expect(page.locator(".suggestions h2")).to_contain_text("studi kasus yang menjawab masalah serupa")
        first = page.locator(".hit").first
        expect(first.locator(".reason-matches")).to_contain_text("Menjawab bagian masalah Anda")
        expect(first.locator("blockquote")).to_be_visible()
        assert "stunting" in page.locator(".hits").inner_text().lower()
        # What was typed is still there, to be corrected and sent again.
        expect(page.get_by_label("Masalah Anda")).to_have_value(PROBLEM)
        expect(page.get_by_label("Anggaran yang tersedia (boleh kosong)")).to_have_value("500 juta")
        _check(page, javascript)

        first.locator("h3 a").click()
        page.wait_for_url(re.compile(r"/inovasi/[\w-]+$"))
        context.close()


def test_the_form_speaks_english(page):
    page.set_viewport_size(PHONE)
    page.goto("/jelaskan-masalah")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Your problem").fill(
        "Many toddlers in our villages are stunted and pregnant women skip check-ups."
    )
    page.get_by_role("button", name="Find case studies").click()
    page.wait_for_load_state()
    expect(page.locator(".reason-matches").first).to_contain_text("Answers this part of your problem")
    assert _no_sideways_scroll(page)
    assert_accessible(page)
