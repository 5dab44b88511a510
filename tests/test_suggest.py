"""Suggestions on the small search catalogue: a problem in plain words finds the case studies
that solved it, with reasons (quoted passage, replications, stage, budget, regions alike)."""

import pytest
import sqlalchemy as sa

from app.catalog.models import Innovation
from app.extensions import db as _db
from app.replication import services
from app.suggest import REASON_KINDS, ProblemRefused, check_problem, suggest
from app.suggest.forms import parse_rupiah
from app.suggest.reading import language, read_problem, written_out
from app.suggest.regions import island_group
from tests import factories
from tests.accounts_fixtures import add_member, make_network, make_user
from tests.test_search_support import clean_index, load_cases

STUNTING = {"cegah-tengkes-banyumas", "gizi-anak-kupang"}


@pytest.fixture
def catalogue(app):
    with clean_index(app):
        yield load_cases(app)


def ranked(app, problem, **kwargs):
    with app.test_request_context():
        return [s.innovation.slug for s in suggest(problem, **kwargs)]


def reasons(app, problem, slug, **kwargs):
    with app.test_request_context():
        for found in suggest(problem, **kwargs):
            if found.innovation.slug == slug:
                return {r.kind: r for r in found.reasons}
    raise AssertionError(f"{slug} was not suggested")


def test_a_paragraph_finds_the_case_studies_of_its_problem(catalogue):
    problem = (
        "Di desa2 kami banyak balita yg badannya pendek, jauh di bawah anak seumurnya. Ibu2 jarang "
        "datang ke posyandu karena tdk tahu gunanya, dan kami bingung harus mulai dari mana."
    )
    assert set(ranked(catalogue, problem)[:2]) == STUNTING


def test_english_problem_finds_indonesian_case_studies(catalogue):
    problem = "Many newborn babies in our district never get a birth certificate because the office is far away."
    found = ranked(catalogue, problem)
    assert set(found[:2]) == {"akta-lahir-rumah-sakit-sidoarjo", "birth-registration-makassar"}


def test_function_words_do_not_drown_a_long_text(catalogue):
    # The telling words are few among many words of telling; the answer stays the same.
    core = "pengusaha kecil sulit mengurus izin usaha"
    padding = " Kami sudah sering sekali mencoba, tetapi memang masih belum bisa juga sampai sekarang." * 12
    plain = ranked(catalogue, core)
    assert set(plain[:2]) == {"izin-usaha-malang", "izin-usaha-jakarta"}
    assert ranked(catalogue, core + padding)[:2] == plain[:2]


def test_typos_are_read_as_the_words_the_catalogue_holds(catalogue):
    assert ranked(catalogue, "anak stuntng di desa kami banyak")[0] in STUNTING


def test_chat_forms_and_reduplication_are_written_out():
    assert written_out("yg tdk punya KTP di desa2") == "yang tidak punya KTP di desa"
    assert written_out("Kantor2 & sekolah") == "Kantor dan sekolah"


def test_the_language_of_a_problem_is_read_from_its_function_words(catalogue):
    from app.search.query import _read_words

    assert language(_read_words("The office is far from the village and the road is bad")) == "en"
    assert language(_read_words("Kantor itu jauh dari desa dan jalannya rusak")) == "id"


def test_each_concept_counts_once(catalogue):
    with catalogue.test_request_context():
        from app.search import service

        snap, vocabulary = service.snapshot(), service.vocabulary()
        concepts = read_problem("sampah, sampah, sampah di mana-mana; waste everywhere", snap, vocabulary)
    assert [c.text for c in concepts].count("sampah") == 1
    assert "waste" not in [c.text for c in concepts]  # the glossary makes it the same concept


def test_the_match_reason_quotes_the_case_study(catalogue):
    found = reasons(catalogue, "Sampah plastik menumpuk di kampung, warga membuangnya ke sungai", "bank-sampah-kupang")
    match = found["matches"]
    assert "sampah" in match.text.lower()
    assert match.quote and "sampah" in match.quote.lower()
    with catalogue.app_context():
        row = _db.session.scalar(sa.select(Innovation).where(Innovation.slug == "bank-sampah-kupang"))
        assert match.quote.rstrip(" …") in " ".join((row.summary + " " + row.body_md).split())


def test_replicated_institutionalised_and_budget_reasons(catalogue):
    with catalogue.app_context():
        row = _db.session.scalar(sa.select(Innovation).where(Innovation.slug == "akta-lahir-rumah-sakit-sidoarjo"))
        row.setup_cost = 150_000_000
        editor = make_user("editor@example.go.id", "editor")
        for code in ("35.07", "35.78"):
            services.create(
                row, factories.owner("regency" if code < "35.7" else "city", code), "implemented", user=editor
            )
        _db.session.commit()
    problem = "Bayi yang lahir di rumah sakit belum punya akta kelahiran"
    found = reasons(catalogue, problem, "akta-lahir-rumah-sakit-sidoarjo", budget=200_000_000)
    assert found["replicated"].text == "Sudah direplikasi 2 kali"
    assert "institutionalised" in found
    assert "150.000.000" in found["budget"].text
    assert "budget" not in reasons(catalogue, problem, "akta-lahir-rumah-sakit-sidoarjo", budget=100_000_000)
    assert set(found) <= set(REASON_KINDS)


def test_regions_alike_province_island_group_network_and_coadoption(catalogue):
    problem = "Izin usaha pedagang kecil lama sekali keluarnya"
    # Malang (35.07): Lumajang is in the same province; Sleman (34.04), a regency on Java.
    assert "satu provinsi" in reasons(catalogue, problem, "izin-usaha-malang", region_code="35.08")["like_region"].text
    assert (
        "sesama kabupaten" in reasons(catalogue, problem, "izin-usaha-malang", region_code="34.04")["like_region"].text
    )
    assert "like_region" not in reasons(catalogue, problem, "izin-usaha-malang", region_code="91.03")
    with catalogue.app_context():
        network = make_network("jaringan-uji", "91")
        for code in ("91.03", "35.07"):
            add_member(network, code)
    assert "satu jaringan" in reasons(catalogue, problem, "izin-usaha-malang", region_code="91.03")["like_region"].text
    with catalogue.app_context():
        editor = make_user("editor2@example.go.id", "editor")
        stunting = _db.session.scalar(sa.select(Innovation).where(Innovation.slug == "cegah-tengkes-banyumas"))
        for code in ("94.01", "35.07"):
            services.create(stunting, factories.owner("regency", code), "implemented", user=editor)
        _db.session.commit()
    found = reasons(catalogue, problem, "izin-usaha-malang", region_code="94.01")["like_region"]
    assert "mereplikasi inovasi yang sama" in found.text


def test_island_groups_follow_the_bps_codes():
    assert island_group("35.07") == island_group("33") == "java"
    assert island_group("21.01") == island_group("11") == "sumatra"
    assert island_group("91.03") == "papua" and island_group("") is None


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("", "Tuliskan masalahnya dulu"),
        ("   \n ", "Tuliskan masalahnya dulu"),
        ("x" * 5001, "terlalu panjang"),
        ("?!… —", "tidak berisi kata"),
        ("我们的村庄没有干净的水", "bahasa Indonesia atau bahasa Inggris"),
    ],
)
def test_bad_problems_are_refused_with_a_message(app, problem, message):
    with app.test_request_context(), pytest.raises(ProblemRefused, match=message):
        check_problem(problem)


def test_an_unknown_region_is_refused(catalogue):
    with catalogue.test_request_context(), pytest.raises(ProblemRefused, match="Daerah tidak dikenal"):
        suggest("sampah", region_code="99.99")


def test_words_the_catalogue_does_not_know_find_nothing(catalogue):
    assert ranked(catalogue, "Nuestro pueblo no tiene agua potable") == []
    assert ranked(catalogue, "yang dan di ke dari") == []


def test_only_published_case_studies_are_suggested(catalogue):
    with catalogue.app_context():
        factories.innovation("Bank Sampah Rahasia", region="53.71", slug="rahasia-sampah", status="draft")
        _db.session.commit()
    assert "rahasia-sampah" not in ranked(catalogue, "bank sampah rahasia di kampung", limit=50)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("250.000.000", 250_000_000), ("Rp 250 juta", 250_000_000), ("1,5 miliar", 1_500_000_000), ("500rb", 500_000)],
)
def test_budgets_are_read_as_people_write_them(typed, amount):
    assert parse_rupiah(typed) == amount


@pytest.mark.parametrize("typed", ["banyak", "1.2.3 juta", "-5", "9" * 20])
def test_budgets_that_are_not_amounts_are_refused(typed):
    with pytest.raises(ValueError):
        parse_rupiah(typed)
