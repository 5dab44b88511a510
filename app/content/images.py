"""The ``images:`` of a case study (content-format.md): pictures kept beside its file.

``check_images`` reads the front matter alone (files, the form's restore of a saved version);
``load_images`` then reads each named file, relative to the folder of the case study's file,
and checks it as an upload is checked (app/catalog/images.py). A name that leaves that folder
(``../../etc/passwd``, an absolute path, a symbolic link) is refused before anything is read.
"""

import re
from pathlib import PurePosixPath

from app.catalog.images import (
    MAX_ALT,
    MAX_CAPTION,
    MAX_CREDIT,
    MAX_IMAGE_BYTES,
    MAX_IMAGES,
    MAX_NAME,
    ImageRefused,
    prepare,
)
from app.content.beside import name_problem, read_beside
from app.files import digest_of

IMAGE_FIELDS = ("file", "alt", "caption", "credit")
EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
# Control characters and the angle brackets of markup: no alt text, caption or credit has them.
_NOT_TEXT = re.compile(r"[\x00-\x1f\x7f<>]")
LIMITS = {"alt": MAX_ALT, "caption": MAX_CAPTION, "credit": MAX_CREDIT}


def file_problem(text):
    """Why ``text`` cannot name a picture beside the case study's file, or None."""
    return name_problem(text, MAX_NAME, EXTENSIONS)


def _text(value, key, required):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ("is required (describe the picture for those who cannot see it)" if required else None)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, "must be text"
    text = " ".join(str(value).split())
    if _NOT_TEXT.search(text):
        return None, "may not hold '<', '>' or control characters"
    if len(text) > LIMITS[key]:
        return None, f"is {len(text)} characters long; at most {LIMITS[key]}"
    return text, None


def check_images(value, problem):
    """``images:`` checked: ``[{file, alt, caption, credit}]`` with only what is given, in order.
    ``problem(message)`` hears what is wrong; each message names the image by its place."""
    if value is None:
        return []
    if not isinstance(value, list):
        problem("must be a list of {file, alt, caption, credit}")
        return []
    if len(value) > MAX_IMAGES:
        problem(f"lists {len(value)} images; a case study may have at most {MAX_IMAGES}")
        return []
    images, names, ok = [], set(), True
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            problem(f"image {number} must be a mapping of {', '.join(IMAGE_FIELDS)}")
            ok = False
            continue
        for key in sorted(set(item) - set(IMAGE_FIELDS), key=str):
            problem(f"image {number}: {key} is not a field of an image ({', '.join(IMAGE_FIELDS)})")
            ok = False
        reason = file_problem(item.get("file"))
        if reason:
            problem(f"image {number}: {reason}")
            ok = False
            continue
        name = PurePosixPath(item["file"]).name
        if name.lower() in names:
            problem(f"image {number}: another image is also called {name!r}; each needs its own file name")
            ok = False
        names.add(name.lower())
        checked = {"file": item["file"]}
        for key in ("alt", "caption", "credit"):
            text, reason = _text(item.get(key), key, required=key == "alt")
            if reason:
                problem(f"image {number}: {key} {reason}")
                ok = False
            elif text:
                checked[key] = text
        images.append(checked)
    return images if ok else []


def load_images(images, source_path):
    """Read and check each image beside ``source_path`` (the case study's file); return
    ``(prepared images in order, problems as messages)``."""
    prepared, problems = [], []
    for number, item in enumerate(images, start=1):
        shown = item["file"]
        data, problem = read_beside(source_path, shown, f"image {number}", MAX_IMAGE_BYTES)
        if problem:
            problems.append(problem)
            continue
        try:
            prepared.append(prepare(data, digest_of(data)))
        except ImageRefused as refused:
            problems.append(f"image {number}: {shown} {refused}")
    return prepared, problems
