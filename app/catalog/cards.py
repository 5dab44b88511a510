"""What an innovation card shows, as plain values that outlive the session (docs/decisions/0095).

The home page's lists and a page of the catalogue are the same for every reader until
someone writes: they are remembered per data generation (app/memo.py) as these records,
not as ORM rows (a row belongs to its session and its transaction). The card macro
(catalog/_macros.html ``innovation_card``) reads them exactly as it reads an Innovation: the
same attribute names, ``sector.name(locale)``, ``award_label(award)``, ``image_url(image, ...)``.

A remembered list depends on the catalogue (which case studies it selects, in what order)
and on each case study it shows (``innovation:<id>``: a summary edit, a new replication
count). Everything else a card shows (owner, region, sectors, awards, pictures) changes only
through writes that are not narrowed, which drop every remembered figure (0091).
"""

from dataclasses import dataclass

from app.datagen import scopes


@dataclass(frozen=True, slots=True)
class CardOwner:
    name: str
    region_code: str | None


@dataclass(frozen=True, slots=True)
class CardRegion:
    code: str
    display_name: str


@dataclass(frozen=True, slots=True)
class CardSector:
    slug: str
    name_id: str
    name_en: str

    def name(self, locale):
        """The name in the reader's language (as Sector.name)."""
        return self.name_en if locale == "en" else self.name_id


@dataclass(frozen=True, slots=True)
class CardAward:
    competition: str
    year: int
    stage: str


@dataclass(frozen=True, slots=True)
class CardImage:
    """The first picture: what ``image_url`` and the card read of an InnovationImage."""

    URL_ENDPOINT: str
    slug: str
    format: str
    thumb_width: int
    thumb_height: int
    digests: tuple  # ((size, kind), digest) pairs

    def url_values(self):
        return {"slug": self.slug}

    def digest(self, size, kind):
        return dict(self.digests)[size, kind]


@dataclass(frozen=True, slots=True)
class Card:
    id: int
    slug: str
    title: str
    language: str
    year: int
    sample: bool
    summary: str
    replication_count: int
    owner: CardOwner
    region: CardRegion | None
    sectors: tuple
    awards: tuple
    images: tuple  # the first picture only: a card shows no more


def card_of(innovation):
    """The card of an Innovation loaded with queries.card_loads()."""
    region = innovation.region
    return Card(
        id=innovation.id,
        slug=innovation.slug,
        title=innovation.title,
        language=innovation.language,
        year=innovation.year,
        sample=innovation.sample,
        summary=innovation.summary,
        replication_count=innovation.replication_count,
        owner=CardOwner(innovation.owner.name, innovation.owner.region_code),
        region=None if region is None else CardRegion(region.code, region.display_name),
        sectors=tuple(CardSector(s.slug, s.name_id, s.name_en) for s in innovation.sectors),
        awards=tuple(CardAward(a.competition, a.year, a.stage) for a in innovation.awards),
        images=tuple(_image(image, innovation.slug) for image in innovation.images[:1]),
    )


def _image(image, slug):
    digests = tuple((key, image.digest(*key)) for key in image.BLOBS)
    return CardImage(image.URL_ENDPOINT, slug, image.format, image.thumb_width, image.thumb_height, digests)


def shown(cards):
    """The tags of the case studies a remembered list shows (the memo's ``deps_of``)."""
    return frozenset(scopes.innovation(card.id) for card in cards)
