"""Award results in bulk: a competition result (KIPP 2024 Top 99) recorded for many case
studies at once, from a list of slugs or a CSV file, checked whole before anything is written.

A line is ``slug`` or ``slug, stage, year, competition`` (later cells optional; the form
gives the rest). A CSV file may instead start with a header naming those columns.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.catalog.labels import AWARD_STAGE_LABELS, award_stage_named
from app.catalog.models import AWARD_STAGES, Award, Innovation
from app.content.schema import FIRST_YEAR
from app.editing import history
from app.extensions import db

MAX_ROWS = 2000
MAX_COMPETITION = 40  # the schema's and the award table's limit
COLUMNS = ("slug", "stage", "year", "competition")
_SPLIT = re.compile(r"\s*[,;\t]\s*")


@dataclass
class AwardRow:
    """One checked line: which case study gets which award."""

    line: int
    innovation: Innovation
    competition: str
    year: int
    stage: str

    @property
    def key(self):
        return (self.competition, self.year, self.stage)


@dataclass
class AwardBatch:
    """Every line of a list, checked: rows to write and problems ``(line, message)``."""

    rows: list[AwardRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self):
        return bool(self.rows) and not self.problems

    def already(self):
        """Rows whose case study already holds the award: written as nothing."""
        return [row for row in self.rows if row.key in _held(row.innovation)]


def _held(innovation):
    return {(a.competition, a.year, a.stage) for a in innovation.awards}


def lines_of_text(text):
    """``[(line number, cells)]`` from a pasted list, blank lines left out."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            rows.append((number, _SPLIT.split(line.strip())))
    return rows


def lines_of_csv(data):
    """``[(line number, cells)]`` from an uploaded CSV file (UTF-8, comma or semicolon), or
    a ``(0, message)`` problem when the file cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, str(_l("Berkas bukan UTF-8. Simpan ulang sebagai CSV UTF-8."))
    if "\x00" in text:
        return None, str(_l("Berisi karakter yang tidak sah (NUL)."))
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if any(cell.strip() for cell in cells):
            rows.append((number, [cell.strip() for cell in cells]))
    return rows, None


def check(lines, competition, year, stage, today=None):
    """Check every line against the catalogue and the award rules; nothing is written."""
    today = today or date.today()
    batch = AwardBatch()
    columns = COLUMNS
    if lines and lines[0][1] and lines[0][1][0].lower() == "slug":
        columns = tuple(cell.lower() for cell in lines[0][1])
        lines = lines[1:]
    if len(lines) > MAX_ROWS:
        batch.problems.append((0, str(_l("Paling banyak %(n)d baris sekaligus.", n=MAX_ROWS))))
        return batch
    slugs = {cells[columns.index("slug")] if "slug" in columns else "" for _, cells in lines}
    found = {i.slug: i for i in db.session.scalars(sa.select(Innovation).where(Innovation.slug.in_(slugs)))}
    first_line = {}
    for number, cells in lines:
        values = dict(zip(columns, cells, strict=False))
        row, problem = _row(number, values, found, (competition, year, stage), today)
        if problem:
            batch.problems.append((number, problem))
            continue
        seen = first_line.setdefault((row.innovation.id, row.key), number)
        if seen != number:
            batch.problems.append(
                (number, str(_l("%(slug)s sudah disebut di baris %(line)d.", slug=row.innovation.slug, line=seen)))
            )
            continue
        batch.rows.append(row)
    if not lines:
        batch.problems.append((0, str(_l("Tidak ada studi kasus yang disebut."))))
    return batch


def _row(number, values, found, defaults, today):
    slug = values.get("slug", "")
    innovation = found.get(slug)
    if innovation is None:
        return None, str(_l("%(slug)s tidak ada di katalog.", slug=repr(slug[:120])))
    competition = values.get("competition") or defaults[0] or ""
    if not 0 < len(competition) <= MAX_COMPETITION:
        return None, str(_l("Nama kompetisi wajib diisi, paling banyak %(n)d karakter.", n=MAX_COMPETITION))
    year_text = values.get("year") or defaults[1] or ""
    if not (year_text.isascii() and year_text.isdigit() and FIRST_YEAR <= int(year_text) <= today.year + 1):
        return None, str(
            _l(
                "Tahun %(year)s tidak sah: harus antara %(low)d dan %(high)d.",
                year=repr(year_text[:10]),
                low=FIRST_YEAR,
                high=today.year + 1,
            )
        )
    written = values.get("stage") or defaults[2] or ""
    stage = award_stage_named(written)
    if stage not in AWARD_STAGES:
        names = ", ".join(str(AWARD_STAGE_LABELS[s]) for s in AWARD_STAGES)
        return None, str(_l("Tahap %(stage)s tidak dikenal: %(stages)s.", stage=repr(written[:20]), stages=names))
    return AwardRow(number, innovation, competition, int(year_text), stage), None


def write(batch, user):
    """Add every award of a checked batch (flush, no commit); each case study that gets one
    gains a revision. Returns ``(added, already held)``."""
    if not batch.ok:
        raise ValueError("write only a batch without problems")
    already = {id(row) for row in batch.already()}
    added = 0
    for row in batch.rows:
        if id(row) in already:
            continue
        innovation = row.innovation
        history.ensure_baseline(innovation)
        innovation.awards.append(Award(competition=row.competition, year=row.year, stage=row.stage))
        innovation.edited_at = datetime.now(UTC)
        history.record(
            innovation, "awarded", user=user, status_from=innovation.status, comment=" ".join(map(str, row.key))
        )
        added += 1
    return added, len(already)


KIND = "awards"


def payload(lines):
    """The checked lines as a bulk run keeps them."""
    return json.dumps([[number, cells] for number, cells in lines], ensure_ascii=False).encode()


def run(bulk_run):
    """A confirmed list done as a bulk run (docs/decisions/0081): checked again as its user,
    then ``("done", {"added", "already"})`` written (not committed), or ``("refused",
    {"problems": [[line, "", message], ...]})`` with nothing written."""
    from app.accounts.models import User

    user = db.session.get(User, bulk_run.user_id) if bulk_run.user_id else None
    params = bulk_run.params
    language = params.get("locale")
    with force_locale(language if language in current_app.config["LANGUAGES"] else "id"):
        if user is None or not user.active or not user.can("awards.record"):
            return "refused", {"problems": [[0, "", str(_l("Akun Anda tidak lagi boleh mencatat penghargaan."))]]}
        lines = [(int(number), [str(cell) for cell in cells]) for number, cells in json.loads(bulk_run.payload)]
        batch = check(lines, params.get("competition"), params.get("year"), params.get("stage"))
        if not batch.ok:
            return "refused", {"problems": [[line, "", message] for line, message in batch.problems]}
        added, already = write(batch, user)
    return "done", {"added": added, "already": already}
