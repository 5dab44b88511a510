"""A bulk import tells the same people as one change at a time would, and writes its rows
as one change at a time would.

The import remembers who takes part and how each wants their notices from one row to the
next (conversation.Lookups). Every notice it makes is compared with what the thread's
participants, asked afresh for each replication, and each person's stored choice give.
"""

import sqlalchemy as sa

from app.catalog.owners import government_owner
from app.notices import service as notices
from app.notices.models import InboxItem
from app.regions.models import Region
from app.replication import conversation, csvio, services
from app.replication.models import Replication
from tests import factories
from tests.accounts_fixtures import add_member, make_network, make_user

HEADER = "innovation,adopter_region,stage,network,piloting_on"


def _owner(db, code):
    return government_owner(db.session.get(Region, code))


def _world(db):
    """Two case studies of Kota Semarang and one of Kab. Lumajang; officials on both sides
    (one who turned stage notices off, one who wants them at once, one inactive); three
    networks with coordinators, one of them facilitating some of the rows."""
    tele = factories.innovation("Tele Sehat", kind="city", region="33.74")
    sampah = factories.innovation("Bank Sampah Kota", kind="city", region="33.74", owner=tele.owner)
    lapor = factories.innovation("Lapor Cepat", kind="regency", region="35.08")
    jateng, jatim, sulsel = (
        make_network("jipp-jateng", "33"),
        make_network("jipp-jatim", "35"),
        make_network("jipp-sulsel", "73"),
    )
    add_member(jateng, "33.74")
    add_member(jatim, "35.08")
    add_member(sulsel, "73.71")
    add_member(jateng, "33.01")
    users = {
        "semarang": make_user("asal@semarang.example", "official", owner=tele.owner),
        "semarang_quiet": make_user("diam@semarang.example", "official", owner=tele.owner),
        "semarang_gone": make_user("pergi@semarang.example", "official", owner=tele.owner, active=False),
        "lumajang": make_user("pejabat@lumajang.example", "official", owner=lapor.owner),
        "cilacap": make_user("pejabat@cilacap.example", "official", owner=_owner(db, "33.01")),
        "makassar": make_user("pejabat@makassar.example", "official", owner=_owner(db, "73.71")),
        "jateng": make_user("koord@jateng.example", "coordinator", networks=[jateng]),
        "jatim": make_user("koord@jatim.example", "coordinator", networks=[jatim]),
        "sulsel": make_user("koord@sulsel.example", "coordinator", networks=[sulsel]),
        "editor": make_user("editor@example.go.id", "editor"),
    }
    notices.set_preferences(users["semarang_quiet"], {"stage": "off"})
    notices.set_preferences(users["makassar"], {"stage": "now"})
    # Moved by the import to a later stage (an update, not a new replication), and one the
    # import names at the stage it already has (nobody is told of it).
    services.create(lapor, _owner(db, "33.74"), "planned", user=users["editor"], notify=False)
    services.create(sampah, lapor.owner, "planned", user=users["editor"], notify=False)
    # Given a facilitating network by the import, at the stage it has: changed, nobody told.
    services.create(tele, lapor.owner, "planned", user=users["editor"], notify=False)
    db.session.commit()
    return {"tele": tele, "sampah": sampah, "lapor": lapor, **users}


ROWS = [
    # The same adopter for two case studies of one owner, once with a facilitating network
    # and once without; adopters with and without officials, in networks and not.
    "{tele},35.07,planned,,",
    "{sampah},35.07,planned,jipp-jateng,",
    "{tele},33.01,piloting,,2024-02-01",
    "{sampah},33.01,planned,,",
    "{tele},73.71,planned,jipp-sulsel,",
    "{sampah},73.71,committed,,",
    "{lapor},33.01,planned,,",
    "{lapor},73.71,planned,jipp-jatim,",
    "{lapor},33.74,piloting,,2024-03-01",
    "{sampah},35.08,planned,,",
    "{tele},35.08,planned,jipp-jatim,",
]


def _import(db, world, importer):
    rows = [row.format(**{k: world[k].slug for k in ("tele", "sampah", "lapor")}) for row in ROWS]
    data = ("\ufeff" + HEADER + "\n" + "\n".join(rows) + "\n").encode()
    parsed = csvio.read(data)
    assert parsed.ok, parsed.problems[:3]
    counts = csvio.write(parsed, importer)
    db.session.commit()
    return counts


def _expected(replications, importer):
    """What notify_stage would make for each replication, asked with nothing remembered."""
    expected = set()
    for replication in replications:
        for recipient in conversation.participants(replication):
            user = recipient.user
            if user.id != importer.id and user.active:
                expected.add((user.email, replication.id, notices.mode_for(user, "stage")))
    return expected


def test_an_import_notifies_exactly_whom_each_change_alone_would(db):
    world = _world(db)
    importer = world["jatim"]  # a participant of some rows: never told of their own import
    last = db.session.scalar(sa.select(sa.func.max(InboxItem.id))) or 0
    stages = dict(db.session.execute(sa.select(Replication.id, Replication.stage)).all())
    counts = _import(db, world, importer)
    assert counts == {"created": 8, "updated": 2, "unchanged": 1}

    made = db.session.scalars(sa.select(InboxItem).where(InboxItem.id > last, InboxItem.kind == "stage")).all()
    got = {(item.user.email, item.replication_id, item.delivery) for item in made}
    assert len(got) == len(made), "one notice per person per replication"
    replications = db.session.scalars(sa.select(Replication)).all()
    moved = [r for r in replications if stages.get(r.id) != r.stage]
    assert len(replications) == 11 and len(moved) == 9
    assert got == _expected(moved, importer)

    # The world is varied enough for the comparison to mean something.
    emails = {email for email, _, _ in got}
    assert {"asal@semarang.example", "koord@sulsel.example", "koord@jateng.example"} <= emails
    assert "pergi@semarang.example" not in emails and "koord@jatim.example" not in emails
    deliveries = {(email, delivery) for email, _, delivery in got}
    assert {("diam@semarang.example", "off"), ("pejabat@makassar.example", "now")} <= deliveries
    by_replication = {}
    for email, replication_id, _ in got:
        by_replication.setdefault(replication_id, set()).add(email)
    makassar = {r.id for r in replications if r.adopter.region_code == "73.71"}
    assert len(makassar) == 3
    assert {r for r, emails in by_replication.items() if "koord@sulsel.example" in emails} == makassar


def test_rows_may_name_a_unit_an_earlier_row_added(db):
    world = _world(db)
    rows = [
        f"{world['tele'].slug},33.01,planned,Dinas Kesehatan Baru",
        f"{world['sampah'].slug},33.01,planned,Dinas Kesehatan Baru",
        f"{world['lapor'].slug},33.01,planned,Dinas  Kesehatan Baru",
    ]
    data = ("\ufeffinnovation,adopter_region,stage,adopter_unit\n" + "\n".join(rows) + "\n").encode()
    parsed = csvio.read(data)
    assert parsed.ok, parsed.problems[:3]
    assert csvio.write(parsed, world["editor"]) == {"created": 3, "updated": 0, "unchanged": 0}
    db.session.commit()
    units = {
        r.adopter_unit
        for r in db.session.scalars(sa.select(Replication).where(Replication.adopter_id == _owner(db, "33.01").id))
    }
    assert len(units) == 1 and next(iter(units)).name == "Dinas Kesehatan Baru"
