"""Contacts on the case-study form: several rows without JavaScript ("Tambah kontak"), add,
change, remove, and bad input that is named at its row, keeps what was typed and saves nothing."""

import re

import pytest
import sqlalchemy as sa

from app.catalog.models import Contact, Innovation
from app.content.contacts import MAX_CONTACTS
from app.editing.models import Revision
from app.extensions import db as _db
from tests import factories
from tests.accounts_fixtures import sign_in
from tests.test_editing_world import BANYUMAS, fresh, post, valid_form, world  # noqa: F401 (fixture)

NEW = "/kelola/inovasi/baru"


def _rows(html):
    """The filled contact rows a page shows: ``{n: name value}``."""
    found = re.findall(r'name="contacts-(\d+)-name"[^>]*value="([^"]*)"', html)
    return {int(n): value for n, value in found if value}


def _error(html, field):
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


def _counts():
    _db.session.expire_all()
    return tuple(_db.session.scalar(sa.select(sa.func.count(m.id))) for m in (Innovation, Contact, Revision))


def _contacts(slug):
    _db.session.expire_all()
    item = _db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))
    return [(c.number, c.name, c.position, c.unit, c.email, c.phone, c.whatsapp) for c in item.contacts]


def test_a_new_form_has_one_empty_row_and_tambah_kontak_adds_one_keeping_what_was_typed(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    html = client.get(NEW).get_data(as_text=True)
    assert _rows(html) == {} and 'name="contacts-0-name"' in html and 'name="contacts-1-name"' not in html
    before = _counts()
    response = post(client, NEW, valid_form(**{"contacts-0-name": "Satu", "add_contact": "Tambah kontak"}), NEW)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and _rows(html) == {0: "Satu"} and 'name="contacts-1-name"' in html
    assert 'value="Sistem Informasi Posyandu Banyumas"' in html  # the rest as typed
    assert _counts() == before  # nothing saved


def test_several_contacts_are_saved_in_order_and_empty_rows_are_ignored(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    form = valid_form(
        slug="dua-kontak",
        **{
            "contacts-0-name": "Satu Contoh",
            "contacts-0-position": "Kepala Bidang",
            "contacts-0-unit": "Bidang Pelayanan",
            "contacts-1-name": "",
            "contacts-2-name": "Dua Contoh",
            "contacts-2-phone": "0812-0000-0002",
            "contacts-2-whatsapp": "y",
        },
    )
    response = post(client, NEW, form, NEW)
    assert response.status_code == 302, _rows(response.get_data(as_text=True))
    assert _contacts("dua-kontak") == [
        (1, "Satu Contoh", "Kepala Bidang", "Bidang Pelayanan", "sri@example.org", "+62 812-0000-0101", False),
        (2, "Dua Contoh", None, None, None, "0812-0000-0002", True),
    ]
    # the edit form shows both, and one more empty row
    html = client.get("/kelola/inovasi/dua-kontak/ubah").get_data(as_text=True)
    assert _rows(html) == {0: "Satu Contoh", 1: "Dua Contoh"} and 'name="contacts-2-name"' in html


def test_an_author_changes_and_removes_contacts(client, world):  # noqa: F811
    item = world["draft"]
    contacts = [{"name": "Lama", "email": "lama@example.org"}, {"name": "Tetap", "email": "tetap@example.org"}]
    item.contacts = [Contact(number=n, **c) for n, c in enumerate(contacts, start=1)]
    _db.session.commit()
    sign_in(client, world["official"])
    edit = f"/kelola/inovasi/{item.slug}/ubah"
    form = valid_form(slug=item.slug, version=str(fresh(item.id).version), **{
        "contacts-0-name": "Lama", "contacts-0-email": "lama@example.org", "contacts-0-remove": "y",
        "contacts-1-name": "Tetap Diubah", "contacts-1-email": "tetap@example.org", "contacts-1-phone": "",
    })  # fmt: skip
    response = post(client, edit, form, edit)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert _contacts(item.slug) == [(1, "Tetap Diubah", None, None, "tetap@example.org", None, False)]
    snapshot = _db.session.scalars(sa.select(Revision).order_by(Revision.id.desc())).first().snapshot
    assert snapshot["front_matter"]["contacts"] == [{"name": "Tetap Diubah", "email": "tetap@example.org"}]


# (row values, field, words of the message)
BAD_ROWS = [
    ({"contacts-1-name": "Dua", "contacts-1-email": "bukan-email"}, "contacts-1-email", "bukan alamat email"),
    ({"contacts-1-name": "Dua"}, "contacts-1-email", "Isi email atau nomor telepon"),
    ({"contacts-1-email": "dua@example.org"}, "contacts-1-name", "Wajib diisi."),
    ({"contacts-1-name": "Dua", "contacts-1-phone": "+1 555 0100"}, "contacts-1-phone", "nomor telepon Indonesia"),
    ({"contacts-1-name": "D" * 201, "contacts-1-phone": "0812-0000-0001"}, "contacts-1-name", "Paling banyak 200"),
    ({"contacts-1-name": "Dua", "contacts-1-unit": "u" * 301, "contacts-1-phone": "0812-0000-0001"},
     "contacts-1-unit", "Paling banyak 300"),
    ({"contacts-1-name": "<script>alert(1)</script>", "contacts-1-phone": "0812-0000-0001"},
     "contacts-1-name", "Tidak boleh berisi tanda &lt; atau &gt;"),
    ({"contacts-1-name": "Dua", "contacts-1-email": "dua@example.org", "contacts-1-whatsapp": "y"},
     "contacts-1-phone", "Untuk WhatsApp"),
    ({"contacts-1-name": "Dua", "contacts-1-email": "dua@example.org", "contacts-1-confirmed_on": "2999-01-01"},
     "contacts-1-name", "Tanggal konfirmasi tidak sah."),
]  # fmt: skip


@pytest.mark.parametrize(("row", "field", "words"), BAD_ROWS, ids=[b[1] + str(i) for i, b in enumerate(BAD_ROWS)])
def test_a_bad_contact_is_named_at_its_row_keeps_what_was_typed_and_saves_nothing(client, world, row, field, words):  # noqa: F811
    sign_in(client, world["editor"])
    before = _counts()
    # an empty row between them: the problem is still shown at the row it came from
    response = post(client, NEW, valid_form(**{"contacts-1-name": "", **row}), NEW)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert words in _error(html, field), (field, _error(html, field))
    assert "Tidak sah:" not in html and "Periksa isian yang ditandai" in html
    assert _rows(html)[0] == "Sri Wahyuni"
    assert "<script>alert(1)</script>" not in html
    assert _counts() == before


def test_at_most_ten_rows(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    rows = {f"contacts-{n}-name": f"Orang {n}" for n in range(MAX_CONTACTS)}
    rows |= {f"contacts-{n}-email": f"orang{n}@example.org" for n in range(MAX_CONTACTS)}
    response = post(client, NEW, valid_form(**rows, add_contact="Tambah kontak"), NEW)
    html = response.get_data(as_text=True)
    assert len(_rows(html)) == MAX_CONTACTS and "Paling banyak 10 kontak." in html
    assert 'name="add_contact"' not in html
    extra = {f"contacts-{MAX_CONTACTS}-name": "Kesebelas", f"contacts-{MAX_CONTACTS}-email": "x@example.org"}
    response = post(client, NEW, valid_form(**rows, **extra, slug="sepuluh"), NEW)
    assert response.status_code == 302
    assert len(_contacts("sepuluh")) == MAX_CONTACTS  # the eleventh row is not read


def test_an_official_may_not_confirm_or_edit_another_owners_contacts(client, world):  # noqa: F811
    other = factories.innovation("Inovasi Brebes", region="33.29", slug="inovasi-brebes", status="draft",
                                 contacts=[{"name": "Brebes", "email": "b@example.org"}])  # fmt: skip
    _db.session.commit()
    sign_in(client, world["official"])  # of Banyumas
    confirm = "/kelola/inovasi/{}/kontak/konfirmasi"
    # a draft of another owner does not exist for them; a published one they may see but not confirm
    assert post(client, confirm.format(other.slug), {}).status_code == 404
    published = world["published"]
    published.owner = world["brebes"]
    published.contacts = [Contact(number=1, name="Pub", email="p@example.org")]
    _db.session.commit()
    assert post(client, confirm.format(published.slug), {}).status_code == 403
    assert post(client, confirm.format(2**31), {}).status_code == 404
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count()).where(Contact.confirmed_on.is_not(None))) == 0


def test_an_author_without_a_role_any_more_reads_the_history_without_the_contacts(client, world):  # noqa: F811
    item = world["draft"]
    sign_in(client, world["editor"])
    edit = f"/kelola/inovasi/{item.slug}/ubah"
    form = valid_form(slug=item.slug, version=str(item.version), **{"contacts-0-name": "Nama Pribadi Sekali"})
    assert post(client, edit, form, edit).status_code == 302
    history = f"/kelola/inovasi/{item.slug}/riwayat"
    assert "Nama Pribadi Sekali" in client.get(history).get_data(as_text=True)
    author = world["official"]
    author.set_roles([])
    _db.session.commit()
    sign_in(client, author)
    page = client.get(history)
    assert page.status_code == 200 and "Nama Pribadi Sekali" not in page.get_data(as_text=True)
    assert "sri@example.org" not in page.get_data(as_text=True)
