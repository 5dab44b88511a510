"""Keeping re-encoded images as blobs (app/files), and undoing that when the change fails."""

from app.files import blob_store


def store_variants(prepared, store=None):
    """Store the four variants of ``prepared``; return ``(digests by (size, kind), digests created)``.
    ``created`` lists only the blobs this call wrote: they are what to remove if the change
    that names them is not committed (others may belong to other rows)."""
    store = store or blob_store()
    digests, created = {}, []
    for key, data in prepared.variants.items():
        digest, new = store.put(data)
        digests[key] = digest
        if new:
            created.append(digest)
    return digests, created


def discard(digests, store=None):
    """Remove blobs written for a change that was not committed."""
    store = store or blob_store()
    for digest in digests:
        store.delete(digest)
