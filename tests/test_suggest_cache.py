"""Suggestions remembered and kept short: a remembered ranking never outlives a change of the
index, and a very long problem is still read and answered (docs/decisions/0089, addendum)."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from app.catalog.models import Innovation
from app.extensions import db as _db
from app.search import service
from tests import factories
from tests.test_search_support import clean_index, load_cases

SAMPLES = Path(__file__).resolve().parent.parent / "content" / "innovations"
PROBLEM = "Sampah plastik menumpuk di kampung, warga membuangnya ke sungai sampai airnya tercemar."


@pytest.fixture
def catalogue(app):
    with clean_index(app):
        yield load_cases(app)


def api_slugs(client, problem, **args):
    answer = client.get("/api/v1/suggestions", query_string={"problem": problem, **args})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return [item["slug"] for item in answer.get_json()["items"]]


def remembered(app, problem, limit=10):
    """Whether the ranking of ``problem`` is remembered with this thread's index snapshot."""
    with app.app_context():
        return ("suggest", problem, limit) in service.snapshot()._memo


def test_a_remembered_ranking_does_not_outlive_a_publication(catalogue):
    client = catalogue.test_client()
    with catalogue.app_context():
        factories.innovation(
            "Sungai Bersih dari Sampah Plastik",
            region="53.71",
            slug="sungai-bersih-plastik",
            status="draft",
            summary="Warga kampung memilah sampah plastik sebelum dibuang ke sungai; sungai tidak lagi tercemar.",
        )
        _db.session.commit()
    first = api_slugs(client, PROBLEM)
    assert "bank-sampah-kupang" in first and "sungai-bersih-plastik" not in first
    assert remembered(catalogue, PROBLEM.strip())
    assert api_slugs(client, PROBLEM) == first  # the remembered ranking answers again

    with catalogue.app_context():
        row = _db.session.scalar(sa.select(Innovation).where(Innovation.slug == "sungai-bersih-plastik"))
        row.status = "published"
        _db.session.commit()  # the outbox brings the index up to date after the commit
    after = api_slugs(client, PROBLEM)
    assert after[0] == "sungai-bersih-plastik"
    assert set(first) < set(after)

    with catalogue.app_context():
        row = _db.session.scalar(sa.select(Innovation).where(Innovation.slug == "sungai-bersih-plastik"))
        row.status = "archived"
        _db.session.commit()
    assert "sungai-bersih-plastik" not in api_slugs(client, PROBLEM)  # withdrawn: gone from the next answer


def test_a_problem_of_300_distinct_words_still_answers_and_ranks_its_case_study_first(catalogue):
    # The words of every fixture case study, each once (concepts the catalogue knows), then
    # words of the sample case studies: far more than are scored. The stunting problem, said
    # at the start, still wins.
    with catalogue.app_context():
        texts = [" ".join(row) for row in _db.session.execute(sa.select(Innovation.title, Innovation.body_md))]
    texts += [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.md"))]
    words = []
    for text in texts:
        for word in text.split():
            word = word.strip(".,;:()#*-\"'").lower()
            if word.isalpha() and len(word) > 3 and word not in words:
                words.append(word)
    core = (
        "Di desa kami banyak balita stunting, badannya pendek dan gizinya buruk; ibu hamil jarang ke posyandu. "
        "Balita stunting di desa kami perlu gizi yang baik."
    )
    padding = [w for w in words if w not in core.lower()][:300]
    assert len(set(padding)) == 300
    problem = core + " " + " ".join(padding)
    found = api_slugs(catalogue.test_client(), problem[:5000])
    assert found[0] in {"cegah-tengkes-banyumas", "gizi-anak-kupang"}
