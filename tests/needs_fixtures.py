"""A world for the needs tests: three needs of Kabupaten Banyumas (public, signed-in only,
network only), the people around them, and a published case study that solves their problem."""

import pytest

from app.needs import services
from app.search.index import IndexStore
from tests import factories
from tests.accounts_fixtures import add_member, make_network, make_user

# Banyumas (the author's) and Kota Semarang share JIPP Jawa Tengah; Brebes belongs to no
# network; Kota Makassar to JIPP Sulawesi Selatan, and owns the case study that fits.
BANYUMAS, SEMARANG, BREBES, MAKASSAR = "33.02", "33.74", "33.29", "73.71"
ROLES = ("anonymous", "other_official", "member_official", "author", "coordinator", "other_coordinator", "editor",
         "admin")  # fmt: skip
SEES = {
    "public": dict.fromkeys(ROLES, True),
    "signed_in": {r: r != "anonymous" for r in ROLES},
    "networks": {r: r in ("member_official", "author", "coordinator", "editor", "admin") for r in ROLES},
}
PROBLEM = (
    "Ibu hamil di pulau-pulau kecil sering melahirkan di rumah karena jauh dari puskesmas; "
    "kematian ibu dan bayi masih tinggi."
)


def need_values(**overrides):
    values = {
        "title": "Ibu hamil jauh dari puskesmas",
        "problem": PROBLEM,
        "affected": "Ibu hamil di desa pulau",
        "budget": "lt50jt",
        "connectivity": "weak",
        "staff": "few",
        "terrain": ["islands"],
        "sectors": ["kesehatan"],
        "deadline": None,
        "visibility": "public",
    }
    return {**values, **overrides}


@pytest.fixture
def world(app, db):
    jateng = make_network("jipp-jawa-tengah", "33")
    sulsel = make_network("jipp-sulawesi-selatan", "73")
    add_member(jateng, BANYUMAS)
    add_member(jateng, SEMARANG)
    add_member(sulsel, MAKASSAR)
    fitting = factories.innovation(
        "Rumah Tunggu Kelahiran", kind="city", region=MAKASSAR, slug="rumah-tunggu-kelahiran",
        summary="Rumah singgah bagi ibu hamil dari pulau-pulau kecil menjelang melahirkan, dekat puskesmas.",
        body="## Masalah\nIbu hamil di pulau kecil melahirkan di rumah, jauh dari puskesmas.\n\n"
             "## Inovasi\nRumah tunggu kelahiran di dekat puskesmas.\n",
    )  # fmt: skip
    other = factories.innovation("Sampah Jadi Emas", region=SEMARANG, kind="city", slug="sampah-jadi-emas",
                                 sectors=("lingkungan-hidup",), summary="Bank sampah warga.")  # fmt: skip
    draft = factories.innovation("Draf Rahasia", region=MAKASSAR, kind="city", slug="draf-rahasia", status="draft")
    banyumas = factories.owner("regency", BANYUMAS)
    people = {
        "author": make_user("penulis@banyumas.example.go.id", "official", owner=banyumas, name="Penulis Rahasia"),
        "member_official": make_user("pejabat@semarang.example.go.id", "official",
                                     owner=factories.owner("city", SEMARANG)),
        "other_official": make_user("pejabat@brebes.example.go.id", "official", owner=factories.owner("regency", BREBES)),
        "coordinator": make_user("koordinator@jateng.example.go.id", "coordinator", networks=[jateng]),
        "other_coordinator": make_user("koordinator@sulsel.example.go.id", "coordinator", networks=[sulsel]),
        "editor": make_user("editor@example.go.id", "editor"),
        "admin": make_user("admin@example.go.id", "admin"),
    }  # fmt: skip
    needs = {
        visibility: services.create(people["author"], banyumas, **need_values(
            title=f"Kebutuhan {visibility}", visibility=visibility))
        for visibility in ("public", "signed_in", "networks")
    }  # fmt: skip
    db.session.commit()
    IndexStore(app.config["SEARCH_INDEX_DIR"]).rebuild(db.engine)
    return {"needs": needs, "people": people, "jateng": jateng, "sulsel": sulsel, "fitting": fitting,
            "other": other, "draft": draft, "banyumas": banyumas}  # fmt: skip
