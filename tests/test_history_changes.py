"""The revision history says which fields changed, in the form's words, with the words of a
text that were removed and added; by default it compares the newest version with the last one
whose content differs (a publish step changes nothing, so comparing with it showed nothing)."""

import re

from hypothesis import given
from hypothesis import strategies as st

from app.editing import services
from app.editing.fielddiff import changes, words
from tests.accounts_fixtures import sign_in
from tests.test_editing_history import _save
from tests.test_editing_world import fresh, revisions_of, world  # noqa: F401 (fixture)

WORDS = st.lists(st.sampled_from(["air", "bersih", "desa", "warga", "antre", "<b>", "—", "12", "ibu", "hamil"]),
                 max_size=40).map(" ".join)  # fmt: skip


SHORT = st.lists(st.sampled_from(["air", "bersih", "desa", "<b>", "—", "12"]), max_size=10).map(" ".join)


@given(old=SHORT, new=SHORT)
def test_the_word_diff_rebuilds_both_texts(old, new):
    # Short texts: no unchanged stretch is long enough to be cut.
    parts = words(old, new)
    assert all(p.kind != "gap" for p in parts)
    assert "".join(p.text for p in parts if p.kind in ("same", "removed")) == old
    assert "".join(p.text for p in parts if p.kind in ("same", "added")) == new


@given(
    old=st.lists(WORDS, min_size=1, max_size=8).map("\n".join),
    new=st.lists(WORDS, min_size=1, max_size=8).map("\n".join),
)
def test_a_long_text_keeps_every_change_and_cuts_only_what_is_the_same(old, new):
    parts = words(old, new)
    removed = "".join(p.text for p in parts if p.kind == "removed")
    added = "".join(p.text for p in parts if p.kind == "added")
    assert len(removed) + sum(len(p.text) for p in parts if p.kind == "same") <= len(old)
    if old == new:
        assert not removed and not added
    else:
        assert removed or added


def test_only_changed_fields_are_named_in_the_forms_words(app):
    old = {"front_matter": {"title": "A", "stage": "trial", "sectors": ["kesehatan"], "digital": False}, "body": "x"}
    new = {"front_matter": {"title": "A", "stage": "institutionalized", "sectors": ["kesehatan"], "digital": True},
           "body": "x"}  # fmt: skip
    with app.test_request_context():
        found = {c.key: (c.label, c.old, c.new) for c in changes(old, new)}
    assert set(found) == {"stage", "digital"}
    assert found["digital"] == ("Layanan digital", "tidak", "ya")
    assert found["stage"] == ("Tahap inovasi", "Uji coba", "Melembaga")


def test_the_page_names_the_fields_and_skips_steps_that_changed_nothing(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    item = world["draft"]
    _save(client, item, summary="Warga antre <b>lama</b> di kantor desa untuk surat keterangan.")
    _save(client, item, summary="Warga mengurus surat keterangan dari rumah lewat aplikasi desa.")
    services.transition(fresh(item.id), "published", user=world["editor"])  # a step: no field changes
    services.db.session.commit()
    page = client.get(f"/kelola/inovasi/{item.slug}/riwayat").get_data(as_text=True)
    heading = re.search(r'<h2 id="diff-h">([^<]+)</h2>', page).group(1)
    numbers = [r.number for r in revisions_of(item.id)]  # baseline, two saves, the publish step
    assert heading == f"Perbedaan versi {numbers[-3]} dan {numbers[-1]}"  # the step is skipped
    assert "Tidak ada perbedaan isi" not in page
    changed = re.search(r'<dl class="field-changes">(.*?)</dl>', page, re.S).group(1)
    assert "<dt>Ringkasan</dt>" in changed and "summary" not in changed
    removed = re.findall(r"<del>(.*?)</del>", changed, re.S)
    added = re.findall(r"<ins>(.*?)</ins>", changed, re.S)
    assert any("&lt;b&gt;lama&lt;/b&gt;" in text for text in removed), removed
    assert any("rumah" in text for text in added), added
    assert "<ins>" in changed and "rumah" in changed and "<b>lama" not in page
    assert "1 isian berubah: Ringkasan." in page
    # The file view stays one click away.
    assert "Lihat sebagai berkas studi kasus" in page and "<ins>+ summary:" in page
