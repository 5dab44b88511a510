"""The Markdown of issue 13 through every way in: the case-study form and its preview, the
case-study and network files, the activity form, the replication form and its CSV import.
Each answers quickly with a clear message at the field, keeps what was typed, and saves
nothing; none answers 500 or holds the worker."""

import io
import re
import time

import pytest
import sqlalchemy as sa

from app.catalog.models import Innovation
from app.networks.models import Activity, Network
from app.replication.models import Replication
from tests.accounts_fixtures import csrf_token, sign_in
from tests.conftest import FIXTURES
from tests.test_editing_world import valid_form, world  # noqa: F401 (fixture)
from tests.test_import import run_import
from tests.test_networks_import import run_import as run_networks_import

SLOW = 2.0  # seconds; generous for a busy CI machine (bench/RESULTS.md has the real figures)
BRACKETS = "Terlalu banyak kurung siku tanpa pasangan"
NESTED = "bertingkat terlalu dalam: paling banyak 10 tingkat"
NESTED_300 = "- " * 300 + "a"  # a list nested 300 deep, in 600 characters
INDENTED_300 = "".join("    " * depth + "- a\n" for depth in range(300))  # the same, indented: 181,000
NEW_CASE_STUDY = "/kelola/inovasi/baru"
ACTIVITY = "/jaringan/jipp-jawa-tengah/kegiatan/baru"
REPLICATION = "/inovasi/inovasi-published/replikasi/baru"


def _error_of(html, field):
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


def _post(client, url, data, **kwargs):
    """Post ``data`` with the CSRF token of the form at ``url``; the post must answer quickly."""
    data = {**data, "csrf_token": csrf_token(client, url)}
    start = time.perf_counter()
    response = client.post(url, data=data, **kwargs)
    assert time.perf_counter() - start < SLOW
    return response, response.get_data(as_text=True)


def _count(db, model):
    db.session.remove()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize(
    ("body", "message"),
    [("[" * 8000, BRACKETS), (NESTED_300, NESTED)],
    ids=["8000-brackets", "list-300-deep"],
)
def test_the_case_study_preview_shows_ordinary_markdown_and_refuses_the_rest(client, db, world, body, message):  # noqa: F811
    sign_in(client, world["editor"])
    preview = {"save": None, "preview": "Pratinjau"}
    response, html = _post(client, NEW_CASE_STUDY, valid_form(body="[Tautan](https://example.go.id) [[a]]", **preview))
    assert response.status_code == 200 and 'href="https://example.go.id"' in html and "[[a]]" in html
    response, html = _post(client, NEW_CASE_STUDY, valid_form(body=body, **preview))
    assert response.status_code == 400
    assert message in _error_of(html, "body")
    assert body in html  # the body as typed, in its field


@pytest.mark.parametrize(
    ("body", "message"),
    [("[" * 8000, BRACKETS), (NESTED_300, NESTED), (INDENTED_300, NESTED)],
    ids=["8000-brackets", "list-300-deep", "indented-list-300-deep"],
)
def test_saving_a_case_study_refuses_at_the_body_and_saves_nothing(client, db, world, body, message):  # noqa: F811
    sign_in(client, world["editor"])
    before = _count(db, Innovation)
    response, html = _post(client, NEW_CASE_STUDY, valid_form(body=body))
    assert response.status_code == 400
    assert message in _error_of(html, "body")
    assert body.strip("\n") in html  # the body as typed
    assert _count(db, Innovation) == before


@pytest.mark.parametrize(
    ("report", "message"), [("[" * 20_000, BRACKETS), (NESTED_300, NESTED)], ids=["20000-brackets", "list-300-deep"]
)
def test_the_activity_report_is_refused_at_its_field(client, db, world, report, message):  # noqa: F811
    sign_in(client, world["coordinator"])
    data = {"kind": "workshop", "title": "Lokakarya replikasi", "date": "2024-03-12", "report": report}
    response, html = _post(client, ACTIVITY, data)
    assert response.status_code == 200  # the activity form shows its errors with 200 (app/networks/views.py)
    assert message in _error_of(html, "report")
    assert report[:100] in html and "Lokakarya replikasi" in html
    assert _count(db, Activity) == 0


@pytest.mark.parametrize(
    ("notes", "message"), [("[" * 20_000, BRACKETS), (NESTED_300, NESTED)], ids=["20000-brackets", "list-300-deep"]
)
def test_the_replication_notes_are_refused_at_their_field(client, db, world, notes, message):  # noqa: F811
    sign_in(client, world["editor"])
    data = {"adopter": "33.29", "stage": "planned", "local_name": "Nama yang diketik", "notes": notes}
    response, html = _post(client, REPLICATION, data)
    assert response.status_code == 400
    assert message in _error_of(html, "notes")
    assert notes[:100] in html and 'value="Nama yang diketik"' in html
    assert _count(db, Replication) == 0


@pytest.mark.parametrize(
    ("notes", "message"), [("[" * 20_000, BRACKETS), (NESTED_300, NESTED)], ids=["20000-brackets", "list-300-deep"]
)
def test_the_replication_import_names_the_notes_of_the_row(client, db, world, notes, message):  # noqa: F811
    sign_in(client, world["editor"])
    data = f"\ufeffinnovation,adopter_region,stage,notes\ninovasi-published,33.29,planned,{notes}\n".encode()
    upload = {"file": (io.BytesIO(data), "replikasi.csv")}
    response, html = _post(client, "/replikasi/impor", upload, content_type="multipart/form-data")
    assert response.status_code == 400
    assert re.search(rf"<td>2</td><td><code>notes</code></td><td>[^<]*{message}", html), html[-1500:]
    assert _count(db, Replication) == 0


VALID_CASE_STUDY = (FIXTURES / "good" / "jemput-bola-akta-contoh.md").read_text()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 8000, "body: too many square brackets without a partner"),
        (INDENTED_300, "body: lists, quotes or emphasis nested too deeply: at most 10 levels"),
        ("x" * 200_001, "characters long; at most 200000"),
    ],
    ids=["8000-brackets", "list-300-deep", "too-long"],
)
def test_a_case_study_file_is_refused_naming_file_and_field(runner, db, tmp_path, body, message):
    (tmp_path / "jemput-bola-akta-contoh.md").write_text(VALID_CASE_STUDY + "\n" + body + "\n")
    start = time.perf_counter()
    result = run_import(runner, tmp_path)
    assert time.perf_counter() - start < SLOW
    assert result.exit_code == 1
    assert "jemput-bola-akta-contoh.md: body: " in result.output and message in result.output, result.output[-500:]
    assert _count(db, Innovation) == 0


VALID_NETWORK = (FIXTURES / "networks" / "jaringan-contoh-jawa-tengah.md").read_text()


@pytest.mark.parametrize(
    ("description", "message"),
    [("[" * 20_000, "description: too many square brackets"), (NESTED_300, "description: lists, quotes or emphasis")],
    ids=["20000-brackets", "list-300-deep"],
)
def test_a_network_file_is_refused_naming_file_and_field(runner, db, tmp_path, description, message):
    (tmp_path / "jaringan-contoh-jawa-tengah.md").write_text(VALID_NETWORK + "\n" + description + "\n")
    start = time.perf_counter()
    result = run_networks_import(runner, tmp_path)
    assert time.perf_counter() - start < SLOW
    assert result.exit_code == 1
    assert f"jaringan-contoh-jawa-tengah.md: {message}" in result.output, result.output[-500:]
    assert _count(db, Network) == 0
