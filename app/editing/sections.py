"""The guided sections of a case study's body as fields of their own.

A body written to the guide is an optional opening, then "## Latar Belakang", "## Inovasi",
"## Hasil dan Dampak" and "## Cara Mereplikasi" (in English: Background, The Innovation,
Results and Impact, How to Replicate), each once and in that order. ``split`` gives the text
of each; ``compose`` puts them back with the headings of the case study's language. A body
that does not follow the guide (a heading missing is fine; one out of order or twice is not)
is left whole in the opening, so that nothing a file holds is ever moved: for every body,
``compose(split(body))`` renders to the same page (tests/test_sections.py), and a body
already written as the guide lays it out comes back as the same text.
"""

import re

SECTIONS = ("background", "innovation", "results", "replication")
HEADINGS = {
    "id": {"background": "Latar Belakang", "innovation": "Inovasi", "results": "Hasil dan Dampak",
           "replication": "Cara Mereplikasi"},
    "en": {"background": "Background", "innovation": "The Innovation", "results": "Results and Impact",
           "replication": "How to Replicate"},
}  # fmt: skip
_KNOWN = {
    title.casefold(): (key, language) for language, headings in HEADINGS.items() for key, title in headings.items()
}
_H2 = re.compile(r"^##[ \t]+(.+?)[ \t]*#*[ \t]*$")


def _normal(body):
    return (body or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def split(body):
    """``{"intro": ..., "background": ..., ...}``: each guided section's text (without its
    heading), the rest in ``intro``; everything in ``intro`` if the body is not guided."""
    text = _normal(body)
    parts = {"intro": [], **dict.fromkeys(SECTIONS)}
    current, seen, languages = "intro", [], set()
    in_fence = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else _H2.match(line)
        key, language = _KNOWN.get(match.group(1).casefold(), (None, None)) if match else (None, None)
        if key is not None:
            languages.add(language)
            out_of_order = seen and SECTIONS.index(key) < SECTIONS.index(seen[-1])
            if key in seen or out_of_order or len(languages) > 1:
                return {"intro": text, **dict.fromkeys(SECTIONS, "")}
            seen.append(key)
            parts[key] = []
            current = key
            continue
        parts[current].append(line)
    result = {key: "\n".join(lines).strip("\n") if lines is not None else "" for key, lines in parts.items()}
    result["_present"] = tuple(seen)
    result["_language"] = next(iter(languages), "")
    return result


def compose(parts, language="id"):
    """The body from the sections' texts: the opening, then each section that has text (or
    was there, ``_present``) under its heading, in the language the body used
    (``_language``), else the case study's."""
    headings = HEADINGS.get(parts.get("_language") or language, HEADINGS["id"])
    present = parts.get("_present", ())
    chunks = []
    intro = _normal(parts.get("intro"))
    if intro:
        chunks.append(intro)
    for key in SECTIONS:
        text = _normal(parts.get(key))
        if text or key in present:
            chunks.append(f"## {headings[key]}" + (f"\n\n{text}" if text else ""))
    return "\n\n".join(chunks)
