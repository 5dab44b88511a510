"""JSON shapes of the API's records."""

from app.search.service import innovation_url


def innovation_item(innovation):
    """An innovation as an item of ``GET /api/v1/innovations``."""
    region = innovation.region
    return {
        "slug": innovation.slug,
        "title": innovation.title,
        "summary": innovation.summary,
        "owner": {"name": innovation.owner.name, "kind": innovation.owner.kind},
        "region": {"code": region.code, "name": region.name} if region is not None else None,
        "year": innovation.year,
        "sectors": [sector.slug for sector in innovation.sectors],
        "themes": [theme.slug for theme in innovation.themes],
        "awards": [
            {"competition": award.competition, "year": award.year, "stage": award.stage} for award in innovation.awards
        ],
        "stage": innovation.stage,
        "replication_count": innovation.replication_count,
        "url": innovation_url(innovation, external=True),
    }
