"""Text analysis for Bahasa Indonesia (Sastrawi stems) and English (Porter stems).

One function, :func:`analyze`, turns text into terms; the index (through the Whoosh
tokenizer below) and the query side both use it, so a word is always cut the same way.
Whoosh pickles the schema with its analyzers, so everything it refers to here is a
module-level name that must keep its import path: moving it means a full reindex.
"""

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

# Letters and digits, joined by hyphens or apostrophes: KTP-el, e-KTP, anak-anak, Qur'an.
WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
JOINERS = re.compile(r"['\u2019\-]")


def _wordlist(text):
    return frozenset(text.split())


# Function words of written Indonesian; content words (anak, rumah, kerja, baru) stay.
STOP_ID = _wordlist(
    """
    ada adalah agar akan akhirnya aku amat anda antar antara apa apabila apakah atas
    atau bagai bagaimana bagi bahkan bahwa banyak begitu beliau belum berbagai beberapa
    bila boleh bukan bukankah cukup dalam dan dapat dari daripada demi dengan di dia
    dimana diri hal hanya harus hingga ia ialah ini itu jadi jika juga kalau kami kamu
    karena kata ke kecuali kemudian kenapa kepada ketika kini kita lagi lain lalu lewat
    maka masih melalui mampu mana manakala mereka meski meskipun milik mungkin namun nya
    oleh pada padahal para pernah per pun saat saja sama sambil sampai sangat sebab
    sebagai sebelum sebuah secara sedang sehingga sejak sekali selain selama seluruh
    semua sementara seperti serta sesudah setelah setiap sini situ supaya tanpa tapi
    telah tentang tersebut tetapi tiap yaitu yakni yang
    """
)
# Every case study is an innovation, a programme: the words tell a search nothing.
DOMAIN_STOP = frozenset({"inovasi", "innovation", "innovations", "program", "programme", "programs", "programmes"})
STOP_EN = _wordlist(
    """
    a an and are as at be been but by can for from has have how in into is it its of on
    or our so such than that the their them then there these they this to via was were
    what when where which while who will with within without
    """
)
STOP_ALL = STOP_ID | STOP_EN | DOMAIN_STOP


def fold(text):
    """Lower case without accents: ``Pelayanan Públik`` -> ``pelayanan publik``."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


_stemmer = None
# Sastrawi only ever removes these: a word with none of them comes back unchanged, and
# skipping the stemmer for it keeps names and English words (the long tail) cheap.
_PREFIXES = ("di", "ke", "se", "te", "me", "be", "pe", "ku", "kau")
_INFIXES = ("el", "em", "er", "in")  # kinerja -> kerja, gerigi -> gigi
_SUFFIXES = ("lah", "kah", "tah", "pun", "ku", "mu", "nya", "i", "kan", "an")


@lru_cache(maxsize=200_000)
def stem_id(word):
    """Sastrawi's stem of one folded Indonesian word (cached: Sastrawi is slow)."""
    global _stemmer
    if not word.isalpha() or len(word) < 4:
        return word
    if not (word.startswith(_PREFIXES) or word.endswith(_SUFFIXES) or word[1:3] in _INFIXES):
        return word
    if _stemmer is None:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

        _stemmer = StemmerFactory().create_stemmer()
    return _stemmer.stem(word) or word


@lru_cache(maxsize=200_000)
def stem_en(word):
    """Porter's stem of one folded English word."""
    return porter_stem(word) if word.isalpha() else word


STEMMERS = {"id": stem_id, "en": stem_en, "none": lambda word: word}


def words(text):
    """The words of ``text`` as ``(surface, start, end)``, surface folded; no stemming."""
    folded = fold(text)
    if len(folded) != len(text):  # folding changed the length: keep offsets of the original
        return [(_fold_word(m.group(0)), m.start(), m.end()) for m in WORD.finditer(text)]
    return [(m.group(0), m.start(), m.end()) for m in WORD.finditer(folded)]


# Word-level caches: a catalogue repeats the same few tens of thousands of words, and folding,
# splitting and stemming each occurrence again was most of a reindex's analysis. Bounded, as
# the web workers analyse queries and the follower's changed case studies too.
WORD_CACHE = 65_536


@lru_cache(maxsize=WORD_CACHE)
def _fold_word(word):
    return fold(word)


def split_word(surface):
    """The parts a word is indexed as: ``ktp-el`` -> ``[ktp, el, ktpel]``; ``anak-anak`` -> ``[anak]``."""
    if not JOINERS.search(surface):
        return [surface]
    parts = [p for p in JOINERS.split(surface) if p]
    if len(set(parts)) == 1:  # reduplication: anak-anak is anak
        return [parts[0]]
    kept = [p for p in parts if len(p) > 1 or p.isdigit()]
    return kept + ["".join(parts)]


def analyze(text, lang="id", stop=True):
    """Terms of ``text`` as ``(term, position, start, end)``: folded, split, stop words out, stemmed."""
    terms = []
    append = terms.append
    for pos, (surface, start, end) in enumerate(words(text)):
        for term in _surface_terms(surface, lang, stop):
            append((term, pos, start, end))
    return terms


@lru_cache(maxsize=WORD_CACHE)
def _surface_terms(surface, lang, stop):
    """The terms one folded word is indexed as (its parts, stop words out, stemmed)."""
    stemmer = STEMMERS[lang]
    return tuple(stemmer(part) for part in split_word(surface) if not (stop and (part in STOP_ALL or len(part) < 2)))


def terms_of(text, lang="id", stop=True):
    """Just the terms of ``text``, in order."""
    return [term for term, _, _, _ in analyze(text, lang, stop)]


class SuarTokenizer(Tokenizer):
    """A Whoosh tokenizer over :func:`analyze`: ``lang`` is ``id``, ``en`` or ``none`` (no stemming)."""

    def __init__(self, lang="id", stop=True):
        self.lang = lang
        self.stop = stop

    def __eq__(self, other):
        return type(other) is type(self) and (self.lang, self.stop) == (other.lang, other.stop)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, pos, start, end in analyze(value, self.lang, self.stop):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def SuarAnalyzer(lang="id", stop=True):  # noqa: N802 - named like Whoosh's analyzer factories
    """The analyzer of an index field in language ``lang``."""
    return SuarTokenizer(lang, stop)
