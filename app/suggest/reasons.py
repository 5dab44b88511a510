"""Why a case study was suggested, in the reader's language: the part of the problem it
matches (with a passage of the case study quoted), how often it was replicated, whether it
is institutionalised, whether its set-up cost is within the stated budget, and whether a
region like the writer's already uses it."""

import re

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from app.lru import Lru
from app.search.analysis import STOP_ALL, terms_of
from app.search.documents import plain_text
from app.suggest.reading import concept_words

MAX_QUOTE = 220
MATCHED_SHOWN = 3
# A sentence ends at . ! ? before a space: the dot of 5.000 or 2.5 ends none.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# The sections that say what the problem was and what changed count a little more.
TELLING_SECTIONS = re.compile(r"latar belakang|masalah|hasil|dampak|background|problem|result|impact", re.IGNORECASE)
SECTION_BONUS = 0.5
MAX_REMEMBERED = 2000  # case studies whose analysed sentences are kept
_passages = Lru(MAX_REMEMBERED)


def _paragraphs(markdown):
    """``(paragraph text, heading above it)``: wrapped lines joined, list items apart."""
    heading, lines = "", []
    for line in (markdown or "").splitlines() + [""]:
        stripped = line.strip()
        item = stripped[:2] in ("- ", "* ", "+ ") or stripped[:1].isdigit() and ". " in stripped[:4]
        if lines and (not stripped or stripped.startswith("#") or item):
            yield " ".join(lines), heading
            lines = []
        if stripped.startswith("#"):
            heading = stripped
        elif stripped:
            lines.append(stripped)


def _sentences(innovation):
    """``(sentence, bonus)`` of the summary and the body, headings left out."""
    out = [(s.strip(), SECTION_BONUS) for s in SENTENCE_END.split(innovation.summary or "") if s.strip()]
    for paragraph, heading in _paragraphs(innovation.body_md):
        bonus = SECTION_BONUS if TELLING_SECTIONS.search(heading) else 0.0
        for sentence in SENTENCE_END.split(plain_text(paragraph)):
            sentence = sentence.strip()
            if len(sentence) > 20:
                out.append((sentence, bonus))
    return out


def _shorten(sentence):
    sentence = " ".join(sentence.split())
    if len(sentence) <= MAX_QUOTE:
        return sentence
    cut = sentence[:MAX_QUOTE].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


def _analysed(innovation, lang):
    """``[(sentence, bonus, stems)]`` of a case study, remembered per version (popular case
    studies are suggested again and again; stemming their sentences is most of a reason's cost)."""
    # The text itself is in the key (hashed): an id and version alone can name another case
    # study after a restore, or in another database of the same process (the tests).
    key = (innovation.id, innovation.version, lang, hash((innovation.title, innovation.summary, innovation.body_md)))
    return _passages.get(
        key,
        lambda: [(sentence, bonus, frozenset(terms_of(sentence, lang))) for sentence, bonus in _sentences(innovation)],
    )


def best_passage(innovation, matched):
    """The sentence of the case study that holds most of the matched concepts' words."""
    lang = innovation.language if innovation.language in ("id", "en") else "id"
    wanted = []  # per concept: its stems, and how much the concept counted
    for concept, value in matched:
        words = " ".join(w for w in concept_words(concept) if w not in STOP_ALL)
        wanted.append((set(terms_of(words, lang)), value))
    best, best_score = None, 0.0
    for sentence, bonus, stems in _analysed(innovation, lang):
        score = sum(value for concept_stems, value in wanted if concept_stems & stems)
        if score and score * (1.0 + bonus) > best_score:
            best, best_score = sentence, score * (1.0 + bonus)
    return _shorten(best) if best else None


def match_reason(innovation, matched):
    """The part of the problem the case study matches, quoting it."""
    from app.suggest import Reason

    ranked = sorted(matched, key=lambda item: -item[1])
    names = []
    for concept, _value in ranked:
        if concept.text.lower() not in (n.lower() for n in names):
            names.append(concept.text)
        if len(names) == MATCHED_SHOWN:
            break
    return Reason(
        "matches",
        _("Menjawab bagian masalah Anda: %(words)s", words=", ".join(names)),
        best_passage(innovation, ranked),
    )


def record_reasons(innovation, budget=None):
    """Reasons read from the case study's own record: replicated, institutionalised, cost."""
    from app.suggest import Reason

    out = []
    count = innovation.replication_count or 0
    if count:
        out.append(
            Reason("replicated", ngettext("Sudah direplikasi %(num)d kali", "Sudah direplikasi %(num)d kali", count))
        )
    if innovation.stage == "institutionalized":
        out.append(Reason("institutionalised", _("Sudah dilembagakan: berjalan tetap dengan dasar hukum")))
    if budget is not None and innovation.setup_cost is not None and innovation.setup_cost <= budget:
        out.append(
            Reason(
                "budget",
                _(
                    "Biaya awal Rp%(cost)s, dalam anggaran Anda (Rp%(budget)s)",
                    cost=format_decimal(innovation.setup_cost),
                    budget=format_decimal(budget),
                ),
            )
        )
    return out
