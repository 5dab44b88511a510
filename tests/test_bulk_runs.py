"""Bulk runs (docs/decisions/0081): a confirmed CSV of replications or list of award results
is kept in ``bulk_run`` and done by a job: at once without a queue, by the worker with one
(RQ on the Redis at 127.0.0.1:6379). The job checks again as its sender and writes all or
nothing; a run is done once however many workers try it; only its sender and admins see it."""

import re
import threading

import pytest
import sqlalchemy as sa

from app import jobs
from app.accounts.models import User
from app.catalog.models import Award, Innovation
from app.extensions import db
from app.jobs import bulk
from app.jobs.models import BulkRun
from app.replication.models import Replication
from tests import factories
from tests.accounts_fixtures import csrf_token, make_user, sign_in
from tests.jobs_support import REDIS_URL, delete_queue_keys, empty_database, new_queue_name, redis_or_skip
from tests.support import make_app
from tests.test_jobs_worker import _burst
from tests.test_replication_import import confirm, csv_bytes, preview

_RUN = re.compile(r"/proses/(\d+)$")


def _runs():
    db.session.expire_all()
    return db.session.scalars(sa.select(BulkRun).order_by(BulkRun.id)).all()


def _replications():
    db.session.expire_all()
    return sorted(db.session.execute(sa.select(Replication.innovation_id, Replication.stage)).all())


@pytest.fixture
def origin(db):
    """A published case study of Kota Semarang, an editor to import replications of it."""
    innovation = factories.innovation("Tele Sehat", kind="city", region="33.74")
    editor = make_user("editor@example.go.id", "editor")
    return {"innovation": innovation, "editor": editor}


def _file(innovation, regions=("35.08", "35.09")):
    return csv_bytes(("innovation", "adopter_region", "stage"), [(innovation.slug, r, "planned") for r in regions])


def _confirm_raw(client, page):
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', page).group(1)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/replikasi/impor/simpan", data={"csrf_token": csrf, "token": token, "rows": "2"})


# Without a queue -------------------------------------------------------------------------


def test_without_a_queue_a_confirmed_import_is_done_before_the_answer(client, db, origin):
    sign_in(client, origin["editor"])
    status, page = preview(client, _file(origin["innovation"]))
    assert status == 200
    assert "2 replikasi baru, 0 diperbarui, 0 tidak berubah" in confirm(client, page)
    [run] = _runs()
    assert (run.kind, run.status, run.attempts, run.rows) == ("replications", "done", 1, 2)
    assert run.result == {"created": 2, "updated": 0, "unchanged": 0} and run.user_id == origin["editor"].id
    assert len(_replications()) == 2
    listing = client.get("/proses").get_data(as_text=True)
    assert f'href="/proses/{run.id}"' in listing and "Selesai" in listing and "2 replikasi baru" in listing
    page = client.get(f"/proses/{run.id}").get_data(as_text=True)
    assert "Selesai." in page and 'http-equiv="refresh"' not in page
    client.set_cookie("lang", "en")
    page = client.get(f"/proses/{run.id}").get_data(as_text=True)
    assert "Done." in page and "2 new replications, 0 updated, 0 unchanged" in page, page


def test_the_job_checks_again_and_refuses_what_changed_since_the_preview(client, db, origin):
    """The case study is archived between the preview and the confirmation: nothing is
    written, and the run's page says which row and why."""
    sign_in(client, origin["editor"])
    status, page = preview(client, _file(origin["innovation"]))
    assert status == 200
    origin["innovation"].status = "archived"
    db.session.commit()
    response = _confirm_raw(client, page)
    run_id = int(_RUN.search(response.headers["Location"]).group(1))
    shown = client.get(f"/proses/{run_id}")
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Ditolak; tidak ada yang disimpan" in text
    assert re.search(r"<tr><td>2</td><td><code>innovation</code></td><td>[^<]+</td></tr>", text), text
    [run] = _runs()
    assert run.status == "refused" and run.result["problems"][0][:2] == [2, "innovation"]
    assert _replications() == []


def test_a_user_who_lost_the_right_to_import_has_the_run_refused(client, db, origin):
    sign_in(client, origin["editor"])
    _status, page = preview(client, _file(origin["innovation"]))
    origin["editor"].set_roles(["official"])
    db.session.commit()
    # The confirmation itself is refused now; a run already queued is refused by the job.
    assert _confirm_raw(client, page).status_code == 403
    run = BulkRun(kind="replications", user_id=origin["editor"].id, payload=_file(origin["innovation"]), params={})
    db.session.add(run)
    db.session.commit()
    assert bulk.work_off(client.application) == 1
    [run] = _runs()
    assert run.status == "refused" and "tidak lagi boleh" in run.result["problems"][0][2]
    assert _replications() == []


def test_a_run_is_shown_only_to_its_sender_and_to_admins(app, client, db, origin):
    run = BulkRun(kind="awards", user_id=origin["editor"].id, payload=b"[]", params={}, status="done")
    run.result = {"added": 3, "already": 1}
    db.session.add(run)
    db.session.commit()
    url = f"/proses/{run.id}"
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    for other in (make_user("editor2@example.go.id", "editor"), make_user("pejabat@example.go.id", "official")):
        someone = app.test_client()
        sign_in(someone, other)
        assert someone.get(url).status_code == 404
        assert url not in someone.get("/proses").get_data(as_text=True)
    admin = app.test_client()
    sign_in(admin, make_user("admin@example.go.id", "admin"))
    assert "3 penghargaan dicatat; 1 sudah tercatat" in admin.get(url).get_data(as_text=True)
    sign_in(client, origin["editor"])
    assert client.get(url).status_code == 200
    for page in ("0", "-1", "x", "10001", "1" * 30):
        assert client.get(f"/proses?page={page}").status_code == 400


def _breaking_handler(run):
    """A handler that writes, then breaks: what it wrote must not stay."""
    db.session.add(Award(innovation_id=run.params["innovation_id"], competition="KIPP", year=2024, stage="top99"))
    db.session.flush()
    raise RuntimeError("disk full")


def test_a_run_that_breaks_without_a_queue_is_failed_at_once_and_keeps_nothing(client, db, origin, monkeypatch):
    monkeypatch.setitem(bulk.HANDLERS, "breaking", f"{__name__}._breaking_handler")
    sign_in(client, origin["editor"])
    with client.application.test_request_context():
        run = bulk.submit("breaking", origin["editor"], b"", params={"innovation_id": origin["innovation"].id})
        assert run.status == "failed"
    [run] = _runs()
    assert (run.status, run.attempts, run.last_error) == ("failed", 1, "RuntimeError: disk full")
    assert db.session.scalars(sa.select(Award)).all() == []
    page = client.get(f"/proses/{run.id}").get_data(as_text=True)
    assert "Gagal; tidak ada yang disimpan" in page and "disk full" not in page


def test_two_workers_taking_the_same_run_at_once_write_it_once(app, db, origin):
    """Each thread has its own app context, session and connection, as two workers have."""
    run = BulkRun(kind="replications", user_id=origin["editor"].id, payload=_file(origin["innovation"]), params={})
    db.session.add(run)
    db.session.commit()
    start, outcomes, errors = threading.Barrier(2), [], []

    def work():
        try:
            with app.app_context():
                start.wait(timeout=30)
                outcomes.append(bulk.do(app, run.id))
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and sorted(outcomes, key=str) == [None, "done"]  # "None" < "done"
    assert len(_replications()) == 2
    [run] = _runs()
    assert run.status == "done" and run.result["created"] == 2


# With a queue ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def queued_app(databases, tmp_path_factory):
    redis = redis_or_skip()
    app = make_app(databases, tmp_path_factory, REDIS_URL=REDIS_URL, JOBS_SWEEP_SECONDS=1)
    yield app, redis
    with app.app_context():
        db.engine.dispose()
    redis.close()


@pytest.fixture
def qapp(queued_app):
    app, redis = queued_app
    app.config["JOBS_QUEUE"] = name = new_queue_name()
    with app.app_context():
        innovation = factories.innovation("Tele Sehat", kind="city", region="33.74")
        editor = make_user("editor@example.go.id", "editor")
        app.config["TEST_WORLD"] = {"slug": innovation.slug, "innovation_id": innovation.id, "editor": editor.id}
    yield app
    delete_queue_keys(redis, name)
    empty_database(app)


def _state(app):
    with app.app_context():
        return [(r.status, r.attempts, r.result) for r in _runs()], len(_replications())


def test_with_a_queue_the_import_waits_for_the_worker_and_is_done_once(qapp):
    world = qapp.config["TEST_WORLD"]
    client = qapp.test_client()
    with qapp.app_context():
        editor = db.session.get(User, world["editor"])
        sign_in(client, editor)
        innovation = db.session.get(Innovation, world["innovation_id"])
        status, page = preview(client, _file(innovation))
        assert status == 200
        response = _confirm_raw(client, page)
        run_id = int(_RUN.search(response.headers["Location"]).group(1))
        waiting = client.get(f"/proses/{run_id}").get_data(as_text=True)
        assert "Menunggu diproses" in waiting and '<meta http-equiv="refresh" content="3">' in waiting
        assert _state(qapp) == ([("queued", 0, None)], 0)
        # One wake-up for the run (the search index's, for the case study made above, beside it).
        assert [job.func_name for job in jobs.queue(qapp).jobs].count(bulk.RUN_BULK) == 1
        status = qapp.test_cli_runner().invoke(args=["jobs", "status"])
        assert status.exit_code == 0 and "bulk runs waiting: 1" in status.output, status.output
        assert "oldest waiting bulk run: 20" in status.output

        assert _burst(qapp)
        expected = ([("done", 1, {"created": 2, "updated": 0, "unchanged": 0})], 2)
        assert _state(qapp) == expected
        status = qapp.test_cli_runner().invoke(args=["jobs", "status"])
        assert "bulk runs waiting: 0" in status.output and "oldest waiting bulk run: -" in status.output
        done = client.get(f"/proses/{run_id}").get_data(as_text=True)
        assert "2 replikasi baru, 0 diperbarui, 0 tidak berubah" in done and "http-equiv" not in done
        _burst(qapp)  # its start sweep wakes run_bulk again: nothing waits, nothing is written twice
        assert _state(qapp) == expected


def test_with_a_queue_award_results_are_recorded_by_the_worker(qapp):
    world = qapp.config["TEST_WORLD"]
    client = qapp.test_client()
    with qapp.app_context():
        sign_in(client, make_user("admin@example.go.id", "admin"))
        data = {"csrf_token": csrf_token(client, "/kelola/penghargaan"), "competition": "KIPP", "year": "2024",
                "stage": "top45", "slugs": world["slug"], "save": "x"}  # fmt: skip
        response = client.post("/kelola/penghargaan", data=data)
        assert _RUN.search(response.headers["Location"])
        assert db.session.scalars(sa.select(Award)).all() == []
        assert _burst(qapp)
        db.session.expire_all()
        assert [(a.year, a.stage) for a in db.session.scalars(sa.select(Award))] == [(2024, "top45")]
        assert _state(qapp)[0] == [("done", 1, {"added": 1, "already": 0})]


def test_with_a_queue_a_run_that_breaks_is_tried_again_then_failed(qapp, monkeypatch):
    monkeypatch.setitem(bulk.HANDLERS, "breaking", f"{__name__}._breaking_handler")
    world = qapp.config["TEST_WORLD"]
    with qapp.test_request_context():
        editor = db.session.get(User, world["editor"])
        run = bulk.submit("breaking", editor, b"", params={"innovation_id": world["innovation_id"]})
        assert run.status == "queued"
    _burst(qapp)
    [(status, attempts, _result)] = _state(qapp)[0]
    assert status == "queued" and 1 <= attempts < bulk.MAX_FAILURES  # waits for the next sweep
    for _ in range(bulk.MAX_FAILURES):
        _burst(qapp)  # each burst's sweep wakes the run again
    assert _state(qapp)[0] == [("failed", bulk.MAX_FAILURES, None)]
    assert "bulk runs failed: 1" in qapp.test_cli_runner().invoke(args=["jobs", "status"]).output
    with qapp.app_context():
        assert db.session.scalars(sa.select(Award)).all() == []
        assert "RuntimeError: disk full" in db.session.scalars(sa.select(BulkRun.last_error)).one()


def test_a_run_left_by_a_killed_worker_is_done_by_the_next_sweep(qapp):
    """A worker killed after counting its attempt and before its commit leaves the run
    waiting, counted and started, its writes never committed: the next sweep does it once."""
    world = qapp.config["TEST_WORLD"]
    with qapp.app_context():
        innovation = db.session.get(Innovation, world["innovation_id"])
        run = BulkRun(kind="replications", user_id=world["editor"], payload=_file(innovation), params={}, attempts=1)
        run.started_at = run.created_at = db.session.scalar(sa.select(sa.func.now()))
        db.session.add(run)
        db.session.commit()
    assert _state(qapp) == ([("queued", 1, None)], 0)
    _burst(qapp)
    assert _state(qapp) == ([("done", 2, {"created": 2, "updated": 0, "unchanged": 0})], 2)
    _burst(qapp)
    assert _state(qapp) == ([("done", 2, {"created": 2, "updated": 0, "unchanged": 0})], 2)


def test_a_run_that_killed_its_worker_every_time_is_failed_not_tried_for_ever(qapp):
    world = qapp.config["TEST_WORLD"]
    with qapp.app_context():
        innovation = db.session.get(Innovation, world["innovation_id"])
        run = BulkRun(kind="replications", user_id=world["editor"], payload=_file(innovation), params={},
                      attempts=bulk.MAX_ATTEMPTS)  # fmt: skip
        db.session.add(run)
        db.session.commit()
    _burst(qapp)
    assert _state(qapp) == ([("failed", bulk.MAX_ATTEMPTS + 1, None)], 0)


_SEEN_REQUEST_IDS = []


def _probe_handler(run):
    """Notes the request id the job logs under, writes nothing."""
    _SEEN_REQUEST_IDS.append(jobs.request_id())
    return "done", {}


def test_the_job_logs_under_the_id_of_the_request_that_sent_the_run(qapp, monkeypatch):
    from structlog.contextvars import bound_contextvars

    monkeypatch.setitem(bulk.HANDLERS, "probe", f"{__name__}._probe_handler")
    _SEEN_REQUEST_IDS.clear()
    world = qapp.config["TEST_WORLD"]
    before = jobs.request_id()  # whatever this thread's earlier tests left bound
    with qapp.test_request_context(), bound_contextvars(request_id="feedc0de" * 4):
        bulk.submit("probe", db.session.get(User, world["editor"]), b"")
        [wake_up] = [job for job in jobs.queue(qapp).jobs if job.func_name == bulk.RUN_BULK]
        assert wake_up.meta["request_id"] == "feedc0de" * 4
    assert jobs.request_id() == before
    _burst(qapp)
    assert _SEEN_REQUEST_IDS == ["feedc0de" * 4]
