"""Who may do what: each role × each action → the expected answer, and nothing changes
when the answer is no."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.networks.models import Activity, Membership
from tests.accounts_fixtures import csrf_token, networks, people, sign_in  # noqa: F401 (fixtures)

ROLES = ["anonymous", "official", "coordinator", "other_coordinator", "editor", "admin"]
OK, LOGIN, FORBIDDEN = "ok", "login", 403

# The coordinator coordinates JIPP Jawa Timur, whose pages every action below is about;
# the other coordinator coordinates JIPP Sulawesi Selatan.
# fmt: off
EXPECTED = {                # anonymous official  coordinator other_coord editor admin
    "view network":         (OK,       OK,       OK,         OK,         OK,    OK),
    "view activity":        (OK,       OK,       OK,         OK,         OK,    OK),
    "edit network":         (LOGIN,    403,      OK,         403,        OK,    OK),
    "add member":           (LOGIN,    403,      OK,         403,        OK,    OK),
    "remove member":        (LOGIN,    403,      OK,         403,        OK,    OK),
    "add activity":         (LOGIN,    403,      OK,         403,        OK,    OK),
    "edit activity":        (LOGIN,    403,      OK,         403,        OK,    OK),
    "manage users":         (LOGIN,    403,      403,        403,        403,   OK),
    "edit a user":          (LOGIN,    403,      403,        403,        403,   OK),
}
# fmt: on
CASES = [(action, role, row[i]) for action, row in EXPECTED.items() for i, role in enumerate(ROLES)]


@pytest.fixture
def activity(db, networks):  # noqa: F811
    item = Activity(network=networks["jatim"], kind="workshop", title="Lokakarya uji", date=date(2024, 5, 1))
    db.session.add(item)
    db.session.commit()
    return item


def _token(client, role):
    # Anonymous visitors are sent to the login page before any token is looked at.
    return "" if role == "anonymous" else csrf_token(client, "/akun/kata-sandi")


def _act(client, action, role, ids):
    base = "/jaringan/jipp-jawa-timur"
    token = _token(client, role)
    activity_data = {"kind": "coaching", "title": "Pendampingan", "date": "2024-06-01", "csrf_token": token}
    match action:
        case "view network":
            return client.get(base)
        case "view activity":
            return client.get(f"{base}/kegiatan/{ids['activity']}")
        case "edit network":
            return client.get(f"{base}/anggota")
        case "add member":
            return client.post(f"{base}/anggota", data={"region": "35.73", "role": "member", "csrf_token": token})
        case "remove member":
            return client.post(f"{base}/anggota/{ids['membership']}/hapus", data={"csrf_token": token})
        case "add activity":
            return client.post(f"{base}/kegiatan/baru", data=activity_data)
        case "edit activity":
            return client.post(f"{base}/kegiatan/{ids['activity']}/ubah", data=activity_data)
        case "manage users":
            return client.get("/admin/pengguna")
        case "edit a user":
            return client.get(f"/admin/pengguna/{ids['editor']}")
    raise AssertionError(action)


def _state():
    _db.session.remove()
    return (
        sorted(_db.session.execute(sa.select(Membership.network_id, Membership.owner_id)).all()),
        sorted(_db.session.execute(sa.select(Activity.network_id, Activity.kind, Activity.title)).all()),
    )


@pytest.mark.parametrize(("action", "role", "expected"), CASES, ids=[f"{a}-{r}" for a, r, _ in CASES])
def test_role_action_table(client, db, people, activity, action, role, expected):  # noqa: F811
    if role != "anonymous":
        sign_in(client, people[role])
    ids = {
        "activity": activity.id,
        "editor": people["editor"].id,
        "membership": db.session.scalar(sa.select(Membership.id).where(Membership.network_id == activity.network_id)),
    }
    before = _state()
    response = _act(client, action, role, ids)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/masuk?next=")
    elif expected == 403:
        assert response.status_code == 403
        assert "Tidak diizinkan" in response.get_data(as_text=True)
    elif action.startswith(("view", "edit network", "manage", "edit a user")):
        assert response.status_code == 200
    else:
        assert response.status_code == 302, response.get_data(as_text=True)
        assert "/masuk" not in response.headers["Location"]
    if expected != OK or action.startswith(("view", "edit network", "manage", "edit a user")):
        assert _state() == before
    else:
        assert _state() != before


def test_anonymous_user_answers_no(app):
    from app.accounts.models import AnonymousUser

    visitor = AnonymousUser()
    assert not visitor.is_authenticated and not visitor.is_admin and not visitor.has_role("admin")
    assert not visitor.can("users.manage") and not visitor.can("network.edit", object())


def test_the_permission_table(db, networks, people):  # noqa: F811
    jatim, sulsel = networks["jatim"], networks["sulsel"]
    coordinator, other = people["coordinator"], people["other_coordinator"]
    assert coordinator.can("network.edit", jatim) and not coordinator.can("network.edit", sulsel)
    assert other.can("network.edit", sulsel) and not other.can("network.edit", jatim)
    assert people["editor"].can("network.edit", sulsel) and people["admin"].can("network.edit", sulsel)
    assert not people["official"].can("network.edit", jatim)
    assert people["admin"].can("users.manage") and not people["editor"].can("users.manage")
    coordinator.active = False
    assert not coordinator.can("network.edit", jatim)
    admin = people["admin"]
    admin.active = False
    assert not admin.can("users.manage")
    db.session.rollback()


def test_unknown_network_is_404_even_for_admins(client, people):  # noqa: F811
    sign_in(client, people["admin"])
    assert client.get("/jaringan/tidak-ada").status_code == 404
    assert client.get("/jaringan/tidak-ada/anggota").status_code == 404
    assert client.get("/admin/pengguna/999999").status_code == 404
