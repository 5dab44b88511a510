"""An official of Kabupaten Banyumas writes a case study in the browser and submits it; an
editor returns it with a comment; the official fixes and resubmits; the editor publishes;
it appears in the catalogue and in search; the editor restores the first version from its
history and the page shows it."""

import re
import time

from playwright.sync_api import expect

from tests.browser.a11y import assert_accessible
from tests.browser.conftest import logout

TITLE = "Posyandu Jemput Bola Digital Banyumas"
FIRST = "Kader mendatangi balita yang tidak hadir di posyandu."
FIX = "Cakupan penimbangan naik dari 61 persen menjadi 93 persen."


def _write_case_study(page):
    page.get_by_role("link", name="Studi kasus saya").click()
    page.get_by_role("link", name="Tulis studi kasus baru").click()
    page.wait_for_url(re.compile(r"/kelola/inovasi/baru$"))
    assert_accessible(page)
    assert "Kabupaten Banyumas" in page.locator("form.form").inner_text()
    page.get_by_label("Judul inovasi").fill(TITLE)
    page.get_by_label("Ringkasan").fill("Kader posyandu menjemput balita yang tidak datang, dicatat di aplikasi.")
    page.get_by_label("Unit pelaksana").fill("Dinas Kesehatan Kabupaten Banyumas")
    page.get_by_label("Tahun masuk katalog").fill("2024")
    page.get_by_label("Kesehatan", exact=True).check()
    # Each guided section is a field of its own, with its hint and a count of what was typed.
    page.locator("#section_background").fill("Banyak balita tidak ditimbang.")
    page.locator("#section_innovation").fill(f"{FIRST}\n<script>alert(1)</script>\n")
    expect(page.locator("#section_background-count")).to_have_text("30 / 200.000 karakter")
    page.get_by_role("button", name="Pratinjau").click()
    preview = page.locator(".preview")
    assert FIRST in preview.inner_text() and preview.locator("script").count() == 0
    # The preview is the whole page: the title, the summary, the key facts, then the body.
    assert preview.locator(".preview-title").inner_text() == TITLE
    assert "Kader posyandu menjemput balita" in preview.inner_text() and "Kesehatan" in preview.inner_text()
    assert preview.locator("h2", has_text="Latar Belakang").count() == 1
    assert page.get_by_label("Judul inovasi").input_value() == TITLE  # the form is kept
    assert_accessible(page)
    page.get_by_role("button", name="Simpan dan ajukan untuk ditinjau").click()
    page.wait_for_url(re.compile(r"/inovasi/posyandu-jemput-bola-digital-banyumas$"))
    assert "Diajukan, menunggu tinjauan" in page.locator(".editing-status").inner_text()
    assert_accessible(page)


def _in_search(page, text):
    deadline = time.monotonic() + 1.0
    while True:
        page.goto("/cari?q=posyandu+jemput+bola")
        if text in page.locator("main").inner_text():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def test_an_official_writes_an_editor_reviews_publishes_and_restores(page, login):
    login("banyumas_official")
    _write_case_study(page)
    logout(page)

    login("editor")
    page.get_by_role("link", name="Tinjauan").click()
    assert_accessible(page)
    queue = page.locator("section", has=page.get_by_role("heading", name="Menunggu tinjauan"))
    queue.get_by_role("link", name=TITLE, exact=True).click()
    page.get_by_role("link", name="Tinjau dan ubah").click()
    assert_accessible(page)
    page.get_by_label("Komentar untuk penulis").fill("Tambahkan angka hasilnya di Hasil dan Dampak.")
    page.get_by_role("button", name="Kembalikan ke penulis").click()
    page.wait_for_url(re.compile(r"/inovasi/posyandu-jemput-bola-digital-banyumas$"))
    assert "Dikembalikan untuk diperbaiki" in page.locator(".editing-status").inner_text()
    logout(page)

    login("banyumas_official")
    page.get_by_role("link", name="Studi kasus saya").click()
    row = page.locator("tr", has_text=TITLE)
    assert "Dikembalikan untuk diperbaiki" in row.inner_text() and "Tambahkan angka hasilnya" in row.inner_text()
    row.get_by_role("link", name=re.compile("^Ubah")).click()
    assert FIRST in page.locator("#section_innovation").input_value()  # the sections come back apart
    page.locator("#section_results").fill(FIX)
    page.get_by_label("Catatan perubahan (untuk riwayat)").fill("Angka hasil ditambahkan")
    page.get_by_role("button", name="Simpan dan ajukan untuk ditinjau").click()
    page.wait_for_url(re.compile(r"/inovasi/posyandu-jemput-bola-digital-banyumas$"))
    assert "Diajukan" in page.locator(".editing-status").inner_text()
    logout(page)

    login("editor")
    page.goto("/inovasi/posyandu-jemput-bola-digital-banyumas")
    page.get_by_role("link", name="Tinjau dan ubah").click()
    page.get_by_role("button", name="Terbitkan").click()
    page.wait_for_url(re.compile(r"/inovasi/posyandu-jemput-bola-digital-banyumas$"))
    assert "Terbit" in page.locator(".editing-status").inner_text()
    assert FIX in page.locator(".case-body").inner_text()
    page.goto("/inovasi?sector=kesehatan&province=33")
    assert page.get_by_role("link", name=TITLE, exact=True).count() == 1
    assert _in_search(page, TITLE), "not in search a second after publishing"

    page.goto("/inovasi/posyandu-jemput-bola-digital-banyumas")
    page.get_by_role("link", name="Riwayat perubahan").click()
    assert_accessible(page)
    history = page.locator("table.data-table").inner_text()
    assert "dikembalikan ke penulis" in history and "Tambahkan angka hasilnya" in history
    page.get_by_role("button", name="Pulihkan versi 1").click()
    page.wait_for_url(re.compile(r"/inovasi/posyandu-jemput-bola-digital-banyumas$"))
    text = page.locator(".case-body").inner_text()
    assert FIRST in text and FIX not in text
    logout(page)

    page.goto("/inovasi/posyandu-jemput-bola-digital-banyumas")  # the public sees the restored version
    assert page.locator(".editing-status").count() == 0
    assert FIRST in page.locator(".case-body").inner_text() and FIX not in page.locator(".case-body").inner_text()
