"""Pictures of network activities (docs/decisions/0085): the case studies' checks and storage
(app/catalog/pictures.py) behind a page of the activity's own. Only those who may edit the
activity (its network's coordinators, editors, admins) change its pictures; refused uploads
leave nothing behind, in either language; the activity page, its og:image and the API show
them."""

import re
from datetime import date
from io import BytesIO

import pytest
import sqlalchemy as sa
from PIL import Image

from app.extensions import db as _db
from app.networks.models import Activity, ActivityImage
from tests import factories
from tests.accounts_fixtures import add_member, make_network, make_user, sign_in
from tests.test_editing_world import token
from tests.test_images import BOUNDARY, REFUSED, _bomb, _files, _jpeg_with_gps, multipart

_SRC = re.compile(r'/jaringan/[^"/]+/kegiatan/\d+/gambar/[0-9a-f]{64}\.(?:webp|png|jpg)')
# The same refusals in English (the reader chose it at /bahasa/en).
ENGLISH = {
    "text named .png": "not a JPEG, PNG or WebP picture",
    "svg": "SVG and HTML files are not accepted",
    "svg named .jpg": "SVG and HTML files are not accepted",
    "html/png polyglot": "damaged, or its content does not match",
    "gif": "GIF pictures are not accepted",
    "decompression bomb": "20,000 × 20,000 pixels, too large",
    "too many bytes": "a picture may be at most 1.5 MB",
    "missing file": "Choose a picture file",
}


@pytest.fixture
def world(db):
    network = make_network("jipp-jawa-tengah", "33")
    other = make_network("jipp-jawa-timur", "35")
    add_member(network, "33.02")
    activity = Activity(network=network, kind="workshop", title="Lokakarya SPBE", date=date(2024, 5, 1))
    elsewhere = Activity(network=other, kind="coaching", title="Pendampingan", date=date(2024, 6, 1))
    db.session.add_all([activity, elsewhere])
    db.session.commit()
    people = {
        "coordinator": make_user("koordinator@jateng.example.go.id", "coordinator", networks=[network]),
        "other_coordinator": make_user("koordinator@jatim.example.go.id", "coordinator", networks=[other]),
        "official": make_user("pejabat@banyumas.example.go.id", "official", owner=factories.owner("regency", "33.02")),
        "admin": make_user("admin@example.go.id", "admin"),
    }
    return {"network": network, "activity": activity, "elsewhere": elsewhere, "people": people}


def _base(activity):
    return f"/jaringan/{activity.network.slug}/kegiatan/{activity.id}/gambar"


def _rows():
    return _db.session.scalar(sa.select(sa.func.count()).select_from(ActivityImage))


def upload(client, activity, data, filename="foto.png", alt="Peserta lokakarya berdiskusi", **fields):
    url = _base(activity)
    form = {"csrf_token": token(client, url), "alt": alt, "caption": "", "credit": "", "upload": "Unggah gambar",
            **fields}  # fmt: skip
    body = multipart(form, (data, filename) if data is not None else None)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def _with_pictures(activity, count):
    activity.images = [factories.image_row(n, f"Gambar {n}", color=(n, 2 * n, 3 * n), row_class=ActivityImage)
                       for n in range(1, count + 1)]  # fmt: skip
    _db.session.commit()


def test_a_coordinator_uploads_a_picture_shown_on_the_page_og_and_api(app, client, world):
    activity = world["activity"]
    sign_in(client, world["people"]["coordinator"])
    page = client.get(f"/jaringan/{activity.network.slug}/kegiatan/{activity.id}").get_data(as_text=True)
    assert f'href="{_base(activity)}"' in page  # reachable from the activity
    response = upload(client, activity, _jpeg_with_gps(), "Diskusi Kelompok.JPG", caption="Diskusi kelompok",
                      credit="Sekretariat JIPP")  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    [row] = _db.session.scalars(sa.select(ActivityImage)).all()
    assert (row.name, row.format, row.width, row.height, row.thumb_width) == ("diskusi-kelompok.jpg", "jpeg", 1280,
                                                                                960, 480)  # fmt: skip
    # Re-encoded: no EXIF, no GPS, in every stored size.
    for key in ActivityImage.BLOBS:
        served = client.get(f"{_base(activity)}/{row.digest(*key)}.{'webp' if key[1] == 'webp' else 'jpg'}")
        assert served.status_code == 200 and b"KameraRahasia" not in served.get_data(), key
        assert not Image.open(BytesIO(served.get_data())).getexif(), key

    client.get("/keluar")
    client.delete_cookie("session")
    page = client.get(f"/jaringan/{activity.network.slug}/kegiatan/{activity.id}").get_data(as_text=True)
    assert "<picture>" in page and 'type="image/webp"' in page and 'alt="Peserta lokakarya berdiskusi"' in page
    assert 'width="1280" height="960"' in page and "Diskusi kelompok" in page and "Sekretariat JIPP" in page
    og = re.search(r'<meta property="og:image" content="([^"]+)"', page)
    assert og and og.group(1) == f"http://localhost{_base(activity)}/{row.page_sha256}.jpg"
    urls = set(_SRC.findall(page))
    assert len(urls) == 4
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.mimetype == {"webp": "image/webp", "jpg": "image/jpeg"}[url.rsplit(".", 1)[1]]
        assert client.get(url, headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304

    record = client.get(f"/api/v1/networks/{activity.network.slug}").get_json()
    [listed] = [a for a in record["activities"] if a["id"] == activity.id]
    [image] = listed["images"]
    assert (image["alt"], image["caption"], image["credit"]) == ("Peserta lokakarya berdiskusi", "Diskusi kelompok",
                                                                 "Sekretariat JIPP")  # fmt: skip
    assert (image["width"], image["height"]) == (1280, 960)
    assert image["page"]["original"] == og.group(1)
    assert client.get(image["thumb"]["webp"].replace("http://localhost", "")).status_code == 200


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_file_is_refused_in_the_readers_language_and_leaves_nothing(app, client, world, name, language):
    activity = world["activity"]
    data, filename, message = REFUSED[name]
    if name == "decompression bomb":
        data = _bomb()
    sign_in(client, world["people"]["coordinator"])
    if language == "en":
        client.get("/bahasa/en?next=/")
        message = ENGLISH[name]
    before = (_files(app), _rows())
    if filename is None:
        url = _base(activity)
        response = client.post(
            url, data={"csrf_token": token(client, url), "alt": "Teks yang diketik", "caption": "Ket"}
        )
    else:
        response = upload(client, activity, data, filename, alt="Teks yang diketik", caption="Ket")
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:2000]
    assert message in page, page[:4000]
    assert 'value="Teks yang diketik"' in page and 'value="Ket"' in page
    _db.session.expire_all()
    assert (_files(app), _rows()) == before


@pytest.mark.parametrize(("language", "message"), [("id", "Wajib diisi."), ("en", "Required.")])
def test_missing_alt_text_is_refused_and_nothing_is_stored(app, client, world, language, message):
    sign_in(client, world["people"]["coordinator"])
    if language == "en":
        client.get("/bahasa/en?next=/")
    before = (_files(app), _rows())
    response = upload(client, world["activity"], factories.picture(), alt="   ", caption="Keterangan diketik")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and 'value="Keterangan diketik"' in page
    assert (_files(app), _rows()) == before


@pytest.mark.parametrize(("language", "message"), [("id", "Berkas terlalu besar"), ("en", "File too large")])
def test_a_50_mb_upload_gets_a_clear_413_page(app, client, world, language, message):
    sign_in(client, world["people"]["coordinator"])
    if language == "en":
        client.get("/bahasa/en?next=/")
    before = (_files(app), _rows())
    response = upload(client, world["activity"], b"\xff\xd8\xff" + b"\x00" * (50 * 1024 * 1024), "raksasa.jpg")
    assert response.status_code == 413 and message in response.get_data(as_text=True)
    assert (_files(app), _rows()) == before


@pytest.mark.parametrize(
    ("language", "message"),
    [("id", "Paling banyak 12 gambar per kegiatan"), ("en", "At most 12 pictures per activity")],
)
def test_the_thirteenth_picture_is_refused(app, client, world, language, message):
    activity = world["activity"]
    _with_pictures(activity, 12)
    sign_in(client, world["people"]["coordinator"])
    if language == "en":
        client.get("/bahasa/en?next=/")
    before = (_files(app), _rows())
    response = upload(client, activity, factories.picture(color=(1, 2, 3)), alt="Ketiga belas")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert (_files(app), _rows()) == before


def test_describe_move_and_remove(app, client, world):
    activity = world["activity"]
    _with_pictures(activity, 3)
    sign_in(client, world["people"]["coordinator"])
    base = _base(activity)
    csrf = token(client, base)
    response = client.post(f"{base}/2/ubah", data={"g2-csrf_token": csrf, "g2-alt": "Dua, diperjelas", "g2-caption": "K",
                                                    "g2-credit": ""})  # fmt: skip
    assert response.status_code == 302
    bad = client.post(f"{base}/2/ubah", data={"g2-csrf_token": csrf, "g2-alt": "", "g2-caption": "Tetap diketik"})
    assert bad.status_code == 400 and "Tetap diketik" in bad.get_data(as_text=True)
    assert client.post(f"{base}/2/naik", data={"csrf_token": csrf}).status_code == 302
    assert client.post(f"{base}/3/hapus", data={"csrf_token": csrf}).status_code == 302
    assert client.post(f"{base}/9/hapus", data={"csrf_token": csrf}).status_code == 404
    _db.session.expire_all()
    images = _db.session.get(Activity, activity.id).images
    assert [(i.number, i.alt, i.caption) for i in images] == [(1, "Dua, diperjelas", "K"), (2, "Gambar 1", None)]


@pytest.mark.parametrize(("language", "message"), [("id", "kedaluwarsa"), ("en", "This form has expired")])
def test_a_missing_csrf_token_changes_nothing(app, client, world, language, message):
    activity = world["activity"]
    _with_pictures(activity, 2)
    sign_in(client, world["people"]["coordinator"])
    if language == "en":
        client.get("/bahasa/en?next=/")
    base = _base(activity)
    before = (_files(app), _rows(), [(i.number, i.alt) for i in activity.images])
    body = multipart({"alt": "Tanpa token", "upload": "Unggah gambar"}, (factories.picture(color=(7, 7, 7)), "a.png"))
    response = client.post(base, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    for action in ("hapus", "naik", "turun"):
        response = client.post(f"{base}/2/{action}", data={})
        assert response.status_code == 400 and message in response.get_data(as_text=True), action
    response = client.post(f"{base}/1/ubah", data={"g1-alt": "Diganti"})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    _db.session.expire_all()
    after = _db.session.get(Activity, activity.id)
    assert (_files(app), _rows(), [(i.number, i.alt) for i in after.images]) == before


def test_people_who_may_not_edit_the_activity_change_nothing(app, client, world):
    activity, elsewhere = world["activity"], world["elsewhere"]
    _with_pictures(activity, 1)
    _with_pictures(elsewhere, 1)
    before = (_files(app), _rows())
    base = _base(activity)
    picture = factories.picture(color=(4, 4, 4))
    # Anonymous: the sign-in page (or a refused token) for every action.
    assert "/masuk" in client.get(base).headers.get("Location", "")
    for url in (base, f"{base}/1/hapus", f"{base}/1/ubah"):
        response = client.post(url, data={"alt": "x", "file": (BytesIO(picture), "a.png")})
        assert response.status_code == 400 or "/masuk" in response.headers.get("Location", ""), url
    for person in ("official", "other_coordinator"):
        sign_in(client, world["people"][person])
        csrf = token(client, "/akun/kata-sandi")
        assert client.get(base).status_code == 403, person
        response = client.post(base, content_type="multipart/form-data",
                               data={"csrf_token": csrf, "alt": "x", "file": (BytesIO(picture), "a.png")})  # fmt: skip
        assert response.status_code == 403, person
        for action in ("hapus", "naik", "turun", "ubah"):
            response = client.post(f"{base}/1/{action}", data={"csrf_token": csrf, "g1-alt": "Diganti"})
            assert response.status_code == 403, (person, action)
    # The coordinator of this network, with the id of another network's activity: 404.
    sign_in(client, world["people"]["coordinator"])
    csrf = token(client, base)
    wrong = f"/jaringan/{activity.network.slug}/kegiatan/{elsewhere.id}/gambar"
    assert client.get(wrong).status_code == 404
    response = client.post(wrong, content_type="multipart/form-data",
                           data={"csrf_token": csrf, "alt": "x", "file": (BytesIO(picture), "a.png")})  # fmt: skip
    assert response.status_code == 404
    assert client.post(f"{wrong}/1/hapus", data={"csrf_token": csrf}).status_code == 404
    _db.session.expire_all()
    assert (_files(app), _rows()) == before
    assert [i.alt for i in _db.session.get(Activity, activity.id).images] == ["Gambar 1"]
    # An admin may (the permission table's activity.edit).
    sign_in(client, world["people"]["admin"])
    assert client.get(base).status_code == 200


def test_a_picture_is_served_only_through_its_own_activity(app, client, world, db):
    activity, elsewhere = world["activity"], world["elsewhere"]
    _with_pictures(activity, 1)
    case = factories.innovation("Draf Bergambar", region="33.02", status="draft", images=[{"alt": "Rahasia"}])
    db.session.commit()
    [image] = activity.images
    good = f"{_base(activity)}/{image.page_sha256}.png"
    assert client.get(good).status_code == 200
    assert client.get(good.replace(".png", ".jpg")).status_code == 404
    assert client.get(good.replace(".png", ".webp")).status_code == 404
    assert client.get(f"{_base(activity)}/{'0' * 64}.png").status_code == 404
    assert client.get(f"{_base(activity)}/{'Z' * 64}.png").status_code == 404
    # Another activity's address, another network's slug, a draft case study's picture: 404.
    assert client.get(good.replace(f"/kegiatan/{activity.id}/", f"/kegiatan/{elsewhere.id}/")).status_code == 404
    assert client.get(good.replace(activity.network.slug, elsewhere.network.slug)).status_code == 404
    draft = case.images[0]
    assert client.get(f"{_base(activity)}/{draft.page_sha256}.png").status_code == 404
    assert (
        client.get(f"/jaringan/{activity.network.slug}/kegiatan/999999/gambar/{image.page_sha256}.png").status_code
        == 404
    )


def test_files_clean_keeps_an_activitys_pictures_and_removes_them_once_no_row_names_them(app, client, world, runner):
    activity = world["activity"]
    _with_pictures(activity, 1)
    [image] = activity.images
    digests = {image.digest(*key) for key in ActivityImage.BLOBS}
    url = f"{_base(activity)}/{image.page_sha256}.png"
    result = runner.invoke(args=["files", "clean", "--min-age", "0"])
    assert result.exit_code == 0, result.output
    assert client.get(url).status_code == 200
    sign_in(client, world["people"]["coordinator"])
    assert (
        client.post(f"{_base(activity)}/1/hapus", data={"csrf_token": token(client, _base(activity))}).status_code
        == 302
    )
    result = runner.invoke(args=["files", "clean", "--min-age", "0"])
    assert result.exit_code == 0 and all(digest in result.output for digest in digests), result.output
    assert not {p.name for p in _files(app)} & digests
