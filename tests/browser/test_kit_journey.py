"""Issue 15's journey: an editor writes a case study, gives it a picture and a PDF, publishes
it; the PDF's words find it in search; anyone downloads its replication kit, a ZIP holding
the printable summary and the PDF."""

import re
import time
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.a11y import assert_accessible
from tests.factories import picture
from tools.sample_documents import text_pdf

TITLE = "Loket Paket Replikasi Banyumas"
SLUG = "loket-paket-replikasi-banyumas"
# A word only the PDF holds: the case study's own text never says it.
WORD = "zirkonbeludru"


def _write_draft(page):
    page.goto("/kelola/inovasi/baru")
    page.get_by_label("Judul inovasi").fill(TITLE)
    page.get_by_label("Ringkasan").fill("Satu loket untuk semua izin usaha mikro, dengan paket untuk daerah lain.")
    page.get_by_label("Unit pelaksana").fill("Dinas Penanaman Modal Kabupaten Banyumas")
    page.get_by_label("Pemilik", exact=True).fill("Kabupaten Banyumas")
    page.get_by_label("Kode wilayah").fill("33.02")
    page.get_by_label("Tahun masuk katalog").fill("2024")
    page.get_by_label("Kesehatan", exact=True).check()
    page.locator("#section_background").fill("Izin lama.")
    page.locator("#section_innovation").fill("Satu loket.")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_url(re.compile(rf"/inovasi/{SLUG}$"))
    expect(page.locator(".editing-status")).to_contain_text("Draf")


def _upload(page):
    page.locator(".editing-status").get_by_role("link", name="Gambar").click()
    page.get_by_label("Berkas gambar (JPEG, PNG atau WebP)").set_input_files(
        {"name": "loket.png", "mimeType": "image/png", "buffer": picture(color=(40, 160, 90))}
    )
    page.get_by_label("Teks alternatif (wajib)").fill("Petugas di depan loket izin usaha.")
    page.get_by_role("button", name="Unggah gambar").click()
    expect(page.locator("main")).to_contain_text("loket.png")
    page.goto(f"/kelola/inovasi/{SLUG}/dokumen")
    pdf = text_pdf(["SOP loket paket", f"Prosedur {WORD} untuk petugas."], title="SOP loket")
    page.get_by_label("Berkas (PDF, DOCX, XLSX, PPTX, ODT, ODS atau CSV)").set_input_files(
        {"name": "sop-loket.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    page.get_by_label("Judul (wajib)").fill("SOP loket paket")
    page.get_by_role("button", name="Unggah dokumen").click()
    expect(page.locator("main")).to_contain_text("sop-loket.pdf")
    return pdf


def _found(page):
    deadline = time.monotonic() + 10
    while True:
        page.goto(f"/cari?q={WORD}")
        if page.locator(f"a[href='/inovasi/{SLUG}']").count():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


def test_an_editor_publishes_a_case_study_found_by_its_pdf_and_its_kit_is_downloaded(page, login, tmp_path):
    login("editor")
    _write_draft(page)
    pdf = _upload(page)
    page.goto(f"/kelola/inovasi/{SLUG}/ubah")
    page.get_by_role("button", name="Simpan dan ajukan untuk ditinjau").click()
    page.wait_for_url(re.compile(rf"/inovasi/{SLUG}$"))
    page.get_by_role("link", name="Tinjau dan ubah").click()
    page.get_by_role("button", name="Terbitkan").click()
    page.wait_for_url(re.compile(rf"/inovasi/{SLUG}$"))
    expect(page.locator(".editing-status")).to_contain_text("Terbit")

    assert WORD not in page.locator("main").inner_text()
    assert _found(page), f"{WORD} (in the PDF only) does not find the case study"
    page.locator(f"a[href='/inovasi/{SLUG}']").first.click()
    page.wait_for_url(re.compile(rf"/inovasi/{SLUG}$"))
    kit = page.locator("section.kit")
    expect(kit).to_contain_text("Paket replikasi")
    expect(kit).to_contain_text("SOP loket paket")
    assert_accessible(page)
    with page.expect_download() as info:
        kit.get_by_role("link", name="Unduh paket replikasi").click()
    download = info.value
    assert download.suggested_filename == f"paket-replikasi-{SLUG}.zip"
    saved = Path(tmp_path) / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert set(archive.namelist()) == {"ringkasan.html", "dokumen/sop-loket.pdf"}
        assert archive.read("dokumen/sop-loket.pdf") == pdf
        assert TITLE in archive.read("ringkasan.html").decode()

    # On a phone the section and its button are there too.
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    expect(kit.get_by_role("link", name="Unduh paket replikasi")).to_be_visible()
