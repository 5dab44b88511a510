"""Words a coordinator may write in a replication CSV besides the codes: the stage, transfer
mode and budget source by their names in either language ("Direncanakan", "planned", "Uji
coba", "Piloting"), and the adopting region by its name ("Kabupaten Lumajang", "Kab.
Lumajang", "Lumajang") as well as its Kemendagri code (docs/decisions/0043).

A name that fits several regions ("Bandung": the regency and the city) is refused with the
candidates and their codes, never guessed.
"""

from dataclasses import dataclass

from flask_babel import force_locale

from app.forms import KIND_PREFIXES as _KIND_PREFIXES
from app.forms import normal
from app.forms import short_name as _short
from app.replication.labels import BUDGET_LABELS, STAGE_LABELS, TRANSFER_LABELS

LANGUAGES = ("id", "en")


def _words_for(labels):
    """``{normal word: code}`` for codes and their labels in every language; a word two codes
    share (none today) is dropped rather than taken for one of them."""
    words, clashes = {}, set()
    for code, label in labels.items():
        names = {code, code.replace("_", " ")}
        for language in LANGUAGES:
            with force_locale(language):
                names.add(str(label))
        for name in names:
            key = normal(name)
            if words.get(key, code) != code:
                clashes.add(key)
            words[key] = code
    return {key: code for key, code in words.items() if key not in clashes}


class Choices:
    """The codes of one column and the words that name them."""

    def __init__(self, labels):
        self.codes = tuple(labels)
        self.words = _words_for(labels)

    def code(self, text):
        """The code ``text`` names, or None."""
        return self.words.get(normal(text))


def stage_choices():
    return Choices(STAGE_LABELS)


def transfer_choices():
    return Choices(TRANSFER_LABELS)


def budget_choices():
    return Choices(BUDGET_LABELS)


@dataclass(frozen=True)
class RegionMatch:
    """What a region name found: one ``region``, or the ``candidates`` it could mean."""

    region: object = None
    candidates: tuple = ()


def _full_forms(region):
    """The normal forms of a region's full name, with its kind written out or shortened."""
    name = normal(region.name)
    forms = {name}
    first, _, rest = name.partition(" ")
    for prefixes in _KIND_PREFIXES.values():
        if first in prefixes:
            forms.update(f"{prefix} {rest}" for prefix in prefixes)
    if region.kind == "province":
        forms.update(f"{prefix} {name}" for prefix in _KIND_PREFIXES["provinsi"])
    return forms


class RegionNames:
    """Regions by name, built once per file from the region table."""

    def __init__(self, regions):
        self.full, self.short = {}, {}
        for region in regions:
            for form in _full_forms(region):
                self.full.setdefault(form, []).append(region)
            self.short.setdefault(_short(normal(region.name)), []).append(region)

    def find(self, text):
        key = normal(text)
        if not key:
            return RegionMatch()
        # A name with its kind ("Kota Lumajang") must match whole; without it ("Lumajang")
        # it may mean a regency, a city or a province of that name.
        found = self.full.get(key) or (self.short.get(key) if _short(key) == key else None) or []
        if len(found) == 1:
            return RegionMatch(region=found[0])
        return RegionMatch(candidates=tuple(sorted(found, key=lambda region: region.code)))
