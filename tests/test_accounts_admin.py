"""User administration (admin pages) and ``flask users`` on the command line."""

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.catalog.models import Owner
from tests.accounts_fixtures import PASSWORD, log_in, networks, people, sign_in, submit  # noqa: F401

NEW_PASSWORD = "pelita di ujung dermaga"


def _users(db):
    db.session.remove()
    return sorted(
        (u.email, u.active, tuple(sorted(u.roles)), tuple(n.slug for n in u.networks), u.owner_id)
        for u in db.session.scalars(sa.select(User))
    )


@pytest.fixture
def admin(client, people):  # noqa: F811
    sign_in(client, people["admin"])
    return people["admin"]


def test_admin_creates_a_coordinator_who_can_then_log_in(app, client, db, networks, admin):  # noqa: F811
    jatim_id = networks["jatim"].id
    data = {
        "email": "Baru@Example.go.id",
        "name": "Koordinator Baru",
        "password": NEW_PASSWORD,
        "roles": ["coordinator"],
        "networks": [str(jatim_id)],
    }
    response = submit(client, "/admin/pengguna", data)
    assert response.status_code == 302
    db.session.remove()
    user = db.session.scalar(sa.select(User).where(User.email == "baru@example.go.id"))
    assert user.roles == {"coordinator"} and [n.id for n in user.networks] == [jatim_id]
    browser = app.test_client()
    assert log_in(browser, "baru@example.go.id", NEW_PASSWORD).status_code == 302
    assert browser.get("/jaringan/jipp-jawa-timur/anggota").status_code == 200
    assert browser.get("/jaringan/jipp-sulawesi-selatan/anggota").status_code == 403


def test_admin_creates_an_official_from_a_region_code(client, db, networks, admin):  # noqa: F811
    data = {
        "email": "pejabat.malang@example.go.id",
        "name": "Pejabat Malang",
        "password": NEW_PASSWORD,
        "roles": ["official"],
        "owner": "35.73",
    }
    assert submit(client, "/admin/pengguna", data).status_code == 302
    db.session.remove()
    user = db.session.scalar(sa.select(User).where(User.email == "pejabat.malang@example.go.id"))
    assert user.owner.name == "Kota Malang" and user.owner.kind == "city"


BAD_USERS = {
    "no email": ({"email": ""}, "Wajib diisi."),
    "not an email": ({"email": "bukan email"}, "bukan alamat email yang sah"),
    "email too long": ({"email": "a" * 250 + "@x.id"}, "Paling banyak 254 karakter."),
    "email taken": ({"email": "EDITOR@example.go.id"}, "Sudah ada pengguna dengan email ini."),
    "no name": ({"name": ""}, "Wajib diisi."),
    "short password": ({"password": "pendek"}, "minimal 12 karakter"),
    "common password": ({"password": "indonesia123"}, "terlalu umum"),
    "no role": ({"roles": []}, "Pilih paling sedikit satu peran."),
    "unknown role": ({"roles": ["superuser"]}, "Ada pilihan yang tidak sah."),
    "coordinator without network": ({"roles": ["coordinator"]}, "paling sedikit satu jaringan"),
    "unknown network": ({"roles": ["coordinator"], "networks": ["999999"]}, "Ada pilihan yang tidak sah."),
    "official without owner": ({"roles": ["official"]}, "mewakili satu pemilik"),
    "unknown owner": ({"roles": ["official"], "owner": "99.99"}, "Tidak ada wilayah atau pemilik"),
    "owner for an editor": ({"owner": "35.73"}, "Hanya pejabat daerah"),
}


@pytest.mark.parametrize("case", BAD_USERS, ids=list(BAD_USERS))
def test_bad_new_users_are_refused_and_the_form_keeps_what_was_typed(client, db, networks, admin, case):  # noqa: F811
    changes, message = BAD_USERS[case]
    data = {
        "email": "baru@example.go.id",
        "name": "Nama <script>x</script>",
        "password": NEW_PASSWORD,
        "roles": ["editor"],
        **changes,
    }
    before, owners = _users(db), db.session.scalar(sa.select(sa.func.count(Owner.id)))
    response = submit(client, "/admin/pengguna", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    if data["name"]:
        assert 'value="Nama &lt;script&gt;x&lt;/script&gt;"' in page
    assert _users(db) == before
    assert db.session.scalar(sa.select(sa.func.count(Owner.id))) == owners


def test_admin_deactivates_a_user_whose_session_ends(app, client, db, people, admin):  # noqa: F811
    editor_id = people["editor"].id
    browser = app.test_client()
    log_in(browser, "editor@example.go.id")
    assert browser.get("/akun/kata-sandi").status_code == 200
    form_url = f"/admin/pengguna/{editor_id}"
    response = submit(client, form_url, {"name": "Editor", "roles": ["editor"]})  # "active" unticked
    assert response.status_code == 302
    assert browser.get("/akun/kata-sandi").status_code == 302
    assert log_in(browser, "editor@example.go.id").status_code == 200  # refused


def test_admin_changes_roles_and_networks(client, db, networks, people, admin):  # noqa: F811
    editor_id, sulsel_id = people["editor"].id, networks["sulsel"].id
    data = {"name": "Editor", "roles": ["editor", "coordinator"], "networks": [str(sulsel_id)], "active": "y"}
    assert submit(client, f"/admin/pengguna/{editor_id}", data).status_code == 302
    db.session.remove()
    user = db.session.get(User, editor_id)
    assert user.roles == {"editor", "coordinator"} and [n.id for n in user.networks] == [sulsel_id]
    page = client.get("/jaringan/jipp-sulawesi-selatan").get_data(as_text=True)
    assert "Editor" in page


def test_admin_cannot_lock_themselves_out(client, db, admin):
    before = _users(db)
    response = submit(client, f"/admin/pengguna/{admin.id}", {"name": "Admin", "roles": ["editor"], "active": "y"})
    assert response.status_code == 200 and "Anda tidak dapat menonaktifkan akun sendiri" in response.get_data(
        as_text=True
    )
    response = submit(client, f"/admin/pengguna/{admin.id}", {"name": "Admin", "roles": ["admin"]})
    assert response.status_code == 200
    assert _users(db) == before


def test_user_list_escapes_names(client, db, admin):
    from tests.accounts_fixtures import make_user

    make_user("aneh@example.go.id", "editor", name="<script>alert(1)</script>")
    page = client.get("/admin/pengguna").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# The command line


def _create(runner, *args, password=PASSWORD + "\n"):
    return runner.invoke(args=["users", "create", *args], input=password)


def test_cli_creates_a_coordinator_of_a_network(runner, db, networks):  # noqa: F811
    result = _create(
        runner,
        "Koordinator@Jatim.example.go.id",
        "--role",
        "coordinator",
        "--network",
        "jipp-jawa-timur",
        "--name",
        "Sri Rahayu",
    )
    assert result.exit_code == 0, result.output
    assert (
        "Created koordinator@jatim.example.go.id with role(s) coordinator, networks jipp-jawa-timur." in result.output
    )
    db.session.remove()
    user = db.session.scalar(sa.select(User))
    assert user.name == "Sri Rahayu" and user.check_password(PASSWORD) and user.networks[0].slug == "jipp-jawa-timur"


def test_cli_creates_an_official_and_an_admin_with_several_roles(runner, db, networks):  # noqa: F811
    assert _create(runner, "pejabat@example.go.id", "--role", "official", "--owner", "Kota Surabaya").exit_code == 0
    assert _create(runner, "kepala@example.go.id", "--role", "admin", "--role", "editor").exit_code == 0
    db.session.remove()
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    assert users["pejabat@example.go.id"].owner.region_code == "35.78"
    assert users["kepala@example.go.id"].roles == {"admin", "editor"}


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("x@example.go.id", "--role", "coordinator"), PASSWORD, "a coordinator needs at least one network"),
        (("x@example.go.id", "--role", "coordinator", "--network", "tidak-ada"), PASSWORD, "no network with the slug"),
        (("x@example.go.id", "--role", "official"), PASSWORD, "an official needs the owner"),
        (
            ("x@example.go.id", "--role", "official", "--owner", "99.99"),
            PASSWORD,
            "no region code, owner slug or owner name",
        ),
        (("x@example.go.id", "--role", "editor"), "pendek", "at least 12 characters"),
        (("x@example.go.id", "--role", "editor"), "", "at least 12 characters"),
        (("bukan-email", "--role", "editor"), PASSWORD, "is not an email address"),
        (("editor@example.go.id", "--role", "editor"), PASSWORD, "already exists"),
        (("x@example.go.id", "--role", "raja"), PASSWORD, "Invalid value for '--role'"),
    ],
)
def test_cli_refuses_bad_input_and_writes_nothing(runner, db, networks, args, password, message):  # noqa: F811
    from tests.accounts_fixtures import make_user

    make_user("editor@example.go.id", "editor")
    before = _users(db)
    result = _create(runner, *args, password=password + "\n")
    assert result.exit_code != 0 and message in result.output
    assert _users(db) == before


def test_cli_set_password_ends_sessions(app, runner, db, people):  # noqa: F811
    browser = app.test_client()
    log_in(browser, "editor@example.go.id")
    result = runner.invoke(args=["users", "set-password", "editor@example.go.id"], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert browser.get("/akun/kata-sandi").status_code == 302
    assert log_in(browser, "editor@example.go.id", NEW_PASSWORD).status_code == 302
