"""The coordinator of JIPP Jawa Timur: add a member, log a replication, move it to
implemented with a regulation number, and see it on the case study, the network page and
the map."""

import re

from playwright.sync_api import expect

from tests.browser.a11y import assert_accessible
from tests.browser.conftest import logout


def test_coordinator_logs_a_replication_through_to_implemented(page, login):
    login("coordinator")
    page.goto("/jaringan/jipp-jawa-timur/anggota")
    assert_accessible(page)
    page.get_by_label("Pemerintah daerah", exact=True).fill(
        "Lumajang"
    )  # typed, as a person would; the suggestions are a datalist
    page.get_by_role("button", name="Tambahkan anggota").click()
    expect(page.get_by_text("Kabupaten Lumajang ditambahkan sebagai anggota")).to_have_count(1)

    page.goto("/inovasi/tele-apik-rsud-margono-soekarjo")
    page.get_by_role("link", name="Catat replikasi").click()
    assert_accessible(page)
    page.get_by_label("Daerah yang mereplikasi").fill("Kabupaten Lumajang (35.08)")  # as a chosen suggestion reads
    page.get_by_label("Tahap", exact=True).select_option("committed")
    page.get_by_label("Nama lokal inovasi di daerah itu").fill("TELE SEHAT LUMAJANG")
    page.get_by_label("Jaringan yang memfasilitasi").select_option(label="JIPP Jawa Timur")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/replikasi/\d+$"))
    assert page.get_by_text("Replikasi dicatat.").count() == 1

    page.get_by_role("link", name="Perbarui replikasi").click()
    page.get_by_label("Tahap", exact=True).select_option("implemented")
    page.get_by_label("Dasar hukum di daerah itu").fill("Peraturan Bupati Lumajang Nomor 21 Tahun 2025")
    page.get_by_label("Keterangan perubahan ini").fill("Diterapkan di 12 puskesmas")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/replikasi/\d+$"))
    history = page.locator(".history").inner_text()
    assert "Komitmen ditandatangani → Diterapkan" in history and "Diterapkan di 12 puskesmas" in history
    assert page.locator(".case-facts").get_by_text("Peraturan Bupati Lumajang Nomor 21 Tahun 2025").count() == 1
    logout(page)

    page.goto("/inovasi/tele-apik-rsud-margono-soekarjo")
    assert page.locator(".replicated-count").inner_text() == "Direplikasi di 1 daerah"
    assert page.get_by_role("cell", name="TELE SEHAT LUMAJANG").count() == 1
    east_java = page.locator('.replication-panel svg a[href="/wilayah/35"] path')
    assert east_java.get_attribute("fill") != "#e9eef1"
    assert_accessible(page)

    page.goto("/jaringan/jipp-jawa-timur")
    pipeline = page.locator(".pipeline")
    assert "Kabupaten Lumajang" in pipeline.inner_text()
    assert page.locator("svg.province-map").count() >= 1
    assert_accessible(page)


def test_coordinator_cannot_edit_another_network(page, login, allow_console_errors):
    allow_console_errors("status of 403")
    login("coordinator")
    response = page.goto("/jaringan/jipp-sulawesi-selatan/anggota")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Tidak diizinkan"


def test_coordinator_gives_an_activity_pictures_shown_without_script(page, login):
    from tests.factories import picture

    login("coordinator")
    page.goto("/jaringan/jipp-jawa-timur/kegiatan/baru")
    page.get_by_label("Judul").fill("Klinik replikasi Tele-APIK")
    page.get_by_label("Tanggal").fill("2025-03-04")
    page.get_by_role("button", name="Simpan kegiatan").click()
    page.wait_for_url(re.compile(r"/kegiatan/\d+$"))
    activity_url = page.url
    page.get_by_role("link", name="Gambar kegiatan").click()
    assert_accessible(page)
    for name, alt, color in (("diskusi.png", "Peserta berdiskusi di meja bundar", (40, 160, 90)),
                             ("papan.png", "Papan alur layanan Tele-APIK", (200, 120, 30))):  # fmt: skip
        page.get_by_label("Berkas gambar (JPEG, PNG atau WebP)").set_input_files(
            {"name": name, "mimeType": "image/png", "buffer": picture(color=color)}
        )
        page.locator("#alt").fill(alt)
        page.get_by_role("button", name="Unggah gambar").click()
        expect(page.locator("main")).to_contain_text(name)
    page.get_by_role("button", name="Turunkan (gambar 1)").click()
    expect(page.locator(".image-row").first).to_contain_text("papan.png")
    assert_accessible(page)
    logout(page)

    page.goto(activity_url)
    gallery = page.locator(".gallery img")
    expect(gallery).to_have_count(2)
    assert gallery.first.get_attribute("alt") == "Papan alur layanan Tele-APIK"
    assert gallery.first.evaluate("img => img.complete && img.naturalWidth > 0")
    og = page.locator('meta[property="og:image"]').get_attribute("content")
    assert re.search(r"/kegiatan/\d+/gambar/[0-9a-f]{64}\.png$", og), og
    assert_accessible(page)
