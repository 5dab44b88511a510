"""Reading case-study files: size, encoding, front matter and body, with line numbers."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from app.content.problems import Problem
from app.rendering import RENDERER_VERSION

MAX_FILE_BYTES = 1024 * 1024


@dataclass
class SourceFile:
    """A file split into its front matter (with each field's line) and its Markdown body."""

    path: str
    data: dict
    lines: dict[str, int]
    body: str
    fingerprint: str


def read(path):
    """Read and split one file; return ``(SourceFile or None, problems)``."""
    shown = str(path)
    if path.is_symlink():
        return None, [Problem(shown, "is a symbolic link; links are not followed")]
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [Problem(shown, f"cannot be read: {exc.strerror}")]
    if size > MAX_FILE_BYTES:
        return None, [Problem(shown, f"is {size:,} bytes; a case study may be at most {MAX_FILE_BYTES:,} bytes")]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(shown, f"is not UTF-8 (byte {exc.start})", line=line)]
    text = text.replace("\r\n", "\n")

    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, [Problem(shown, "must start with a front matter block between '---' lines", line=1)]
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        return None, [Problem(shown, "the front matter block is not closed with '---'", line=1)]

    data, field_lines, problem = _parse_yaml("\n".join(lines[1:end]), shown)
    if problem:
        return None, [problem]
    body = "\n".join(lines[end + 1 :]).strip("\n") + "\n"
    fingerprint = hashlib.sha256(RENDERER_VERSION.encode() + b"\0" + raw).hexdigest()
    return SourceFile(shown, data, field_lines, body, fingerprint), []


def _parse_yaml(text, shown):
    # The front matter begins on the file's second line: YAML's line 0 is file line 2.
    offset = 2
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        return None, {}, Problem(shown, f"bad YAML: {reason}", line=mark.line + offset if mark else None)
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return None, {}, Problem(shown, "the front matter must be a mapping of fields", line=offset)
    lines = {}
    for key_node, _ in node.value:
        if isinstance(key_node.value, str):
            lines[key_node.value] = key_node.start_mark.line + offset
    return {str(k): v for k, v in data.items()}, lines, None


def discover(root):
    """The case-study files an import of ``root`` reads, in a stable order.

    ``root`` may be one file, a folder of ``*.md`` files, or a content folder whose
    case studies are in ``innovations/`` (the project's ``content/``).
    """
    root = Path(root)
    if root.is_file():
        return root.parent, [root]
    folder = root / "innovations" if (root / "innovations").is_dir() else root
    return folder, sorted(p for p in folder.glob("*.md") if p.is_file() or p.is_symlink())
