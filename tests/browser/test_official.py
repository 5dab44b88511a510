"""A regional official finds an innovation and asks to replicate it with a message; the
origin's official reads the email, follows its link and replies; the adopter sees the reply."""

import re
import time

from playwright.sync_api import expect

from tests.browser.a11y import assert_accessible
from tests.browser.conftest import logout
from tests.live import PASSWORD, PEOPLE


def _sign_in_here(page, person):
    page.get_by_label("Email").fill(PEOPLE[person][0])
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def test_official_searches_filters_and_asks_to_replicate(page, login, live_mailbox, allow_console_errors):
    allow_console_errors("400 (BAD REQUEST)")  # the empty message, refused on purpose
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
    page.get_by_role("link", name="Kami ingin mereplikasi").click()
    page.wait_for_url(re.compile(r"/inovasi/doling-tengkes-brebes/minat$"))
    # Who will receive it is named before it is sent.
    assert "pejabat Kabupaten Brebes" in page.locator(".recipients").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Kirim minat").click()  # empty: refused, nothing recorded
    expect(page.locator(".field.has-error .error")).to_have_text("Wajib diisi.")
    page.get_by_label("Pesan untuk pemilik inovasi").fill(
        "Berapa biaya posyandu keliling per desa? Kami ingin mulai tahun depan."
    )
    page.get_by_role("button", name="Kirim minat").click()
    page.wait_for_url(re.compile(r"/replikasi/(\d+)/percakapan$"))
    thread = page.url
    assert page.get_by_text("Minat Anda tercatat").count() == 1
    assert "Berminat" in page.locator(".badges").inner_text()
    assert "Berapa biaya posyandu keliling" in page.locator(".thread").inner_text()
    assert_accessible(page)
    unread_before = _unread(page)  # other journeys may have told Lumajang of other things
    logout(page)

    # The origin's official gets the email, follows its link, signs in and lands on the thread.
    origin_email = PEOPLE["origin_official"][0]
    [email] = _wait_for(lambda: live_mailbox[0].to(origin_email))
    assert "Kabupaten Lumajang ingin mereplikasi DOLING TENGKES" in email["Subject"]
    link = re.search(
        r"http://127\.0\.0\.1:\d+/replikasi/\d+/percakapan", email.get_body(("plain",)).get_content()
    ).group(0)
    assert link == thread
    page.goto(link)
    page.wait_for_url(re.compile(r"/masuk"))
    _sign_in_here(page, "origin_official")
    page.wait_for_url(thread)
    assert "Berapa biaya posyandu keliling" in page.locator(".thread").inner_text()
    page.get_by_label("Pesan", exact=True).fill("Sekitar Rp 2 juta per desa setahun. Mari jadwalkan kunjungan belajar.")
    page.get_by_role("button", name="Kirim pesan").click()
    page.wait_for_url(re.compile(r"/percakapan#m\d+$"))
    assert page.get_by_text("Pesan terkirim.").count() == 1
    page.get_by_role("link", name=re.compile("Kotak masuk")).click()
    expect(page.locator(".inbox")).to_contain_text("Kabupaten Lumajang ingin mereplikasi DOLING TENGKES")
    # The same in English (and their emails follow the language they chose).
    page.locator(".lang-switch").get_by_role("link", name="English").click()
    expect(page.locator(".inbox")).to_contain_text("wants to replicate DOLING TENGKES")
    page.goto(thread)
    assert page.get_by_role("heading", name="Conversation").count() == 1
    assert "This message will reach:" in page.locator(".recipients").inner_text()
    assert_accessible(page)
    page.locator(".lang-switch").get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    logout(page)

    # The adopter sees the reply: one unread on the bell and on "Minat saya".
    login("official")
    assert _unread(page) == unread_before + 1
    page.get_by_role("link", name="Minat saya").click()
    expect(page.locator(".followed")).to_contain_text("1 pesan baru")
    assert_accessible(page)
    page.locator(".followed").get_by_role("link", name="DOLING TENGKES").click()
    expect(page.locator(".thread .unread")).to_contain_text("Sekitar Rp 2 juta per desa")
    page.reload()
    assert _unread(page) == unread_before  # read now

    # The session's mailbox also holds what other journeys sent this official (a need's notices).
    def replies():
        mails = live_mailbox[0].to(PEOPLE["official"][0])
        return [m for m in mails if "Sekitar Rp 2 juta" in m.get_body(("plain",)).get_content()]

    assert len(_wait_for(replies)) == 1


def _unread(page):
    """The number on the bell."""
    count = page.locator(".account-nav .bell .count")
    return int(count.get_attribute("data-unread")) if count.count() else 0


def _wait_for(found, seconds=30):
    """What ``found()`` returns once it is not empty (the server sends after its response)."""
    deadline = time.monotonic() + seconds
    while not (result := found()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return result
