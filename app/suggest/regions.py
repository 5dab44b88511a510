"""Regions "like mine", from what the data already holds (docs/decisions/0089-suggestions.md).

A region where a suggested innovation already runs (its own region, or an adopter's that
replicated it) is like the writer's, strongest first, when it:

1. is the writer's region itself;
2. shares a network with it (an owner of each is a member of the same network);
3. replicated, or owns, an innovation the writer's region also replicated (they chose alike);
4. lies in the same province;
5. is the same kind (regency or city) on the same island group (from the BPS code's first digit).
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalog.models import Innovation, Owner
from app.extensions import db
from app.networks.models import Membership
from app.regions.models import Region
from app.replication.models import REPLICATED, Replication

# BPS province codes start with the island group's digit (21, Riau Islands, belongs to Sumatra).
ISLAND_GROUPS = {"1": "sumatra", "2": "sumatra", "3": "java", "5": "nusa", "6": "kalimantan", "7": "sulawesi"}
ISLAND_GROUPS |= {"8": "maluku", "9": "papua"}


def island_group(code):
    """The island group of a region code (None when the code says nothing)."""
    return ISLAND_GROUPS.get((code or "")[:1])


def region_or_none(code):
    """The region of ``code``, or None for an unknown one."""
    if not code or len(code) > 13:
        return None
    return db.session.get(Region, code)


def used_in(innovation_ids):
    """``{innovation id: {region code}}``: where each innovation runs (origin and replications)."""
    found = {i: set() for i in innovation_ids}
    if not found:
        return found
    origin = sa.select(Innovation.id, sa.func.coalesce(Innovation.region_code, Owner.region_code)).join(
        Owner, Owner.id == Innovation.owner_id
    )
    adopted = (
        sa.select(Replication.innovation_id, Owner.region_code)
        .join(Owner, Owner.id == Replication.adopter_id)
        .where(Replication.stage.in_(REPLICATED))
    )
    for query, column in ((origin, Innovation.id), (adopted, Replication.innovation_id)):
        for innovation_id, code in db.session.execute(query.where(column.in_(list(found)))):
            if code:
                found[innovation_id].add(code)
    return found


def _network_regions(code):
    owners = sa.select(Owner.id).where(Owner.region_code == code)
    networks = sa.select(Membership.network_id).where(Membership.owner_id.in_(owners))
    query = (
        sa.select(Owner.region_code)
        .join(Membership, Membership.owner_id == Owner.id)
        .where(Membership.network_id.in_(networks), Owner.region_code.is_not(None))
    )
    return set(db.session.scalars(query))


def _co_adopter_regions(code):
    owners = sa.select(Owner.id).where(Owner.region_code == code)
    chosen = sa.select(Replication.innovation_id).where(
        Replication.adopter_id.in_(owners), Replication.stage.in_(REPLICATED)
    )
    adopters = (
        sa.select(Owner.region_code)
        .join(Replication, Replication.adopter_id == Owner.id)
        .where(Replication.innovation_id.in_(chosen), Replication.stage.in_(REPLICATED))
    )
    origins = sa.select(Innovation.region_code).where(Innovation.id.in_(chosen))
    return {c for c in (*db.session.scalars(adopters), *db.session.scalars(origins)) if c}


class Likeness:
    """How like the writer's region other regions are; built once per request."""

    def __init__(self, region):
        self.region = region
        self.networks = _network_regions(region.code)
        self.co_adopters = _co_adopter_regions(region.code)
        self._regions = {}

    def _get(self, code):
        if code not in self._regions:
            self._regions[code] = db.session.get(Region, code)
        return self._regions[code]

    def why(self, code):
        """``(strength, reason text)`` of a region like the writer's, or None."""
        mine = self.region
        other = self._get(code)
        if other is None:
            return None
        if code == mine.code:
            return 5, _("daerah Anda sendiri")
        if code in self.networks:
            return 4, _("satu jaringan dengan daerah Anda")
        if code in self.co_adopters:
            return 3, _("mereplikasi inovasi yang sama dengan daerah Anda")
        if other.province_code == mine.province_code:
            return 2, _("satu provinsi dengan daerah Anda")
        if other.kind == mine.kind and mine.kind != "province" and island_group(code) == island_group(mine.code):
            kinds = {"regency": _("sesama kabupaten"), "city": _("sesama kota")}
            return 1, _("%(kind)s di gugus pulau yang sama", kind=kinds.get(mine.kind, mine.kind))
        return None

    def reason(self, codes):
        """The Reason for the most alike of ``codes`` (where an innovation runs), or None."""
        from app.suggest import Reason

        best = None
        for code in sorted(codes):
            found = self.why(code)
            if found and (best is None or found[0] > best[0]):
                best = (found[0], found[1], code)
        if best is None:
            return None
        return Reason(
            "like_region",
            _("Sudah dipakai di %(region)s: %(why)s", region=self._get(best[2]).display_name, why=best[1]),
        )
