"""Synonyms, acronyms and the Indonesian-English glossary, applied when a query is read.

``content/reference/synonyms.txt``: one group a line, comma-separated, ``#`` starts a
comment: ``bumil, ibu hamil``. ``content/reference/glossary-id-en.txt``: Indonesian terms
``=`` English terms, each side comma-separated: ``akta kelahiran = birth certificate``.
A synonyms line with ``->`` names related terms, found by a query for the left side and
ranked below its synonyms: ``pupuk bersubsidi -> kartu tani, rdkk``.
Editors extend both files; they are read again when they change, no reindex needed,
because they are applied to queries, not to the index.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from app.search.analysis import fold, split_word, terms_of

SYNONYMS_FILE = "synonyms.txt"
GLOSSARY_FILE = "glossary-id-en.txt"
MAX_SPAN = 6  # words in the longest entry a query is matched against


@dataclass(frozen=True)
class Entry:
    """One term of a group: its words (folded, unstemmed) and the group's language side."""

    words: tuple
    lang: str  # "id", "en", or "any" for a synonyms-file entry


@dataclass
class Vocabulary:
    """Groups of equivalent terms, and an index from a term's stems to its groups."""

    groups: list = field(default_factory=list)  # list of lists of Entry
    by_key: dict = field(default_factory=dict)  # stem tuple -> set of group numbers
    known_words: set = field(default_factory=set)  # every folded word of every entry
    related: dict = field(default_factory=dict)  # group number -> Entries found, ranked lower

    def add_group(self, entries, related=()):
        number = len(self.groups)
        if related:
            self.related[number] = list(related)
            for entry in related:
                for word in entry.words:
                    self.known_words.update(split_word(word))
        self.groups.append(entries)
        for entry in entries:
            for key in entry_keys(entry.words):
                self.by_key.setdefault(key, set()).add(number)
            for word in entry.words:
                self.known_words.update(split_word(word))

    def groups_for(self, words):
        """Numbers of the groups that hold the term made of ``words`` (any affix form)."""
        found = set()
        for key in entry_keys(words):
            found |= self.by_key.get(key, set())
        return found


def entry_keys(words):
    """The stem tuples a term is known by: Indonesian stems and English stems."""
    text = " ".join(words)
    keys = {tuple(terms_of(text, "id")), tuple(terms_of(text, "en"))}
    keys.discard(())
    return keys


def _entries(side, lang):
    out = []
    for item in side.split(","):
        words = tuple(fold(item).split())
        if words:
            out.append(Entry(words, lang))
    return out


def parse(synonyms_text, glossary_text):
    """Build a Vocabulary from the text of the two files."""
    vocabulary = Vocabulary()
    for line in synonyms_text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "->" in line:  # related terms: found by a query for the left side, ranked lower
            left, right = line.split("->", 1)
            entries, related = _entries(left, "any"), _entries(right, "any")
            if entries and related:
                vocabulary.add_group(entries, related)
            continue
        entries = _entries(line, "any")
        if len(entries) > 1:
            vocabulary.add_group(entries)
    for line in glossary_text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" not in line:
            continue
        indonesian, english = line.split("=", 1)
        entries = _entries(indonesian, "id") + _entries(english, "en")
        if len(entries) > 1:
            vocabulary.add_group(entries)
    return vocabulary


_cache = {}


def load(reference_dir):
    """The vocabulary of ``reference_dir``, read again whenever one of its files changes."""
    paths = [Path(reference_dir) / SYNONYMS_FILE, Path(reference_dir) / GLOSSARY_FILE]
    stamp = tuple(os.stat(p).st_mtime_ns if p.exists() else None for p in paths)
    cached = _cache.get(str(reference_dir))
    if cached and cached[0] == stamp:
        return cached[1]
    texts = [p.read_text(encoding="utf-8") if p.exists() else "" for p in paths]
    vocabulary = parse(*texts)
    _cache[str(reference_dir)] = (stamp, vocabulary)
    return vocabulary
