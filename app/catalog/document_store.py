"""Keeping documents as blobs (app/files), their addresses, and counting their downloads
(docs/decisions/0083)."""

from flask import url_for
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.catalog.models import DocumentDownloads
from app.extensions import db
from app.files import blob_store


def document_url(document, external=False):
    """The download address of ``document``: ``/inovasi/<slug>/dokumen/<name>``."""
    return url_for("catalog.document", slug=document.innovation.slug, name=document.name, _external=external)


def store_document(data, store=None):
    """Store the bytes; return ``(digest, created)`` (``created``: this call wrote the blob, so
    it is what to remove when the change naming it is not committed)."""
    return (store or blob_store()).put(data)


def count_download(document_id):
    """One more download of the document, in one statement that two workers may run at once.
    Written with Core on its own table: no ORM flush, no change of the page cache's generation."""
    table = DocumentDownloads.__table__
    connection = db.session.connection()
    insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[connection.dialect.name]
    statement = insert(table).values(document_id=document_id, count=1)
    statement = statement.on_conflict_do_update(index_elements=[table.c.document_id],
                                                set_={"count": table.c.count + 1})  # fmt: skip
    connection.execute(statement)
