"""Bad input on the editing pages: every field empty, too long, of the wrong type, with
script and event-handler payloads; contradicting owner and region; stale versions; other
people's ids in URLs and hidden fields; missing or forged CSRF tokens on every POST route.
A clear message, the form as typed, and nothing changed."""

import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from app.catalog.models import Innovation
from app.editing.models import Revision
from app.extensions import db as _db
from app.forms import CSRF_MESSAGE
from tests import factories
from tests.accounts_fixtures import sign_in
from tests.test_editing_world import fresh, post, token, valid_form, world  # noqa: F401 (fixture)

NEW = "/kelola/inovasi/baru"
LONG = {"title": 301, "institution": 301, "owner": 201, "legal_basis": 1001, "summary": 3001,
        "contacts-0-name": 201, "contacts-0-phone": 41}  # fmt: skip

# (changes to a valid form, the field that must show the error, words of the message)
# fmt: off
BAD = [
    ({"title": ""}, "title", "Wajib diisi."),
    ({"title": "   "}, "title", "Wajib diisi."),
    ({"title": "x" * 301}, "title", "Paling banyak 300 karakter."),
    ({"slug": "Bukan Slug!"}, "slug", "Slug hanya boleh"),
    ({"slug": "a" * 121}, "slug", "Slug hanya boleh"),
    ({"title": "信息系统"}, "slug", "Judul ini tidak menghasilkan slug"),
    ({"institution": ""}, "institution", "Wajib diisi."),
    ({"institution": "x" * 301}, "institution", "Paling banyak 300 karakter."),
    ({"owner_kind": "planet"}, "owner_kind", "Pilihan tidak sah."),
    ({"owner_kind": ""}, "owner_kind", "Pilihan tidak sah."),
    ({"owner_kind": "ministry", "owner": "", "region": ""}, "owner", "Wajib diisi."),
    ({"owner_kind": "ministry", "owner": "x" * 201, "region": ""}, "owner", "Paling banyak 200 karakter."),
    ({"region": ""}, "region", "Wajib diisi untuk pemerintah daerah"),
    ({"region": "99.99"}, "region", "Bukan kode wilayah resmi"),
    ({"region": "33"}, "region", "wilayah itu provinsi, pemiliknya kabupaten"),
    ({"owner_kind": "city", "region": "33.02"}, "region", "wilayah itu kabupaten, pemiliknya kota"),
    ({"region": "<script>alert(1)</script>"}, "region", "Bukan kode wilayah resmi"),
    ({"year": ""}, "year", "Wajib diisi."),
    ({"year": "dua ribu"}, "year", "Tulis tahun dengan empat angka"),
    ({"year": "1800"}, "year", "Tahun harus antara 1990 dan"),
    ({"year": "2999"}, "year", "Tahun harus antara 1990 dan"),
    ({"year": "20.5"}, "year", "Tulis tahun dengan empat angka"),
    ({"started": "2021-13"}, "started", "Tulis TTTT atau TTTT-BB"),
    ({"started": "kemarin"}, "started", "Tulis TTTT atau TTTT-BB"),
    ({"started": "2999-01"}, "started", "Tulis TTTT atau TTTT-BB"),
    ({"stage": "bogus"}, "stage", "Pilihan tidak sah."),
    ({"sectors": []}, "sectors", "Pilih sedikitnya satu."),
    ({"sectors": ["zzz"]}, "sectors", "Ada pilihan yang tidak sah."),
    ({"sectors": ["<img src=x onerror=alert(1)>"]}, "sectors", "Ada pilihan yang tidak sah."),
    ({"themes": ["zzz"]}, "themes", "Ada pilihan yang tidak sah."),
    ({"awards": "KIPP top99"}, "awards", "Baris 1: tulis kompetisi, tahun dan tahap"),
    ({"awards": "KIPP 2024 top99\nKIPP 2024 juara"}, "awards", "Baris 2: tahap juara tidak dikenal"),
    ({"awards": "KIPP 1800 top99"}, "awards", "Tahun harus antara 1990 dan"),
    ({"awards": "KIPP 2024 top99\nKIPP 2024 top99"}, "awards", "Penghargaan yang sama tertulis dua kali."),
    ({"awards": "x" * 41 + " 2024 top99"}, "awards", "paling banyak 40 karakter"),
    ({"legal_basis": "x" * 1001}, "legal_basis", "Paling banyak 1000 karakter."),
    ({"language": "fr"}, "language", "Pilihan tidak sah."),
    ({"contacts-0-email": "bukan-email"}, "contacts-0-email", "Ini bukan alamat email yang sah."),
    ({"contacts-0-email": "a@b.c\" onmouseover=\"alert(1)"}, "contacts-0-email", "Ini bukan alamat email yang sah."),
    ({"contacts-0-phone": "telepon saja"}, "contacts-0-phone", "Ini bukan nomor telepon Indonesia yang sah"),
    ({"contacts-0-phone": "1" * 41}, "contacts-0-phone", "Paling banyak 40 karakter."),
    ({"contacts-0-name": "x" * 201}, "contacts-0-name", "Paling banyak 200 karakter."),
    ({"contacts-0-name": ""}, "contacts-0-name", "Wajib diisi."),
    ({"contacts-0-name": "<script>x</script>"}, "contacts-0-name", "Tidak boleh berisi tanda &lt; atau &gt;"),
    ({"summary": ""}, "summary", "Wajib diisi."),
    ({"summary": "x" * 3001}, "summary", "Paling banyak 3000 karakter."),
    ({"body": "x" * 200_001}, "body", "Paling banyak 200000 karakter."),
    ({"comment": "x" * 2001}, "comment", "Paling banyak 2000 karakter."),
]
# fmt: on


def _count():
    _db.session.expire_all()
    return (_db.session.scalar(sa.select(sa.func.count(Innovation.id))),
            _db.session.scalar(sa.select(sa.func.count(Revision.id))))  # fmt: skip


def _error_of(html, field):
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize(("changes", "field", "message"), BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_a_bad_field_is_named_with_a_clear_message_and_nothing_is_saved(client, world, changes, field, message):  # noqa: F811
    sign_in(client, world["editor"])
    before = _count()
    response = post(client, NEW, valid_form(**changes), NEW)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in _error_of(html, field), (field, _error_of(html, field), html[:200])
    assert "Tidak sah:" not in html  # every rule's problem has its own words
    assert _count() == before
    assert "Kader posyandu mencatat" in html or field == "summary"  # the rest of the form as typed


@pytest.mark.parametrize("field", ["title", "region", "slug", "summary", "body", "sectors", "contacts-0-email"])
def test_a_nul_character_anywhere_is_refused_before_anything_is_looked_up(client, world, field):  # noqa: F811
    sign_in(client, world["editor"])
    before = _count()
    value = ["kesehatan\x00"] if field == "sectors" else "ab\x00c"
    response = post(client, NEW, valid_form(**{field: value}), NEW)
    assert response.status_code == 400
    assert "Berisi karakter yang tidak sah (NUL)." in _error_of(response.get_data(as_text=True), field)
    assert _count() == before


def test_a_nul_character_in_a_url_or_a_step_is_a_clear_answer(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    for url in ("/kelola/inovasi/%00/ubah", "/kelola/inovasi/a%00b/riwayat"):
        assert client.get(url).status_code == 404, url
    item = world["submitted"]
    response = post(
        client, f"/kelola/inovasi/{item.slug}/kembalikan", {"version": str(item.version), "comment": "x\x00"}
    )
    assert response.status_code == 400 and fresh(item.id).status == "submitted"
    awards = client.post("/kelola/penghargaan", data={"csrf_token": token(client), "competition": "KIPP", "year": "2024",
                                                      "stage": "top99", "slugs": "inovasi-published\x00", "save": "x"})  # fmt: skip
    assert awards.status_code == 400 and "Berisi karakter yang tidak sah (NUL)." in awards.get_data(as_text=True)


def test_an_official_sees_problems_of_fields_they_cannot_change_above_the_form(client, world):  # noqa: F811
    official = world["official"]
    official.owner.region_code = None  # a broken owner record: its region is gone
    _db.session.commit()
    sign_in(client, official)
    response = post(client, NEW, valid_form(), NEW)
    assert response.status_code == 400
    assert '<p class="error" role="alert">Wajib diisi untuk pemerintah daerah' in response.get_data(as_text=True)


PAYLOADS = {
    "title": "<script>alert('t')</script> Judul",
    "institution": "<img src=x onerror=alert('i')>",
    "legal_basis": "\"><svg onload=alert('l')>",
    "contacts-0-name": "\" onmouseover=\"alert('c') {{ 7*7 }}",
    "contacts-0-unit": "javascript:alert('u')",
    "summary": "<iframe src=javascript:alert('s')></iframe> ringkasan {{ 7*7 }}",
    "body": "## Latar <script>alert('b')</script>\n<img src=x onerror=alert('b')>\n[klik](javascript:alert('b'))\n"
            "<a href=\"#\" onclick=\"alert('b')\">x</a>\n",
    "comment": "<script>alert('k')</script>",
}  # fmt: skip


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _assert_nothing_runs(html, where):
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in ("iframe", "svg", "object", "embed"), (where, tag)
        assert not any(name.startswith("on") for name in attrs), (where, tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:"), (where, tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), (where, attrs)  # the site's own suar.js
        if tag == "img":
            assert attrs.get("src", "").startswith("/static/"), (where, attrs)  # the site's own logo


def test_script_and_event_handler_payloads_are_kept_as_text_and_never_run(app, client, world):  # noqa: F811
    sign_in(client, world["editor"])
    response = post(client, NEW, valid_form(**PAYLOADS, slug="muatan-berbahaya"), NEW)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    item = fresh(_db.session.scalar(sa.select(Innovation.id).where(Innovation.slug == "muatan-berbahaya")))
    assert item.title == PAYLOADS["title"]
    _assert_nothing_runs(item.body_html, "stored body")
    post(client, f"/kelola/inovasi/{item.slug}/terbitkan", {"version": str(item.version)})
    pages = [f"/inovasi/{item.slug}", "/kelola/inovasi", f"/kelola/inovasi/{item.slug}/riwayat",
             f"/kelola/inovasi/{item.slug}/ubah", "/inovasi", "/"]  # fmt: skip
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        _assert_nothing_runs(html, url)
    public = app.test_client().get(f"/inovasi/{item.slug}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; Judul" in public and "{{ 7*7 }}" in public
    preview = post(client, f"/kelola/inovasi/{item.slug}/ubah", valid_form(**PAYLOADS, preview="Pratinjau"))
    assert preview.status_code == 200
    _assert_nothing_runs(preview.get_data(as_text=True), "preview")


def test_a_returned_case_study_published_meanwhile_can_no_longer_be_changed_by_its_author(app, client, world):  # noqa: F811
    item = world["returned"]
    sign_in(client, world["official"])
    edit = f"/kelola/inovasi/{item.slug}/ubah"
    csrf = token(client, edit)  # the official has the form open
    editor = app.test_client()
    sign_in(editor, world["editor"])
    assert post(editor, f"/kelola/inovasi/{item.slug}/terbitkan", {"version": str(item.version)}).status_code == 302
    before = _count(), fresh(item.id).title
    response = client.post(edit, data=valid_form(slug=item.slug, version=str(item.version), csrf_token=csrf))
    assert response.status_code == 403
    submit = client.post(f"/kelola/inovasi/{item.slug}/ajukan", data={"csrf_token": csrf, "version": "1"})
    assert submit.status_code == 403
    assert (_count(), fresh(item.id).title) == before and fresh(item.id).status == "published"


def test_other_peoples_ids_in_urls_and_hidden_fields_change_nothing(client, world):  # noqa: F811
    from app.editing import services

    services.transition(world["published"], "archived", user=world["editor"])  # a revision of another case study
    _db.session.commit()
    sign_in(client, world["editor"])
    draft = world["draft"]
    before = _count()
    # a revision number that this case study does not have
    response = post(client, f"/kelola/inovasi/{draft.slug}/riwayat/1/pulihkan", {"version": str(draft.version)})
    assert response.status_code == 404
    assert client.get(f"/kelola/inovasi/{draft.slug}/riwayat?dari=7&ke=9").status_code == 404
    assert client.get(f"/kelola/inovasi/{draft.slug}/riwayat?dari=abc").status_code == 200
    assert client.get("/kelola/inovasi/tidak-ada/ubah").status_code == 404
    # a version and a base revision that are not this case study's
    edit = f"/kelola/inovasi/{draft.slug}/ubah"
    for version, base in (("999", "1"), ("abc", "<script>"), ("-1", "99999999999999999999")):
        response = post(client, edit, valid_form(slug=draft.slug, title="Diubah", version=version, base=base), edit)
        assert response.status_code == 409, (version, base)
    assert _count() == before and fresh(draft.id).title != "Diubah"
    # a stale version on a workflow step
    response = post(client, f"/kelola/inovasi/{draft.slug}/terbitkan", {"version": "999"})
    assert response.status_code == 409 and "baru saja diubah orang lain" in response.get_data(as_text=True)
    assert fresh(draft.id).status == "draft"


def test_returning_without_a_comment_keeps_the_form_and_says_why(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    item = world["submitted"]
    response = post(client, f"/kelola/inovasi/{item.slug}/kembalikan", {"version": str(item.version), "comment": " "})
    assert response.status_code == 400
    assert "Tulis apa yang perlu diperbaiki penulis." in response.get_data(as_text=True)
    assert fresh(item.id).status == "submitted"


# --- CSRF on every POST route of the editing pages ----------------------------------------------

POST_ROUTES = {
    "editing.new": NEW,
    "editing.edit": "/kelola/inovasi/{draft}/ubah",
    "editing.step/ajukan": "/kelola/inovasi/{draft}/ajukan",
    "editing.step/terbitkan": "/kelola/inovasi/{submitted}/terbitkan",
    "editing.step/kembalikan": "/kelola/inovasi/{submitted}/kembalikan",
    "editing.step/arsipkan": "/kelola/inovasi/{published}/arsipkan",
    "editing.step/tarik": "/kelola/inovasi/{submitted}/tarik",
    "editing.restore": "/kelola/inovasi/{draft}/riwayat/1/pulihkan",
    "editing.award_results": "/kelola/penghargaan",
    "editing.confirm_contacts": "/kelola/inovasi/{published}/kontak/konfirmasi",
    "editing.images": "/kelola/inovasi/{draft}/gambar",
    "editing.image_action": "/kelola/inovasi/{draft}/gambar/1/hapus",
    "editing.documents": "/kelola/inovasi/{draft}/dokumen",
    "editing.document_action": "/kelola/inovasi/{draft}/dokumen/1/hapus",
}


def test_every_post_route_of_the_editing_pages_is_listed_here(app):
    from app.editing.views import STEP_PATHS

    found = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("editing.")
             and "POST" in rule.methods}  # fmt: skip
    assert found == {key.split("/")[0] for key in POST_ROUTES}
    assert {key.split("/")[1] for key in POST_ROUTES if "/" in key} == set(STEP_PATHS.values())


@pytest.mark.parametrize("endpoint", sorted(POST_ROUTES))
@pytest.mark.parametrize("csrf", [None, "forged", "IjEyMyI.ZZZZZZ.aaaaaaaaaaaaaaaaaaaaaaaaaaa"])
def test_a_missing_or_forged_csrf_token_gets_a_clear_message_and_changes_nothing(client, world, endpoint, csrf):  # noqa: F811
    from app.editing import services

    services.transition(world["draft"], "submitted", user=world["official"])
    services.transition(world["draft"], "returned", user=world["editor"], comment="x")
    world["draft"].status = "draft"
    # A picture and a document to remove, so that their actions reach the CSRF check.
    world["draft"].images = [factories.image_row(1, alt="Gambar")]
    world["draft"].documents = [factories.document_row(1, "Dokumen")]
    _db.session.commit()
    # Each as someone who may take the step, so that the CSRF check is what refuses it.
    sign_in(client, world["official"] if endpoint == "editing.step/tarik" else world["editor"])
    slugs = {status: world[status].slug for status in ("draft", "submitted", "published")}
    url = POST_ROUTES[endpoint].format(**slugs)
    before = _count(), [tuple(r) for r in _db.session.execute(sa.select(Innovation.__table__)).all()]
    data = valid_form(title="Judul yang diketik", comment="Komentar yang diketik", version="3",
                      competition="KIPP", year="2024", stage="top99", slugs=slugs["published"])  # fmt: skip
    if csrf is not None:
        data["csrf_token"] = csrf
    response = client.post(url, data=data)
    assert response.status_code == 400, (endpoint, response.status_code)
    html = response.get_data(as_text=True)
    assert str(CSRF_MESSAGE) in html, endpoint
    if endpoint in ("editing.new", "editing.edit"):
        assert 'value="Judul yang diketik"' in html
    if endpoint.startswith("editing.step/"):
        assert "Komentar yang diketik" in html
    _db.session.expire_all()
    assert (_count(), [tuple(r) for r in _db.session.execute(sa.select(Innovation.__table__)).all()]) == before
