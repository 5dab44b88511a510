"""Typos: an unknown word is corrected to the closest word of the index's own vocabulary."""


def _distance(a, b, limit):
    """Damerau-Levenshtein distance, giving up above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def correct(word, snapshot, vocabulary, extra_known=()):
    """The closest known word to an unknown ``word``, or None when it is known or nothing is close."""
    if len(word) < 4 or not word.isalpha() or word in vocabulary.known_words or word in extra_known:
        return None
    if snapshot.live_frequency("spell", word):
        return None
    return snapshot.memo(("correct", word), lambda: _closest(word, snapshot, vocabulary))


def _closest(word, snapshot, vocabulary):
    limit = 1 if len(word) <= 5 else 2
    letters = frozenset(word)
    # Most typos keep the first two letters: look there first, the first letter only if needed.
    for prefix in (word[:2], word[:1]):
        best = None
        for candidate in _candidates(prefix, snapshot, vocabulary):
            if abs(len(candidate) - len(word)) > limit:
                continue
            # Each edit adds at most one letter to a word's set of letters and takes at most
            # one away: words whose sets differ by more than two letters per edit are too far.
            if len(letters.symmetric_difference(candidate)) > 2 * limit:
                continue
            distance = _distance(word, candidate, limit)
            if distance <= limit:
                frequency = snapshot.live_frequency("spell", candidate)
                if not frequency and candidate not in vocabulary.known_words:
                    continue  # only in deleted (archived, unpublished) case studies
                rank = (distance, -frequency, candidate)
                best = min(best, rank) if best else rank
        if best:
            return best[2]
    return None


def _candidates(prefix, snapshot, vocabulary):
    """The words that start with ``prefix``: the index's own and the vocabulary's, read once
    per index snapshot (walking the index's word list is the slow part of a correction)."""

    def read():
        words = dict.fromkeys(b.decode("utf-8") for b in snapshot.reader.expand_prefix("spell", prefix))
        words.update((w, None) for w in vocabulary.known_words if w.startswith(prefix) and w.isalpha())
        return tuple(words)

    return snapshot.memo(("spell words", prefix), read)
