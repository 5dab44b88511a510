"""Typo correction: the fast path (words read once per snapshot, a letter-set bound before the
edit distance) corrects exactly as a plain scan of the whole word list does."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.search import service, spelling
from tests.test_search_support import clean_index, load_cases

LETTERS = "abcdeiklmnoprstuy"


@given(st.text(LETTERS, max_size=9), st.text(LETTERS, max_size=9), st.sampled_from([1, 2]))
def test_the_letter_set_bound_never_drops_a_close_word(a, b, limit):
    # The bound _closest relies on: each edit changes a word's set of letters by at most one
    # letter in and one out, so words within ``limit`` edits differ by at most 2 x limit letters.
    if spelling._distance(a, b, limit) <= limit:
        assert len(set(a) ^ set(b)) <= 2 * limit


def plain_distance(a, b):
    """Optimal string alignment distance, the whole table."""
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[-1][-1]


@settings(max_examples=400, deadline=None)
@given(data=st.data(), limit=st.sampled_from([1, 2]))
def test_the_banded_distance_is_the_whole_tables_up_to_the_limit(data, limit):
    a = data.draw(st.text("abcde", max_size=10))
    b = data.draw(st.text("abcde", max_size=10) | edits.map(lambda changes: mistype(a, changes)))  # near ones too
    expected = plain_distance(a, b)
    found = spelling._distance(a, b, limit)
    assert found == expected if expected <= limit else found > limit


def plain_closest(word, snapshot, vocabulary):
    """The correction by brute force: every word of the index and the vocabulary, no bound."""
    limit = 1 if len(word) <= 5 else 2
    index_words = [b.decode("utf-8") for b in snapshot.reader.lexicon("spell")]
    known = [w for w in vocabulary.known_words if w.isalpha()]
    for prefix in (word[:2], word[:1]):
        best = None
        for candidate in {w for w in index_words + known if w.startswith(prefix)}:
            distance = spelling._distance(word, candidate, limit)
            if distance <= limit:
                frequency = snapshot.live_frequency("spell", candidate)
                if not frequency and candidate not in vocabulary.known_words:
                    continue
                rank = (distance, -frequency, candidate)
                best = min(best, rank) if best else rank
        if best:
            return best[2]
    return None


@pytest.fixture
def corrector(app):
    with clean_index(app):
        load_cases(app)
        with app.app_context():
            snap, vocabulary = service.snapshot(), service.vocabulary()
            words = sorted(b.decode("utf-8") for b in snap.reader.lexicon("spell"))
            yield snap, vocabulary, [w for w in words if w.isalpha() and len(w) >= 4]


edits = st.lists(st.tuples(st.sampled_from("dist"), st.integers(0, 20), st.sampled_from(LETTERS)), max_size=3)


def mistype(word, changes):
    for kind, at, letter in changes:
        at %= len(word) + 1
        if kind == "d" and at < len(word):
            word = word[:at] + word[at + 1 :]
        elif kind == "i":
            word = word[:at] + letter + word[at:]
        elif kind == "s" and at < len(word):
            word = word[:at] + letter + word[at + 1 :]
        elif kind == "t" and at + 1 < len(word):
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_corrections_are_those_of_a_plain_scan(corrector, data):
    snap, vocabulary, words = corrector
    word = mistype(data.draw(st.sampled_from(words)), data.draw(edits))
    if len(word) < 4 or not word.isalpha() or word in vocabulary.known_words or snap.live_frequency("spell", word):
        return  # not a word the corrector is asked about
    assert spelling._closest(word, snap, vocabulary) == plain_closest(word, snap, vocabulary)
