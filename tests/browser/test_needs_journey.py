"""An official of Kabupaten Lumajang describes a problem as a need for their network, sees
the case studies Suar suggests, picks one and asks to replicate it; the coordinator of JIPP
Jawa Timur sees the need on the network's board. Then the same pages on a phone."""

import re

from playwright.sync_api import expect

from tests.browser.a11y import CHECK, assert_accessible, axe_problems
from tests.browser.conftest import logout
from tests.live import PASSWORD, PEOPLE

PROBLEM = (
    "Ibu hamil dan ibu nifas di desa-desa terpencil jarang diperiksa bidan setelah melahirkan; "
    "banyak yang tidak tahu tanda bahaya masa nifas dan terlambat dibawa ke puskesmas."
)
# Case studies of the sample content that clearly answer this problem (any of them will do:
# the ranking is the suggester's business).
FITTING = {"jaga-nifas-pemalang", "mountain-midwife-relay-wonosobo", "apem-asi-jawa-tengah"}


def _lumajang_is_a_member(page):
    """True when this journey had to add it (the journeys share one server: the coordinator's
    may have added it already, or may add it after this one, so it is taken out again)."""
    page.goto("/jaringan/jipp-jawa-timur")
    if page.locator("ul.members").get_by_text("Kabupaten Lumajang").count():
        return False
    page.goto("/jaringan/jipp-jawa-timur/anggota")
    page.get_by_label("Pemerintah daerah", exact=True).fill("Lumajang")
    page.get_by_role("button", name="Tambahkan anggota").click()
    expect(page.get_by_text("Kabupaten Lumajang ditambahkan sebagai anggota")).to_have_count(1)
    return True


def test_an_official_turns_a_problem_into_an_interest_and_the_coordinator_sees_it(page, login, allow_console_errors):
    allow_console_errors("status of 404")  # the public asking for the network-only need
    login("coordinator")
    added = _lumajang_is_a_member(page)
    logout(page)

    login("official")
    page.get_by_role("link", name="Kebutuhan", exact=True).click()
    page.get_by_role("link", name="Tulis kebutuhan").click()
    assert_accessible(page)
    page.get_by_label("Judul singkat").fill("Ibu nifas di desa terpencil tidak terpantau")
    page.get_by_label("Masalahnya, dengan kata-kata Anda").fill(PROBLEM)
    page.get_by_label("Siapa yang terdampak").fill("Ibu nifas dan bayi baru lahir")
    page.get_by_label("Anggaran yang tersedia").select_option("lt50jt")
    page.get_by_label("Koneksi internet").select_option("weak")
    page.get_by_label("Pegunungan").check()
    page.get_by_label("Kesehatan", exact=True).check()
    page.get_by_label("Hanya jaringan kami").check()
    page.get_by_role("button", name="Simpan kebutuhan").click()
    page.wait_for_url(re.compile(r"/kebutuhan/\d+$"))
    need_url = page.url
    expect(page.get_by_text("Kebutuhan dipasang.")).to_have_count(1)
    assert_accessible(page)

    suggested = page.locator("[data-suggestion]")
    slugs = {suggested.nth(i).get_attribute("data-suggestion") for i in range(suggested.count())}
    assert slugs & FITTING, slugs
    chosen = sorted(slugs & FITTING)[0]
    item = page.locator(f'[data-suggestion="{chosen}"]').first
    item.get_by_role("link", name="Kami ingin mereplikasi ini").click()
    page.wait_for_url(re.compile(rf"/inovasi/{chosen}/minat\?kebutuhan=\d+$"))
    expect(page.get_by_text("Untuk kebutuhan:")).to_have_count(1)
    assert_accessible(page)
    page.get_by_label("Pesan untuk pemilik inovasi").fill(
        "Kami ingin belajar cara memantau ibu nifas di desa yang sinyalnya lemah."
    )
    page.get_by_role("button", name="Kirim minat").click()
    page.wait_for_url(re.compile(r"/replikasi/\d+/percakapan$"))

    page.goto(need_url)
    expect(page.locator(".badge-need-discussing")).to_have_count(1)
    expect(page.get_by_role("heading", name="Replikasi yang diminta dari kebutuhan ini")).to_have_count(1)
    logout(page)

    # The public does not see a network-only need.
    assert page.goto(need_url).status == 404

    login("coordinator")
    page.goto("/jaringan/jipp-jawa-timur")
    expect(page.get_by_role("link", name="Ibu nifas di desa terpencil tidak terpantau")).to_have_count(1)
    page.get_by_role("link", name="Papan kebutuhan JIPP Jawa Timur").click()
    assert_accessible(page)
    page.get_by_role("link", name="Ibu nifas di desa terpencil tidak terpantau").click()
    expect(page.locator(".need-problem")).to_contain_text("tanda bahaya masa nifas")
    page.get_by_label("Studi kasus yang diusulkan").fill("/inovasi/alas-akta-lahir-lumajang")
    page.get_by_role("button", name="Usulkan").click()
    expect(page.get_by_text("Usulan disimpan")).to_have_count(1)
    if added:
        page.goto("/jaringan/jipp-jawa-timur/anggota")
        page.get_by_role("button", name="Keluarkan Kabupaten Lumajang").click()
        page.wait_for_load_state()
        page.goto("/jaringan/jipp-jawa-timur")
        expect(page.locator("ul.members").get_by_text("Kabupaten Lumajang")).to_have_count(0)


def test_the_needs_pages_fit_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="id-ID", viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto("/masuk")
    page.get_by_label("Email").fill(PEOPLE["official"][0])
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    urls = ["/kebutuhan", "/kebutuhan/baru", "/jaringan/jipp-jawa-timur/kebutuhan"]
    page.goto("/kebutuhan")
    first = page.locator("[data-need] a").first
    if first.count():
        urls.append(first.get_attribute("href"))
    wide, problems = [], []
    for url in urls:
        assert page.goto(url).ok, url
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            wide.append((url, overflow))
        found = page.evaluate(CHECK) + axe_problems(page)
        if found:
            problems.append((url, found))
    context.close()
    assert wide == [] and problems == []
