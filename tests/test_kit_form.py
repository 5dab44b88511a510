"""The replication kit on the case-study form: step and pitfall rows without JavaScript,
saved, shown again, kept in the history and restored; bad input named at its row, keeping
what was typed and saving nothing."""

import re

import pytest
import sqlalchemy as sa

from app.catalog.models import Innovation
from app.content.kit import MAX_STEPS
from app.editing import services
from app.editing.models import Revision
from app.extensions import db as _db
from tests.accounts_fixtures import sign_in
from tests.test_editing_world import fresh, post, valid_form, world  # noqa: F401 (fixture)

NEW = "/kelola/inovasi/baru"
ROWS = {
    "kit_steps-0-step": "Tetapkan peraturan bupati",
    "kit_steps-0-weeks": "6",
    "kit_steps-1-step": "Latih petugas",
    "kit_steps-1-weeks": "",
    "kit_pitfalls-0-text": "Jangan mulai tanpa anggaran",
}


def _error(html, field):
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


def _item(slug):
    _db.session.expire_all()
    return _db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))


def _counts():
    _db.session.expire_all()
    return tuple(_db.session.scalar(sa.select(sa.func.count(m.id))) for m in (Innovation, Revision))


def test_the_kit_is_saved_shown_again_kept_in_the_history_and_restored(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    response = post(client, NEW, valid_form(slug="paket-form", **ROWS), NEW)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    item = _item("paket-form")
    assert item.kit_steps == [{"step": "Tetapkan peraturan bupati", "weeks": 6}, {"step": "Latih petugas"}]
    assert item.kit_pitfalls == ["Jangan mulai tanpa anggaran"]
    snapshot = _db.session.scalars(sa.select(Revision).order_by(Revision.id.desc())).first().snapshot
    assert snapshot["front_matter"]["kit"]["steps"][0] == {"step": "Tetapkan peraturan bupati", "weeks": 6}
    edit = "/kelola/inovasi/paket-form/ubah"
    html = client.get(edit).get_data(as_text=True)
    assert 'value="Tetapkan peraturan bupati"' in html and 'value="6"' in html
    assert 'name="kit_steps-2-step"' in html and 'name="kit_pitfalls-1-text"' in html  # one empty row more
    # emptied, then the first version restored
    emptied = valid_form(slug="paket-form", version=str(fresh(item.id).version))
    assert post(client, edit, emptied, edit).status_code == 302
    assert _item("paket-form").kit_steps is None and _item("paket-form").kit_pitfalls is None
    item = _item("paket-form")
    services.restore(item, 1, user=world["editor"], expected_version=item.version)
    _db.session.commit()
    assert _item("paket-form").kit_pitfalls == ["Jangan mulai tanpa anggaran"]


def test_removing_a_row(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    response = post(client, NEW, valid_form(slug="paket-hapus", **ROWS, **{"kit_steps-0-remove": "y"}), NEW)
    assert response.status_code == 302
    assert _item("paket-hapus").kit_steps == [{"step": "Latih petugas"}]


@pytest.mark.parametrize(
    ("button", "row"), [("add_kit_step", "kit_steps-2-step"), ("add_kit_pitfall", "kit_pitfalls-1-text")]
)
def test_adding_a_row_keeps_what_was_typed(client, world, button, row):  # noqa: F811
    sign_in(client, world["editor"])
    before = _counts()
    response = post(client, NEW, valid_form(**ROWS, **{button: "Tambah"}), NEW)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'name="{row}"' in html and 'value="Tetapkan peraturan bupati"' in html
    assert _counts() == before


def test_at_most_fifteen_steps(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    rows = {f"kit_steps-{n}-step": f"Langkah {n}" for n in range(MAX_STEPS + 1)}
    assert post(client, NEW, valid_form(**rows, slug="banyak-langkah"), NEW).status_code == 302
    assert len(_item("banyak-langkah").kit_steps) == MAX_STEPS  # a sixteenth row is not read
    assert 'name="add_kit_step"' not in client.get("/kelola/inovasi/banyak-langkah/ubah").get_data(as_text=True)


BAD = [
    ({"kit_steps-1-weeks": "0"}, "kit_steps-1-weeks", "Paling sedikit 1."),
    ({"kit_steps-1-weeks": "521"}, "kit_steps-1-weeks", "Paling banyak 520."),
    ({"kit_steps-1-weeks": "dua"}, "kit_steps-1-weeks", "Tulis bilangan bulat"),
    ({"kit_steps-1-weeks": "-3"}, "kit_steps-1-weeks", "Tidak boleh negatif."),
    ({"kit_steps-1-step": "", "kit_steps-1-weeks": "3"}, "kit_steps-1-step", "Wajib diisi."),
    ({"kit_steps-1-step": "x" * 301}, "kit_steps-1-step", "Paling banyak 300 karakter."),
    ({"kit_steps-1-step": "<b>x</b>"}, "kit_steps-1-step", "Tidak boleh berisi tanda &lt;"),
    ({"kit_pitfalls-0-text": "y" * 501}, "kit_pitfalls-0-text", "Paling banyak 500 karakter."),
]


@pytest.mark.parametrize(("values", "field", "words"), BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_bad_rows_are_named_at_their_field_keep_what_was_typed_and_save_nothing(client, world, values, field, words):  # noqa: F811
    sign_in(client, world["editor"])
    before = _counts()
    response = post(client, NEW, valid_form(**{**ROWS, **values}), NEW)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert words in _error(html, field), (field, _error(html, field), re.findall(r'class="error"[^>]*>(.*?)<', html))
    assert 'value="Tetapkan peraturan bupati"' in html
    assert _counts() == before
