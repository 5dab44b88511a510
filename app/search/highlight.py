"""Snippets with the query's words marked. Everything is escaped except our own marks."""

from markupsafe import Markup, escape

from app.search.analysis import analyze, stem_en, stem_id
from app.search.documents import plain_text

MARK_OPEN, MARK_CLOSE = Markup("<mark>"), Markup("</mark>")  # the only markup not escaped
WINDOW = 32  # words in a snippet
SUMMARY_LIMIT = 60  # a summary this short (in words) is shown whole


def _stems(words, lang):
    stem = stem_en if lang == "en" else stem_id
    return {stem(w) for w in words}


def _window(terms, marked):
    """Start and end (term indexes) of the WINDOW-word stretch holding most marked terms."""
    if len(terms) <= WINDOW:
        return 0, len(terms)
    hits = [i for i, term in enumerate(terms) if term[0] in marked]
    if not hits:
        return 0, WINDOW
    best, best_count, j = hits[0], 0, 0
    for i, start in enumerate(hits):
        while j < len(hits) and hits[j] < start + WINDOW:
            j += 1
        if j - i > best_count:
            best, best_count = start, j - i
    start = max(0, min(best - 4, len(terms) - WINDOW))
    return start, start + WINDOW


def snippet(summary, body_md, query_words, lang="id"):
    """HTML (Markup) of the passage that best matches ``query_words``, with ``<mark>`` around them."""
    marked = _stems(query_words, lang)
    for text in (summary or "", plain_text(body_md)):
        terms = analyze(text, lang)
        if not marked or any(term[0] in marked for term in terms) or not body_md:
            break
    if not text.strip():
        return Markup("")
    start, end = _window(terms, marked) if len(terms) > SUMMARY_LIMIT else (0, len(terms))
    if not terms:
        return escape(text[:300])
    begin = terms[start][2] if start else 0
    finish = terms[end - 1][3] if end < len(terms) else len(text)
    spans = sorted({(t[2], t[3]) for t in terms[start:end] if t[0] in marked})
    out, cursor = [], begin
    for s, e in spans:
        if s < cursor:
            continue
        out.append(escape(text[cursor:s]))
        out.append(MARK_OPEN + escape(text[s:e]) + MARK_CLOSE)
        cursor = e
    out.append(escape(text[cursor:finish]))
    if begin > 0:
        out.insert(0, escape("… "))
    if finish < len(text):
        out.append(escape(" …"))
    return Markup("").join(out)
