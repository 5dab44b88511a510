"""Only published case studies are found: drafts, submissions and archived ones never are."""

from tests import factories


def _found(client, q):
    return [item["slug"] for item in client.get(f"/api/v1/innovations?q={q}").get_json()["items"]]


def test_unpublished_case_studies_are_not_found_and_leave_the_index(runner, client, db):
    public = factories.innovation("Layanan Tengkes Terbuka", summary="Pencegahan tengkes di desa.")
    draft = factories.innovation("Layanan Tengkes Draf", summary="Pencegahan tengkes di desa.", status="draft")
    db.session.commit()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert _found(client, "tengkes") == [public.slug]
    html = client.get("/cari?q=tengkes").get_data(as_text=True)
    assert "Layanan Tengkes Terbuka" in html and "Layanan Tengkes Draf" not in html

    draft.status = "published"
    db.session.commit()
    assert sorted(_found(client, "tengkes")) == sorted([public.slug, draft.slug])

    public.status = "archived"  # archiving removes it from the index after the commit
    db.session.commit()
    assert _found(client, "tengkes") == [draft.slug]
    assert public.slug not in client.get(f"/inovasi/{draft.slug}").get_data(as_text=True)
