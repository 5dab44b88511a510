"""Every string the editing pages show has an English translation: in the catalogue, or
waiting in app/translations/pending/editing.json until the next ``make messages``."""

import json
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PROJECT = Path(__file__).resolve().parents[1]
PENDING = PROJECT / "app" / "translations" / "pending" / "editing.json"
CATALOGUE = PROJECT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def _msgids(folder):
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(folder, METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_editing_string_has_an_english_translation():
    pending = json.loads(PENDING.read_text(encoding="utf-8"))
    with CATALOGUE.open("rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id and m.string}
    wanted = _msgids(PROJECT / "app" / "editing") | _msgids(PROJECT / "app" / "templates" / "editing")
    missing = sorted(m for m in wanted if m not in known and m not in pending)
    assert not missing, missing


def test_the_pending_translations_keep_their_placeholders():
    pending = json.loads(PENDING.read_text(encoding="utf-8"))
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for source, english in pending.items():
        english = english if isinstance(english, str) else english[-1]
        assert sorted(placeholder.findall(source)) == sorted(placeholder.findall(english)), source
