"""More like this: case studies that share an innovation's most telling words and sectors."""

import heapq

from app.search import keyterms
from app.search.documents import TEXT_FIELDS, plain_text
from app.search.engine import FIELD_BOOSTS
from app.search.vectors import Sums

KEY_TERMS = 15
SHARED_SECTOR_BONUS = 0.3  # per shared sector: the same field of work is a good sign
# A word found in more than 5% of the catalogue (and in more than 50 case studies) tells
# little about what is alike, and walking its postings was most of a case-study page's time
# at 20,000 innovations (Lucene's more-like-this offers the same cut-off: maxDocFreqPct).
MAX_DOC_SHARE, MAX_DOC_FLOOR = 0.05, 50


def similar_docnums(snapshot, innovation, limit=5):
    """Document numbers of the ``limit`` documents most like ``innovation``, best first."""
    lang = innovation.language if innovation.language in TEXT_FIELDS else "id"
    fields = TEXT_FIELDS[lang]
    text = " ".join((innovation.title, innovation.title, innovation.summary, plain_text(innovation.body_md)))
    key_terms = keyterms.key_terms(snapshot, fields[2], text, KEY_TERMS)
    total = Sums(len(snapshot.facts))
    reader = snapshot.reader
    for term, weight in key_terms:
        for field in fields:
            if reader.doc_frequency(field, term) > max(MAX_DOC_FLOOR, MAX_DOC_SHARE * snapshot.field_docs[field]):
                continue
            boost = FIELD_BOOSTS[field.removesuffix("_en")] * weight
            found = snapshot.term_scores(field, term)
            total.add(found.docs, boost * found.values)
    scores = total.scores().as_dict()
    own = snapshot.docnum_of.get(innovation.id)
    scores.pop(own, None)
    sectors = {s.slug for s in innovation.sectors}
    facts = snapshot.facts
    ranked = {}
    for docnum, score in scores.items():
        if facts[docnum] is None:
            continue
        shared = len(sectors.intersection(facts[docnum].sectors))
        ranked[docnum] = score * (1.0 + SHARED_SECTOR_BONUS * shared)
    if len(ranked) < limit:  # a short or English case study: fill with its sectors' newest
        for docnum in snapshot.live:
            if docnum != own and docnum not in ranked and sectors.intersection(facts[docnum].sectors):
                ranked[docnum] = 1e-6 * facts[docnum].year
    return heapq.nlargest(limit, ranked, key=lambda n: (ranked[n], -facts[n].id))
