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
    # Most typos keep the first two letters: look there first, the first letter only if needed.
    for prefix in (word[:2], word[:1]):
        candidates = {}
        for btext in snapshot.reader.expand_prefix("spell", prefix):
            candidate = btext.decode("utf-8")
            if abs(len(candidate) - len(word)) <= limit:
                candidates[candidate] = None
        for candidate in vocabulary.known_words:
            if candidate.startswith(prefix) and candidate.isalpha() and abs(len(candidate) - len(word)) <= limit:
                candidates[candidate] = None
        best = None
        for candidate in candidates:
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
