"""The revision history: every version kept whole, any two compared (escaped), an old one
restored as a new version, nothing ever lost."""

import json

import sqlalchemy as sa

from app.catalog.models import Sector
from app.editing import history, services
from app.editing.models import Revision
from app.extensions import db as _db
from tests.accounts_fixtures import sign_in
from tests.test_editing_world import fresh, post, revisions_of, valid_form, world  # noqa: F401 (fixture)


def _save(client, item, **changes):
    edit = f"/kelola/inovasi/{item.slug}/ubah"
    current = fresh(item.id)
    data = valid_form(slug=current.slug, version=str(current.version), **changes)
    response = post(client, edit, data, edit)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return fresh(item.id)


def test_every_save_keeps_the_whole_case_study_with_who_when_and_why(client, world):  # noqa: F811
    sign_in(client, world["official"])
    item = _save(client, world["draft"], comment="Data 2024")
    first, second = revisions_of(item.id)
    assert (first.action, first.user_id, second.action, second.user_id) == ("baseline", None, "edited",
                                                                               world["official"].id)  # fmt: skip
    assert second.comment == "Data 2024" and second.at is not None
    snapshot = second.snapshot
    assert set(snapshot) == {"front_matter", "body"}
    fields = snapshot["front_matter"]
    assert fields["title"] == "Sistem Informasi Posyandu Banyumas" and fields["region"] == "33.02"
    assert fields["contacts"] == [{"name": "Sri Wahyuni", "email": "sri@example.org", "phone": "+62 812-0000-0101"}]
    assert snapshot["body"].startswith("## Latar Belakang\nData posyandu")
    assert json.loads(second.snapshot_json) == snapshot


def test_the_history_page_compares_any_two_versions_escaped(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    item = world["draft"]
    _save(client, item, title="Versi dua <b>tebal</b>")
    _save(client, item, title="Versi tiga", legal_basis="Perbup <script>alert(1)</script>")
    page = client.get(f"/kelola/inovasi/{item.slug}/riwayat").get_data(as_text=True)
    assert "<ins>+ title: Versi tiga</ins>" in page and "<del>- title: Versi dua &lt;b&gt;tebal&lt;/b&gt;</del>" in page
    assert "Perbup &lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    older = client.get(f"/kelola/inovasi/{item.slug}/riwayat?dari=1&ke=3").get_data(as_text=True)
    assert "Perbedaan versi 1 dan 3" in older and "<del>- title: Inovasi draft Banyumas</del>" in older
    same = client.get(f"/kelola/inovasi/{item.slug}/riwayat?dari=2&ke=2").get_data(as_text=True)
    assert "Tidak ada perbedaan isi." in same


def test_restoring_an_old_version_adds_a_new_one_and_loses_nothing(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    item = world["published"]
    _save(client, item, title="Judul kedua")
    _save(client, item, title="Judul ketiga")
    kept = [r.snapshot_json for r in revisions_of(item.id)]
    current = fresh(item.id)
    response = post(client, f"/kelola/inovasi/{item.slug}/riwayat/1/pulihkan", {"version": str(current.version)})
    assert response.status_code == 302
    item = fresh(item.id)
    assert item.title == "Inovasi published Banyumas" and item.status == "published"
    after = revisions_of(item.id)
    assert [r.snapshot_json for r in after[:3]] == kept  # the old ones untouched
    assert after[3].action == "restored" and after[3].restored_from == 1
    assert after[3].snapshot == after[0].snapshot
    # and the restore itself can be undone: version 3 is still there
    post(client, f"/kelola/inovasi/{item.slug}/riwayat/3/pulihkan", {"version": str(item.version)})
    assert fresh(item.id).title == "Judul ketiga"


def test_a_stale_restore_is_refused_with_a_message(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    item = world["draft"]
    _save(client, item, title="Judul kedua")
    response = post(client, f"/kelola/inovasi/{item.slug}/riwayat/1/pulihkan", {"version": "1"})
    assert response.status_code == 409 and "baru saja diubah orang lain" in response.get_data(as_text=True)
    assert fresh(item.id).title == "Judul kedua"


def test_an_old_version_that_breaks_todays_rules_is_not_restored(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    item = world["draft"]
    _save(client, item, sectors=["pertanian-pangan"])
    _save(client, item, sectors=["kesehatan"])
    # the sector of version 2 has since been renamed in the reference data
    sector = _db.session.scalar(sa.select(Sector).where(Sector.slug == "pertanian-pangan"))
    sector.slug = "pangan"
    _db.session.commit()
    try:
        version = str(fresh(item.id).version)
        response = post(client, f"/kelola/inovasi/{item.slug}/riwayat/2/pulihkan", {"version": version})
        assert response.status_code == 400
        assert "tidak lagi memenuhi aturan" in response.get_data(as_text=True)
        assert [s.slug for s in fresh(item.id).sectors] == ["kesehatan"]
    finally:  # reference data outlives the test: put it back
        _db.session.rollback()
        sector = _db.session.scalar(sa.select(Sector).where(Sector.slug == "pangan"))
        sector.slug = "pertanian-pangan"
        _db.session.commit()


def test_an_imported_case_study_without_history_says_so(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    page = client.get(f"/kelola/inovasi/{world['published'].slug}/riwayat").get_data(as_text=True)
    assert "Belum ada versi yang tercatat." in page


def test_the_diff_is_computed_on_the_file_text():
    old = {"front_matter": {"title": "A", "year": 2020}, "body": "## Inovasi\nSatu.\n"}
    new = {"front_matter": {"title": "A", "year": 2021}, "body": "## Inovasi\nSatu.\nDua.\n"}
    kinds = [(line.kind, line.text) for line in history.diff(old, new) if line.kind != "same"]
    assert kinds[1:] == [("removed", "year: 2020"), ("added", "year: 2021"), ("added", "Dua.")]
    assert history.diff(old, old) == []


def test_an_author_may_read_the_history_but_not_restore(client, world):  # noqa: F811
    services.transition(world["draft"], "submitted", user=world["official"])
    _db.session.commit()
    sign_in(client, world["official"])
    page = client.get(f"/kelola/inovasi/{world['draft'].slug}/riwayat").get_data(as_text=True)
    assert "diajukan untuk ditinjau" in page and "Pulihkan versi" not in page
    assert _db.session.scalar(sa.select(sa.func.count(Revision.id))) == 2
