"""The API fuzzed from its own OpenAPI document with Schemathesis: every operation, valid and
invalid input, on a catalogue that holds what production holds (the project's content through
the real importers, drafts and archived case studies, replications, networks).

Every answer must be one the document describes (status, content type, schema, headers), no
answer may be a server error, invalid input must be refused (400, or 404 for a path), and no
answer may show an unpublished case study or a contact person.
"""

import csv
from datetime import date

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from app import PROJECT_ROOT, pagecache
from app.api import needs as _needs  # noqa: F401 - its endpoints add themselves to the document
from app.api.openapi import Vocabulary, document, vocabulary
from app.catalog.models import Innovation, Owner
from app.content.importer import import_case_studies
from app.extensions import db
from app.needs import services as need_services
from app.networks.importer import import_networks
from app.networks.models import Activity, Network
from app.replication import csvio, services
from tests import factories
from tests.accounts_fixtures import add_member, make_user
from tests.support import make_app

BASE_URL = "http://localhost/api/v1"
CONTENT = PROJECT_ROOT / "content"
PUBLIC = "sehat-bersama-banyumas"
HIDDEN = ("rahasia-draf-lumajang", "rahasia-arsip-banyumas", "rahasia-ajuan-kementerian")
CONTACT = ("Budi Kontak", "budi.kontak@example.go.id", "0812-555-0199")
# A network-only need's words and a need author's name: never in the API (docs/decisions/0090).
NEED_SECRETS = ("Kebutuhan Rahasia Jaringan", "Penulis Kebutuhan", "penulis.kebutuhan@example.go.id")


def _reference_vocabulary():
    """The vocabulary the migrations load from content/reference; the test below checks that the
    served document lists the same (the parametrized test needs its document before any app exists)."""

    def column(name, key, keep=lambda row: True):
        with open(CONTENT / "reference" / name, encoding="utf-8", newline="") as handle:
            return tuple(sorted(row[key] for row in csv.DictReader(handle) if keep(row)))

    return Vocabulary(
        sectors=column("sectors.csv", "slug"),
        themes=column("themes.csv", "slug"),
        provinces=column("regions.csv", "code", lambda row: row["kind"] == "province"),
        regions=column("regions.csv", "code"),
    )


schema = schemathesis.openapi.from_dict(document(BASE_URL, _reference_vocabulary()))


def _catalogue():
    """The project's content, and what it lacks: unpublished case studies (one with
    replications), a ministry's, contacts, a replication with every field, coordinators."""
    import_case_studies(CONTENT)
    import_networks(CONTENT)
    csvio.write(csvio.read((CONTENT / "replications.csv").read_bytes()), user=None)
    db.session.commit()
    jatim = db.session.scalar(db.select(Network).where(Network.slug == "jipp-jawa-timur"))
    add_member(jatim, "35.08", role="hub")
    make_user("koord@example.go.id", "coordinator", networks=[jatim], name="Sri Rahayu")
    make_user("mantan@example.go.id", "coordinator", networks=[jatim], name="Mantan Koordinator", active=False)
    db.session.add(Activity(network=jatim, kind="workshop", title="Lokakarya", date=date(2024, 3, 5), place="Surabaya"))
    editor = make_user("editor@example.go.id", "editor")
    contact = {"contacts": [dict(zip(("name", "email", "phone"), CONTACT, strict=True))]}
    draft = factories.innovation("Rahasia Draf", region="35.08", slug=HIDDEN[0], status="draft", **contact)
    archived = factories.innovation("Rahasia Arsip", region="33.02", slug=HIDDEN[1], status="archived")
    factories.innovation("Rahasia Ajuan", kind="ministry", region=None, slug=HIDDEN[2], status="submitted")
    ministry = factories.innovation("Layanan Kementerian", kind="ministry", region=None, awards=[(2019, "top99")])
    public = factories.innovation("Sehat Bersama", region="33.02", slug=PUBLIC, awards=[(2019, "top45")],
                                  digital=True, started="2018-03", **contact)  # fmt: skip
    services.create(public, factories.owner("regency", "35.08"), "implemented", user=editor, local_name="SEHAT",
                    network_id=jatim.id, evidence="https://example.go.id/perbup", legal_basis="Perbup 1/2025",
                    outcome_value=12.5, outcome_unit="persen", transfer_mode="study_visit", budget_source="apbd")  # fmt: skip
    services.create(ministry, factories.owner("city", "35.78"), "piloting", user=editor)
    services.create(draft, factories.owner("regency", "33.02"), "planned", user=editor)
    services.create(archived, factories.owner("regency", "35.08"), "interest", user=editor)
    lumajang = factories.owner("regency", "35.08")
    author = make_user(NEED_SECRETS[2], "official", owner=lumajang, name=NEED_SECRETS[1])
    for title, visibility in (
        ("Antrean puskesmas", "public"),
        (NEED_SECRETS[0], "networks"),
        ("Masuk saja", "signed_in"),
    ):
        need_services.create(author, lumajang, title=title, problem=f"{title}: masalahnya.", visibility=visibility,
                             sectors=["kesehatan"], terrain=["mountains"], budget="lt50jt")  # fmt: skip
    db.session.commit()


@pytest.fixture(scope="module")
def fuzz_app(databases, tmp_path_factory):
    """An app of its own (the other tests empty theirs after each test), filled once, with the
    page cache on as in production: a repeated request is answered from it."""
    app = make_app(databases, tmp_path_factory, PAGE_CACHE_ENABLED=True)
    pagecache.clear()
    with app.app_context():
        _catalogue()
        db.session.remove()
    yield app
    pagecache.clear()  # one store per process: leave nothing for another test's app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# Records that exist (and hidden ones, which must stay 404 or unlisted): random slugs
# almost never name one. A well-formed slug that names nothing is valid input too.
REAL = {
    "slug": [PUBLIC, *HIDDEN, "toss-klungkung", "akuwaras-kota-denpasar", "jipp-jawa-timur", "jipp-sulawesi-selatan"],
    "innovation": [PUBLIC, *HIDDEN, "toss-klungkung", "akuwaras-kota-denpasar"],
    "network": ["jipp-jawa-timur", "jipp-jawa-tengah"],
    "code": ["33", "33.02", "35", "35.08", "35.78", "51.05", "51.08", "51.71"],
    "adopter_region": ["33", "33.02", "35", "35.08", "51"],
    "region": ["33.02", "35", "51.05", "51.71"],
    "province": ["33", "35", "51"],
    "q": ["inovasi", "kesehatan", "akta lahir", "replikasi sampah"],
    "need_id": [1, 2, 3],
}


@schema.hook("flatmap_case")
def real_records(context, case):
    """Valid input that names real records, sometimes; and a conditional GET, sometimes."""
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return st.just(case)
    draws = {}
    for container in ("path_parameters", "query"):
        for name in getattr(case, container) or {}:
            if name in REAL:
                draws[(container, name)] = st.one_of(st.sampled_from(REAL[name]), st.none())
    draws[("headers", "If-None-Match")] = st.sampled_from([None, None, None, "*"])

    def apply(values):
        for (container, name), value in values.items():
            if value is not None:
                if getattr(case, container) is None:
                    setattr(case, container, {})
                getattr(case, container)[name] = value
        return case

    return st.fixed_dictionaries(draws).map(apply)


@schema.hook("map_case")
def relevance_needs_words(context, case):
    # A rule the document can only say in words: sort=relevance needs q (else 400).
    query = case.query or {}
    positive = case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE
    if positive and query.get("sort") == "relevance" and not str(query.get("q", "")).split():
        query["q"] = "inovasi"
    return case


def nothing_unpublished_or_personal(ctx, response, case):
    """Only published case studies are public, and contacts never are (docs/architecture.md)."""
    if response.status_code == 200:
        found = [text for text in (*HIDDEN, *CONTACT, *NEED_SECRETS) if text in response.text]
        if found:
            raise AssertionError(f"{case.method} {case.formatted_path} answered with {found}")
    return None


# Schemathesis's WSGI transport sends requests' default ``Accept-Encoding: gzip, ...`` but, unlike
# an HTTP client, does not decode what comes back: cached answers are asked for as built (their
# compressed form, decision 0107, is tested in tests/test_pagecache_http.py).
AS_BUILT = {"Accept-Encoding": "identity"}


# Random cases per operation, on top of the coverage phase's fixed boundary and enum cases (every
# listed region code, about 2,000 requests in all): 20 keeps the whole module near a minute on
# SQLite and on PostgreSQL; HYPOTHESIS_PROFILE=hunt asks for 200.
@schema.parametrize()
@settings(max_examples=max(10, settings.default.max_examples // 5))
def test_every_answer_matches_the_document(case, fuzz_app):
    case.call_and_validate(app=fuzz_app, headers=AS_BUILT, additional_checks=[nothing_unpublished_or_personal])


def _every_record(app):
    """Every innovation (hidden ones too), network and region that holds something, and the
    lists that could show them: (path, path parameters, query)."""
    with app.app_context():
        slugs = db.session.scalars(sa.select(Innovation.slug).order_by(Innovation.slug)).all()
        networks = db.session.scalars(sa.select(Network.slug).order_by(Network.slug)).all()
        codes = {code for code in db.session.scalars(sa.select(Owner.region_code)) if code}
        total = db.session.scalar(sa.select(sa.func.count(Innovation.id)))
    codes |= {code.split(".")[0] for code in codes}
    yield from (("/innovations/{slug}", {"slug": slug}, {}) for slug in slugs)
    yield from (("/replications", {}, {"innovation": slug}) for slug in slugs)
    yield from (("/networks/{slug}", {"slug": slug}, {}) for slug in networks)
    yield from (("/regions/{code}", {"code": code}, {}) for code in sorted(codes))
    yield from (("/innovations", {}, {"per_page": 100, "page": page}) for page in range(1, total // 100 + 2))
    yield from (("/innovations", {}, {"q": q}) for q in ("rahasia", "Rahasia Draf", "kesehatan"))
    yield from (("/stats/composition", {}, {"year": 2019, "award": award}) for award in ("proposal", "top45"))
    yield from (("/needs/{need_id}", {"need_id": need_id}, {}) for need_id in (1, 2, 3))
    yield from (("/needs", {}, query) for query in ({}, {"province": "35"}, {"network": "jipp-jawa-timur"}))


def test_every_record_matches_the_document(fuzz_app, subtests):
    """Not random: each record of the catalogue, hidden ones too, as the fuzzer may miss one."""
    for path, path_parameters, query in _every_record(fuzz_app):
        with subtests.test(path=path, **path_parameters, **query):
            case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query)
            case.call_and_validate(app=fuzz_app, headers=AS_BUILT, additional_checks=[nothing_unpublished_or_personal])


def test_the_fuzzed_document_is_the_one_served(fuzz_app):
    with fuzz_app.app_context():
        assert vocabulary() == _reference_vocabulary()
    served = fuzz_app.test_client().get("/api/v1/openapi.json").get_json()
    assert served == document(BASE_URL, _reference_vocabulary())
