"""Replication pages: who may do what, the forms, conflicts, the CSV import, where it shows."""

import io
import re

import pytest
import sqlalchemy as sa

from app.regions.maps import PALETTE
from app.replication import services
from app.replication.models import Replication
from tests import factories
from tests.accounts_fixtures import csrf_token, sign_in, submit
from tests.test_replication import world  # noqa: F401 - the shared fixture


@pytest.fixture
def replication(db, world):  # noqa: F811
    item = services.create(world["innovation"], world["lumajang"], "planned", user=world["coordinator"])
    db.session.commit()
    return item


ROLES = ("anonymous", "official", "coordinator", "coordinator_origin", "other_coordinator", "editor", "admin")
EXPECTED = {
    # action: status per role, in the order of ROLES
    "view": (200, 200, 200, 200, 200, 200, 200),
    # any coordinator may log an adopter of their own network (checked again when sent)
    "new_form": (302, 403, 200, 200, 200, 200, 200),
    "edit_form": (302, 403, 200, 200, 403, 200, 200),
    "import_form": (302, 403, 200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_do_what(client, world, replication, role, action):  # noqa: F811
    if role != "anonymous":
        sign_in(client, world[role])
    url = {
        "view": f"/replikasi/{replication.id}",
        "new_form": f"/inovasi/{world['innovation'].slug}/replikasi/baru",
        "edit_form": f"/replikasi/{replication.id}/ubah",
        "import_form": "/replikasi/impor",
    }[action]
    response = client.get(url)
    assert response.status_code == EXPECTED[action][ROLES.index(role)], (role, action)
    if response.status_code == 302:
        assert "/masuk" in response.headers["Location"]


@pytest.mark.parametrize("role", ["official", "other_coordinator"])
def test_posting_an_update_without_permission_changes_nothing(client, db, world, replication, role):  # noqa: F811
    sign_in(client, world[role])
    token = csrf_token(client, "/akun/kata-sandi")
    response = client.post(
        f"/replikasi/{replication.id}/ubah", data={"csrf_token": token, "stage": "implemented", "version": "1"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Replication, replication.id).stage == "planned"


def test_a_coordinator_logs_and_moves_a_replication_and_the_public_sees_it(client, db, world):  # noqa: F811
    sign_in(client, world["coordinator"])
    url = f"/inovasi/{world['innovation'].slug}/replikasi/baru"
    response = submit(client, url, {"adopter": "35.08", "stage": "committed", "local_name": "SEHATI <script>x</script>",
                                    "network": str(world["jatim"].id), "notes": "**Baik** <img src=x onerror=alert(1)>"})  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    item = db.session.scalar(sa.select(Replication))
    edit = f"/replikasi/{item.id}/ubah"
    # a browser sends the whole form again, with what it showed
    response = submit(client, edit, {"stage": "implemented", "legal_basis": "Peraturan Bupati Lumajang Nomor 12 Tahun 2025",
                                     "version": str(item.version), "network": str(world["jatim"].id),
                                     "local_name": item.local_name, "notes": item.notes_md})  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]

    client.get("/keluar")
    with client.session_transaction() as session:
        session.clear()
    page = client.get(f"/inovasi/{world['innovation'].slug}").get_data(as_text=True)
    assert "Direplikasi di 1 daerah" in page
    assert "SEHATI &lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    east_java = re.search(r'<a href="/wilayah/35"><path d="[^"]+" fill="([^"]+)"', page)
    assert east_java and east_java.group(1) != PALETTE[0]
    history = client.get(f"/replikasi/{item.id}").get_data(as_text=True)
    assert "Peraturan Bupati Lumajang Nomor 12 Tahun 2025" in history
    # The history speaks the reader's words, never the columns' names or ISO dates.
    changes = re.search(r'<ul class="changes">(.*?)</ul>', history, re.S).group(1)
    assert "Dasar hukum: — → Peraturan Bupati Lumajang Nomor 12 Tahun 2025" in changes
    assert re.search(r"Tanggal tahap Diterapkan: — → \d{1,2} \w+ 20\d\d<", changes), changes
    assert not re.search(r"\w+_on\b|legal_basis|\d{4}-\d\d-\d\d", changes), changes
    assert history.count('class="history"') == 1 and "Komitmen ditandatangani" in history and "Diterapkan" in history
    assert "onerror" not in history and "<img src=x" not in history and "<strong>Baik</strong>" in history
    network = client.get("/jaringan/jipp-jatim").get_data(as_text=True)
    assert "Replikasi yang difasilitasi" in network and "Kabupaten Lumajang" in network
    assert "Tele Sehat" in client.get("/pemilik/kabupaten-lumajang").get_data(as_text=True)
    assert "Tele Sehat" in client.get("/wilayah/35.08").get_data(as_text=True)


def test_two_people_saving_at_once_get_a_conflict(app, db, world, replication):  # noqa: F811
    first, second = app.test_client(), app.test_client()
    sign_in(first, world["coordinator"])
    sign_in(second, world["editor"])
    url = f"/replikasi/{replication.id}/ubah"
    token_first, token_second = csrf_token(first, url), csrf_token(second, url)
    loaded = str(replication.version)
    ok = first.post(
        url, data={"csrf_token": token_first, "version": loaded, "stage": "committed", "legal_basis": "Perbup 1/2025"}
    )
    assert ok.status_code == 302
    late = second.post(
        url, data={"csrf_token": token_second, "version": loaded, "stage": "piloting", "legal_basis": "Perbup 9/2025"}
    )
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert "Orang lain sudah menyimpan replikasi ini lebih dulu" in html and "Perbup 1/2025" in html
    assert 'value="Perbup 9/2025"' in html  # what the second person typed is kept
    db.session.expire_all()
    stored = db.session.get(Replication, replication.id)
    assert (stored.stage, stored.legal_basis) == ("committed", "Perbup 1/2025")


def test_a_stage_move_that_is_not_allowed_is_refused_with_a_message(client, db, world, replication):  # noqa: F811
    services.update(replication, user=world["editor"], expected_version=replication.version, stage="piloting")
    db.session.commit()
    sign_in(client, world["editor"])
    url = f"/replikasi/{replication.id}/ubah"
    response = submit(client, url, {"stage": "planned", "version": str(replication.version)})
    assert response.status_code == 400 and "Pilihan tidak sah" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Replication, replication.id).stage == "piloting"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("evidence", "javascript:alert(1)", "Bukan tautan"), ("legal_basis", "x" * 501, "Paling banyak"),
     ("outcome_value", "banyak", "Not a valid decimal"), ("stage_date", "2999-01-01", "masa depan"),
     ("stage", "selesai", "Pilihan tidak sah"), ("adopter", "99.99", "Tidak ada 99.99 di daftar"),
     ("adopter", "Bandung", "Bandung bisa berarti beberapa daerah")],
)  # fmt: skip
def test_bad_form_input_keeps_what_was_typed(client, db, world, field, value, message):  # noqa: F811
    sign_in(client, world["editor"])
    url = f"/inovasi/{world['innovation'].slug}/replikasi/baru"
    data = {"adopter": "35.08", "stage": "planned", "local_name": "Nama yang diketik", field: value}
    response = submit(client, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and (message in html or "Nilai" in html), html[-3000:]
    assert 'value="Nama yang diketik"' in html
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 0


# --- CSV ---------------------------------------------------------------------------------


def _csv(rows, header="innovation,adopter_region,stage,planned_on,local_name"):
    return ("\ufeff" + header + "\n" + "\n".join(rows) + "\n").encode()


def _upload(client, data, name="replikasi.csv"):
    token = csrf_token(client, "/replikasi/impor")
    return client.post("/replikasi/impor", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")  # fmt: skip


@pytest.fixture
def many(db, world):  # noqa: F811
    """120 innovations of Kota Semarang to replicate."""
    items = [factories.innovation(f"Inovasi Massal {n}", kind="city", region="33.74") for n in range(120)]
    db.session.commit()
    return items


def test_one_bad_row_among_100_writes_nothing_and_names_the_row(client, db, world, many):  # noqa: F811
    sign_in(client, world["editor"])
    rows = [f"{item.slug},35.08,planned,2024-05-01,Lokal {n}" for n, item in enumerate(many[:100])]
    rows[41] = f"{many[41].slug},35.08,selesai,2024-05-01,Lokal 41"
    response = _upload(client, _csv(rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r"<td>43</td><td><code>stage</code></td>", html), html[-2000:]
    assert "Simpan semua baris" not in html
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 0


def test_a_valid_file_is_previewed_then_written_in_one_go(client, db, world, many):  # noqa: F811
    sign_in(client, world["editor"])
    rows = [f"{item.slug},35.08,planned,2024-05-01,Lokal {n}" for n, item in enumerate(many[:50])]
    response = _upload(client, _csv(rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "50 baris sah" in html
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 0  # nothing until confirmed
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', html).group(1)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    done = client.post("/replikasi/impor/simpan", data={"csrf_token": csrf, "token": token, "rows": "50"})
    assert done.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 50
    again = client.post("/replikasi/impor/simpan", data={"csrf_token": csrf, "token": token, "rows": "50"})
    assert again.status_code == 302 and db.session.scalar(sa.select(sa.func.count(Replication.id))) == 50


@pytest.mark.parametrize("token", ["../../etc/passwd", "a" * 32 + "/..", "", "zz"])
def test_a_forged_confirmation_token_writes_nothing(client, db, world, token):  # noqa: F811
    sign_in(client, world["editor"])
    csrf = csrf_token(client, "/replikasi/impor")
    response = client.post("/replikasi/impor/simpan", data={"csrf_token": csrf, "token": token, "rows": "1"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 0


def test_a_coordinator_may_only_import_rows_of_their_networks(client, db, world):  # noqa: F811
    sign_in(client, world["coordinator"])
    outsider = factories.innovation("Inovasi Makassar", kind="city", region="73.71")
    db.session.commit()
    response = _upload(client, _csv([f"{outsider.slug},73.08,planned,2024-05-01,X"]))
    assert response.status_code == 400 and "Di luar jaringan" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"innovation;adopter_region;stage\ntidak-ada;35.08;planned\n", "tidak ada di katalog"),
     (b"innovation,stage\n", "tidak berisi baris"),
     (b"nama,tahap\nx,y\n", "Kolom wajib"),
     (b"innovation,stage,siapa\nx,planned,y\n", "Kolom tidak dikenal"),
     ("innovation,stage\nx,planned\n".encode("utf-16"), "UTF-8"),
     (b"innovation,adopter_region,stage\n../../etc/passwd,35.08,planned\n", "tidak ada di katalog")],
)  # fmt: skip
def test_bad_files_get_clear_messages(client, db, world, data, message):  # noqa: F811
    sign_in(client, world["editor"])
    response = _upload(client, data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 0


def test_five_thousand_rows(app, db, world):  # noqa: F811
    from app.replication import csvio

    innovations = [factories.innovation(f"Inovasi {n}", kind="city", region="33.74") for n in range(50)]
    codes = db.session.scalars(
        sa.select(factories.Region.code).where(factories.Region.kind == "regency").limit(100)
    ).all()
    db.session.commit()
    rows = [
        f"{i.slug},{code},piloting,2024-01-0{1 + n % 9},"
        for n, (i, code) in enumerate((i, c) for i in innovations for c in codes)
    ]
    assert len(rows) == 5000
    parsed = csvio.read(_csv(rows, header="innovation,adopter_region,stage,piloting_on,local_name"))
    assert parsed.ok, parsed.problems[:3]
    counts = csvio.write(parsed, world["editor"])
    db.session.commit()
    assert counts == {"created": 5000, "updated": 0, "unchanged": 0}
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 5000
    assert {i.replication_count for i in innovations} == {100}


def test_the_content_file_imports_and_reimports_unchanged(runner, db):
    assert runner.invoke(args=["content", "import"]).exit_code == 0
    first = runner.invoke(args=["replications", "import"])
    assert first.exit_code == 0 and "2 new" in first.output, first.output
    second = runner.invoke(args=["replications", "import"])
    assert "0 new, 0 updated, 2 unchanged" in second.output
    toss = db.session.scalar(sa.select(Replication).where(Replication.local_name == "PAS URBAN"))
    assert (
        toss.stage == "planned" and str(toss.planned_on) == "2021-08-24" and toss.adopter.name == "Kabupaten Buleleng"
    )


def test_command_line_import_names_the_bad_row(runner, db, tmp_path):
    assert runner.invoke(args=["content", "import"]).exit_code == 0
    path = tmp_path / "r.csv"
    path.write_text("innovation,adopter_region,stage\ntoss-klungkung,51.08,planned\ntoss-klungkung,51.99,planned\n")
    result = runner.invoke(args=["replications", "import", str(path)])
    assert result.exit_code == 1 and ":3: adopter_region:" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 0


def test_network_page_groups_replications_by_stage(client, db, world, replication):  # noqa: F811
    replication.network = world["jatim"]
    db.session.commit()
    html = client.get("/jaringan/jipp-jatim").get_data(as_text=True)
    assert 'class="pipeline"' in html and "Direncanakan" in html and "Kabupaten Lumajang" in html


def test_unknown_ids_are_404(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    assert client.get("/replikasi/999999").status_code == 404
    assert client.get("/replikasi/999999/ubah").status_code == 404
    assert client.get("/inovasi/tidak-ada/replikasi/baru").status_code == 404


@pytest.mark.parametrize(
    ("language", "name", "value", "label", "shown"),
    [
        ("id", "transfer_mode", "study_visit", "Cara alih pengetahuan", "Kunjungan lapangan / studi banding"),
        ("en", "transfer_mode", "study_visit", "Transfer mode", "Field or comparative-study visit"),
        ("id", "budget_source", "village_funds", "Sumber anggaran", "Dana desa"),
        ("en", "planned_on", "2026-12-01", "Date reached: Planned", "December 1, 2026"),
        ("id", "planned_on", "2026-12-01", "Tanggal tahap Direncanakan", "1 Desember 2026"),
        ("en", "outcome_value", 12500.5, "Outcome (number)", "12,500.5"),
        ("id", "notes", None, "Catatan", "—"),
        ("id", "notes", "kata " * 100, "Catatan", ("kata " * 32).strip() + "…"),
    ],
)
def test_history_words_for_every_kind_of_field(app, language, name, value, label, shown):
    from app.replication.labels import change_label, change_value

    with app.test_request_context(headers={"Accept-Language": language}):
        assert (str(change_label(name)), change_value(name, value)) == (label, shown)
