"""The Whoosh schema, and the index document of an innovation built from its database rows."""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from app.catalog.models import Innovation, InnovationDocument, Owner
from app.regions.models import Region
from app.search.analysis import SuarAnalyzer, words

# Text fields by language; an English case study fills the *_en fields instead.
TEXT_FIELDS = {"id": ("title", "summary", "body"), "en": ("title_en", "summary_en", "body_en")}


# The layout of the documents, their stored Facts and the postings on disk (codec.py); bump it
# with any change to one of them. A generation built with another layout is not opened: it
# is rebuilt (index.py).
FORMAT = "5"
# The words of a case study's documents (titles, citations, the text of PDFs and DOCXs), at
# most this many characters per case study: ranked below its own text (engine.FIELD_BOOSTS).
MAX_DOCUMENTS_TEXT = 300_000


def make_schema():
    """A new schema; changing it (or the analyzers) needs ``flask search reindex``."""
    indonesian, english = SuarAnalyzer("id"), SuarAnalyzer("en")
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=indonesian),
        summary=TEXT(analyzer=indonesian),
        body=TEXT(analyzer=indonesian),
        title_en=TEXT(analyzer=english),
        summary_en=TEXT(analyzer=english),
        body_en=TEXT(analyzer=english),
        # Owner, unit, region and province names, sector and theme names in both languages.
        meta=TEXT(analyzer=indonesian),
        # Its documents (docs/decisions/0083): regulations and SOPs are written in Indonesian.
        docs=TEXT(analyzer=indonesian),
        # Unstemmed words of the text: the vocabulary that typos are corrected against.
        spell=TEXT(analyzer=SuarAnalyzer("none", stop=False), phrase=False),
        sector=KEYWORD(commas=True),
        theme=KEYWORD(commas=True),
        owner_kind=ID,
        province=ID,
        region=ID,
        year=NUMERIC(sortable=True),
        award=KEYWORD(commas=True),
        stage=ID,
        digital=BOOLEAN,
        language=ID,
        replication_count=NUMERIC(sortable=True),
        facts=STORED,
    )


@dataclass(frozen=True, slots=True)
class Facts:
    """What filters, facets and sorting need of a document, kept in memory per index segment."""

    id: int
    sectors: tuple
    themes: tuple
    owner_kind: str
    province: str | None
    region: str | None
    year: int
    awards: tuple
    stage: str
    replication_count: int
    title_key: str  # Innovation.sort_title: the index sorts titles exactly as SQL does
    language: str
    digital: bool
    setup_cost: int | None  # the cost filter's bands and the setup_cost sort
    needs_new_regulation: bool | None


def load_innovations(session, ids):
    """The public innovations among ``ids``, with everything their document needs, in as few
    queries as possible. One that is not (or no longer) public is left out, so the index
    drops it: drafts, submissions and archived case studies are never found."""
    query = (
        sa.select(Innovation)
        .where(Innovation.id.in_(list(ids)), Innovation.is_public)
        .options(
            selectinload(Innovation.owner).selectinload(Owner.region).selectinload(Region.parent),
            selectinload(Innovation.institution),
            selectinload(Innovation.region).selectinload(Region.parent),
            selectinload(Innovation.sectors),
            selectinload(Innovation.themes),
            selectinload(Innovation.awards),
            selectinload(Innovation.documents).undefer(InnovationDocument.text),
        )
    )
    return {innovation.id: innovation for innovation in session.scalars(query)}


_MARKDOWN_NOISE = re.compile(r"\]\([^)]*\)|[#*_`>|\[\]]|^\s*[-+]\s+", re.MULTILINE)


def plain_text(markdown):
    """Markdown reduced to its words: link targets and markup characters dropped."""
    return _MARKDOWN_NOISE.sub(" ", markdown or "")


def region_names(region):
    """The region's name and its province's, as people write them."""
    names = []
    while region is not None:
        names.append(region.name)
        region = region.parent
    return names


def _distinct_words(*texts):
    # The typo vocabulary needs each word once, not every occurrence: a fraction of the work.
    return sorted({surface for text in texts for surface, _, _ in words(text)})


def documents_text(innovation):
    """The words of the case study's documents: each one's title, citation, description and
    text, at most MAX_DOCUMENTS_TEXT characters in all."""
    pieces = []
    for item in innovation.documents:
        pieces += [item.title, item.citation, item.description or "", item.text or ""]
    return " . ".join(piece for piece in pieces if piece)[:MAX_DOCUMENTS_TEXT]


def document(innovation):
    """The index document of one innovation."""
    lang = innovation.language if innovation.language in TEXT_FIELDS else "id"
    title_field, summary_field, body_field = TEXT_FIELDS[lang]
    body = plain_text(innovation.body_md)
    region = innovation.region or (innovation.owner.region if innovation.owner else None)
    meta = [innovation.owner.name, innovation.institution.name, *region_names(region)]
    for item in (*innovation.sectors, *innovation.themes):
        meta += [item.name_id, item.name_en]
    awards = tuple(sorted({a.stage for a in innovation.awards}))
    meta += [f"{a.competition} {a.year}" for a in innovation.awards]
    docs = documents_text(innovation)
    region_code = innovation.region_code
    facts = Facts(
        id=innovation.id,
        sectors=tuple(s.slug for s in innovation.sectors),
        themes=tuple(t.slug for t in innovation.themes),
        owner_kind=innovation.owner.kind,
        province=region_code.split(".")[0] if region_code else None,
        region=region_code,
        year=innovation.year,
        awards=awards,
        stage=innovation.stage,
        replication_count=innovation.replication_count or 0,
        title_key=innovation.sort_title,
        language=lang,
        digital=bool(innovation.digital),
        setup_cost=innovation.setup_cost,
        needs_new_regulation=innovation.needs_new_regulation,
    )
    return {
        "id": str(innovation.id),
        title_field: innovation.title,
        summary_field: innovation.summary,
        body_field: body,
        "meta": " . ".join(meta),
        "docs": docs,
        "spell": " ".join(_distinct_words(innovation.title, innovation.summary, body, *meta, docs)),
        "sector": ",".join(facts.sectors),
        "theme": ",".join(facts.themes),
        "owner_kind": facts.owner_kind,
        "province": facts.province or "",
        "region": region_code or "",
        "year": innovation.year,
        "award": ",".join(awards),
        "stage": innovation.stage,
        "digital": bool(innovation.digital),
        "language": lang,
        "replication_count": facts.replication_count,
        "facts": tuple(getattr(facts, name) for name in Facts.__dataclass_fields__),
    }
