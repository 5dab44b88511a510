"""Every user-facing string has an English translation, and the placeholders agree."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _source_messages():
    with open(ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def test_every_string_has_an_english_translation():
    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalogue = read_po(handle, locale="en")
    translated = {}
    for message in catalogue:
        if not message.id or "fuzzy" in message.flags:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            translated[key] = strings
    missing = {key: where for key, where in _source_messages().items() if key not in translated}
    assert not missing, f"untranslated (run make messages, then translate): {list(missing.items())[:10]}"
    for key, strings in translated.items():
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(key)), (key, string)
