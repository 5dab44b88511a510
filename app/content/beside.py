"""Files that sit beside a case study's file (its pictures and documents): one reader, so
that every kind refuses the same paths (docs/decisions/0082)."""

from pathlib import Path, PurePosixPath


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
