"""The text of a case study's documents is searched (docs/decisions/0083): a word found only
in an attached PDF finds the case study, below one that says the word itself; a hidden case
study's documents are never found; adding or removing a document reindexes its case study."""

import pytest

from app.catalog.models import InnovationDocument
from app.search.documents import FORMAT
from tests import factories
from tests.accounts_fixtures import make_user, sign_in
from tests.test_documents import docx, upload


def _found(client, q):
    return [item["slug"] for item in client.get(f"/api/v1/innovations?q={q}").get_json()["items"]]


@pytest.fixture
def world(db):
    plain = factories.innovation("Layanan Kesehatan Ibu", summary="Pendampingan ibu hamil di desa.")
    attached = factories.innovation(
        "Pendampingan Ibu Nifas",
        summary="Bidan desa mengunjungi ibu setelah melahirkan.",
        documents=[{"title": "Rancangan peraturan", "kind": "regulation", "regulation_type": "Peraturan Bupati",
                    "regulation_number": "3", "regulation_year": 2024,
                    "text": "Pasal 3\nAntrean rujukan diprioritaskan menurut perbup ini.\nKata langka: zyxwortel"}],
    )  # fmt: skip
    itself = factories.innovation(
        "Perbup Antrean Rujukan",
        summary="Perbup yang mengatur antrean rujukan ke rumah sakit.",
        body="Perbup ini menata antrean rujukan.",
    )
    hidden = factories.innovation(
        "Draf Tersembunyi",
        summary="Belum terbit.",
        status="draft",
        documents=[{"title": "Rahasia", "text": "Kata rahasia draf: qwertaksara"}],
    )
    db.session.commit()
    return {"plain": plain, "attached": attached, "itself": itself, "hidden": hidden}


def test_a_word_only_in_a_pdf_finds_its_case_study(runner, client, world):
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert _found(client, "zyxwortel") == [world["attached"].slug]
    # The citation and title count too.
    assert world["attached"].slug in _found(client, "peraturan bupati")


def test_the_case_studys_own_words_rank_above_its_documents(runner, client, world):
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    found = _found(client, "perbup antrean")
    assert found[:2] == [world["itself"].slug, world["attached"].slug], found
    assert world["plain"].slug not in found


def test_a_hidden_case_studys_documents_are_never_found(runner, client, world):
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert _found(client, "qwertaksara") == []
    assert "Draf Tersembunyi" not in client.get("/cari?q=qwertaksara").get_data(as_text=True)


def test_an_upload_or_removal_reindexes_the_case_study(client, world):
    plain = world["plain"]
    assert _found(client, "blangkoajaib") == []
    sign_in(client, make_user("editor@example.go.id", "editor"))
    response = upload(client, plain.slug, docx("Isi blangkoajaib untuk pemohon."), "blangko.docx", kind="form",
                      title="Blangko permohonan")  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _found(client, "blangkoajaib") == [plain.slug]
    from tests.test_editing_world import token

    base = f"/kelola/inovasi/{plain.slug}/dokumen"
    assert client.post(f"{base}/1/hapus", data={"csrf_token": token(client, base)}).status_code == 302
    assert _found(client, "blangkoajaib") == []


def test_the_index_format_was_bumped_for_the_documents_field():
    # A generation built before documents were indexed (layout 3) is rebuilt on first start
    # (index.py); later layouts bumped it again (tests/test_search_codec.py checks the refusal).
    assert int(FORMAT) >= 4
    assert InnovationDocument.__tablename__ == "innovation_document"


def test_a_word_said_once_by_the_case_study_outranks_many_times_in_a_document(runner, client, db):
    filler = " ".join(f"kalimat{n} pengisi" for n in range(60))
    own = factories.innovation("Layanan Satu", summary="Ringkasan biasa.", body=f"{filler} gardaloka {filler}")
    attached = factories.innovation("Layanan Dua", summary="Ringkasan biasa.",
                                    documents=[{"title": "Gardaloka", "text": "gardaloka " * 8}])  # fmt: skip
    db.session.commit()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert _found(client, "gardaloka") == [own.slug, attached.slug]
