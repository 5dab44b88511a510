"""Documents attached to case studies, checked by their content (docs/decisions/0083).

A document is taken only as what its bytes are, whatever its name or the browser says: a
PDF starts with ``%PDF-``; a DOCX, XLSX or PPTX is a ZIP holding ``[Content_Types].xml`` and
its main part (``word/document.xml``, ``xl/workbook.xml``, ``ppt/presentation.xml``); an ODT
or ODS is a ZIP whose first member ``mimetype`` names it; a CSV is UTF-8 text without NUL
and without markup. Anything else (HTML, an executable, another ZIP) is refused, and so is a
file whose name claims another of these types than its content (a text named ``.docx``).
A ZIP is judged by its directory before any member is read: too many members, a member too
large once unpacked or packed too tightly (a ZIP bomb), or a name leaving the archive is
refused; macros (``vbaProject.bin``) are refused too.

The bytes are stored as they came (app/files); the text of a PDF or DOCX is extracted, with
bounds on characters, pages and time, for the search index. A PDF whose text cannot be read
is still taken, without text.
"""

import html
import re
import time
import warnings
import zipfile
from dataclasses import dataclass
from io import BytesIO

MAX_DOCUMENTS = 20
MAX_TITLE = 300
MAX_DESCRIPTION = 1000
MAX_NAME = 100
MAX_REGULATION_TYPE = 100
MAX_REGULATION_NUMBER = 60
MIN_REGULATION_YEAR = 1945

KINDS = ("sop", "regulation", "form", "budget", "presentation", "report", "other")
FORMATS = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv")
MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv",
}
# The largest file of each format. A request carrying one is limited to DOCUMENT_UPLOAD_LIMIT
# (config.py), above the largest of these with room for the form's fields.
MAX_BYTES = {
    "pdf": 8_000_000,
    "docx": 8_000_000,
    "pptx": 8_000_000,
    "odt": 8_000_000,
    "xlsx": 5_000_000,
    "ods": 5_000_000,
    "csv": 2_000_000,
}
MAX_ANY_BYTES = max(MAX_BYTES.values())
# ZIP containers: judged by their directory before anything is unpacked.
MAX_MEMBERS = 5000
MAX_MEMBER_BYTES = 50_000_000
MAX_UNPACKED_BYTES = 200_000_000
MAX_RATIO = 100  # unpacked / packed, for members of more than RATIO_FROM bytes
RATIO_FROM = 1_000_000
# Text for the search index.
MAX_TEXT = 200_000
MAX_PDF_PAGES = 300
MAX_TEXT_SECONDS = 5.0

_OOXML_MAIN = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
_ODF_TYPES = {"application/vnd.oasis.opendocument.text": "odt", "application/vnd.oasis.opendocument.spreadsheet": "ods"}
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|\?xml)\b", re.IGNORECASE)


class DocumentRefused(Exception):
    """Not a document the site takes. ``code`` names the reason (``REASONS``), ``params`` its figures."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self):
        return REASONS[self.code].format(**self.params)


# In English for files and logs; the web form says them in the reader's language
# (app/editing/documents.py).
REASONS = {
    "empty": "is empty",
    "too_large": "is {size:,} bytes; a {format} document may be at most {limit:,} bytes",
    "unknown": "is not a PDF, DOCX, XLSX, PPTX, ODT, ODS or CSV document (whatever its name says)",
    "markup": "is an HTML or XML page, not a document the site takes",
    "other_zip": "is a ZIP archive but not a DOCX, XLSX, PPTX, ODT or ODS document",
    "zip_bomb": "is an archive that unpacks to too much ({detail}); it is refused unread",
    "damaged": "is a damaged archive",
    "macros": "holds macros; save it without macros (as .docx, .xlsx or .pptx) and try again",
    "encrypted": "is protected by a password; the site takes only open documents",
    "name_mismatch": "is named .{extension} but its content is a {format} document; give it the right name",
}


@dataclass(frozen=True)
class CheckedDocument:
    """An accepted document: its format, size, SHA-256 and the text found in it (or None)."""

    format: str
    size: int
    text: str | None


def extension_of(filename):
    """The lower-case extension of ``filename`` (``pdf``), or ''."""
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def sniff(data):
    """The format of ``data`` by its content; raise DocumentRefused when it is none we take."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data)
    if data[:2] in (b"MZ",) or data.startswith((b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")):
        raise DocumentRefused("unknown")
    return _text_format(data)


def _text_format(data):
    if b"\x00" in data:
        raise DocumentRefused("unknown")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DocumentRefused("unknown") from error
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or _MARKUP.search(data[:65536]):
        raise DocumentRefused("markup")
    return "csv"


def _open_zip(data):
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise DocumentRefused("damaged") from error
    if len(members) > MAX_MEMBERS:
        raise DocumentRefused("zip_bomb", detail=f"{len(members):,} members")
    total = 0
    for member in members:
        name = member.filename
        if name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or "\x00" in name:
            raise DocumentRefused("damaged")
        if member.flag_bits & 0x1:
            raise DocumentRefused("encrypted")
        size = member.file_size
        if size > MAX_MEMBER_BYTES:
            raise DocumentRefused("zip_bomb", detail=f"{name[:60]} is {size:,} bytes unpacked")
        if size > RATIO_FROM and size > MAX_RATIO * max(member.compress_size, 1):
            raise DocumentRefused(
                "zip_bomb", detail=f"{name[:60]} is packed {size // max(member.compress_size, 1):,} to 1"
            )
        total += size
    if total > MAX_UNPACKED_BYTES:
        raise DocumentRefused("zip_bomb", detail=f"{total:,} bytes in all")
    return archive, members


def _read_member(archive, name, limit):
    """A member's bytes, never more than ``limit`` (its directory entry was checked)."""
    with archive.open(name) as member:
        return member.read(limit)


def _zip_format(data):
    archive, members = _open_zip(data)
    with archive:
        names = {member.filename for member in members}
        try:
            first = members[0] if members else None
            if first is not None and first.filename == "mimetype" and first.file_size < 200:
                kind = _ODF_TYPES.get(_read_member(archive, "mimetype", 200).decode("ascii", "replace").strip())
                if kind:
                    return kind
            if "[Content_Types].xml" in names:
                found = [fmt for fmt, main in _OOXML_MAIN.items() if main in names]
                if len(found) == 1:
                    if any(name.lower().endswith("vbaproject.bin") for name in names):
                        raise DocumentRefused("macros")
                    types = _read_member(archive, "[Content_Types].xml", 1_000_000).lower()
                    if b"macroenabled" in types:
                        raise DocumentRefused("macros")
                    return found[0]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
            raise DocumentRefused("damaged") from error
    raise DocumentRefused("other_zip")


def check(data, filename=""):
    """``CheckedDocument`` of ``data`` (its text extracted), or DocumentRefused with the reason.
    ``filename`` may only agree: a known extension that is not what the content is, is refused."""
    if not data:
        raise DocumentRefused("empty")
    if len(data) > MAX_ANY_BYTES:
        raise DocumentRefused("too_large", size=len(data), limit=MAX_ANY_BYTES, format="")
    kind = sniff(data)
    if len(data) > MAX_BYTES[kind]:
        raise DocumentRefused("too_large", size=len(data), limit=MAX_BYTES[kind], format=kind.upper())
    extension = extension_of(filename)
    if extension in (*FORMATS, "doc", "xls", "ppt", "txt", "html", "htm", "zip", "exe") and extension != kind:
        raise DocumentRefused("name_mismatch", extension=extension, format=kind.upper())
    return CheckedDocument(format=kind, size=len(data), text=extract_text(data, kind))


def extract_text(data, kind):
    """The words of a PDF or DOCX (at most MAX_TEXT characters), or None: other formats, a
    file whose text cannot be read, or one with no text."""
    try:
        if kind == "pdf":
            text = _pdf_text(data)
        elif kind == "docx":
            text = _docx_text(data)
        else:
            return None
    except Exception:  # a parser meets whatever a file holds; the file is still taken
        return None
    text = " ".join(text.split())[:MAX_TEXT]
    return text or None


def _pdf_text(data):
    from pypdf import PdfReader

    started = time.monotonic()
    pieces, length = [], 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            return ""
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES or length >= MAX_TEXT or time.monotonic() - started > MAX_TEXT_SECONDS:
                break
            text = page.extract_text() or ""
            pieces.append(text)
            length += len(text)
    return "\n".join(pieces)


_W_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|<w:tab/>|</w:p>")


def _docx_text(data):
    # The words of the runs, read with a pattern (no XML parser meets the file's entities).
    archive, _members = _open_zip(data)
    with archive:
        xml = _read_member(archive, "word/document.xml", MAX_MEMBER_BYTES)
    pieces, length = [], 0
    for match in _W_TEXT.finditer(xml):
        piece = match.group(1)
        piece = html.unescape(piece.decode("utf-8", "replace")) if piece is not None else " "
        pieces.append(piece)
        length += len(piece)
        if length >= MAX_TEXT:
            break
    return "".join(pieces)


def regulation_citation(regulation_type, number, year):
    """``Peraturan Bupati No. 12 Tahun 2019``: how a regulation is cited in Indonesian."""
    parts = [regulation_type or ""]
    if number:
        parts.append(f"No. {number}")
    if year:
        parts.append(f"Tahun {year}")
    return " ".join(part for part in parts if part).strip()


def human_size(size):
    """``(value, unit)``: the size in KB below a megabyte, else in MB (decimal units)."""
    if size < 1_000_000:
        return max(1, round(size / 1000)), "KB"
    return round(size / 1_000_000, 1), "MB"
