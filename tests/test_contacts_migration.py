"""Migration 0013 moves each case study's single contact into the contacts table (and back)."""

import sqlalchemy as sa

from app.extensions import db
from app.migrations import downgrade, upgrade
from tests import support


def test_the_old_contact_becomes_contact_one_and_comes_back_on_downgrade(databases, tmp_path_factory):
    app = support.create_app(support.TestConfig(databases.new(), str(tmp_path_factory.mktemp("index"))))
    with app.app_context():
        upgrade(revision="0012")
        db.session.execute(
            sa.text(
                "INSERT INTO owner (id, slug, name, kind, region_code) VALUES "
                "(1, 'kabupaten-banyumas', 'Kabupaten Banyumas', 'regency', '33.02')"
            )
        )
        db.session.execute(sa.text("INSERT INTO institution (id, owner_id, name) VALUES (1, 1, 'Dinas Kesehatan')"))
        insert = sa.text(
            "INSERT INTO innovation (id, slug, title, owner_id, institution_id, region_code, year, stage, digital,"
            " language, summary, body_md, body_html, sample, replication_count, created_at, updated_at, status,"
            " version, sort_title, contact_name, contact_email, contact_phone) VALUES (:id, :slug, 'Uji', 1, 1,"
            " '33.02', 2019, 'implemented', false, 'id', 'Ringkas', 'Isi', '<p>Isi</p>', false, 0, '2024-01-01',"
            " '2024-01-01', 'published', 1, 'uji', :name, :email, :phone)"
        )
        contacts = [("Sri", "sri@example.org", "0812-0000-0001"), (None, "tanpa.nama@example.org", None),
                    (None, None, None)]  # fmt: skip
        for n, (name, email, phone) in enumerate(contacts, start=1):
            db.session.execute(insert, {"id": n, "slug": f"uji-{n}", "name": name, "email": email, "phone": phone})
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            sa.text("SELECT innovation_id, number, name, email, phone, whatsapp FROM innovation_contact ORDER BY 1")
        ).all()
        assert [tuple(r) for r in rows] == [
            (1, 1, "Sri", "sri@example.org", "0812-0000-0001", False),
            (2, 1, "tanpa.nama@example.org", "tanpa.nama@example.org", None, False),
        ]
        db.session.commit()
        downgrade(revision="0012")
        back = db.session.execute(sa.text("SELECT id, contact_name, contact_email FROM innovation ORDER BY id")).all()
        assert [tuple(r) for r in back] == [
            (1, "Sri", "sri@example.org"),
            (2, "tanpa.nama@example.org", "tanpa.nama@example.org"),
            (3, None, None),
        ]
        db.session.remove()
        db.engine.dispose()
