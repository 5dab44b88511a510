"""The most telling words of a text against the index: Whoosh's Bo1 expansion model
(``Searcher.key_terms_from_text``), with the collection frequencies read from a table kept
per immutable segment instead of two look-ups in the term index per word.

The more-like-this of a case-study page and the feedback pass of the suggestions read the
key terms of a whole case study (a thousand words and more): Whoosh looks each distinct word
up in the segment's term file twice (does it exist, how often), which was most of the time
of a suggestion for a problem the server had not seen (bench/RESULTS.md, issue 18). The
figures and their order are Whoosh's own, to the last bit (tests/test_search_keyterms.py
compares them with Whoosh on generated texts).
"""

from collections import defaultdict
from math import log


def key_terms(snapshot, field, text, number):
    """``[(term, weight)]``: the ``number`` most telling terms of ``text`` in ``field``, as
    ``snapshot.searcher.key_terms_from_text(field, text, numterms=number)`` gives them; none
    when the index holds none of the text's words (where Whoosh raises ZeroDivisionError)."""
    fieldobj = snapshot.reader.schema[field]
    from_bytes = fieldobj.from_bytes
    in_text = defaultdict(float)  # term -> its weight in the text (Whoosh's topN_weight)
    for btext, _, weight, _ in fieldobj.index(text):
        in_text[from_bytes(btext)] += weight
    if not in_text:
        return []
    tables = snapshot.frequency_tables(field)
    count = snapshot.reader.doc_count_all()  # Whoosh's N counts deleted documents too
    scored, most = [], 0
    for term, weight in in_text.items():
        cf = snapshot.collection_frequency(field, term, tables)
        if cf is None:  # a word the index does not hold
            continue
        f = cf / count
        value = weight * log((1.0 + f) / f, 2) + log(1.0 + f, 2)
        if value > most:
            most = value
        scored.append((value, term))
    if not scored:  # no word of the text is in the index (Whoosh divides by zero here)
        return []
    f = most / count
    norm = (most * log((1.0 + f) / f) + log(1.0 + f)) / log(2.0)
    scored = [(value / norm, term) for value, term in scored]
    scored.sort(key=lambda item: (0 - item[0], item[1]))
    return [(term, value) for value, term in scored[:number]]
