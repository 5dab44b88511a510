"""Property tests of the CSV files, through the real routes: an exported replications file
imports back without changing anything; a file with some of the columns changes only
those; no exported cell of either export runs as a spreadsheet formula.

The ``db`` fixture is not reset between Hypothesis examples: each example first removes
the replications (and, in the innovations test, the innovation) of the one before it.
"""

import csv
import io
import itertools
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from app.accounts.models import User
from app.catalog.models import Innovation, Institution, Owner
from app.csvfiles import escape_cell, unescape_cell
from app.extensions import db as _db
from app.notices.models import InboxItem
from app.replication import csvio, services
from app.replication.models import (
    BUDGET_SOURCES,
    PROGRESS,
    STAGES,
    TRANSFER_MODES,
    Replication,
    ReplicationEvent,
    stage_dates_column,
)
from tests import factories
from tests.accounts_fixtures import add_member, make_network, make_user, sign_in
from tests.support import make_app
from tests.test_replication_import import confirm, preview, problems

# A fifth of the profile's examples each ("suar": 20, "hunt": 200): the three tests stay
# within a minute on a shared machine, and HYPOTHESIS_PROFILE=hunt still hunts harder.
EXAMPLES = max(10, settings.default.max_examples // 5)
ADOPTERS = ("35.08", "35.09", "35.10", "35.11", "35.12")
NETWORKS = ("jipp-satu", "jipp-dua")
_unique = itertools.count(1)

# What a spreadsheet runs as a formula (OWASP): a cell starting with one of these, unless
# the whole cell is a plain number. Written here on its own, not taken from app.csvfiles.
_FORMULA = re.compile(r"[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

# Text with what breaks CSV files and spreadsheets: separators, quotes, line ends,
# apostrophes and formula characters, any Unicode (but NUL, which no database keeps).
_chars = st.one_of(
    st.characters(codec="utf-8", exclude_characters="\x00"),
    st.sampled_from(list(",;\"'\n\r\t =+-@ ")),
)
_starts = st.sampled_from(
    ["", "", "=", "+", "-", "@", "\t", "\r", "'", "''", "'=", "''+", "'-", "'-5.5", "-5.5", "-", "+1+1", "-2+3",
     '=HYPERLINK("http://x.example","klik")', "@SUM(A1:A9)", "=cmd|' /C calc'!A0", "'@", "1e5", "0"]
)  # fmt: skip
_spaces = st.sampled_from(["", "", " ", "    ", "\n", "\r\n", "\t"])


@st.composite
def line_text(draw, max_size=40, edges=False):
    """Text the import keeps as it is: no surrounding white space (it trims cells), but a
    leading tab or carriage return, which the export's escape protects. ``edges``: white
    space around it too (the import keeps it in notes, where Markdown gives it meaning)."""
    body = draw(st.text(_chars, max_size=max_size))
    if edges:
        return draw(_spaces) + draw(_starts) + body + draw(_spaces)
    return (draw(_starts) + body.strip()).rstrip()


def unit_name():
    """An implementing unit's name as the service stores it: single spaces, trimmed."""
    return line_text(60).map(lambda text: " ".join(text.split())).filter(bool)


def evidence():
    path = st.text(st.sampled_from(list("abc019=+-@'%;,.")), max_size=12)
    return st.lists(path.map(lambda p: f"https://bukti.example/{p}"), min_size=1, max_size=3).map("\n".join)


def outcome():
    return st.one_of(
        st.floats(-1e11, 1e11, allow_nan=False, allow_subnormal=False),
        st.integers(-(10**9), 10**9).map(float),
        st.sampled_from([-5.5, -0.5, 0.0, -1e-05, 12.25]),
    )


def a_date():
    return st.dates(date(1995, 1, 1), date(2024, 12, 31))


@st.composite
def replication_fields(draw):
    """A stage and every field of a replication, random."""
    stage = draw(st.sampled_from(STAGES))
    fields = {
        "local_name": draw(st.none() | line_text(60)),
        "legal_basis": draw(st.none() | line_text(120)),
        "outcome_unit": draw(st.none() | line_text(40)),
        "discontinued_reason": draw(line_text(80).filter(bool) if stage == "discontinued" else st.none() | line_text()),
        "notes": draw(st.none() | line_text(200, edges=True)),
        "adopter_unit": draw(st.none() | unit_name()),
        "evidence": draw(st.none() | evidence()),
        "outcome_value": draw(st.none() | outcome()),
        "transfer_mode": draw(st.sampled_from((None, *TRANSFER_MODES))),
        "budget_source": draw(st.sampled_from((None, *BUDGET_SOURCES))),
        "network": draw(st.sampled_from((None, *NETWORKS))),
    }
    reached = PROGRESS if stage == "discontinued" else PROGRESS[: PROGRESS.index(stage) + 1]
    for earlier in reached:
        fields[stage_dates_column(earlier)] = draw(st.none() | a_date())
    fields[stage_dates_column(stage)] = draw(a_date())
    return stage, fields


@pytest.fixture(scope="module")
def app(databases, tmp_path_factory):
    """An app of this module's own whose commits leave the search index alone: Hypothesis
    seeds the global random generator alike for every example and Whoosh names its segment
    files with it, so each example's index update would collide with the files of the one
    before (the index is derived; these tests are about CSV files)."""
    app = make_app(databases, tmp_path_factory, SEARCH_SYNC_AFTER_COMMIT=False)
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def place(db):
    """The ids of a published innovation of Kota Semarang, of two networks, of an editor
    (ids: the examples' sessions come and go)."""
    innovation = factories.innovation("Tele Sehat", kind="city", region="33.74")
    networks = {slug: make_network(slug, "35", name=slug) for slug in NETWORKS}
    for network in networks.values():  # a facilitating network counts the adopter among its members
        for code in ADOPTERS:
            add_member(network, code)
    editor = make_user("editor@example.go.id", "editor")
    db.session.commit()
    return {"innovation": innovation.id, "networks": {k: v.id for k, v in networks.items()}, "editor": editor.id}


def _fresh(db, place, drawn):
    """Only the replications of this example: the previous example's are removed."""
    db.session.remove()
    for model in (InboxItem, ReplicationEvent, Replication):
        db.session.execute(sa.delete(model))
    innovation, editor = db.session.get(Innovation, place["innovation"]), db.session.get(User, place["editor"])
    made = []
    for code, (stage, fields) in zip(ADOPTERS, drawn, strict=False):
        fields = dict(fields)
        network = fields.pop("network")
        fields["network_id"] = place["networks"][network] if network else None
        adopter = factories.owner("regency", code)
        made.append(services.create(innovation, adopter, stage, user=editor, **fields).id)
    db.session.commit()
    return made


def _stored(db):
    """Every column of every replication, and how many history entries each has."""
    db.session.remove()
    events = dict(
        db.session.execute(sa.select(ReplicationEvent.replication_id, sa.func.count()).group_by("replication_id")).all()
    )
    return {
        r.id: {
            **{c.key: getattr(r, c.key) for c in Replication.__table__.columns},
            "unit": r.adopter_unit.name if r.adopter_unit else None,
            "events": events.get(r.id, 0),
        }
        for r in db.session.scalars(sa.select(Replication))
    }


def _table(data):
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _import(client, data):
    status, page = preview(client, data)
    assert status == 200, problems(page)
    return page, confirm(client, page)


@settings(max_examples=EXAMPLES)
@given(drawn=st.lists(replication_fields(), min_size=1, max_size=len(ADOPTERS)))
def test_an_exported_file_imports_back_without_changing_anything(client, db, place, drawn):
    """Export, preview, confirm: every row "tidak berubah", every column as it was."""
    _fresh(db, place, drawn)
    sign_in(client, db.session.get(User, place["editor"]))
    before = _stored(db)
    exported = client.get("/export/replications.csv").get_data()
    assert len(_table(exported)) == 1 + len(drawn)
    page, done = _import(client, exported)
    n = len(drawn)
    assert f"0 replikasi baru, 0 berubah, {n} tidak berubah." in page, re.findall(r"plan-\w+\">.*?</td>", page)
    assert f"0 replikasi baru, 0 diperbarui, {n} tidak berubah." in done
    assert _stored(db) == before


@settings(max_examples=EXAMPLES)
@given(drawn=st.lists(replication_fields(), min_size=1, max_size=len(ADOPTERS)), data=st.data())
def test_a_file_with_some_columns_changes_only_those(client, db, place, drawn, data):
    """Some columns dropped, some cells given new values or emptied, some stages moved on:
    what the file does not carry stays, and the preview names exactly what is written."""
    ids = _fresh(db, place, drawn)
    sign_in(client, db.session.get(User, place["editor"]))
    before = _stored(db)
    header, *rows = _table(client.get("/export/replications.csv").get_data())
    kept = data.draw(st.sets(st.sampled_from(csvio.FIELD_COLUMNS)), label="columns kept")
    columns = [c for c in header if c in ("innovation", "adopter_region", "stage") or c in kept]
    edited, filed, fresh = [], {}, {}
    for replication_id, row in zip(ids, rows, strict=True):
        cells = {c: unescape_cell(cell) for c, cell in zip(header, row, strict=True)}
        stage = cells["stage"]
        onwards = [s for s in services.allowed_stages(db.session.get(Replication, replication_id)) if s in PROGRESS]
        cells["stage"] = data.draw(st.sampled_from([stage, *onwards]), label="stage")
        new = {c: data.draw(_new_value(c, stage), label=c) for c in kept}
        fresh[replication_id] = {c for c, v in new.items() if v is not None}
        cells.update({c: v for c, v in new.items() if v is not None})
        filed[replication_id] = {c: cells[c] for c in columns}
        edited.append([escape_cell(cells[c]) for c in columns])
    file = _csv(columns, edited)

    parsed = csvio.read(file)
    assert parsed.ok, parsed.problems
    assert parsed.absent == [c for c in csvio.FIELD_COLUMNS if c not in kept]
    plan = {item.values["adopter"].region_code: item for item in parsed.plan}
    db.session.remove()
    _import(client, file)  # through the pages, as a coordinator would
    after = _stored(db)
    for replication_id in ids:
        old, new, cells = before[replication_id], after[replication_id], filed[replication_id]
        moved = new["stage"] != old["stage"]
        assert new["stage"] == cells["stage"]
        for column in csvio.FIELD_COLUMNS:
            value = cells.get(column)  # None: not in the file
            if column in fresh[replication_id] and not (value == "" and column.endswith("_on")):
                assert _field(new, column) == _expected(column, value, place), column
            elif moved and column == stage_dates_column(new["stage"]) and not value:
                assert _field(new, column) in {date.today().isoformat(), datetime.now(UTC).date().isoformat()}
            elif moved and column == "discontinued_reason" and value is None:
                assert new[column] is None  # moved on: the service clears the reason
            else:  # not in the file, an empty date, or the exported value: as it was
                assert _field(new, column) == _field(old, column), (column, "changed, yet not asked to")
        history = db.session.scalars(  # in the order they were written (PostgreSQL promises no other)
            sa.select(ReplicationEvent)
            .where(ReplicationEvent.replication_id == replication_id)
            .order_by(ReplicationEvent.id)
        ).all()
        item = plan[db.session.get(Replication, replication_id).adopter.region_code]
        recorded = set(history[-1].changes) if new["events"] > old["events"] else set()
        assert set(item.fields) == recorded, "the preview named other fields than were written"
        assert item.action == ("change" if recorded else "same")


def _new_value(column, stage):
    """None (keep the exported cell), or a new value for ``column`` ("" clears it)."""
    values = {
        **{c: a_date().map(date.isoformat) for c in csvio.DATE_COLUMNS},
        "adopter_unit": unit_name(),
        "network": st.sampled_from(NETWORKS),
        "transfer_mode": st.sampled_from(TRANSFER_MODES),
        "budget_source": st.sampled_from(BUDGET_SOURCES),
        "evidence": evidence().map(lambda links: links.replace("\n", " ")),
        "outcome_value": outcome(),
        "notes": line_text(200, edges=True),
        "discontinued_reason": line_text(80).filter(bool) if stage == "discontinued" else line_text(80),
    }
    new = values.get(column, line_text(60))
    if column == "discontinued_reason" and stage == "discontinued":
        return st.none() | new
    return st.none() | st.just("") | new


def _field(stored, column):
    if column == "network":
        return stored["network_id"]
    if column == "adopter_unit":
        return stored["unit"]
    if column == "notes":
        return stored["notes_md"] or None
    value = stored[column]
    return value.isoformat() if isinstance(value, date) else value


def _expected(column, value, place):
    if value == "":
        return None
    if column == "network":
        return place["networks"][value]
    if column == "evidence":
        return value.replace(" ", "\n")
    return value


def _csv(header, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return ("\ufeff" + buffer.getvalue()).encode()


@settings(max_examples=EXAMPLES)
@given(
    texts=st.fixed_dictionaries(
        {
            "title": line_text(80, edges=True).filter(str.strip),
            "summary": line_text(200, edges=True),
            "legal_basis": line_text(80, edges=True),
            "owner": line_text(60, edges=True).filter(str.strip),
            "institution": line_text(60, edges=True).filter(str.strip),
            "started": line_text(7).map(lambda text: text[:7]).filter(bool),
        }
    ),
    drawn=replication_fields(),
)
def test_no_exported_cell_runs_as_a_formula(client, db, place, texts, drawn):
    """Random text in the exported fields of an innovation and a replication: no cell of
    either export starts a formula, and the innovation's cells read back as stored."""
    _forget_earlier_innovations(db)
    n = next(_unique)
    owner = Owner(name=texts["owner"], slug=f"kementerian-uji-{n}", kind="ministry")
    item = factories.innovation(
        texts["title"], owner=owner, kind="ministry", slug=f"rumus-{n}", summary=texts["summary"],
        legal_basis=texts["legal_basis"] or None, started=texts["started"], institution=texts["institution"],
    )  # fmt: skip
    stage, fields = drawn
    network = fields.pop("network")
    adopter = factories.owner("regency", ADOPTERS[n % len(ADOPTERS)])
    editor = db.session.get(User, place["editor"])
    services.create(item, adopter, stage, user=editor, network_id=network and place["networks"][network], **fields)
    db.session.commit()
    for url in ("/export/innovations.csv", "/export/replications.csv"):
        header, *rows = _table(client.get(url).get_data())
        for row in rows:
            for column, cell in zip(header, row, strict=True):
                runs = _FORMULA.match(cell) and not _PLAIN_NUMBER.fullmatch(cell)
                assert not runs, f"{url}: {column} = {cell!r} runs as a formula"
    header, *rows = _table(client.get("/export/innovations.csv").get_data())
    cells = next(dict(zip(header, row, strict=True)) for row in rows if row[0] == item.slug)
    stored = {"title": item.title, "summary": item.summary, "legal_basis": item.legal_basis or "",
              "owner": owner.name, "institution": db.session.get(Institution, item.institution_id).name,
              "started": item.started}  # fmt: skip
    assert {column: unescape_cell(cells[column]) for column in stored} == stored


def _forget_earlier_innovations(db):
    """The previous example's innovation goes (its replications with it), and its owner."""
    db.session.remove()
    for item in db.session.scalars(sa.select(Innovation).where(Innovation.slug.startswith("rumus-"))):
        db.session.delete(item)
    db.session.flush()
    ministries = sa.select(Owner.id).where(Owner.slug.startswith("kementerian-uji-"))
    db.session.execute(sa.delete(Institution).where(Institution.owner_id.in_(ministries)))
    db.session.execute(sa.delete(Owner).where(Owner.id.in_(ministries)))
    db.session.commit()
