"""Indonesian analysis and the query vocabulary, without an index."""

import pickle

import pytest

from app.search.analysis import SuarAnalyzer, fold, split_word, terms_of
from app.search.documents import make_schema
from app.search.vocabulary import parse


@pytest.mark.parametrize("word", ["pelayanan", "melayani", "layanan", "Pelayanan", "PELAYANAN"])
def test_affix_forms_meet(word):
    assert terms_of(word) == ["layan"]


def test_case_and_accents_are_folded():
    assert fold("Pelayanan PÚBLIK Café") == "pelayanan publik cafe"
    assert terms_of("Kesehatan Ának") == terms_of("kesehatan anak")


def test_stop_words_and_the_domain_word_inovasi_are_dropped():
    assert terms_of("inovasi pelayanan yang cepat dan murah di desa") == ["layan", "cepat", "murah", "desa"]


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("ktp-el", ["ktp", "el", "ktpel"]),
        ("e-ktp", ["ktp", "ektp"]),
        ("anak-anak", ["anak"]),
        ("covid-19", ["covid", "19", "covid19"]),
    ],
)
def test_hyphenated_forms(word, parts):
    assert split_word(word) == parts


def test_ktp_el_and_e_ktp_share_the_term_ktp():
    assert "ktp" in terms_of("KTP-el") and "ktp" in terms_of("e-KTP")


def test_english_text_gets_an_english_stemmer():
    assert terms_of("trainings trained", "en") == ["train", "train"]
    assert terms_of("licensing licenses", "en") == terms_of("license licensing", "en")


def test_the_schema_pickles_with_its_analyzers():
    schema = pickle.loads(pickle.dumps(make_schema()))  # noqa: S301 - our own bytes, as Whoosh does
    tokens = [t.text for t in schema["title"].analyzer("Melayani Warga")]
    assert tokens == ["layan", "warga"]
    assert SuarAnalyzer("en") == schema["title_en"].analyzer


def test_acronyms_and_synonyms_expand_whatever_the_affixes():
    vocabulary = parse("bumil, ibu hamil\nadminduk, administrasi kependudukan\n# comment, ignored\n", "")
    (group,) = vocabulary.groups_for(("bumil",))
    assert {e.words for e in vocabulary.groups[group]} == {("bumil",), ("ibu", "hamil")}
    assert vocabulary.groups_for(("administrasi", "penduduk")) == vocabulary.groups_for(("adminduk",))
    assert vocabulary.groups_for(("comment",)) == set()


def test_the_glossary_links_both_languages():
    vocabulary = parse("", "akta kelahiran = birth certificate\n")
    assert vocabulary.groups_for(("birth", "certificates")) == vocabulary.groups_for(("akta", "kelahiran"))
