"""The public reader: find the health innovations of Jawa Tengah, read one, switch to
English, share the URL, visit its region and come back; browse by sector; statistics."""

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.a11y import CHECK, assert_accessible, axe_problems, preload_axe


def test_find_health_innovations_of_central_java_and_share_in_english(page, browser, live_server):
    page.goto("/")
    assert_accessible(page)
    page.locator(".chips a", has_text="Kesehatan").first.click()
    page.wait_for_url(re.compile(r"/inovasi\?sector=kesehatan$"))
    page.select_option("#f-province", "33")  # the script applies the choice at once
    page.wait_for_url(re.compile(r"province=33"))
    count = int(re.match(r"\d+", page.locator(".results-count").inner_text()).group())
    assert count >= 3
    assert page.locator(".card").count() == min(count, 20)
    assert_accessible(page)

    page.locator(".card-title a").first.click()
    page.wait_for_url(re.compile(r"/inovasi/[\w-]+$"))
    title = page.locator("h1").inner_text()
    expect(page.locator(".case-facts").get_by_text("Jawa Tengah").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.locator("h1").inner_text() == title
    shared = page.url

    other = page.context.new_page()  # a new window of the same browser
    other.goto(shared)
    assert other.locator("html").get_attribute("lang") == "en"
    assert other.locator("h1").inner_text() == title
    assert other.get_by_text("Implementing unit").count() == 1

    other.locator(".case-facts a[href^='/wilayah/']").first.click()
    other.wait_for_url(re.compile(r"/wilayah/"))
    region = other.locator("h1").inner_text()
    assert "Jawa Tengah" in region or region.startswith(("Kabupaten", "Kota"))
    assert_accessible(other)
    other.go_back()
    assert other.locator("h1").inner_text() == title


def test_filters_work_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False, locale="id-ID")
    page = context.new_page()
    page.goto("/inovasi")
    page.locator("summary", has_text="Saring").click()
    page.select_option("#f-sector", "kesehatan")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url(re.compile(r"sector=kesehatan"))
    assert page.locator(".active-filters").inner_text().startswith("Sektor: Kesehatan")
    context.close()


def test_public_in_english_browses_by_sector_downloads_the_csv_and_reads_statistics(page):
    page.goto("/")
    page.get_by_role("link", name="English").click()
    page.locator(".chips a", has_text="Health").first.click()
    page.wait_for_url(re.compile(r"sector=kesehatan"))
    assert page.locator("h1").inner_text() == "Innovation catalogue"
    page.locator(".card-title a").first.click()
    expect(page.get_by_text("Implementing unit")).to_have_count(1)
    page.goto("/inovasi?sector=kesehatan")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this list (CSV)").click()
    download = download_info.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")  # the BOM is there, and read past
    assert text.startswith("slug,title,owner") and "kesehatan" in text
    page.get_by_role("link", name="Statistics").first.click()
    expect(page.locator("h1")).to_have_text("Innovation statistics")
    assert_accessible(page)


def test_statistics_page_is_accessible(page):
    page.goto("/statistik")
    assert page.locator("svg.province-map path").count() >= 38
    assert page.locator("#province-table tbody tr").count() >= 1
    assert_accessible(page)


def test_phone_width_has_no_horizontal_scroll(browser, live_server):
    # Every page the sitemap lists (each case study, network and owner page) and the list
    # pages, at a small phone's width: none may scroll sideways, and axe finds nothing serious
    # or critical on any of them. A new page or a case study with a wide table is covered
    # without anyone listing it. Of the 552 region pages, which share one template and differ
    # only in their data, it visits every province, every region another page links to (the
    # ones that own, adopt or hold something) and every 25th of the rest: visiting all of them
    # took 4-5 minutes of each CI pass (docs/decisions/0092).
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740}, locale="id-ID")
    preload_axe(context)  # about 180 pages: axe-core is sent once, not to each
    page = context.new_page()
    sitemap = page.request.get("/sitemap.xml").text()
    listed = [url.split(live_server, 1)[-1] for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    assert sum(url.startswith("/inovasi/") for url in listed) >= 30, "the sample content's case studies"
    regions = [url for url in listed if url.startswith("/wilayah/")]
    assert len(regions) > 500, "every region has a page in the sitemap"
    wide, inaccessible, linked = [], [], set()

    def check(url):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            wide.append((url, overflow))
        problems = page.evaluate(CHECK) + axe_problems(page)
        if problems:
            inaccessible.append((url, problems))
        hrefs = page.evaluate("[...document.querySelectorAll('a[href*=\"/wilayah/\"]')].map(a => a.pathname)")
        linked.update(hrefs)

    for url in ["/", "/inovasi", "/statistik", "/cari?q=air", "/jaringan", "/api", *listed]:
        if not url.startswith("/wilayah/"):
            check(url)
    chosen = [
        url
        for number, url in enumerate(regions)
        if url in linked or "." not in url.removeprefix("/wilayah/") or number % 25 == 0
    ]
    assert sum("." not in url.removeprefix("/wilayah/") for url in chosen) >= 38, "every province"
    assert len([url for url in chosen if url in linked and "." in url.removeprefix("/wilayah/")]) >= 20
    for url in chosen:
        check(url)
    assert wide == []
    assert inaccessible == []
    context.close()


def test_statistics_charts_are_readable_and_whole_on_a_phone_and_a_desktop(browser, live_server):
    # Every bar label is drawn whole inside its chart, at a size people can read.
    for width in (390, 1280):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 800}, locale="id-ID")
        page = context.new_page()
        page.goto("/statistik")
        assert "0 instansi dengan 0 inovasi" not in page.locator("main").inner_text()
        labels = page.evaluate(
            """() => [...document.querySelectorAll('.bar-chart .chart-label')].map(t => {
                 const r = t.getBoundingClientRect(), s = t.closest('svg').getBoundingClientRect();
                 return {text: t.textContent, inside: r.left >= s.left - 1 && r.right <= s.right + 1,
                         height: r.height};
               })"""
        )
        assert len(labels) >= 10
        assert [label["text"] for label in labels if not label["inside"]] == []
        assert min(label["height"] for label in labels) >= 12, (width, min(label["height"] for label in labels))
        context.close()
