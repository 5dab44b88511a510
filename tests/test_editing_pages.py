"""Editing in the browser (test client): write, submit, return, resubmit, publish, restore;
the preview; conflicts between two editors; what officials may not change."""

import sqlalchemy as sa

from app.catalog.models import Innovation
from app.editing.models import Revision
from app.extensions import db as _db
from app.replication import services as replication_services
from tests import factories
from tests.accounts_fixtures import sign_in
from tests.test_editing_world import BANYUMAS, fresh, post, revisions_of, token, valid_form, world  # noqa: F401

NEW = "/kelola/inovasi/baru"


def _by_slug(slug):
    _db.session.expire_all()
    return _db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))


def _public(client, path):
    """A page as the public sees it: a client with nobody signed in."""
    anonymous = client.application.test_client()
    return anonymous.get(path)


def test_an_official_writes_an_editor_returns_the_official_fixes_and_the_editor_publishes(app, client, world):  # noqa: F811
    sign_in(client, world["official"])
    form = client.get(NEW).get_data(as_text=True)
    # the guided sections are fields of their own, each with its hint
    assert "Kabupaten Banyumas" in form and '<label for="section_background">Latar Belakang</label>' in form
    assert '<label for="section_replication">Cara Mereplikasi</label>' in form and "dasar hukum, anggaran" in form
    assert 'name="owner_kind"' not in form and 'name="awards"' not in form  # fixed for an official

    response = post(client, NEW, valid_form(save=None, save_and_submit="Simpan dan ajukan untuk ditinjau"), NEW)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    item = _by_slug("sistem-informasi-posyandu-banyumas")
    assert response.headers["Location"].endswith(f"/inovasi/{item.slug}")
    assert (item.status, item.owner.region_code, item.created_by_id) == ("submitted", BANYUMAS, world["official"].id)
    assert item.body_md == "## Latar Belakang\nData posyandu terlambat sebulan.\n\n## Inovasi\nAplikasi kader.\n"
    assert item.edited_at is not None and item.source_path is None
    assert [r.action for r in revisions_of(item.id)] == ["created", "submitted"]
    assert _public(client, f"/inovasi/{item.slug}").status_code == 404
    assert item.title not in _public(client, "/inovasi").get_data(as_text=True)
    page = client.get(f"/inovasi/{item.slug}").get_data(as_text=True)
    assert "Diajukan, menunggu tinjauan" in page and "belum tampil untuk umum" in page

    editor = app.test_client()
    sign_in(editor, world["editor"])
    queue = editor.get("/kelola/inovasi").get_data(as_text=True)
    assert "Menunggu tinjauan" in queue and item.title in queue
    version = str(fresh(item.id).version)
    response = post(editor, f"/kelola/inovasi/{item.slug}/kembalikan", {"comment": "Tambahkan angka hasil.",
                                                                        "version": version})  # fmt: skip
    assert response.status_code == 302
    assert fresh(item.id).status == "returned"
    mine = client.get("/kelola/inovasi").get_data(as_text=True)
    assert "Dikembalikan untuk diperbaiki" in mine and "Tambahkan angka hasil." in mine

    edit = f"/kelola/inovasi/{item.slug}/ubah"
    page = client.get(edit).get_data(as_text=True)
    assert "Aplikasi kader." in page
    item = fresh(item.id)
    base = str(revisions_of(item.id)[-1].number)
    fixed = valid_form(body="## Hasil dan Dampak\nBalita berisiko terpantau 2 hari, bukan 30.\n", save=None,
                       save_and_submit="x", version=str(item.version), base=base, comment="Angka ditambahkan")  # fmt: skip
    response = post(client, edit, fixed, edit)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert fresh(item.id).status == "submitted"

    item = fresh(item.id)
    response = post(editor, f"/kelola/inovasi/{item.slug}/terbitkan", {"version": str(item.version)})
    assert response.status_code == 302
    item = fresh(item.id)
    assert item.status == "published" and item.is_public
    assert item.title in _public(client, "/inovasi").get_data(as_text=True)
    public = _public(client, f"/inovasi/{item.slug}").get_data(as_text=True)
    assert "Balita berisiko terpantau" in public and "Status:" not in public
    actions = [(r.action, r.status_from, r.status_to) for r in revisions_of(item.id)]
    assert actions == [("created", None, "draft"), ("submitted", "draft", "submitted"),
                       ("returned", "submitted", "returned"), ("edited", "returned", "returned"),
                       ("submitted", "returned", "submitted"), ("published", "submitted", "published")]  # fmt: skip

    # the editor restores the first version: a new revision, still published
    response = post(editor, f"/kelola/inovasi/{item.slug}/riwayat/1/pulihkan", {"version": str(item.version)})
    assert response.status_code == 302
    item = fresh(item.id)
    assert item.status == "published" and "Aplikasi kader." in item.body_html
    public = _public(client, f"/inovasi/{item.slug}").get_data(as_text=True)
    assert "Aplikasi kader." in public and "Balita berisiko terpantau" not in public
    last = revisions_of(item.id)[-1]
    assert (last.number, last.action, last.restored_from, last.user_id) == (7, "restored", 1, world["editor"].id)


def test_a_preview_shows_the_sanitised_body_keeps_the_form_and_saves_nothing(client, world):  # noqa: F811
    sign_in(client, world["official"])
    body = '## Inovasi\n**Tebal** <script>alert(1)</script> <a href="javascript:alert(2)" onclick="x()">tautan</a>\n'
    response = post(client, NEW, valid_form(body=body, title="Judul <b>uji</b>", save=None, preview="Pratinjau"), NEW)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    preview = html.split('id="preview-h"', 1)[1].split("</section>", 1)[0]
    assert "<strong>Tebal</strong>" in preview
    assert "<script>alert" not in preview and "javascript:" not in preview and "onclick" not in preview
    assert 'value="Judul &lt;b&gt;uji&lt;/b&gt;"' in html  # what was typed, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the textarea keeps the source
    assert _db.session.scalar(sa.select(sa.func.count(Innovation.id))) == 5  # the world's only


def test_a_slug_is_made_from_the_title_and_never_taken_twice(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    for _ in range(2):
        assert post(client, NEW, valid_form(title="Inovasi draft Banyumas"), NEW).status_code == 302
    slugs = set(_db.session.scalars(sa.select(Innovation.slug).where(Innovation.slug.like("inovasi-draft-banyumas%"))))
    assert slugs == {"inovasi-draft-banyumas", "inovasi-draft-banyumas-2"}
    response = post(client, NEW, valid_form(slug="inovasi-draft"), NEW)
    assert response.status_code == 400 and "Slug ini sudah dipakai studi kasus lain." in response.get_data(as_text=True)


def test_an_official_cannot_choose_another_owner_awards_or_the_sample_label(client, world):  # noqa: F811
    sign_in(client, world["official"])
    data = valid_form(owner_kind="ministry", owner="Kementerian Palsu", region="33.29", awards="KIPP 2024 top99",
                      sample="y", title="Usaha Mengganti Pemilik")  # fmt: skip
    assert post(client, NEW, data, NEW).status_code == 302
    item = _by_slug("usaha-mengganti-pemilik")
    assert (item.owner.region_code, item.owner.kind, item.region_code) == (BANYUMAS, "regency", BANYUMAS)
    assert item.awards == [] and item.sample is False


def test_an_editor_edits_a_published_case_study_and_it_stays_published(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    item = world["published"]
    edit = f"/kelola/inovasi/{item.slug}/ubah"
    assert "Ringkasan inovasi uji." in client.get(edit).get_data(as_text=True)
    data = valid_form(title=item.title, slug=item.slug, version=str(item.version), awards="KIPP 2023 top45",
                      comment="Hasil KIPP 2023")  # fmt: skip
    assert post(client, edit, data, edit).status_code == 302
    item = fresh(item.id)
    assert item.status == "published" and [(a.year, a.stage) for a in item.awards] == [(2023, "top45")]
    # the imported version it started from is kept before the edit
    assert [r.action for r in revisions_of(item.id)] == ["baseline", "edited"]
    assert revisions_of(item.id)[0].snapshot["front_matter"]["summary"] == "Ringkasan inovasi uji."


def test_saving_what_was_loaded_unchanged_adds_no_revision(client, world):  # noqa: F811
    sign_in(client, world["official"])
    item = world["draft"]
    edit = f"/kelola/inovasi/{item.slug}/ubah"
    page = client.get(edit).get_data(as_text=True)
    assert 'value="inovasi-draft"' in page
    data = {"title": item.title, "slug": item.slug, "institution": item.institution.name, "year": "2020",
            "stage": "implemented", "sectors": ["kesehatan"], "language": "id", "summary": item.summary,
            "body": item.body_md, "version": str(item.version), "save": "Simpan"}  # fmt: skip
    assert post(client, edit, data, edit).status_code == 302
    assert fresh(item.id).version == item.version and revisions_of(item.id) == []


def test_two_editors_saving_at_once_the_second_sees_the_others_changes(app, world):  # noqa: F811
    first, second = app.test_client(), app.test_client()
    sign_in(first, world["editor"])
    sign_in(second, world["admin"])
    item = world["published"]
    edit = f"/kelola/inovasi/{item.slug}/ubah"
    loaded = str(item.version)
    common = {"slug": item.slug, "version": loaded, "base": ""}
    ok = post(first, edit, valid_form(title="Judul dari editor pertama", **common), edit)
    assert ok.status_code == 302
    late = post(second, edit, valid_form(title="Judul dari admin", summary="Ringkasan admin.", **common), edit)
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert "Orang lain sudah menyimpan studi kasus ini lebih dulu." in html
    assert "<ins>+ title: Judul dari editor pertama</ins>" in html  # the stored version, as a diff
    assert 'value="Judul dari admin"' in html and "Ringkasan admin." in html  # what they typed is kept
    assert fresh(item.id).title == "Judul dari editor pertama"
    # the page now carries the stored version: saving again is a deliberate choice
    again = valid_form(title="Judul dari admin", slug=item.slug, version=str(fresh(item.id).version))
    assert post(second, edit, again, edit).status_code == 302
    assert fresh(item.id).title == "Judul dari admin"
    assert [r.action for r in revisions_of(item.id)] == ["baseline", "edited", "edited"]


def test_the_conflict_names_what_the_other_changed_since_the_loaded_revision(app, world):  # noqa: F811
    first, second = app.test_client(), app.test_client()
    sign_in(first, world["editor"])
    sign_in(second, world["official"])
    item = world["draft"]
    edit = f"/kelola/inovasi/{item.slug}/ubah"
    assert post(first, edit, valid_form(slug=item.slug, version=str(item.version)), edit).status_code == 302
    base, version = str(revisions_of(item.id)[-1].number), str(fresh(item.id).version)
    assert post(first, edit, valid_form(slug=item.slug, version=version, base=base,
                                        legal_basis="Perbup 99/2024"), edit).status_code == 302  # fmt: skip
    late = post(second, edit, valid_form(slug=item.slug, version=version, base=base, summary="Versi pejabat."), edit)
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert "dari versi yang Anda buka ke versi yang tersimpan sekarang" in html
    assert "<del>- legal_basis: Peraturan Bupati Banyumas Nomor 12 Tahun 2023</del>" in html
    assert "<ins>+ legal_basis: Perbup 99/2024</ins>" in html and "summary" not in html.split("<pre", 1)[1][:600]


def test_a_replication_logged_meanwhile_is_not_a_conflict(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    item = world["published"]
    edit = f"/kelola/inovasi/{item.slug}/ubah"
    client.get(edit)
    loaded = item.version
    # in between, a coordinator moves a replication to piloting: the count changes, the text does not
    replication_services.create(fresh(item.id), factories.owner("regency", "33.29"), "piloting", user=world["editor"])
    _db.session.commit()
    assert fresh(item.id).replication_count == 1
    response = post(client, edit, valid_form(slug=item.slug, title="Judul baru", version=str(loaded)), edit)
    assert response.status_code == 302
    assert (fresh(item.id).title, fresh(item.id).replication_count) == ("Judul baru", 1)


def test_a_version_moved_by_anything_but_the_text_is_not_a_conflict(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    item = world["published"]
    edit = f"/kelola/inovasi/{item.slug}/ubah"
    assert post(client, edit, valid_form(slug=item.slug, version=str(item.version)), edit).status_code == 302
    number, loaded = revisions_of(item.id)[-1].number, fresh(item.id).version
    stored = fresh(item.id)
    stored.replication_count = 5  # a counter kept on the row: the version moves, the text does not
    _db.session.commit()
    assert fresh(item.id).version == loaded + 1
    again = valid_form(slug=item.slug, title="Judul lagi", version=str(loaded), base=str(number))
    assert post(client, edit, again, edit).status_code == 302
    assert fresh(item.id).title == "Judul lagi"
    # without the revision that was on screen, the version alone decides
    stale = valid_form(slug=item.slug, title="Judul ketiga", version=str(loaded))
    assert post(client, edit, stale, edit).status_code == 409


def test_the_nav_link_and_the_dashboard_show_the_right_lists(client, world):  # noqa: F811
    sign_in(client, world["official"])
    page = client.get("/").get_data(as_text=True)
    assert 'href="/kelola/inovasi"' in page and "Studi kasus saya" in page
    mine = client.get("/kelola/inovasi").get_data(as_text=True)
    assert all(f"Inovasi {s} Banyumas" in mine for s in ("draft", "submitted", "published", "returned", "archived"))
    assert "Menunggu tinjauan" not in mine
    sign_in(client, world["other_official"])
    assert "Inovasi draft Banyumas" not in client.get("/kelola/inovasi").get_data(as_text=True)
    sign_in(client, world["coordinator"])
    assert 'href="/kelola/inovasi"' not in client.get("/").get_data(as_text=True)


def test_an_archived_case_study_leaves_the_catalogue_and_comes_back(app, client, world):  # noqa: F811
    sign_in(client, world["editor"])
    item = world["published"]
    assert post(client, f"/kelola/inovasi/{item.slug}/arsipkan", {"version": str(item.version)}).status_code == 302
    assert fresh(item.id).status == "archived"
    assert _public(client, f"/inovasi/{item.slug}").status_code == 404
    assert client.get(f"/inovasi/{item.slug}").status_code == 200  # the editor still sees it
    again = post(client, f"/kelola/inovasi/{item.slug}/terbitkan", {"version": str(fresh(item.id).version)})
    assert again.status_code == 302 and fresh(item.id).status == "published"
    assert _public(client, f"/inovasi/{item.slug}").status_code == 200
    assert [r.action for r in revisions_of(item.id)] == ["baseline", "archived", "published"]
    assert _db.session.scalar(sa.select(sa.func.count(Revision.id))) == 3
