"""Who may do what with case studies: role × action -> answer, through the pages and through
the permission table (``user.can``); when the answer is no, nothing changes. A case study the
user may not see is a 404, not a 403: the answer must not tell that it exists."""

import pytest
import sqlalchemy as sa

from app.accounts.models import AnonymousUser
from app.catalog.models import Innovation
from app.editing import services
from app.editing.models import Revision
from app.extensions import db as _db
from tests.accounts_fixtures import sign_in
from tests.test_editing_world import fresh, token, valid_form, world  # noqa: F401 (fixture)

ROLES = ["anonymous", "official", "other_official", "coordinator", "editor", "admin"]
OK, LOGIN, NOT_FOUND = 200, "login", 404
DONE = 302  # a step taken: back to the case-study page

# "official" is an official of Kabupaten Banyumas, which owns every case study here;
# "other_official" one of Kabupaten Brebes.
# fmt: off
EXPECTED = {                # anonymous official other_off coordinator editor admin
    "create":               (LOGIN,    OK,      OK,       403,        OK,    OK),
    "edit draft":           (LOGIN,    OK,      404,      404,        OK,    OK),
    "edit returned":        (LOGIN,    OK,      404,      404,        OK,    OK),
    "edit submitted":       (LOGIN,    403,     404,      404,        OK,    OK),
    "edit published":       (LOGIN,    403,     403,      403,        OK,    OK),
    "save draft":           (LOGIN,    DONE,    404,      404,        DONE,  DONE),
    "save published":       (LOGIN,    403,     403,      403,        DONE,  DONE),
    "submit":               (LOGIN,    DONE,    404,      404,        DONE,  DONE),
    "publish":              (LOGIN,    403,     404,      404,        DONE,  DONE),
    "return":               (LOGIN,    403,     404,      404,        DONE,  DONE),
    "withdraw":             (LOGIN,    DONE,    404,      404,        403,   403),
    "archive":              (LOGIN,    403,     403,      403,        DONE,  DONE),
    "restore revision":     (LOGIN,    403,     404,      404,        DONE,  DONE),
    "view history":         (LOGIN,    OK,      404,      404,        OK,    OK),
    "view unpublished":     (NOT_FOUND, OK,     NOT_FOUND, NOT_FOUND, OK,    OK),
    "view published":       (OK,       OK,      OK,       OK,         OK,    OK),
    "dashboard":            (LOGIN,    OK,      OK,       403,        OK,    OK),
    "award results":        (LOGIN,    403,     403,      403,        OK,    OK),
}
# fmt: on
CASES = [(action, role, row[i]) for action, row in EXPECTED.items() for i, role in enumerate(ROLES)]


def _act(client, action, role, world):  # noqa: F811
    csrf = token(client, "/kelola/inovasi") if role not in ("anonymous", "coordinator") else ""
    if role == "coordinator":
        csrf = token(client, "/akun/kata-sandi")

    def step(status, path, comment=""):
        item = world[status]
        return client.post(f"/kelola/inovasi/{item.slug}/{path}",
                           data={"csrf_token": csrf, "version": str(item.version), "comment": comment})  # fmt: skip

    def save(status):
        item = world[status]
        data = valid_form(slug=item.slug, version=str(item.version), csrf_token=csrf)
        return client.post(f"/kelola/inovasi/{item.slug}/ubah", data=data)

    match action:
        case "create":
            return client.get("/kelola/inovasi/baru")
        case "edit draft" | "edit returned" | "edit submitted" | "edit published":
            return client.get(f"/kelola/inovasi/{world[action.split()[1]].slug}/ubah")
        case "save draft":
            return save("draft")
        case "save published":
            return save("published")
        case "submit":
            return step("draft", "ajukan")
        case "publish":
            return step("submitted", "terbitkan")
        case "return":
            return step("submitted", "kembalikan", "Perbaiki angka.")
        case "archive":
            return step("published", "arsipkan")
        case "withdraw":
            return step("submitted", "tarik")
        case "restore revision":
            item = world["draft"]
            services.transition(item, "submitted", user=world["official"])  # a revision to restore
            _db.session.commit()
            return client.post(f"/kelola/inovasi/{item.slug}/riwayat/1/pulihkan",
                               data={"csrf_token": csrf, "version": str(fresh(item.id).version)})  # fmt: skip
        case "view history":
            return client.get(f"/kelola/inovasi/{world['submitted'].slug}/riwayat")
        case "view unpublished":
            return client.get(f"/inovasi/{world['returned'].slug}")
        case "view published":
            return client.get(f"/inovasi/{world['published'].slug}")
        case "dashboard":
            return client.get("/kelola/inovasi")
        case "award results":
            return client.get("/kelola/penghargaan")


def _everything():
    """Every innovation and revision, as comparable values."""
    _db.session.expire_all()
    rows = [tuple(r) for r in _db.session.execute(sa.select(Innovation.__table__).order_by(Innovation.id)).all()]
    return rows, _db.session.scalar(sa.select(sa.func.count(Revision.id)))


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_who_may_do_what(client, world, action, role, expected):  # noqa: F811
    if role != "anonymous":
        sign_in(client, world[role])
    before = _everything()
    response = _act(client, action, role, world)
    if expected == LOGIN:
        assert response.status_code == 302 and "/masuk" in response.headers["Location"], (action, role)
    else:
        assert response.status_code == expected, (action, role, response.get_data(as_text=True)[:1500])
    if expected in (LOGIN, 403, 404) and action != "restore revision":
        assert _everything() == before, f"{action} by {role} changed data"


# The same rules, asked of the permission table directly.
# fmt: off
METHODS = {            # anonymous official other_off coordinator editor admin
    ("innovation.edit", "draft"):         (False, True,  False, False, True,  True),
    ("innovation.edit", "submitted"):     (False, False, False, False, True,  True),
    ("innovation.edit", "published"):     (False, False, False, False, True,  True),
    ("innovation.submit", "returned"):    (False, True,  False, False, True,  True),
    ("innovation.submit", "published"):   (False, False, False, False, False, False),
    ("innovation.publish", "submitted"):             (False, False, False, False, True,  True),
    ("innovation.publish", "archived"):              (False, False, False, False, True,  True),
    ("innovation.publish", "published"):             (False, False, False, False, False, False),
    ("innovation.return", "submitted"):   (False, False, False, False, True,  True),
    ("innovation.return", "draft"):       (False, False, False, False, False, False),
    ("innovation.archive", "published"):  (False, False, False, False, True,  True),
    ("innovation.withdraw", "submitted"): (False, True,  False, False, False, False),
    ("innovation.withdraw", "returned"):  (False, False, False, False, False, False),
    ("innovation.restore", "published"):    (False, False, False, False, True,  True),
    ("innovation.view", "draft"):         (False, True,  False, False, True,  True),
    ("innovation.view", "published"):     (True,  True,  True,  True,  True,  True),
}
# fmt: on


@pytest.mark.parametrize(("action", "status"), sorted(METHODS))
def test_the_permission_table_answers_the_same(world, action, status):  # noqa: F811
    for role, expected in zip(ROLES, METHODS[(action, status)], strict=True):
        user = AnonymousUser() if role == "anonymous" else world[role]
        assert user.can(action, world[status]) is expected, (action, status, role)


def test_a_deactivated_official_may_do_nothing(world):  # noqa: F811
    official = world["official"]
    official.active = False
    assert not official.can("innovation.create")
    assert not official.can("innovation.edit", world["draft"])
    assert not official.can("innovation.view", world["draft"])
