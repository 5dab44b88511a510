"""Files that sit beside a case study's file (its pictures and documents): one reader, so
that every kind refuses the same paths (docs/decisions/0082)."""

import re
from pathlib import Path, PurePosixPath

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DRIVE = re.compile(r"^[A-Za-z]:")


def name_problem(text, max_name, extensions):
    """Why ``text`` cannot name a file beside the case study's file, or None: it must be a
    relative path inside the folder, of a plain file name ending in one of ``extensions``
    (lower-case, with their dot)."""
    if not isinstance(text, str) or not text.strip():
        return "file is required: a file name beside the case study's file"
    if "\x00" in text or "\\" in text:
        return f"file {text[:120]!r} may not hold a backslash or a NUL character"
    if text.startswith("/") or _DRIVE.match(text):
        return f"file {text[:120]!r} is an absolute path; give it relative to the case study's folder"
    parts = PurePosixPath(text).parts
    if any(part in ("..", ".") for part in parts) or "//" in text:
        return f"file {text[:120]!r} leaves the case study's folder ('..' and '.' are not allowed)"
    name = parts[-1]
    if len(name) > max_name or not _NAME.match(name):
        return f"file {text[:120]!r}: a file name of letters, digits, '.', '-' and '_', at most {max_name} characters"
    if "." not in name or not name.lower().endswith(tuple(extensions)):
        listed = f"{', '.join(extensions[:-1])} or {extensions[-1]}" if len(extensions) > 1 else extensions[0]
        return f"file {text[:120]!r} must end in {listed}"
    return None


def read_beside(source_path, shown, what, limit):
    """The bytes of ``shown`` (a path relative to ``source_path``'s folder), or a problem:
    ``(data, None)`` or ``(None, message)``. ``what`` names the file in messages ("image 2").

    Refused: a symbolic link on the way, a path that leaves the folder (``..``, absolute),
    a file that is missing or larger than ``limit`` bytes."""
    folder = Path(source_path).parent
    target = folder / shown
    try:
        if any(p.is_symlink() for p in (target, *list(target.parents)[: len(PurePosixPath(shown).parts) - 1])):
            return None, f"{what}: {shown} is a symbolic link; links are not followed"
        resolved = target.resolve()
        if not resolved.is_relative_to(folder.resolve()):
            return None, f"{what}: {shown} leaves the case study's folder"
        if not resolved.is_file():
            return None, f"{what}: {shown} does not exist beside the case study's file"
        size = resolved.stat().st_size
        if size > limit:
            noun = what.split(" ", 1)[0]
            article = "an" if noun[0] in "aeiou" else "a"
            return None, f"{what}: {shown} is {size:,} bytes; {article} {noun} may be at most {limit:,} bytes"
        return resolved.read_bytes(), None
    except OSError as error:
        return None, f"{what}: {shown} cannot be read: {error.strerror}"
