"""Which innovations an activity may name: the members' from a list, any other published
case study by its address; never a draft, never a list of the whole catalogue."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.networks.models import Activity
from tests import factories
from tests.accounts_fixtures import networks, people, sign_in, submit  # noqa: F401
from tests.test_networks import JATIM, _activity, _state


@pytest.fixture
def catalogue(db, networks):  # noqa: F811
    f = factories
    items = {
        "member": f.innovation("Inovasi Anggota Surabaya", kind="city", region="35.78", slug="anggota-surabaya"),
        "outside": f.innovation("Inovasi Luar Makassar", kind="city", region="73.71", slug="luar-makassar"),
        "draft": f.innovation("Draf Surabaya", kind="city", region="35.78", slug="draf-surabaya", status="draft"),
        "other_draft": f.innovation("Draf Luar", kind="city", region="73.71", slug="draf-luar", status="draft"),
    }
    db.session.commit()
    return {name: item.id for name, item in items.items()}


@pytest.fixture
def signed_in(client, people):  # noqa: F811
    sign_in(client, people["coordinator"])
    return client


def test_the_form_lists_only_the_members_published_innovations(signed_in, catalogue):
    page = signed_in.get(f"{JATIM}/kegiatan/baru").get_data(as_text=True)
    assert "Inovasi Anggota Surabaya" in page
    assert "Inovasi Luar Makassar" not in page and "Draf Surabaya" not in page


@pytest.mark.parametrize(
    "named",
    ["luar-makassar", "http://localhost/inovasi/luar-makassar", "https://suar.example/inovasi/luar-makassar/?ref=x"],
)
def test_another_innovation_is_named_by_its_address(signed_in, catalogue, named):
    data = _activity(innovations=[str(catalogue["member"])], other_innovations=f"\n {named} \n")
    response = submit(signed_in, f"{JATIM}/kegiatan/baru", data)
    assert response.status_code == 302
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Inovasi Anggota Surabaya" in page and "Inovasi Luar Makassar" in page
    # Editing keeps it: the form now offers it, ticked.
    activity_id = _db.session.scalar(sa.select(Activity.id))
    form = signed_in.get(f"{JATIM}/kegiatan/{activity_id}/ubah").get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="innovations"[^>]*>', form)
    assert [b for b in boxes if f'value="{catalogue["outside"]}"' in b and "checked" in b], boxes


BAD = {
    "unknown case study": (
        "tidak-ada-inovasi-ini",
        "Tidak ada studi kasus terbit dengan alamat “tidak-ada-inovasi-ini”",
    ),
    "a draft": ("draf-luar", "Tidak ada studi kasus terbit dengan alamat “draf-luar”"),
    "a draft of a member": ("/inovasi/draf-surabaya", "Tidak ada studi kasus terbit"),
    "script tag": ("<script>alert(1)</script>", "bukan alamat studi kasus"),
    "SQL fragment": ("x' OR '1'='1", "bukan alamat studi kasus"),
    "path traversal": ("../../etc/passwd", "bukan alamat studi kasus"),
    "too many": (",".join(["luar-makassar"] * 21), "Paling banyak 20 studi kasus."),
    "too long": ("a" * 4001, "Paling banyak 4000 karakter."),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_addresses_are_refused_and_change_nothing(signed_in, catalogue, case):
    named, message = BAD[case]
    before = _state()
    response = submit(signed_in, f"{JATIM}/kegiatan/baru", _activity(other_innovations=named))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert 'value="Kunjungan belajar ke Surabaya"' in page  # what was typed is kept
    assert "<script>alert(1)</script>" not in page
    assert _state() == before


def test_an_innovation_outside_the_list_cannot_be_posted_by_id(signed_in, catalogue):
    before = _state()
    response = submit(signed_in, f"{JATIM}/kegiatan/baru", _activity(innovations=[str(catalogue["outside"])]))
    assert response.status_code == 200 and "Ada pilihan yang tidak sah." in response.get_data(as_text=True)
    assert _state() == before
