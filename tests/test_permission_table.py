"""The permission table (app/accounts/permissions.py), role by role, written out here by hand:
every action of the table must have its row, so that a new rule cannot go untested."""

import pytest

from app.accounts.models import AnonymousUser
from app.accounts.permissions import RULES
from app.extensions import db as _db
from app.needs import services as need_services
from app.networks.models import Activity
from app.replication import services as replication_services
from tests import factories
from tests.accounts_fixtures import add_member, make_network, make_user, sign_in

T, F = True, False
ROLES = ("anonymous", "official", "other_official", "coordinator", "other_coordinator", "editor", "admin", "inactive")
# fmt: off
# official: of Banyumas, which owns every case study here; other_official: of Brebes;
# coordinator: of the network Banyumas and Lumajang belong to; other_coordinator: of another;
# inactive: a deactivated editor. Lumajang (in the coordinator's network) is the adopter
# (Brebes of the "interest"). A
# coordinator may log replications of any published case study by their members: the other
# coordinator too, when the adopter is theirs (the form offers only those).
EXPECTED = {                               # anon  off   other coord other edit  admin inact
    ("innovation.view", "published"):        (T,    T,    T,    T,    T,    T,    T,    T),
    ("innovation.view", "draft"):            (F,    T,    F,    F,    F,    T,    T,    F),
    ("innovation.view", "archived"):         (F,    T,    F,    F,    F,    T,    T,    F),
    ("innovation.create", None):             (F,    T,    T,    F,    F,    T,    T,    F),
    ("innovation.edit", "draft"):            (F,    T,    F,    F,    F,    T,    T,    F),
    ("innovation.edit", "submitted"):        (F,    F,    F,    F,    F,    T,    T,    F),
    ("innovation.edit", "published"):        (F,    F,    F,    F,    F,    T,    T,    F),
    ("innovation.history", "submitted"):     (F,    T,    F,    F,    F,    T,    T,    F),
    ("innovation.submit", "draft"):          (F,    T,    F,    F,    F,    T,    T,    F),
    ("innovation.submit", "published"):      (F,    F,    F,    F,    F,    F,    F,    F),
    ("innovation.publish", "submitted"):     (F,    F,    F,    F,    F,    T,    T,    F),
    ("innovation.publish", "published"):     (F,    F,    F,    F,    F,    F,    F,    F),
    ("innovation.return", "submitted"):      (F,    F,    F,    F,    F,    T,    T,    F),
    ("innovation.return", "draft"):          (F,    F,    F,    F,    F,    F,    F,    F),
    ("innovation.archive", "published"):     (F,    F,    F,    F,    F,    T,    T,    F),
    ("innovation.withdraw", "submitted"):    (F,    T,    F,    F,    F,    F,    F,    F),
    ("innovation.withdraw", "draft"):        (F,    F,    F,    F,    F,    F,    F,    F),
    ("innovation.restore", "archived"):      (F,    F,    F,    F,    F,    T,    T,    F),
    ("innovation.see_contacts", "published"):  (F,    T,    T,    T,    T,    T,    T,    F),
    ("innovation.see_contacts", "draft"):      (F,    T,    F,    F,    F,    T,    T,    F),
    ("innovation.confirm_contacts", "published"): (F, T,    F,    F,    F,    T,    T,    F),
    ("innovation.confirm_contacts", "draft"):  (F,    T,    F,    F,    F,    T,    T,    F),
    ("innovation.express_interest", "published"): (F, F, T,   F,    F,    F,    F,    F),
    ("innovation.express_interest", "draft"):     (F, F, F,   F,    F,    F,    F,    F),
    ("innovation.log_replication", "published"):  (F, F, F,   T,    T,    T,    T,    F),
    ("innovation.log_replication", "archived"):   (F, F, F,   F,    F,    F,    F,    F),
    ("replication.view", "replication"):     (T,    T,    T,    T,    T,    T,    T,    T),
    ("replication.view", "hidden replication"): (F, T,    F,    F,    F,    T,    T,    F),
    ("replication.edit", "replication"):     (F,    F,    F,    T,    F,    T,    T,    F),
    ("replication.edit", "hidden replication"): (F, F,    F,    F,    F,    T,    T,    F),
    ("replication.converse", "replication"): (F,    T,    F,    T,    F,    T,    T,    F),
    ("replication.converse", "hidden replication"): (F, T, F,   F,    F,    T,    T,    F),
    ("replication.converse", "interest"):    (F,    T,    T,    T,    F,    T,    T,    F),
    ("replication.withdraw", "interest"):    (F,    F,    T,    F,    F,    F,    F,    F),
    ("replication.withdraw", "replication"): (F,    F,    F,    F,    F,    F,    F,    F),
    ("replications.follow", None):           (F,    T,    T,    T,    T,    F,    F,    F),
    ("innovation.replication_network", "network"):       (F, F, F, T, F, T, T, F),
    ("innovation.replication_network", "other network"): (F, F, F, F, F, F, F, F),
    ("replications.import", None):           (F,    F,    F,    T,    T,    T,    T,    F),
    ("network.view", "network"):             (T,    T,    T,    T,    T,    T,    T,    T),
    ("network.edit", "network"):             (F,    F,    F,    T,    F,    T,    T,    F),
    ("activity.view", "activity"):           (T,    T,    T,    T,    T,    T,    T,    T),
    ("activity.edit", "activity"):           (F,    F,    F,    T,    F,    T,    T,    F),
    ("users.manage", None):                  (F,    F,    F,    F,    F,    F,    T,    F),
    ("users.invite", None):                  (F,    F,    F,    T,    T,    F,    T,    F),
    ("awards.record", None):                 (F,    F,    F,    F,    F,    T,    T,    F),
    ("inbox.use", None):                     (F,    T,    T,    T,    T,    T,    T,    F),
    # Needs of Banyumas, posted by its official (docs/decisions/0090).
    ("need.view", "public need"):            (T,    T,    T,    T,    T,    T,    T,    T),
    ("need.view", "signed-in need"):         (F,    T,    T,    T,    T,    T,    T,    F),
    ("need.view", "network need"):           (F,    T,    F,    T,    F,    T,    T,    F),
    ("need.create", None):                   (F,    T,    T,    T,    T,    F,    F,    F),
    ("need.edit", "public need"):            (F,    T,    F,    T,    F,    T,    T,    F),
    ("need.edit", "network need"):           (F,    T,    F,    T,    F,    T,    T,    F),
    ("need.delete", "public need"):          (F,    T,    F,    F,    F,    T,    T,    F),
    ("need.delete", "network need"):         (F,    T,    F,    F,    F,    T,    T,    F),
    ("need.delete", "closed need"):          (F,    T,    F,    F,    F,    T,    T,    F),
    ("need.suggest", "network need"):        (F,    F,    F,    T,    F,    T,    T,    F),
    ("need.suggest", "closed need"):         (F,    F,    F,    F,    F,    F,    F,    F),
    ("need.replicate", "network need"):      (F,    T,    F,    F,    F,    F,    F,    F),
    ("need.replicate", "closed need"):       (F,    F,    F,    F,    F,    F,    F,    F),
}
# fmt: on


def test_every_rule_of_the_table_has_a_row_here():
    assert {action for action, _ in EXPECTED} == set(RULES)


@pytest.fixture
def world(db):
    innovations = {status: factories.innovation(f"Inovasi {status}", region="33.02", status=status)
                   for status in ("draft", "submitted", "published", "archived")}  # fmt: skip
    network, other = make_network("jipp-jawa-tengah", "33"), make_network("jipp-sulawesi-selatan", "73")
    add_member(network, "33.02")
    add_member(network, "35.08")
    add_member(other, "73.71")
    lumajang = factories.owner("regency", "35.08")
    replication = replication_services.create(innovations["published"], lumajang, "planned")
    hidden = replication_services.create(innovations["archived"], lumajang, "planned")
    # Brebes (the other official's) wants to copy the published one.
    interest = replication_services.create(innovations["published"], factories.owner("regency", "33.29"), "interest")
    activity = Activity(
        network=network, kind="workshop", title="Lokakarya", date=__import__("datetime").date(2024, 1, 2)
    )
    db.session.add(activity)
    db.session.commit()
    people = {
        "anonymous": AnonymousUser(),
        "official": make_user("a@banyumas.example.go.id", "official", owner=innovations["draft"].owner),
        "other_official": make_user("b@brebes.example.go.id", "official", owner=factories.owner("regency", "33.29")),
        "coordinator": make_user("c@jateng.example.go.id", "coordinator", networks=[network]),
        "other_coordinator": make_user("d@sulsel.example.go.id", "coordinator", networks=[other]),
        "editor": make_user("e@example.go.id", "editor"),
        "admin": make_user("f@example.go.id", "admin"),
        "inactive": make_user("g@example.go.id", "editor", active=False),
    }
    records = {**innovations, None: None, "replication": replication, "hidden replication": hidden, "interest": interest,
               "network": network, "other network": other, "activity": activity}  # fmt: skip
    for name, visibility, status in (
        ("public need", "public", "open"),
        ("signed-in need", "signed_in", "open"),
        ("network need", "networks", "open"),
        ("closed need", "networks", "closed"),
    ):
        need = need_services.create(
            people["official"], innovations["draft"].owner, title=name, problem="Masalah.", visibility=visibility
        )
        need.status = status
        records[name] = need
    db.session.commit()
    return people, records, lumajang


@pytest.mark.parametrize(("action", "record"), sorted(EXPECTED, key=str), ids=lambda v: str(v))
def test_each_role_gets_the_answer_of_the_table(world, action, record):
    people, records, lumajang = world
    for role, expected in zip(ROLES, EXPECTED[(action, record)], strict=True):
        user = people[role]
        if action == "innovation.replication_network":
            answer = user.can(action, records["published"], adopter=lumajang, network=records[record])
        else:
            answer = user.can(action, records[record])
        assert answer is expected, (action, record, role)


def test_an_unknown_action_is_an_error_not_a_no(world):
    people, _, _ = world
    with pytest.raises(KeyError):
        people["admin"].can("innovation.delete_everything")
    _db.session.rollback()


def test_the_pictures_and_documents_pages_and_downloads_follow_the_table(app, world):
    """Whoever may edit a case study (innovation.edit) opens its pictures and documents pages;
    one who may only see it gets 403, anyone else 404 (or the sign-in page); a document is
    downloaded by exactly those who may see the case study (innovation.view)."""
    people, records, _ = world
    for status in ("draft", "submitted", "published", "archived"):
        records[status].documents = [factories.document_row(1, f"Dokumen {status}", name="dokumen.pdf")]
    _db.session.commit()
    for role in ROLES:
        user = people[role]
        client = app.test_client()
        if role != "anonymous":
            sign_in(client, user)
        for status in ("draft", "submitted", "published", "archived"):
            item = records[status]
            for page in ("dokumen", "gambar"):
                answer = client.get(f"/kelola/inovasi/{item.slug}/{page}")
                if role in ("anonymous", "inactive"):
                    expected = 302  # the sign-in page
                else:
                    expected = (
                        200 if user.can("innovation.edit", item) else 403 if user.can("innovation.view", item) else 404
                    )
                assert answer.status_code == expected, (role, status, page)
            download = client.get(f"/inovasi/{item.slug}/dokumen/dokumen.pdf")
            assert download.status_code == (200 if user.can("innovation.view", item) else 404), (role, status)


def test_an_activitys_pictures_page_and_pictures_follow_the_table(app, world):
    """Whoever may edit an activity (activity.edit) opens its pictures page and changes them;
    one who may only see it gets 403, and the sign-in page before signing in. Its pictures are
    served to whoever may see the activity (activity.view)."""
    from app.networks.models import ActivityImage

    people, records, _ = world
    activity = records["activity"]
    activity.images = [factories.image_row(1, "Gambar lokakarya", row_class=ActivityImage)]
    _db.session.commit()
    base = f"/jaringan/{activity.network.slug}/kegiatan/{activity.id}/gambar"
    picture = f"{base}/{activity.images[0].page_sha256}.png"
    for role in ROLES:
        user = people[role]
        client = app.test_client()
        if role != "anonymous":
            sign_in(client, user)
        answer = client.get(base)
        if role in ("anonymous", "inactive"):
            assert answer.status_code == 302 and "/masuk" in answer.headers["Location"], role
        else:
            assert answer.status_code == (200 if user.can("activity.edit", activity) else 403), role
        assert client.get(picture).status_code == (200 if user.can("activity.view", activity) else 404), role
