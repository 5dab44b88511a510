"""Editors see in the header how many case studies wait for review; nobody else does."""

import re

import pytest

from tests.accounts_fixtures import sign_in
from tests.test_editing_world import fresh, post, world  # noqa: F401 - the fixture

WAITING = re.compile(r'<span class="count" data-waiting="(\d+)">')


def _waiting(client):
    found = WAITING.search(client.get("/inovasi").get_data(as_text=True))
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize(("role", "shown"), [("editor", 1), ("admin", 1), ("official", 0), ("coordinator", 0)])
def test_the_review_queue_is_counted_for_curators_only(client, world, role, shown):  # noqa: F811
    sign_in(client, world[role])
    assert _waiting(client) == shown


def test_the_count_follows_the_queue(client, world):  # noqa: F811
    sign_in(client, world["official"])
    draft = fresh(world["draft"].id)
    url = f"/kelola/inovasi/{draft.slug}/ajukan"
    assert post(client, url, {"version": str(draft.version)}, form_url="/kelola/inovasi").status_code == 302
    client.post("/keluar", data={})
    sign_in(client, world["editor"])
    assert _waiting(client) == 2
    page = client.get("/inovasi").get_data(as_text=True)
    assert '2<span class="visually-hidden"> menunggu ditinjau</span>' in page
    submitted = fresh(world["submitted"].id)
    response = post(client, f"/kelola/inovasi/{submitted.slug}/terbitkan", {"version": str(submitted.version)})
    assert response.status_code == 302
    assert _waiting(client) == 1
