"""Catalogue models. An Innovation is one case study, credited to an Owner."""

import unicodedata
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.catalog.costs import BUDGET_SOURCES
from app.catalog.documents import FORMATS as DOCUMENT_FORMATS
from app.catalog.documents import KINDS as DOCUMENT_KINDS
from app.catalog.documents import (
    MAX_DESCRIPTION,
    MAX_REGULATION_NUMBER,
    MAX_REGULATION_TYPE,
    MAX_TITLE,
    regulation_citation,
)
from app.catalog.documents import MAX_NAME as MAX_DOCUMENT_NAME
from app.catalog.images import FORMATS as IMAGE_FORMATS
from app.catalog.pictures import PictureMixin
from app.extensions import db
from app.extensions import sql_in as _in
from app.extensions import utcnow as _utcnow
from app.files import blob_column
from app.regions.models import Region

OWNER_KINDS = ("ministry", "agency", "province", "regency", "city", "soe")
GOVERNMENT_KINDS = ("province", "regency", "city")
STAGES = ("initiative", "trial", "implemented", "institutionalized", "discontinued")
AWARD_STAGES = ("proposal", "top99", "top45", "outstanding")
LANGUAGES = ("id", "en")
# The editing workflow (docs/decisions/0030): only published case studies are public.
STATUSES = ("draft", "submitted", "published", "returned", "archived")
PUBLISHED = "published"


def sort_key(title):
    """How titles sort: lower case, accents dropped (``Émas`` beside ``emas``). Stored in
    ``Innovation.sort_title`` so that SQL and the search index order by the same text."""
    text = unicodedata.normalize("NFKD", " ".join((title or "").split()))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()[:300]


# Code-point order on PostgreSQL too (its default collation skips spaces and punctuation),
# the order of Python's sort and SQLite's.
SORT_TEXT = sa.String(300).with_variant(sa.String(300, collation="C"), "postgresql")


innovation_sector = sa.Table(
    "innovation_sector",
    db.metadata,
    sa.Column("innovation_id", sa.ForeignKey("innovation.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("sector_id", sa.ForeignKey("sector.id"), primary_key=True),
    # From a sector to its innovations: the catalogue's sector filter (docs/decisions/0035).
    sa.Index("ix_innovation_sector_by_sector", "sector_id", "innovation_id"),
)

innovation_theme = sa.Table(
    "innovation_theme",
    db.metadata,
    sa.Column("innovation_id", sa.ForeignKey("innovation.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("theme.id"), primary_key=True),
    sa.Index("ix_innovation_theme_by_theme", "theme_id", "innovation_id"),
)


class Sector(db.Model):
    """A policy sector (``kesehatan``), from content/reference/sectors.csv."""

    __tablename__ = "sector"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name_id: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))

    def name(self, locale):
        """The name in the reader's language."""
        return self.name_en if locale == "en" else self.name_id


class Theme(db.Model):
    """A cross-cutting theme (``sistem-informasi``), from content/reference/themes.csv."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name_id: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))

    def name(self, locale):
        """The name in the reader's language."""
        return self.name_en if locale == "en" else self.name_id


class Owner(db.Model):
    """The credited body: a regional government (tied to its Region), ministry, agency or SOE."""

    __tablename__ = "owner"
    __table_args__ = (
        sa.CheckConstraint(_in("kind", OWNER_KINDS), name="kind"),
        # A regional government is its region: one owner per province, regency or city.
        sa.Index(
            "uq_owner_government_region",
            "region_code",
            unique=True,
            postgresql_where=sa.text(_in("kind", GOVERNMENT_KINDS)),
            sqlite_where=sa.text(_in("kind", GOVERNMENT_KINDS)),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(160), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(16), index=True)
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("region.code"), index=True)

    region: Mapped[Region | None] = relationship()
    institutions: Mapped[list["Institution"]] = relationship(back_populates="owner", order_by="Institution.name")
    innovations: Mapped[list["Innovation"]] = relationship(back_populates="owner")

    @property
    def is_government(self):
        """True for a province, regency or city government."""
        return self.kind in GOVERNMENT_KINDS

    def __repr__(self):
        return f"<Owner {self.slug}>"


class Institution(db.Model):
    """The unit that runs an innovation (dinas, RSUD, puskesmas, directorate), under an owner."""

    __tablename__ = "institution"
    __table_args__ = (sa.UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owner.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(300))

    owner: Mapped[Owner] = relationship(back_populates="institutions")


class Innovation(db.Model):
    """One case study: the problem, what was done, the results, and how to copy it."""

    __tablename__ = "innovation"
    __table_args__ = (
        sa.CheckConstraint(_in("stage", STAGES), name="stage"),
        sa.CheckConstraint(_in("language", LANGUAGES), name="language"),
        sa.CheckConstraint(_in("status", STATUSES), name="status"),
        sa.CheckConstraint(f"budget_source IS NULL OR {_in('budget_source', BUDGET_SOURCES)}", name="budget_source"),
        sa.CheckConstraint("setup_cost >= 0 AND yearly_cost >= 0", name="costs"),
        # The few case studies that are not public (drafts, in review, archived): see is_public.
        sa.Index(
            "ix_innovation_unpublished",
            "status",
            postgresql_where=sa.text(f"status != '{PUBLISHED}'"),
            sqlite_where=sa.text(f"status != '{PUBLISHED}'"),
        ),
        # Every column a facet count or a headline figure reads, in one narrow index: those
        # queries scan it instead of 20,000 wide rows (docs/decisions/0035).
        # The id too: PostgreSQL keeps no row id in an index, and every count tests it (0087).
        sa.Index(
            "ix_innovation_facets",
            *("region_code", "year", "stage", "digital", "replication_count", "owner_id"),
            *("setup_cost", "needs_new_regulation", "id"),
        ),
        sa.Index("ix_innovation_sort_title", "sort_title", "id"),
        # The home page's newest and most replicated six, and the catalogue's default order:
        # read from the end of an index rather than sorting the catalogue (0087).
        sa.Index("ix_innovation_newest", "year", "id"),
        sa.Index("ix_innovation_most_replicated", "replication_count", "year", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    sort_title: Mapped[str] = mapped_column(SORT_TEXT, default="", server_default="")
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owner.id"), index=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institution.id"), index=True)
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("region.code"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    started: Mapped[str | None] = mapped_column(sa.String(7))
    stage: Mapped[str] = mapped_column(sa.String(20), default="implemented", index=True)
    digital: Mapped[bool] = mapped_column(default=False)
    legal_basis: Mapped[str | None] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(2), default="id")
    summary: Mapped[str] = mapped_column(sa.Text)
    body_md: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    sample: Mapped[bool] = mapped_column(default=False)
    # Scaling up (glokalisasi): adopted as a national programme.
    national_programme: Mapped[str | None] = mapped_column(sa.String(300))
    national_legal_basis: Mapped[str | None] = mapped_column(sa.String(500))
    # Institutionalisation (pelembagaan) by its owner: what keeps it alive.
    kept_by_regulation: Mapped[str | None] = mapped_column(sa.String(500))
    kept_by_indicator: Mapped[str | None] = mapped_column(sa.String(500))
    kept_by_incentive: Mapped[str | None] = mapped_column(sa.String(500))
    # Costs and resources (docs/decisions/0080): Rupiah as whole numbers, None when not known.
    # The set-up cost is filtered and sorted on (its bands: app/catalog/costs.py).
    setup_cost: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    yearly_cost: Mapped[int | None] = mapped_column(sa.BigInteger)
    budget_source: Mapped[str | None] = mapped_column(sa.String(16))
    staff_needed: Mapped[int | None]
    months_to_launch: Mapped[int | None]
    needs_infrastructure: Mapped[str | None] = mapped_column(sa.String(500))
    needs_regulation_text: Mapped[str | None] = mapped_column(sa.String(500))
    needs_partners: Mapped[str | None] = mapped_column(sa.String(500))
    # True, False, or None: not known.
    needs_new_regulation: Mapped[bool | None]
    # The replication kit (docs/decisions/0084): the steps to copy it, each
    # ``{"step": text, "weeks": int}`` (weeks optional), and the pitfalls (texts), as the file
    # format holds them (app/content/kit.py checks both). None or [] when there are none.
    kit_steps: Mapped[list | None] = mapped_column(sa.JSON)
    kit_pitfalls: Mapped[list | None] = mapped_column(sa.JSON)
    # Kept by the replication service so that lists can sort and filter on it cheaply.
    replication_count: Mapped[int] = mapped_column(default=0, server_default="0", index=True)
    # Where the case study was imported from, and a fingerprint of that file, so that a
    # re-import of an unchanged file changes nothing.
    source_path: Mapped[str | None] = mapped_column(sa.String(1000))
    source_hash: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow, onupdate=_utcnow)
    # Editing on the site (app/editing): imported case studies are published at once. Only
    # the unpublished few are indexed (above): an index where nearly every row holds the same
    # value only misleads the planner.
    status: Mapped[str] = mapped_column(sa.String(16), default=PUBLISHED, server_default=PUBLISHED)
    # The last time the site changed what the case study says; None once an import wrote it.
    # A re-import skips a case study changed on the site since (unless --force).
    edited_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    # Two people saving at once: the second UPDATE matches no row and SQLAlchemy raises
    # StaleDataError, which the editing service turns into a conflict shown to the user.
    __mapper_args__ = {"version_id_col": version}

    owner: Mapped[Owner] = relationship(back_populates="innovations")
    institution: Mapped[Institution] = relationship()
    region: Mapped[Region | None] = relationship()
    sectors: Mapped[list[Sector]] = relationship(secondary=innovation_sector, order_by=Sector.slug)
    themes: Mapped[list[Theme]] = relationship(secondary=innovation_theme, order_by=Theme.slug)
    awards: Mapped[list["Award"]] = relationship(
        back_populates="innovation", cascade="all, delete-orphan", order_by="(Award.year, Award.competition)"
    )
    # Personal data (UU 27/2022): shown only to whom "innovation.see_contacts" allows
    # (docs/decisions/0060); never in the API, exports, feeds, search or a cached page.
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="innovation", cascade="all, delete-orphan", order_by="Contact.number"
    )

    # Before and after figures (docs/decisions/0080); replications report theirs against them.
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="innovation", cascade="all, delete-orphan", order_by="Indicator.number"
    )

    # Pictures, in order (docs/decisions/0082): the first is the card's and og:image.
    images: Mapped[list["InnovationImage"]] = relationship(
        back_populates="innovation", cascade="all, delete-orphan", order_by="InnovationImage.number"
    )

    # Attachments, in order (docs/decisions/0083): SOPs, regulations, forms, budgets...
    documents: Mapped[list["InnovationDocument"]] = relationship(
        back_populates="innovation", cascade="all, delete-orphan", order_by="InnovationDocument.number"
    )

    @validates("title")
    def _keep_sort_title(self, key, value):
        self.sort_title = sort_key(value)
        return value

    @hybrid_property
    def is_public(self):
        """Published: shown in the catalogue, search, API, feeds and statistics (also as SQL)."""
        return self.status == PUBLISHED

    @is_public.inplace.expression
    @classmethod
    def _is_public_sql(cls):
        # "Not among the few unpublished ones" rather than "status = 'published'": the ids
        # come from a small partial index, and every query keeps its covering indexes
        # instead of reading each row for its status (docs/decisions/0030).
        return cls.id.not_in(cls.unpublished_ids())

    @classmethod
    def unpublished_ids(cls):
        """SQL: the ids of the case studies that are not public (read from their small index)."""
        return _UNPUBLISHED_IDS

    def __repr__(self):
        return f"<Innovation {self.slug}>"


# Built once: an alias of a 33-column table costs a millisecond each time it is made.
_unpublished = Innovation.__table__.alias("unpublished")
_UNPUBLISHED_IDS = sa.select(_unpublished.c.id).where(_unpublished.c.status != PUBLISHED)


class Award(db.Model):
    """A competition result: KIPP 2019 Top 99, for instance."""

    __tablename__ = "award"
    __table_args__ = (
        sa.UniqueConstraint("innovation_id", "competition", "year", "stage"),
        sa.CheckConstraint(_in("stage", AWARD_STAGES), name="stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(sa.ForeignKey("innovation.id", ondelete="CASCADE"), index=True)
    competition: Mapped[str] = mapped_column(sa.String(40))
    year: Mapped[int]
    stage: Mapped[str] = mapped_column(sa.String(20), index=True)

    innovation: Mapped[Innovation] = relationship(back_populates="awards")


# The limits of a contact's fields (the file format, the form and the table agree).
CONTACT_LIMITS = {"name": 200, "position": 200, "unit": 300, "email": 254, "phone": 40}


class Contact(db.Model):
    """A person to talk to about an innovation: personal data, for signed-in officials,
    coordinators and editors only (docs/decisions/0060)."""

    __tablename__ = "innovation_contact"
    __table_args__ = (sa.UniqueConstraint("innovation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(sa.ForeignKey("innovation.id", ondelete="CASCADE"), index=True)
    # 1, 2, 3...: the order the case study lists them in.
    number: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(CONTACT_LIMITS["name"]))
    # The jabatan, e.g. "Kepala Bidang Pelayanan".
    position: Mapped[str | None] = mapped_column(sa.String(CONTACT_LIMITS["position"]))
    unit: Mapped[str | None] = mapped_column(sa.String(CONTACT_LIMITS["unit"]))
    email: Mapped[str | None] = mapped_column(sa.String(CONTACT_LIMITS["email"]))
    phone: Mapped[str | None] = mapped_column(sa.String(CONTACT_LIMITS["phone"]))
    whatsapp: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The last day someone responsible said the details are still right (None: never).
    confirmed_on: Mapped[date | None]

    innovation: Mapped[Innovation] = relationship(back_populates="contacts")

    def __repr__(self):
        return f"<Contact {self.innovation_id}#{self.number}>"


# The limits of an indicator's fields (the file format, the form and the table agree).
INDICATOR_LIMITS = {"name": 200, "unit": 60, "source": 500}


class Indicator(db.Model):
    """An impact indicator of a case study: a figure before and after the innovation.

    Replications record their own figures for it (``replication_indicator``), so a row keeps
    its id while the case study is edited: rows are matched by name (app/content/importer.py).
    """

    __tablename__ = "innovation_indicator"
    __table_args__ = (sa.UniqueConstraint("innovation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(sa.ForeignKey("innovation.id", ondelete="CASCADE"), index=True)
    # 1, 2, 3...: the order the case study lists them in.
    number: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(INDICATOR_LIMITS["name"]))
    unit: Mapped[str] = mapped_column(sa.String(INDICATOR_LIMITS["unit"]))
    baseline_value: Mapped[float] = mapped_column(sa.Float)
    # "YYYY", "YYYY-MM" or "YYYY-MM-DD": as precise as the source says.
    baseline_date: Mapped[str | None] = mapped_column(sa.String(10))
    result_value: Mapped[float] = mapped_column(sa.Float)
    result_date: Mapped[str | None] = mapped_column(sa.String(10))
    source: Mapped[str | None] = mapped_column(sa.String(INDICATOR_LIMITS["source"]))
    higher_is_better: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    innovation: Mapped[Innovation] = relationship(back_populates="indicators")

    def __repr__(self):
        return f"<Indicator {self.innovation_id}#{self.number}>"


class InnovationImage(PictureMixin, db.Model):
    """A picture of a case study: its alt text, caption and credit, and the blobs (app/files)
    of its re-encoded sizes, each as WebP and in the original format (docs/decisions/0082)."""

    __tablename__ = "innovation_image"
    __table_args__ = (
        sa.UniqueConstraint("innovation_id", "name"),
        sa.CheckConstraint(_in("format", IMAGE_FORMATS), name="format"),
        sa.CheckConstraint("number >= 1", name="number"),
    )
    URL_ENDPOINT = "catalog.image"

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(sa.ForeignKey("innovation.id", ondelete="CASCADE"), index=True)

    innovation: Mapped[Innovation] = relationship(back_populates="images")

    def url_values(self):
        return {"slug": self.innovation.slug}

    def __repr__(self):
        return f"<InnovationImage {self.innovation_id}#{self.number} {self.name}>"


class InnovationDocument(db.Model):
    """A document attached to a case study (docs/decisions/0083): its kind, title and
    description, the citation of a regulation, the file as one blob (app/files) and the text
    found in it for search. How often it was downloaded is kept apart (DocumentDownloads)."""

    __tablename__ = "innovation_document"
    __table_args__ = (
        sa.UniqueConstraint("innovation_id", "name"),
        sa.CheckConstraint(_in("kind", DOCUMENT_KINDS), name="kind"),
        sa.CheckConstraint(_in("format", DOCUMENT_FORMATS), name="format"),
        sa.CheckConstraint("number >= 1", name="number"),
        sa.CheckConstraint("size > 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(sa.ForeignKey("innovation.id", ondelete="CASCADE"), index=True)
    # 1, 2, 3...: the order of the list.
    number: Mapped[int]
    # The file name beside the case study's file (``perbup-12-2019.pdf``) and in its address.
    name: Mapped[str] = mapped_column(sa.String(MAX_DOCUMENT_NAME))
    kind: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(MAX_TITLE))
    description: Mapped[str | None] = mapped_column(sa.String(MAX_DESCRIPTION))
    # A regulation's citation: "Peraturan Bupati" No. "12" Tahun 2019 (required for kind
    # "regulation", empty for the others).
    regulation_type: Mapped[str | None] = mapped_column(sa.String(MAX_REGULATION_TYPE))
    regulation_number: Mapped[str | None] = mapped_column(sa.String(MAX_REGULATION_NUMBER))
    regulation_year: Mapped[int | None]
    format: Mapped[str] = mapped_column(sa.String(8))
    size: Mapped[int]
    sha256: Mapped[str] = blob_column()
    # The words of a PDF or DOCX (bounded), for the search index; None when there are none.
    # Deferred: lists and pages never need it; the search index undefers it.
    text: Mapped[str | None] = mapped_column(sa.Text, deferred=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_utcnow)

    innovation: Mapped[Innovation] = relationship(back_populates="documents")
    # Read only: downloads are counted by app/catalog/document_store.count_download.
    downloads: Mapped["DocumentDownloads | None"] = relationship(viewonly=True)

    @property
    def download_count(self):
        return self.downloads.count if self.downloads is not None else 0

    @property
    def citation(self):
        """``Peraturan Bupati No. 12 Tahun 2019``, or '' for a document that is no regulation."""
        if self.kind != "regulation":
            return ""
        return regulation_citation(self.regulation_type, self.regulation_number, self.regulation_year)

    def __repr__(self):
        return f"<InnovationDocument {self.innovation_id}#{self.number} {self.name}>"


class DocumentDownloads(db.Model):
    """How often a document was downloaded: a table of its own, written on every download
    without touching the document's row, so that a download is not a change of public data
    (the page cache's generation stays, app/datagen/generation.py)."""

    __tablename__ = "document_download"

    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("innovation_document.id", ondelete="CASCADE"), primary_key=True
    )
    count: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
