"""From a problem written in an official's words to the concepts a case study may answer.

A problem is a paragraph, not a query: most of its words say how the writer feels about the
situation (``kami``, ``sering``, ``gimana``), chat forms stand for the written ones (``yg``,
``tdk``, ``desa2``), and a reader cannot be asked to put everything in one term. So:

* chat forms are written out (``tdk`` -> ``tidak``, ``desa2`` -> ``desa``);
* function words of both languages and the words of telling a problem are dropped;
* a word the index does not know is corrected to the closest one it does (typos);
* runs of words the vocabulary knows become one concept with their synonyms and their
  translation (so an English problem finds the Indonesian case studies), as in the search;
* every concept is counted once, however often the writer repeats it.
"""

import re
from functools import lru_cache

from app.search.analysis import STOP_ALL, STOP_EN, STOP_ID, _wordlist
from app.search.query import SYNONYM_WEIGHT, Concept, _read_words, _text_concepts
from app.search.spelling import correct
from app.search.vocabulary import entry_keys

# The stems a term is known by: a problem asks for them once per alternative of each of its
# concepts, and the same terms come back in problem after problem.
_entry_keys = lru_cache(maxsize=16384)(entry_keys)

# Chat and SMS forms of written words (the written form is then read as usual).
CHAT_FORMS = {
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "tdk": "tidak",
    "gak": "tidak",
    "nggak": "tidak",
    "ga": "tidak",
    "blm": "belum",
    "sdh": "sudah",
    "udah": "sudah",
    "krn": "karena",
    "karna": "karena",
    "tp": "tapi",
    "jg": "juga",
    "sy": "saya",
    "kmi": "kami",
    "bgt": "banget",
    "dlm": "dalam",
    "pd": "pada",
    "sbg": "sebagai",
    "spt": "seperti",
    "thn": "tahun",
    "bln": "bulan",
    "org": "orang",
    "kab": "kabupaten",
    "kec": "kecamatan",
    "kel": "kelurahan",
    "pemkab": "pemerintah kabupaten",
    "pemkot": "pemerintah kota",
    "kades": "kepala desa",
    "hp": "ponsel",
    "dll": "",
    "dsb": "",
    "&": "dan",
}
# Words of telling a problem (how often, how much, who asks, what is wanted): in a
# paragraph they are everywhere, in a case study they say nothing about what it solves.
TELLING = _wordlist(
    """
    tidak belum sudah masih sering jarang selalu pasti malah cuma hanya baru terus lalu
    banget sekali sangat kurang lebih paling hampir sebagian semuanya banyak
    kami kita saya mereka kalian warga-warga orang-orang
    mau ingin minta meminta mencari cari butuh perlu bisa dapat boleh coba tolong gimana
    caranya cara bagaimana apakah adakah siapa kenapa mengapa kapan dimana
    masalah persoalan kendala akibatnya akibat sebabnya sebab
    begitu begini tersebut demikian sendiri sendirian sekaligus juga pula bahkan
    tahun bulan hari minggu jam kali waktu tiap setiap
    need needs want wants looking help how where has worked often many much
    some most few also even only just still yet already never always about because
    our we us they them you your i my me there here do does did get gets got
    would could should may might must very too more less year years day days hour hours
    """
)
STOP = STOP_ALL | TELLING
REDUPLICATED = re.compile(r"^([^\W\d_]{3,})2$")  # desa2, kantor2: reduplication written with a 2
MAX_WORDS = 400  # the first words of a very long text are what it is about
MAX_READ_CONCEPTS = 60
MAX_CORRECTIONS = 8  # unknown words looked up for a typo: each costs a walk of the vocabulary


def written_out(text):
    """``text`` with chat forms and ``word2`` reduplications written out."""

    def fix(match):
        word = match.group(0)
        lower = word.lower()
        if lower in CHAT_FORMS:
            return CHAT_FORMS[lower]
        doubled = REDUPLICATED.match(word)
        return doubled.group(1) if doubled else word

    return re.sub(r"[^\W_]+|&", fix, text)


def language(items):
    """``en`` when the text reads as English (more English function words than Indonesian)."""
    english = sum(1 for w in items if w.surface in STOP_EN)
    indonesian = sum(1 for w in items if w.surface in STOP_ID)
    return "en" if english > indonesian else "id"


def _is_typo_candidate(word, snapshot, lang):
    # An English problem is read against mostly Indonesian words: "hearing" is not a typo of
    # "helping". An Indonesian word whose stem the index knows is not a typo either
    # (berlatih -> latih), though no case study writes that very form.
    return lang == "id" and not snapshot.word_scores(word)


def _keys(alternatives):
    keys = set()
    for alternative in alternatives:
        if not alternative.loose and all(isinstance(w, str) for w in alternative.words):
            keys |= _entry_keys(alternative.words)
    return keys


def read_problem(text, snapshot, vocabulary):
    """The concepts of a problem text, each once, in the order they were first written."""
    items = _read_words(written_out(text))[:MAX_WORDS]
    lang = language(items)
    kept, corrections = [], 0
    for word in items:
        word.parts = tuple(p for p in word.parts if p not in STOP)
        if not word.parts:
            continue
        only = word.parts[0]
        if (
            corrections < MAX_CORRECTIONS
            and len(word.parts) == 1
            and only.isalpha()
            and _is_typo_candidate(only, snapshot, lang)
        ):
            corrections += 1
            fixed = correct(only, snapshot, vocabulary)
            if fixed and fixed not in STOP:
                word.surface, word.parts = fixed, (fixed,)
        kept.append(word)
    concepts, seen = [], set()
    for concept in _text_concepts(kept, vocabulary):
        if _keys(concept.alternatives[:1]) & seen:
            continue  # said before, in these words, a synonym or a translation
        seen |= _keys(a for a in concept.alternatives if a.weight >= SYNONYM_WEIGHT)
        concepts.append(concept)
    return concepts[:MAX_READ_CONCEPTS]


def concept_words(concept):
    """The folded words of every alternative of ``concept`` (to find and quote passages)."""
    found = set()
    for alternative in concept.alternatives:
        for item in alternative.words:
            found |= concept_words(item) if isinstance(item, Concept) else {item}
    return found
