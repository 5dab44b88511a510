"""A coordinator adds several members at once, one region per line by name or code; one
line that names no region, or several, and nobody is added; members already there are
skipped and named."""

import re

import pytest
import sqlalchemy as sa

from app.forms import CSRF_MESSAGE
from app.networks.models import Membership
from tests.accounts_fixtures import add_member, csrf_token, networks, people, sign_in  # noqa: F401 (fixtures)

URL = "/jaringan/jipp-jawa-timur/anggota"


def _members(db, network):
    db.session.expire_all()
    return sorted(db.session.scalars(sa.select(Membership.owner_id).where(Membership.network_id == network.id)))


def _send(client, text, **extra):
    data = {"bulk-regions": text, "bulk-role": "member", "bulk-csrf_token": csrf_token(client, URL), **extra}
    return client.post(f"{URL}/banyak", data=data)


def test_several_members_by_name_and_code_with_those_already_there_skipped(client, db, networks, people):  # noqa: F811
    add_member(networks["jatim"], "35.73")  # Kota Malang is already a member
    db.session.commit()
    sign_in(client, people["coordinator"])
    before = len(_members(db, networks["jatim"]))
    answer = _send(client, "Kabupaten Lumajang\nkab. jember\n35.09\n\nKota Malang (35.73)\n35.78")
    assert answer.status_code == 302
    page = client.get(URL).get_data(as_text=True)
    # 35.09 is Jember: named twice, added once; Malang and Surabaya (35.78) were members already
    assert "2 anggota ditambahkan. Sudah anggota: Kota Malang, Kota Surabaya." in page
    assert len(_members(db, networks["jatim"])) == before + 2
    assert "Kabupaten Lumajang" in page and "Kabupaten Jember" in page


@pytest.mark.parametrize(
    ("text", "words"),
    [("Kabupaten Lumajang\nAtlantis", "Baris 2: Tidak ada Atlantis di daftar"),
     ("Bandung\nKabupaten Lumajang", "Baris 1: Bandung bisa berarti beberapa daerah"),
     ("<script>alert(1)</script>", "Baris 1: Tidak ada &lt;script&gt;"),
     ("35.08' OR 1=1 --", "Tidak ada 35.08&#39; OR 1=1 --"),
     ("\n".join(["35.08"] * 101), "Paling banyak 100 baris sekaligus."),
     ("", "Wajib diisi.")],
)  # fmt: skip
def test_one_bad_line_and_nobody_is_added(client, db, networks, people, text, words):  # noqa: F811
    sign_in(client, people["coordinator"])
    before = _members(db, networks["jatim"])
    answer = _send(client, text)
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert words in html, html[html.find("bulk-regions-error") - 50 :][:600]
    assert _members(db, networks["jatim"]) == before
    assert '<details class="bulk-members" open>' in html  # the form stays open with what was typed


def test_only_the_networks_coordinators_may(client, db, networks, people):  # noqa: F811
    before = _members(db, networks["jatim"])
    anonymous = client.post(f"{URL}/banyak", data={"bulk-regions": "35.08"})
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]
    sign_in(client, people["other_coordinator"])
    token = csrf_token(client, "/akun/kata-sandi")  # a page they may open: a valid token of theirs
    answer = client.post(
        f"{URL}/banyak", data={"bulk-regions": "35.08", "bulk-role": "member", "bulk-csrf_token": token}
    )
    assert answer.status_code in (403, 404)
    assert _members(db, networks["jatim"]) == before


@pytest.mark.parametrize("token", [None, "forged"])
def test_a_missing_or_forged_token_adds_nobody_and_keeps_the_lines(client, db, networks, people, token):  # noqa: F811
    sign_in(client, people["coordinator"])
    before = _members(db, networks["jatim"])
    data = {
        "bulk-regions": "Kabupaten Lumajang",
        "bulk-role": "member",
        **({"bulk-csrf_token": token} if token else {}),
    }
    answer = client.post(f"{URL}/banyak", data=data)
    assert answer.status_code == 400 and str(CSRF_MESSAGE) in answer.get_data(as_text=True)
    assert re.search(r">\s*Kabupaten Lumajang</textarea>", answer.get_data(as_text=True))
    assert _members(db, networks["jatim"]) == before
