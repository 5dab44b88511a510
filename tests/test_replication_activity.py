"""A replication names the network activity that produced it (a learning visit, a forum): the
activity page lists what came out of it, the replication page says where it began. Only an
activity of the facilitating network may be named; anything else is refused and nothing
is saved."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.networks.models import Activity, Network
from app.replication.models import Replication
from tests.accounts_fixtures import sign_in, submit
from tests.test_replication import world  # noqa: F401 (fixture)


def _activity(db, network, title):
    activity = Activity(network=network, kind="learning_visit", title=title, date=date(2025, 3, 4))
    db.session.add(activity)
    db.session.commit()
    return activity


def test_a_coordinator_names_the_activity_and_both_pages_show_the_link(app, client, db, world):  # noqa: F811
    visit = _activity(db, world["jatim"], "Kunjungan belajar ke Semarang")
    sign_in(client, world["coordinator"])
    url = f"/inovasi/{world['innovation'].slug}/replikasi/baru"
    form = client.get(url).get_data(as_text=True)
    assert f'<option value="{visit.id}">' in form and "Kunjungan belajar ke Semarang" in form
    answer = submit(client, url, {"adopter": "35.08", "stage": "committed", "network": str(world["jatim"].id),
                                  "activity": str(visit.id)})  # fmt: skip
    assert answer.status_code == 302, answer.get_data(as_text=True)[-2000:]
    item = db.session.scalar(sa.select(Replication))
    assert item.activity_id == visit.id
    public = app.test_client()
    shown = public.get(f"/replikasi/{item.id}").get_data(as_text=True)
    assert "Lahir dari kegiatan" in shown and f"/kegiatan/{visit.id}" in shown
    page = public.get(f"/jaringan/{world['jatim'].slug}/kegiatan/{visit.id}").get_data(as_text=True)
    produced = page.split('id="produced-h"')[1].split("</section>")[0]
    assert "Kabupaten Lumajang" in produced and f"/replikasi/{item.id}" in produced


@pytest.mark.parametrize("case", ["another network's", "no network", "no such activity", "not a number"])
def test_an_activity_that_is_not_the_facilitating_networks_is_refused(client, db, world, case):  # noqa: F811
    other = db.session.scalar(sa.select(Network).where(Network.slug == "jipp-sulsel"))
    foreign = _activity(db, other, "Forum Sulawesi")
    sign_in(client, world["editor"])
    url = f"/inovasi/{world['innovation'].slug}/replikasi/baru"
    data = {"adopter": "35.08", "stage": "planned", "local_name": "Nama yang diketik", "network": str(world["jatim"].id),
            "activity": str(foreign.id)}  # fmt: skip
    if case == "no network":
        mine = _activity(db, world["jatim"], "Forum Jawa Timur")
        data.update(network="", activity=str(mine.id))
    elif case == "no such activity":
        data["activity"] = "999999999"
    elif case == "not a number":
        data["activity"] = "1 OR 1=1"
    answer = submit(client, url, data)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Pilih kegiatan jaringan yang memfasilitasi" in html or "Pilihan tidak sah" in html, html[-2000:]
    assert 'value="Nama yang diketik"' in html
    assert db.session.scalar(sa.select(sa.func.count(Replication.id))) == 0
