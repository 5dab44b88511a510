"""Fixtures and helpers shared by the accounts, networks and permission tests."""

import re
from functools import cache

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.accounts.models import User, UserSession, hash_session_token, new_session_token
from app.catalog.owners import government_owner
from app.extensions import db as _db
from app.extensions import utcnow
from app.networks.models import Membership, Network
from app.regions.models import Region
from app.rendering import render_markdown

PASSWORD = "jembatan merah dua ribu"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@cache
def _password_hash():
    # Hashing is deliberately slow; the test users share one hash of PASSWORD.
    return generate_password_hash(PASSWORD)


def make_user(email, *roles, networks=(), owner=None, name=None, active=True):
    """A committed user whose password is PASSWORD."""
    user = User(email=email, name=name or email.split("@")[0].title(), password_hash=_password_hash(), active=active)
    user.set_roles(roles)
    user.networks = list(networks)
    user.owner = owner
    _db.session.add(user)
    _db.session.commit()
    return user


def make_network(slug, province, name=None, description="Jaringan uji."):
    """A committed network in ``province`` (a province code)."""
    network = Network(
        slug=slug,
        name=name or f"JIPP {_db.session.get(Region, province).name}",
        province_code=province,
        description_md=description,
        description_html=render_markdown(description),
    )
    _db.session.add(network)
    _db.session.commit()
    return network


def add_member(network, region_code, role="member"):
    """A committed membership of the government of ``region_code``."""
    membership = Membership(network=network, owner=government_owner(_db.session.get(Region, region_code)), role=role)
    _db.session.add(membership)
    _db.session.commit()
    return membership


def csrf_token(client, url):
    """The CSRF token of the form on the page at ``url``."""
    response = client.get(url)
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


def submit(client, form_url, data, post_url=None, **kwargs):
    """Open the form at ``form_url`` as a browser would, then post ``data`` with its token."""
    token = csrf_token(client, form_url)
    return client.post(post_url or form_url, data={**data, "csrf_token": token}, **kwargs)


def sign_in(client, user):
    """Start a sign-in of ``user`` and put it in the client's session, as a successful login does.

    The sign-in is written on a connection of its own, so that the test's objects are not
    expired by a commit of its session.
    """
    token = new_session_token()
    row = {"user_id": user.id, "token_hash": hash_session_token(token), "remember": False}
    with _db.engine.begin() as connection:
        connection.execute(sa.insert(UserSession).values(**row, created_at=utcnow(), last_seen_at=utcnow()))
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


def log_in(client, email, password=PASSWORD, **extra):
    """Log in through the login form."""
    return submit(client, "/masuk", {"email": email, "password": password, **extra})


def reload(model, **where):
    """A fresh copy of a row, read after the requests' own sessions committed."""
    _db.session.remove()
    return _db.session.scalars(sa.select(model).filter_by(**where)).first()


@pytest.fixture
def networks(db):
    """Two networks: JIPP Jawa Timur (with Kota Surabaya as member) and JIPP Sulawesi Selatan."""
    jatim = make_network("jipp-jawa-timur", "35")
    sulsel = make_network("jipp-sulawesi-selatan", "73")
    add_member(jatim, "35.78")
    add_member(sulsel, "73.71")
    return {"jatim": jatim, "sulsel": sulsel}


@pytest.fixture
def people(db, networks):
    """One user per role: admin, editor, official, and a coordinator of each network."""
    surabaya = government_owner(_db.session.get(Region, "35.78"))
    return {
        "admin": make_user("admin@example.go.id", "admin"),
        "editor": make_user("editor@example.go.id", "editor"),
        "official": make_user("pejabat@example.go.id", "official", owner=surabaya),
        "coordinator": make_user("koor.jatim@example.go.id", "coordinator", networks=[networks["jatim"]]),
        "other_coordinator": make_user("koor.sulsel@example.go.id", "coordinator", networks=[networks["sulsel"]]),
    }
