"""Pictures of case studies on the site (docs/decisions/0082): uploads are checked by their
content and re-encoded, refused ones leave nothing behind, only people who may edit the case
study change its pictures, a draft's pictures are not served to the public, and the case
study, the catalogue cards, og:image and the API show them."""

import re
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from app.catalog.models import InnovationImage
from app.editing.models import Revision
from app.extensions import db as _db
from tests import factories
from tests.accounts_fixtures import make_user, sign_in
from tests.test_editing_world import fresh, token

BANYUMAS = "33.02"
_SRC = re.compile(r'/inovasi/[^"/]+/gambar/[0-9a-f]{64}\.(?:webp|png|jpg)')


def _files(app):
    """Every file under UPLOAD_DIR (blobs and anything left behind)."""
    root = Path(app.config["UPLOAD_DIR"])
    return {p for p in root.rglob("*") if p.is_file()}


def _rows():
    return _db.session.scalar(sa.select(sa.func.count()).select_from(InnovationImage))


def _revisions():
    return _db.session.scalar(sa.select(sa.func.count()).select_from(Revision))


@pytest.fixture
def case(db):
    item = factories.innovation("Antrean Puskesmas Banyumas", region=BANYUMAS)
    db.session.commit()
    return item


@pytest.fixture
def official(db, case):
    """An editor: the owner's officials change pictures only while the case study is a draft
    or returned to them (the permission table's innovation.edit), as the last tests check."""
    return make_user("editor@example.go.id", "editor")


BOUNDARY = "----suar-uji-batas"


def multipart(fields, file=None):
    """A multipart body built in memory (the test client would spool a large file to a
    temporary file it never closes)."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]  # fmt: skip
    if file is not None:
        data, filename = file
        head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                "Content-Type: image/png\r\n\r\n")  # fmt: skip
        parts.append(head.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def upload(client, slug, data, filename="foto.png", alt="Petugas melayani warga di loket", **fields):
    url = f"/kelola/inovasi/{slug}/gambar"
    form = {"csrf_token": token(client, url), "alt": alt, "caption": "", "credit": "", "upload": "Unggah gambar",
            **fields}  # fmt: skip
    body = multipart(form, (data, filename) if data is not None else None)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def _jpeg_with_gps():
    image = Image.new("RGB", (1600, 1200), (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x0110] = "Model X"
    gps = {1: "S", 2: (7.0, 25.0, 12.0), 3: "E", 4: (109.0, 14.0, 2.0)}
    exif[0x8825] = gps
    out = BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    data = out.getvalue()
    assert Image.open(BytesIO(data)).getexif().get_ifd(0x8825), "the test picture must carry GPS"
    return data


def test_an_official_uploads_a_picture_shown_in_the_gallery_cards_og_and_api(app, client, case, official):
    sign_in(client, official)
    response = upload(client, case.slug, factories.picture((2000, 1000)), "Loket Pelayanan.PNG",
                      caption="Loket baru", credit="Dinas Kesehatan")  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    [row] = _db.session.scalars(sa.select(InnovationImage)).all()
    assert (row.name, row.format, row.width, row.height, row.thumb_width) == ("loket-pelayanan.png", "png", 1280, 640,
                                                                                480)  # fmt: skip
    assert fresh(case.id).edited_at is not None
    assert "Gambar ditambahkan" in (_db.session.scalars(sa.select(Revision.comment)).all()[-1] or "")

    client.get("/keluar")
    client.delete_cookie("session")
    page = client.get(f"/inovasi/{case.slug}").get_data(as_text=True)
    assert "<picture>" in page and 'type="image/webp"' in page and 'alt="Petugas melayani warga di loket"' in page
    assert 'width="1280" height="640"' in page and "Loket baru" in page and "Dinas Kesehatan" in page
    og = re.search(r'<meta property="og:image" content="([^"]+)"', page)
    assert og and og.group(1).startswith("http://localhost/inovasi/") and og.group(1).endswith(".png")
    cards = client.get("/inovasi").get_data(as_text=True)
    assert f"/inovasi/{case.slug}/gambar/{row.thumb_sha256}.png" in cards
    assert f"/inovasi/{case.slug}/gambar/{row.thumb_webp_sha256}.webp" in cards

    for url in set(_SRC.findall(page + cards)):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.mimetype == {"webp": "image/webp", "png": "image/png"}[url.rsplit(".", 1)[1]]
        Image.open(BytesIO(answer.get_data())).verify()
        again = client.get(url, headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304

    record = client.get(f"/api/v1/innovations/{case.slug}").get_json()
    [image] = record["images"]
    assert image["alt"] == "Petugas melayani warga di loket" and image["caption"] == "Loket baru"
    assert image["credit"] == "Dinas Kesehatan" and (image["width"], image["height"]) == (1280, 640)
    assert image["page"]["webp"].endswith(".webp") and image["thumb"]["original"].endswith(".png")
    assert client.get(image["page"]["webp"].replace("http://localhost", "")).status_code == 200
    listed = client.get("/api/v1/innovations").get_json()["items"]
    assert [i["images"][0]["alt"] for i in listed if i["slug"] == case.slug] == ["Petugas melayani warga di loket"]


def test_exif_and_gps_are_stripped_from_every_stored_size(app, client, case, official):
    sign_in(client, official)
    assert upload(client, case.slug, _jpeg_with_gps(), "rahasia.jpg").status_code == 302
    [row] = _db.session.scalars(sa.select(InnovationImage)).all()
    store = Path(app.config["UPLOAD_DIR"]) / "blobs"
    for key in InnovationImage.BLOBS:
        digest = row.digest(*key)
        data = (store / digest[:2] / digest).read_bytes()
        image = Image.open(BytesIO(data))
        assert not image.getexif(), key
        assert b"KameraRahasia" not in data and b"Exif" not in data, key
        assert "exif" not in image.info and "icc_profile" not in image.info, key


def _bomb():
    out = BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    return out.getvalue()


def _png_with_html_after_it():
    return factories.picture((300, 200)) + b"<html><script>alert(document.cookie)</script></html>"


REFUSED = {
    "text named .png": (b"Ini bukan gambar, hanya teks.\n" * 20, "teks.png", "bukan gambar JPEG, PNG atau WebP"),
    "svg": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "gambar.svg", "SVG atau HTML tidak diterima"),
    "svg named .jpg": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "foto.jpg",
                       "SVG atau HTML tidak diterima"),
    "html/png polyglot": (b"\x89PNG\r\n\x1a\n<html><body><script>alert(1)</script></body></html>", "poly.png",
                          "rusak atau isinya tidak sesuai"),
    "gif": (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00"
            b"\x01\x00\x01\x00\x00\x02\x02D\x01\x00;", "anim.gif", "Gambar GIF tidak diterima"),
    "decompression bomb": (None, "bom.png", "20.000 × 20.000 piksel, terlalu besar"),
    "too many bytes": (b"\xff\xd8\xff" + b"\x00" * 1_600_000, "besar.jpg", "satu gambar paling besar 1,5 MB"),
    "missing file": (None, None, "Pilih berkas gambar"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_file_is_refused_with_a_clear_message_and_leaves_nothing(app, client, case, official, name):
    data, filename, message = REFUSED[name]
    if name == "decompression bomb":
        data = _bomb()
        assert len(data) < 200_000
    sign_in(client, official)
    before = (_files(app), _rows(), _revisions(), fresh(case.id).version)
    if filename is None:
        url = f"/kelola/inovasi/{case.slug}/gambar"
        response = client.post(
            url, data={"csrf_token": token(client, url), "alt": "Teks yang diketik", "caption": "Ket"}
        )
    else:
        response = upload(client, case.slug, data, filename, alt="Teks yang diketik", caption="Ket")
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:2000]
    assert message in page, page[:4000]
    assert 'value="Teks yang diketik"' in page and 'value="Ket"' in page  # what was typed is kept
    _db.session.expire_all()
    assert (_files(app), _rows(), _revisions(), fresh(case.id).version) == before


def test_missing_alt_text_is_refused_and_nothing_is_stored(app, client, case, official):
    sign_in(client, official)
    before = (_files(app), _rows(), _revisions())
    response = upload(client, case.slug, factories.picture(), alt="   ", caption="Keterangan diketik")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Wajib diisi." in page and 'value="Keterangan diketik"' in page
    assert (_files(app), _rows(), _revisions()) == before


def test_a_50_mb_upload_gets_a_clear_413_page(app, client, case, official):
    sign_in(client, official)
    before = (_files(app), _rows(), _revisions())
    response = upload(client, case.slug, b"\xff\xd8\xff" + b"\x00" * (50 * 1024 * 1024), "raksasa.jpg")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Berkas terlalu besar" in page and "lebih dari 2 MB" in page
    assert (_files(app), _rows(), _revisions()) == before


def test_a_png_with_a_script_appended_is_taken_without_it(app, client, case, official):
    sign_in(client, official)
    assert upload(client, case.slug, _png_with_html_after_it(), "poliglot.png").status_code == 302
    [row] = _db.session.scalars(sa.select(InnovationImage)).all()
    store = Path(app.config["UPLOAD_DIR"]) / "blobs"
    for key in InnovationImage.BLOBS:
        digest = row.digest(*key)
        assert b"<script" not in (store / digest[:2] / digest).read_bytes()


def test_the_thirteenth_picture_is_refused(app, client, official, db):
    item = factories.innovation("Dua Belas Gambar", region=BANYUMAS,
                                images=[{"alt": f"Gambar {n}", "color": (n, n, n)} for n in range(1, 13)])  # fmt: skip
    db.session.commit()
    sign_in(client, official)
    before = (_files(app), _rows(), _revisions())
    response = upload(client, item.slug, factories.picture(color=(1, 2, 3)), alt="Ketiga belas")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Paling banyak 12 gambar" in page
    assert (_files(app), _rows(), _revisions()) == before


def test_describe_move_and_remove(app, client, official, db):
    item = factories.innovation("Tiga Gambar", region=BANYUMAS,
                                images=[{"alt": "Satu"}, {"alt": "Dua", "color": (9, 9, 9)}, {"alt": "Tiga"}])  # fmt: skip
    db.session.commit()
    sign_in(client, official)
    base = f"/kelola/inovasi/{item.slug}/gambar"
    csrf = token(client, base)
    response = client.post(f"{base}/2/ubah", data={"g2-csrf_token": csrf, "g2-alt": "Dua, diperjelas", "g2-caption": "K",
                                                    "g2-credit": ""})  # fmt: skip
    assert response.status_code == 302
    bad = client.post(f"{base}/2/ubah", data={"g2-csrf_token": csrf, "g2-alt": "", "g2-caption": "Tetap diketik"})
    assert bad.status_code == 400 and "Tetap diketik" in bad.get_data(as_text=True)
    assert client.post(f"{base}/2/naik", data={"csrf_token": csrf}).status_code == 302
    assert client.post(f"{base}/3/hapus", data={"csrf_token": csrf}).status_code == 302
    assert client.post(f"{base}/9/hapus", data={"csrf_token": csrf}).status_code == 404
    assert client.post(f"{base}/1/hapus", data={}).status_code == 400  # no CSRF token: nothing removed
    _db.session.expire_all()
    assert [(i.number, i.alt, i.caption) for i in fresh(item.id).images] == [(1, "Dua, diperjelas", "K"),
                                                                            (2, "Satu", None)]  # fmt: skip
    last = _db.session.scalars(sa.select(Revision.snapshot_json).order_by(Revision.id.desc())).first()
    assert '"images": [{"file": "' in last and "Dua, diperjelas" in last


def test_people_who_may_not_edit_cannot_upload_or_remove(app, client, db):
    published = factories.innovation("Terbit", region=BANYUMAS, images=[{"alt": "Ada"}])
    draft = factories.innovation("Draf", region=BANYUMAS, status="draft", images=[{"alt": "Draf"}])
    db.session.commit()
    other = make_user("pejabat@semarang.example.go.id", "official", owner=factories.owner("city", "33.74"))
    before = (_files(app), _rows(), _revisions())
    # Anonymous: the login page, for every action.
    for slug in (published.slug, draft.slug):
        assert "/masuk" in client.get(f"/kelola/inovasi/{slug}/gambar").headers.get("Location", "")
        for url in (f"/kelola/inovasi/{slug}/gambar", f"/kelola/inovasi/{slug}/gambar/1/hapus"):
            response = client.post(url, data={"alt": "x", "file": (BytesIO(factories.picture()), "a.png")})
            assert response.status_code == 400 or "/masuk" in response.headers.get("Location", ""), url
    sign_in(client, other)
    csrf = token(client, "/akun/kata-sandi")
    for slug, status in ((published.slug, 403), (draft.slug, 404)):
        assert client.get(f"/kelola/inovasi/{slug}/gambar").status_code == status
        response = client.post(
            f"/kelola/inovasi/{slug}/gambar",
            content_type="multipart/form-data",
            data={"csrf_token": csrf, "alt": "x", "file": (BytesIO(factories.picture()), "a.png")},
        )
        assert response.status_code == status
        for action in ("hapus", "naik", "turun", "ubah"):
            assert client.post(f"/kelola/inovasi/{slug}/gambar/1/{action}", data={"csrf_token": csrf,
                               "g1-alt": "Diganti"}).status_code == status  # fmt: skip
    _db.session.expire_all()
    assert (_files(app), _rows(), _revisions()) == before


def test_the_owners_official_changes_the_pictures_of_a_draft_only(app, client, db):
    draft = factories.innovation("Draf Sendiri", region=BANYUMAS, status="draft")
    published = factories.innovation("Terbit Sendiri", region=BANYUMAS)
    db.session.commit()
    sign_in(client, make_user("pejabat@banyumas.example.go.id", "official", owner=draft.owner))
    assert upload(client, draft.slug, factories.picture()).status_code == 302
    assert client.get(f"/kelola/inovasi/{published.slug}/gambar").status_code == 403
    assert len(fresh(draft.id).images) == 1 and not fresh(published.id).images


def test_a_drafts_pictures_are_served_only_to_those_who_may_see_it(app, client, db):
    draft = factories.innovation("Draf Bergambar", region=BANYUMAS, status="draft", images=[{"alt": "Rahasia"}])
    public = factories.innovation("Terbit Bergambar", region=BANYUMAS, images=[{"alt": "Terbuka", "color": (1, 1, 1)}])
    db.session.commit()
    [image] = draft.images
    urls = [f"/inovasi/{draft.slug}/gambar/{image.digest(size, kind)}.{'webp' if kind == 'webp' else 'png'}"
            for size in ("thumb", "page") for kind in ("original", "webp")]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 404, url
    # Nor through another case study's address, nor with the wrong extension, nor an unknown name.
    assert client.get(urls[0].replace(draft.slug, public.slug)).status_code == 404
    public_image = public.images[0]
    good = f"/inovasi/{public.slug}/gambar/{public_image.page_sha256}.png"
    assert client.get(good).status_code == 200
    assert client.get(good.replace(".png", ".jpg")).status_code == 404
    assert client.get(good.replace(".png", ".webp")).status_code == 404
    assert client.get(f"/inovasi/{public.slug}/gambar/{'0' * 64}.png").status_code == 404
    assert client.get(f"/inovasi/{public.slug}/gambar/{'Z' * 64}.png").status_code == 404
    assert "Rahasia" not in client.get("/api/v1/innovations").get_data(as_text=True)
    official = make_user("pejabat@banyumas.example.go.id", "official", owner=draft.owner)
    sign_in(client, official)
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-cache", url


def test_the_first_picture_is_the_only_one_loaded_at_once(client, db):
    item = factories.innovation("Galeri", region=BANYUMAS, images=[{"alt": "Pertama"}, {"alt": "Kedua"}])
    db.session.commit()
    page = client.get(f"/inovasi/{item.slug}").get_data(as_text=True)
    imgs = re.findall(r"<img [^>]*>", page[page.index('class="gallery"') :])
    assert 'alt="Pertama"' in imgs[0] and 'loading="lazy"' not in imgs[0]
    assert 'alt="Kedua"' in imgs[1] and 'loading="lazy"' in imgs[1]
    assert all('width="' in img and 'height="' in img for img in imgs)


def test_restoring_an_older_version_keeps_the_pictures_and_says_so(app, client, case, official):
    # A revision holds the text and fields; pictures are not brought back or removed by a
    # restore, and the history page tells the editor so before they press the button.
    sign_in(client, official)
    assert upload(client, case.slug, factories.picture()).status_code == 302
    _db.session.expire_all()
    item = fresh(case.id)
    version = item.version
    first = min(_db.session.scalars(sa.select(Revision.number).where(Revision.innovation_id == item.id)))
    page = client.get(f"/kelola/inovasi/{item.slug}/riwayat").get_data(as_text=True)
    assert "Gambar dan dokumen tetap seperti sekarang" in page
    assert f'href="/kelola/inovasi/{item.slug}/gambar"' in page
    url = f"/kelola/inovasi/{item.slug}/riwayat/{first}/pulihkan"
    response = client.post(url, data={"csrf_token": token(client, f"/kelola/inovasi/{item.slug}/riwayat"),
                                      "version": str(version)})  # fmt: skip
    assert response.status_code == 302
    _db.session.expire_all()
    restored = fresh(case.id)
    last = _db.session.scalars(sa.select(Revision).order_by(Revision.id.desc())).first()
    assert restored.version > version and (last.action, last.restored_from) == ("restored", first)
    assert [image.alt for image in restored.images] == ["Petugas melayani warga di loket"]
