"""An official who submitted a case study too early takes it back: it becomes a draft again,
leaves the review queue, and can be changed and submitted anew. Nobody else can, and only a
submitted case study can be withdrawn."""

import sqlalchemy as sa

from app.catalog.models import Innovation
from app.editing.models import Revision
from app.extensions import db as _db
from tests.accounts_fixtures import sign_in
from tests.test_editing_world import fresh, post, revisions_of, world  # noqa: F401 (fixture)


def _withdraw(client, item, form_url="/kelola/inovasi"):
    return post(client, f"/kelola/inovasi/{item.slug}/tarik", {"version": str(fresh(item.id).version)}, form_url)


def test_the_author_withdraws_a_submission_and_may_change_it_again(client, world):  # noqa: F811
    item = world["submitted"]
    sign_in(client, world["official"])
    page = client.get(f"/inovasi/{item.slug}").get_data(as_text=True)
    assert "Tarik kembali pengajuan" in page and f"/kelola/inovasi/{item.slug}/tarik" in page
    assert f"/kelola/inovasi/{item.slug}/tarik" in client.get("/kelola/inovasi").get_data(as_text=True)
    assert client.get(f"/kelola/inovasi/{item.slug}/ubah").status_code == 403  # under review: not editable

    answer = _withdraw(client, item, f"/inovasi/{item.slug}")
    assert answer.status_code == 302
    assert fresh(item.id).status == "draft"
    last = revisions_of(item.id)[-1]
    assert (last.action, last.status_from, last.user_id) == ("withdrawn", "submitted", world["official"].id)
    assert client.get(f"/kelola/inovasi/{item.slug}/ubah").status_code == 200
    history = client.get(f"/kelola/inovasi/{item.slug}/riwayat").get_data(as_text=True)
    assert "ditarik kembali oleh penulis" in history

    sign_in(client, world["editor"])
    queue = client.get("/kelola/inovasi").get_data(as_text=True)
    assert f'href="/inovasi/{item.slug}"' in queue.split('id="progress-h"')[1]  # among the drafts now
    assert f'href="/inovasi/{item.slug}"' not in queue.split('id="progress-h"')[0]  # not waiting for review


def test_only_a_submitted_case_study_is_withdrawn_and_nothing_changes_otherwise(client, world):  # noqa: F811
    sign_in(client, world["official"])
    for status in ("draft", "returned", "published", "archived"):
        item = world[status]
        before = _db.session.scalar(sa.select(sa.func.count(Revision.id)))
        answer = _withdraw(client, item)
        assert answer.status_code in (403, 409), (status, answer.status_code)
        assert fresh(item.id).status == status
        assert _db.session.scalar(sa.select(sa.func.count(Revision.id))) == before


def test_a_stale_version_is_refused_and_the_submission_stays(client, world):  # noqa: F811
    item = world["submitted"]
    sign_in(client, world["official"])
    answer = post(client, f"/kelola/inovasi/{item.slug}/tarik", {"version": str(fresh(item.id).version - 1)})
    assert answer.status_code == 409 and "baru saja diubah" in answer.get_data(as_text=True)
    assert _db.session.get(Innovation, item.id).status == "submitted"
