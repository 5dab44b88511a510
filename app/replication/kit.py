"""The replication kit of a case study (docs/decisions/0084): a section on its page and one
ZIP to take away, with a printable summary (``ringkasan.html``) and every attached document.

What adopters changed comes from the case study's replications that the public may see
(Replication.is_public): a draft's replications show nowhere. Contact people are personal
data (UU 27/2022, docs/decisions/0060): the summary names them only for a requester that
``innovation.see_contacts`` allows, and such a ZIP is kept by no cache (the page cache never
stores this route: app/pagecache keeps only the endpoints it lists).
"""

import re
import tempfile
import zipfile
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app import panels
from app.catalog.documents import FORMATS
from app.datagen import scopes
from app.extensions import db
from app.files import blob_store
from app.replication.models import Replication

# The ZIP is built in a temporary file that stays in memory up to SPOOL_BYTES. Documents
# beyond MAX_DOCUMENT_BYTES in all (20 documents of at most 8 MB each fit) are left out and
# named in the summary, to be downloaded one by one.
SPOOL_BYTES = 8_000_000
MAX_DOCUMENT_BYTES = 170_000_000
SUMMARY = "ringkasan.html"
FOLDER = "dokumen"
_UNSAFE = re.compile(r"[^\w.\-]+")


@dataclass
class Kit:
    innovation: object
    steps: list = field(default_factory=list)
    pitfalls: list = field(default_factory=list)
    prerequisites: list = field(default_factory=list)  # [(label key, text)]
    regulations: list = field(default_factory=list)  # the documents of kind regulation
    adopters: list = field(default_factory=list)  # public replications with a local name or notes

    @property
    def total_weeks(self):
        return sum(step.get("weeks") or 0 for step in self.steps)

    @property
    def every_step_timed(self):
        return all(step.get("weeks") for step in self.steps)

    @property
    def has_content(self):
        item = self.innovation
        return bool(self.steps or self.pitfalls or self.prerequisites or item.legal_basis or item.documents
                    or self.adopters)  # fmt: skip


def kit_of(innovation):
    """What the kit of ``innovation`` holds."""
    prerequisites = [
        (key, text)
        for key, text in (
            ("infrastructure", innovation.needs_infrastructure),
            ("regulation", innovation.needs_regulation_text),
            ("partners", innovation.needs_partners),
        )
        if text
    ]
    query = (
        sa.select(Replication)
        .where(Replication.innovation_id == innovation.id, Replication.is_public)
        .order_by(Replication.id)
        .options(joinedload(Replication.adopter, innerjoin=True))  # each adopter's name: no query per row
        .execution_options(cache_tags={scopes.replications_of(innovation.id)})  # docs/decisions/0091
    )
    adopters = [r for r in db.session.scalars(query) if r.local_name or (r.notes_md or "").strip()]
    return Kit(
        innovation=innovation,
        steps=list(innovation.kit_steps or []),
        pitfalls=list(innovation.kit_pitfalls or []),
        prerequisites=prerequisites,
        regulations=[d for d in innovation.documents if d.kind == "regulation"],
        adopters=adopters,
    )


@panels.provide("innovation", order=20)
def kit_section(innovation):
    kit = kit_of(innovation)
    if not kit.has_content:
        return ""
    return render_template("replication/_kit.html", kit=kit, innovation=innovation)


def safe_name(name, format, taken):
    """A file name inside ``dokumen/``: no path separators, no ``..``, no control characters,
    the format's extension, and unique among ``taken`` (which it joins)."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    if stem.lower().endswith(f".{format}"):
        stem = stem[: -len(format) - 1]
    stem = _UNSAFE.sub("-", stem)
    stem = re.sub(r"\.{2,}", ".", stem).strip(".-")[:80] or "dokumen"
    candidate, n = f"{stem}.{format}", 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}-{n}.{format}"
    taken.add(candidate.casefold())
    return candidate


def build_zip(innovation, locale):
    """The kit as a ZIP in a spooled temporary file (rewound), and whether it names contacts."""
    kit = kit_of(innovation)
    with_contacts = bool(innovation.contacts) and current_user.can("innovation.see_contacts", innovation)
    store, taken, total = blob_store(), set(), 0
    included, left_out = [], []
    for document in innovation.documents:
        readable = document.format in FORMATS and store.exists(document.sha256)
        if not readable or total + document.size > MAX_DOCUMENT_BYTES:
            left_out.append(document)
        else:
            total += document.size
            included.append((document, safe_name(document.name, document.format, taken)))
    summary = render_template(
        "replication/kit_summary.html",
        kit=kit,
        innovation=innovation,
        contacts=innovation.contacts if with_contacts else [],
        included=included,
        left_out=left_out,
        locale=locale,
    )
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned to the response
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(SUMMARY, summary.encode("utf-8"))
        for document, name in included:
            # Office files and PDFs are compressed already: stored as they are.
            archive.writestr(f"{FOLDER}/{name}", store.read(document.sha256), compress_type=zipfile.ZIP_STORED)
    spool.seek(0)
    return spool, with_contacts
