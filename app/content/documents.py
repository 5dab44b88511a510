"""The ``documents:`` of a case study (content-format.md): files kept beside its file.

``check_documents`` reads the front matter alone; ``load_documents`` then reads each named
file, relative to the folder of the case study's file, and checks it as an upload is checked
(app/catalog/documents.py). A name that leaves that folder (``../../etc/passwd``, an absolute
path, a symbolic link) is refused before anything is read.
"""

import re
from datetime import date
from pathlib import PurePosixPath

from app.catalog.documents import (
    FORMATS,
    KINDS,
    MAX_ANY_BYTES,
    MAX_DESCRIPTION,
    MAX_DOCUMENTS,
    MAX_NAME,
    MAX_REGULATION_NUMBER,
    MAX_REGULATION_TYPE,
    MAX_TITLE,
    MIN_REGULATION_YEAR,
    DocumentRefused,
    check,
)
from app.content.beside import name_problem, read_beside
from app.files import digest_of

DOCUMENT_FIELDS = ("file", "kind", "title", "description", "regulation_type", "regulation_number", "regulation_year")
REGULATION_FIELDS = ("regulation_type", "regulation_number", "regulation_year")
_NOT_TEXT = re.compile(r"[\x00-\x1f\x7f<>]")
LIMITS = {"title": MAX_TITLE, "description": MAX_DESCRIPTION, "regulation_type": MAX_REGULATION_TYPE,
          "regulation_number": MAX_REGULATION_NUMBER}  # fmt: skip


def file_problem(text):
    """Why ``text`` cannot name a document beside the case study's file, or None."""
    return name_problem(text, MAX_NAME, tuple("." + f for f in FORMATS))


def _text(value, key, required):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ("is required" if required else None)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, "must be text"
    text = " ".join(str(value).split())
    if _NOT_TEXT.search(text):
        return None, "may not hold '<', '>' or control characters"
    if len(text) > LIMITS[key]:
        return None, f"is {len(text)} characters long; at most {LIMITS[key]}"
    return text, None


def _year(value, today):
    last = today.year + 1
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_REGULATION_YEAR <= value <= last:
        return None, f"must be a year from {MIN_REGULATION_YEAR} to {last}"
    return value, None


def check_documents(value, problem, today=None):
    """``documents:`` checked: ``[{file, kind, title, ...}]`` with only what is given, in order.
    ``problem(message)`` hears what is wrong; each message names the document by its place.
    A regulation needs its type, number and year; another kind may not have them."""
    today = today or date.today()
    if value is None:
        return []
    if not isinstance(value, list):
        problem("must be a list of {file, kind, title, description, regulation_type, regulation_number, "
                "regulation_year}")  # fmt: skip
        return []
    if len(value) > MAX_DOCUMENTS:
        problem(f"lists {len(value)} documents; a case study may have at most {MAX_DOCUMENTS}")
        return []
    documents, names, ok = [], set(), True
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            problem(f"document {number} must be a mapping of {', '.join(DOCUMENT_FIELDS)}")
            ok = False
            continue
        for key in sorted(set(item) - set(DOCUMENT_FIELDS), key=str):
            problem(f"document {number}: {key} is not a field of a document ({', '.join(DOCUMENT_FIELDS)})")
            ok = False
        reason = file_problem(item.get("file"))
        if reason:
            problem(f"document {number}: {reason}")
            ok = False
            continue
        name = PurePosixPath(item["file"]).name
        if name.lower() in names:
            problem(f"document {number}: another document is also called {name!r}; each needs its own file name")
            ok = False
        names.add(name.lower())
        checked = {"file": item["file"]}
        kind = item.get("kind")
        if kind not in KINDS:
            problem(f"document {number}: kind must be one of {', '.join(KINDS)}")
            ok = False
        else:
            checked["kind"] = kind
        for key in ("title", "description", "regulation_type", "regulation_number"):
            text, reason = _text(item.get(key), key, required=key == "title")
            if reason:
                problem(f"document {number}: {key} {reason}")
                ok = False
            elif text:
                checked[key] = text
        if item.get("regulation_year") is not None:
            year, reason = _year(item["regulation_year"], today)
            if reason:
                problem(f"document {number}: regulation_year {reason}")
                ok = False
            else:
                checked["regulation_year"] = year
        given = [key for key in REGULATION_FIELDS if key in checked]
        if kind == "regulation" and len(given) < len(REGULATION_FIELDS):
            missing = ", ".join(key for key in REGULATION_FIELDS if key not in checked)
            problem(f"document {number}: a regulation needs its {missing} (e.g. Peraturan Bupati, 12, 2019)")
            ok = False
        elif kind in KINDS and kind != "regulation" and given:
            problem(f"document {number}: {', '.join(given)} only for kind regulation")
            ok = False
        documents.append(checked)
    return documents if ok else []


def load_documents(documents, source_path):
    """Read and check each document beside ``source_path`` (the case study's file); return
    ``(checked documents with their bytes, in order, problems as messages)``: each checked one
    is ``(CheckedDocument, data)``."""
    loaded, problems = [], []
    for number, item in enumerate(documents, start=1):
        shown = item["file"]
        data, problem = read_beside(source_path, shown, f"document {number}", MAX_ANY_BYTES)
        if problem:
            problems.append(problem)
            continue
        try:
            loaded.append((check(data, shown), data))
        except DocumentRefused as refused:
            problems.append(f"document {number}: {shown} {refused}")
    return loaded, problems


def fingerprint_of(loaded):
    """The SHA-256 of each loaded document's bytes, in order (what makes a changed file)."""
    return [digest_of(data) for _checked, data in loaded]
