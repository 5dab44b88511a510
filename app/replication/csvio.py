"""Replications as CSV: the export's columns are the import's, so an export can be edited
and imported back. Imports validate every row first and write all or nothing.

A column the file does not carry leaves that field as it is; an empty cell in a column it
does carry clears the field (stage dates excepted). The preview says, row by row, what
writing would create or change (docs/decisions/0043).
"""

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalog.models import GOVERNMENT_KINDS, Innovation, Owner
from app.catalog.owners import resolve_owner
from app.csvfiles import dict_reader, unescape_cell
from app.extensions import db
from app.forms import markdown_refusal
from app.networks.models import Network
from app.regions.models import Region
from app.replication import conversation, csvplan, services
from app.replication.csvnames import RegionNames, budget_choices, stage_choices, transfer_choices
from app.replication.labels import BUDGET_LABELS, STAGE_LABELS, TRANSFER_LABELS
from app.replication.models import STAGES, stage_dates_column

DATE_COLUMNS = tuple(stage_dates_column(s) for s in STAGES)
COLUMNS = (
    "innovation", "adopter_region", "adopter", "adopter_unit", "network", "local_name", "transfer_mode",
    "stage", *DATE_COLUMNS, "discontinued_reason", "budget_source", "legal_basis", "evidence",
    "outcome_value", "outcome_unit", "notes",
)  # fmt: skip
# What identifies a row; every other column holds a field of the replication.
KEYS = ("innovation", "adopter_region", "adopter", "stage")
FIELD_COLUMNS = tuple(c for c in COLUMNS if c not in KEYS)
# Written by the export for people reading it; ignored by the import.
INFORMATIVE = ("innovation_title", "origin_owner", "adopter_kind", "adopter_province")
MAX_ROWS = 10_000
LIMITS = {"local_name": 200, "adopter_unit": 300, "legal_basis": 500, "discontinued_reason": 2000,
          "outcome_unit": 100, "notes": 20000, "evidence": 12000}  # fmt: skip


@dataclass
class RowProblem:
    """What is wrong with one row (numbered as a spreadsheet does: the header is row 1)."""

    row: int
    column: str
    message: str


@dataclass
class Parsed:
    """The rows of a file, each ready to write, or the problems that stop it; the field
    columns the file does not carry; and, for a valid file, what writing it would do."""

    rows: list[dict] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    plan: list[csvplan.RowPlan] = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems and bool(self.rows)

    def count(self, action):
        """How many rows would ``create``, ``change`` or stay the ``same``."""
        return sum(1 for item in self.plan if item.action == action)


def read(data):
    """Parse and check a CSV file (bytes); nothing is written."""
    result = Parsed()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append(RowProblem(0, "", _("Berkas bukan teks UTF-8. Simpan ulang sebagai CSV UTF-8.")))
        return result
    reader = dict_reader(text)
    header = reader.fieldnames or []
    missing = [c for c in ("innovation", "stage") if c not in header]
    if missing:
        result.problems.append(RowProblem(1, ", ".join(missing), _("Kolom wajib tidak ada.")))
        return result
    unknown = [c for c in header if c not in COLUMNS and c not in INFORMATIVE]
    if unknown:
        result.problems.append(RowProblem(1, ", ".join(unknown[:5]), _("Kolom tidak dikenal.")))
        return result
    result.absent = [c for c in FIELD_COLUMNS if c not in header]
    lookups = _Lookups()
    seen = {}
    try:
        for number, raw in enumerate(reader, start=2):
            if number - 1 > MAX_ROWS:
                result.problems.append(RowProblem(number, "", _("Paling banyak %(n)s baris.", n=MAX_ROWS)))
                break
            if None in raw:
                result.problems.append(RowProblem(number, "", _("Baris ini punya kolom lebih banyak dari judulnya.")))
                continue
            nul = [column for column, value in raw.items() if "\x00" in (value or "")]
            if nul:  # PostgreSQL refuses it in text: say so here, not with an error at the write
                result.problems.append(RowProblem(number, nul[0], _("Berisi karakter yang tidak sah (NUL).")))
                continue
            row, problems = _check(number, {k: _cell(k, v) for k, v in raw.items()}, lookups)
            if row:
                key = (row["innovation"].id, row["adopter"].id)
                if key in seen:
                    problems.append(RowProblem(number, "adopter", _("Sama dengan baris %(n)s.", n=seen[key])))
                else:
                    seen[key] = number
                    result.rows.append(row)
            result.problems.extend(problems)
    except csv.Error as error:
        result.problems.append(RowProblem(reader.line_num, "", _("CSV tidak terbaca: %(e)s", e=str(error))))
    if not result.rows and not result.problems:
        result.problems.append(RowProblem(2, "", _("Berkas tidak berisi baris data.")))
    if result.ok:
        result.plan, problems = csvplan.plan(result.rows)
        result.problems.extend(RowProblem(*problem) for problem in problems)
    return result


def _cell(column, value):
    # Stripped before unescaping, so that a value the export escaped because it starts with
    # a tab keeps it; notes are Markdown, where leading spaces and line ends carry meaning.
    value = value or ""
    return unescape_cell(value if column == "notes" else value.strip())


class _Lookups:
    """Everything rows refer to, loaded once per file."""

    def __init__(self):
        # Only published case studies may be named; any other slug reads as unknown, so the
        # file cannot reveal that a draft exists.
        self.innovations = {i.slug: i for i in db.session.scalars(sa.select(Innovation).where(Innovation.is_public))}
        self.networks = {n.slug: n for n in db.session.scalars(sa.select(Network))}
        self.regions = {r.code: r for r in db.session.scalars(sa.select(Region))}
        self.owners = {
            o.region_code: o for o in db.session.scalars(sa.select(Owner).where(Owner.kind.in_(GOVERNMENT_KINDS)))
        }
        # Stages, transfer modes and budget sources by code or by name in either language;
        # regions by code or by name (app/replication/csvnames.py).
        self.choices = {"stage": stage_choices(), "transfer_mode": transfer_choices(),
                        "budget_source": budget_choices()}  # fmt: skip
        self.region_names = RegionNames(self.regions.values())


def _known_words(choices):
    """The names a column takes, for a message: the labels in the reader's language, then the codes."""
    labels = {"stage": STAGE_LABELS, "transfer_mode": TRANSFER_LABELS, "budget_source": BUDGET_LABELS}[choices]
    names = [str(labels[code]) for code in labels]
    return ", ".join(names) + " (" + ", ".join(labels) + ")"


def _check(number, raw, lookups):
    problems = []

    def bad(column, message):
        problems.append(RowProblem(number, column, message))

    row = {}
    innovation = lookups.innovations.get(raw.get("innovation", ""))
    if innovation is None:
        bad("innovation", _("Inovasi %(slug)s tidak ada di katalog.", slug=raw.get("innovation", "")[:80] or "-"))
    row["innovation"] = innovation
    row["adopter"] = _adopter(raw, lookups, bad)
    if innovation and row["adopter"] and row["adopter"].id == innovation.owner_id:
        bad("adopter", _("Pemilik inovasi tidak dapat mereplikasi inovasinya sendiri."))
    written = raw.get("stage", "")
    stage = lookups.choices["stage"].code(written)
    if stage is None:
        bad("stage", _("Tahap %(stage)s tidak dikenal. Tulis salah satu: %(known)s.", stage=written[:40] or "-",
                       known=_known_words("stage")))  # fmt: skip
    row["stage"] = stage
    for column in DATE_COLUMNS:
        row[column] = _date(raw.get(column, ""), column, bad)
    network = raw.get("network", "")
    row["network_id"] = None
    if network:
        if network not in lookups.networks:
            bad("network", _("Jaringan %(slug)s tidak dikenal.", slug=network[:80]))
        else:
            row["network_id"] = lookups.networks[network].id
    for column in ("transfer_mode", "budget_source"):
        value = raw.get(column, "")
        code = lookups.choices[column].code(value) if value else None
        if value and code is None:
            bad(column, _("Nilai %(value)s tidak dikenal. Tulis salah satu: %(known)s.", value=value[:40],
                          known=_known_words(column)))  # fmt: skip
        row[column] = code
    for column, limit in LIMITS.items():
        value = raw.get(column, "")
        if len(value) > limit:
            bad(column, _("Paling banyak %(max)d karakter.", max=limit))
        row[column] = value
    if len(row["notes"]) <= LIMITS["notes"] and (refusal := markdown_refusal(row["notes"])):
        bad("notes", refusal)
    row["evidence"] = "\n".join(raw.get("evidence", "").split()) or None
    if any(not link.startswith(("http://", "https://")) for link in (row["evidence"] or "").split("\n") if link):
        bad("evidence", _("Bukti harus berupa tautan http(s), dipisah spasi."))
    row["outcome_value"] = _number(raw.get("outcome_value", ""), bad)
    if stage == "discontinued" and "discontinued_reason" in raw and not row["discontinued_reason"]:
        bad("discontinued_reason", _("Sebutkan alasan penghentian."))
    # A field whose column the file does not carry is not written (kept, or unset when new).
    carried = {"innovation", "adopter", "stage", *("network_id" if c == "network" else c for c in raw)}
    return ({k: v for k, v in row.items() if k in carried} if not problems else None), problems


def _adopter(raw, lookups, bad):
    written = raw.get("adopter_region", "")
    if written:
        region = lookups.regions.get(written) or _region_named(written, "adopter_region", lookups, bad)
        return _government(region, lookups) if region is not None else None
    name = raw.get("adopter", "")
    owner = resolve_owner(name) if name else None
    if owner is None and name:
        region = _region_named(name, "adopter", lookups, bad)
        return _government(region, lookups) if region is not None else None
    if owner is None:
        bad("adopter", _("Isi adopter_region (kode atau nama wilayah) atau nama pemilik yang sudah ada."))
    return owner


def _region_named(text, column, lookups, bad):
    """The region ``text`` names, or None with the reason: unknown, or which ones it may mean."""
    match = lookups.region_names.find(text)
    if match.region is not None:
        return match.region
    if match.candidates:
        options = ", ".join(f"{region.display_name} ({region.code})" for region in match.candidates[:6])
        bad(column, _("%(name)s bisa berarti beberapa wilayah: %(options)s. Tulis kode atau nama lengkapnya.",
                      name=text[:80], options=options))  # fmt: skip
    else:
        bad(column, _("Wilayah %(name)s tidak dikenal. Tulis kode Kemendagri (mis. 35.08) atau nama lengkap "
                      "(mis. Kabupaten Lumajang).", name=text[:80]))  # fmt: skip
    return None


def _government(region, lookups):
    owner = lookups.owners.get(region.code)
    if owner is None:
        owner = resolve_owner(region.code)
        lookups.owners[region.code] = owner
    return owner


def _date(value, column, bad):
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        bad(column, _("Tanggal %(value)s tidak terbaca; gunakan TTTT-BB-HH.", value=value[:20]))
        return None
    if parsed > date.today() or parsed.year < 1990:
        bad(column, _("Tanggal %(value)s di luar rentang yang masuk akal.", value=value))
        return None
    return parsed


def _number(value, bad):
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        bad("outcome_value", _("Bukan angka: %(value)s", value=value[:20]))
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        bad("outcome_value", _("Bukan angka yang masuk akal: %(value)s", value=value[:20]))
        return None
    return float(number)


def write(parsed, user):
    """Write every row (create or update) in the current transaction; returns counts.

    Raises services.ReplicationError (with the row number) when a row asks for a stage move
    the rules do not allow. Everyone in the thread of a replication created or moved to
    another stage is told, as one change at a time would tell them, once every row is
    written: who takes part is looked up once per import (conversation.Lookups).
    """
    existing = csvplan.existing(parsed.rows)
    created = updated = unchanged = 0
    touched = set()
    moved = []  # created, or at another stage: their threads are told
    for number, row in enumerate(parsed.rows, start=2):
        fields = {k: row[k] for k in services.FIELDS if k in row and (k not in DATE_COLUMNS or row[k] is not None)}
        current = existing.get((row["innovation"].id, row["adopter"].id))
        try:
            if current is None:
                moved.append(
                    services.create(
                        row["innovation"], row["adopter"], row["stage"], user=user, batch=True, notify=False, **fields
                    )
                )
                # Written now: a later row may name the unit this one added to its adopter,
                # and units are looked up in the database (services._unit).
                db.session.flush()
                created += 1
            else:
                before, old_stage = current.version, current.stage
                stage = row["stage"] if row["stage"] != current.stage else None
                services.update(current, user=user, expected_version=before, stage=stage, notify=False, **fields)
                if current.version != before:
                    updated += 1
                else:
                    unchanged += 1
                if current.stage != old_stage:
                    moved.append(current)
        except services.ReplicationError as error:
            message = _("Baris %(n)s: %(message)s", n=number, message=error.message)
            raise services.ReplicationError(message, error.field) from error
        touched.add(row["innovation"])
    db.session.flush()
    services.notify_stages(moved, user, conversation.Lookups())
    for innovation in touched:
        services.refresh_count(innovation)
    return {"created": created, "updated": updated, "unchanged": unchanged}


def export_rows(query):
    """CSV rows (header first) for the replications selected by ``query``, streamed."""
    yield [*COLUMNS, *INFORMATIVE]
    for replication in db.session.scalars(query.execution_options(yield_per=500)):
        innovation, adopter = replication.innovation, replication.adopter
        values = {
            "innovation": innovation.slug,
            "adopter_region": adopter.region_code if adopter.kind in GOVERNMENT_KINDS else "",
            "adopter": adopter.name,
            "adopter_unit": replication.adopter_unit.name if replication.adopter_unit else "",
            "network": replication.network.slug if replication.network else "",
            "evidence": " ".join(replication.evidence_links),
            "notes": replication.notes_md,
            "innovation_title": innovation.title,
            "origin_owner": innovation.owner.name,
            "adopter_kind": adopter.kind,
            "adopter_province": (adopter.region_code or "").split(".")[0],
        }
        for column in COLUMNS:
            if column not in values:
                value = getattr(replication, column, None)
                values[column] = value.isoformat() if isinstance(value, date) else ("" if value is None else value)
        yield [values[c] for c in (*COLUMNS, *INFORMATIVE)]


def template_rows(innovation_slug, today):
    """A file to start from: the import's columns and one example row, in the reader's words
    (the import takes names in either language as well as the codes)."""
    example = dict.fromkeys(COLUMNS, "")
    example.update(
        innovation=innovation_slug,
        adopter_region="Kabupaten Lumajang",
        adopter_unit="Dinas Kesehatan",
        transfer_mode=str(TRANSFER_LABELS["study_visit"]),
        stage=str(STAGE_LABELS["planned"]),
        planned_on=today.isoformat(),
        budget_source=str(BUDGET_LABELS["apbd"]),
    )
    return [COLUMNS, [example[column] for column in COLUMNS]]


def accepted_names():
    """For the import page: each coded column's values as ``(code, label)``, in the reader's language."""
    return {
        "stage": [(code, str(label)) for code, label in STAGE_LABELS.items()],
        "transfer_mode": [(code, str(label)) for code, label in TRANSFER_LABELS.items()],
        "budget_source": [(code, str(label)) for code, label in BUDGET_LABELS.items()],
    }
