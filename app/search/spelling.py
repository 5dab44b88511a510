"""Typos: an unknown word is corrected to the closest word of the index's own vocabulary."""


def _distance(a, b, limit):
    """Damerau-Levenshtein distance (optimal string alignment) when it is at most ``limit``,
    else more than ``limit``. Only the diagonal band ``|i - j| <= limit`` is computed: a cheaper
    alignment never leaves it, as each step off the diagonal costs an edit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    far = limit + 1  # stands for any distance above the limit
    previous2, previous = None, [j if j <= limit else far for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        current = [i if i <= limit else far] + [far] * len(b)
        nearest = current[0]
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            cb = b[j - 1]
            cost = previous[j - 1] + (ca != cb)
            if previous[j] + 1 < cost:
                cost = previous[j] + 1
            if current[j - 1] + 1 < cost:
                cost = current[j - 1] + 1
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and previous2[j - 2] + 1 < cost:
                cost = previous2[j - 2] + 1
            current[j] = cost
            if cost < nearest:
                nearest = cost
        if nearest > limit:
            return far
        previous2, previous = previous, current
    return min(previous[-1], far)


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
        by_length = _candidates(prefix, snapshot, vocabulary)
        for length in range(len(word) - limit, len(word) + limit + 1):
            for candidate in by_length.get(length, ()):
                # Each edit adds at most one letter to a word's set of letters and takes at
                # most one away: words whose sets differ by more than two letters per edit
                # are too far.
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
    """``{length: [word]}`` of the words that start with ``prefix``: the index's own and the
    vocabulary's, read once per index snapshot (walking the index's word list is the slow
    part of a correction; a word is then compared only with the words of the lengths it can
    reach). Not their letter sets: those of every word of the index would take 23 MiB."""

    def read():
        words = dict.fromkeys(snapshot.prefix_words("spell", prefix))
        words.update((w, None) for w in vocabulary.known_words if w.startswith(prefix) and w.isalpha())
        by_length = {}
        for word in words:
            by_length.setdefault(len(word), []).append(word)
        return by_length

    return snapshot.memo(("spell words", prefix), read)
