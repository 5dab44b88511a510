"""Facet counts, checked against the lists they lead to on a catalogue with the awkward
cases: drafts and archived case studies in every sector, an innovation awarded the same
stage twice, innovations in several sectors and themes, a ministry without a region."""

import pytest

from app.catalog.filters import FACETS, Filters, param, parse_filters
from app.catalog.queries import browse, counts_by_sector, facet_counts
from tests import factories

FILTER_SETS = (
    {},
    {"sector": "kesehatan"},
    {"province": "33"},
    {"sector": "kesehatan", "province": "33"},
    {"theme": "sistem-informasi"},
    {"award": "top99"},
    {"owner_kind": "city", "digital": True},
    {"replicated": False, "year": 2021},
    {"region": "33.02", "stage": "implemented"},
)


@pytest.fixture
def awkward(db):
    f = factories
    f.innovation("Dua Kali Top 99", region="33.74", kind="city", year=2019, digital=True,
                 awards=[(2019, "top99"), (2020, "top99"), (2020, "top45")], themes=("sistem-informasi",))  # fmt: skip
    f.innovation("Dua Sektor", region="33.02", year=2021, sectors=("kesehatan", "sosial"),
                 themes=("sistem-informasi", "layanan-terpadu"), replication_count=2)  # fmt: skip
    f.innovation("Provinsi", region="33", kind="province", year=2021, stage="trial")
    f.innovation("Kota Lain", region="35.78", kind="city", year=2022, digital=True, awards=[(2022, "top99")])
    f.innovation("Kementerian", kind="ministry", region=None, year=2021, sectors=("aparatur", "kesehatan"))
    for status in ("draft", "submitted", "returned", "archived"):
        f.innovation(f"Belum Terbit {status}", region="33.02", kind="regency", year=2021, status=status, digital=True,
                     sectors=("kesehatan", "sosial"), themes=("sistem-informasi",), awards=[(2021, "top99")])  # fmt: skip
    db.session.commit()


@pytest.mark.parametrize("active", FILTER_SETS, ids=lambda a: "&".join(f"{k}={v}" for k, v in a.items()) or "all")
def test_each_count_is_the_size_of_the_list_it_leads_to(awkward, active):
    counts = facet_counts(Filters(**active))
    checked = 0
    for facet in FACETS:
        for value, count in counts[facet].items():
            _, total = browse(parse_filters({**{k: param(v) for k, v in active.items()}, facet: value}))
            assert total == count, (facet, value)
            checked += 1
    assert checked >= 5


def test_unpublished_case_studies_are_counted_nowhere(awkward):
    counts = facet_counts(Filters())
    assert counts["sector"]["kesehatan"] == 5  # the default sector of the factory, and two more
    assert counts["sector"]["sosial"] == 1
    assert counts["theme"] == {"sistem-informasi": 2, "layanan-terpadu": 1}
    assert counts["award"] == {"top99": 2, "top45": 1}  # the twice-awarded innovation once
    assert counts["digital"] == {"false": 3, "true": 2}
    assert counts_by_sector()["kesehatan"] == 5
