"""The people and case studies the editing tests share (imported as fixtures), and the
smallest checks of the models they rely on."""

import re

import pytest
import sqlalchemy as sa

from app.catalog.models import Innovation
from app.catalog.owners import government_owner
from app.editing.models import Revision
from app.extensions import db as _db
from app.regions.models import Region
from tests import factories
from tests.accounts_fixtures import make_network, make_user

BANYUMAS, BREBES = "33.02", "33.29"
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def valid_form(**changes):
    """A complete, valid case-study form as a browser sends it (an editor's: every field)."""
    data = {
        "title": "Sistem Informasi Posyandu Banyumas",
        "slug": "",
        "institution": "Dinas Kesehatan Kabupaten Banyumas",
        "owner_kind": "regency",
        "region": BANYUMAS,
        "owner": "",
        "year": "2024",
        "started": "2021-03",
        "stage": "implemented",
        "sectors": ["kesehatan"],
        "themes": ["sistem-informasi"],
        "digital": "y",
        "legal_basis": "Peraturan Bupati Banyumas Nomor 12 Tahun 2023",
        "language": "id",
        "contacts-0-name": "Sri Wahyuni",
        "contacts-0-email": "sri@example.org",
        "contacts-0-phone": "+62 812-0000-0101",
        "summary": "Kader posyandu mencatat timbang balita di aplikasi; puskesmas melihat balita berisiko hari itu juga.",
        "body": "## Latar Belakang\r\nData posyandu terlambat sebulan.\r\n\r\n## Inovasi\r\nAplikasi kader.\r\n",
        "comment": "",
        "save": "Simpan",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def token(client, url="/kelola/inovasi"):
    """A CSRF token from a page the signed-in user may open (every form shares the session's token)."""
    response = client.get(url)
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


def post(client, url, data, form_url="/kelola/inovasi"):
    """Post ``data`` with a valid CSRF token, as a browser that opened a page first would."""
    return client.post(url, data={**data, "csrf_token": token(client, form_url)})


def revisions_of(innovation_id):
    """Every revision of an innovation, oldest first, read fresh."""
    _db.session.expire_all()
    return list(
        _db.session.scalars(
            sa.select(Revision).where(Revision.innovation_id == innovation_id).order_by(Revision.number)
        )
    )


def fresh(innovation_id):
    """The innovation as stored now."""
    _db.session.expire_all()
    return _db.session.get(Innovation, innovation_id)


@pytest.fixture
def world(db):
    """Banyumas and Brebes with an official each, a coordinator, an editor, an admin, and a
    Banyumas case study in every status."""
    banyumas = government_owner(_db.session.get(Region, BANYUMAS))
    brebes = government_owner(_db.session.get(Region, BREBES))
    network = make_network("jipp-jawa-tengah", "33")
    people = {
        "official": make_user("pejabat@banyumas.example.go.id", "official", owner=banyumas),
        "other_official": make_user("pejabat@brebes.example.go.id", "official", owner=brebes),
        "coordinator": make_user("koor@jateng.example.go.id", "coordinator", networks=[network]),
        "editor": make_user("editor@kemenpan.example.go.id", "editor"),
        "admin": make_user("admin@kemenpan.example.go.id", "admin"),
    }
    items = {}
    for status in ("draft", "submitted", "published", "returned", "archived"):
        items[status] = factories.innovation(
            f"Inovasi {status} Banyumas",
            region=BANYUMAS,
            slug=f"inovasi-{status}",
            status=status,
            created_by_id=people["official"].id if status != "published" else None,
        )
    _db.session.commit()
    return {**people, **items, "banyumas": banyumas, "brebes": brebes}


def test_imported_and_factory_innovations_are_published_at_version_one(world):
    item = fresh(world["published"].id)
    assert item.status == "published" and item.is_public and item.version == 1
    assert _db.session.scalar(sa.select(sa.func.count()).where(Innovation.is_public)) == 1


def test_the_version_column_counts_every_update(world):
    item = fresh(world["draft"].id)
    item.title = "Judul baru"
    _db.session.commit()
    assert fresh(item.id).version == 2
