"""Jobs on a real queue: RQ on the Redis at 127.0.0.1:6379 (a database number per run, a
queue name per test), a real SMTP server on loopback, workers in this process and as
``flask jobs worker`` subprocesses, one of them killed with SIGKILL in the middle of a send."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app import jobs
from app.extensions import db
from app.jobs import worker
from app.mail import outbox
from app.mail.models import OutgoingEmail
from tests.jobs_support import (
    REDIS_URL,
    delete_queue_keys,
    empty_database,
    new_queue_name,
    redis_or_skip,
    signals_kept,
)
from tests.smtp import Mailbox, free_port, smtp_server
from tests.support import make_app

ROOT = Path(__file__).resolve().parent.parent
DEADLINE = 120  # seconds: generous, the machine may be busy
WARM_SHUTDOWN = 30  # seconds a stopped worker has to finish its job before it is asked again


@pytest.fixture(scope="module")
def redis():
    client = redis_or_skip()
    yield client
    client.close()


@pytest.fixture(scope="module")
def queued_app(redis, databases, tmp_path_factory):
    """An app whose jobs go to RQ; a sender's claim on a message lasts 2 seconds."""
    app = make_app(databases, tmp_path_factory, REDIS_URL=REDIS_URL, MAIL_CLAIM_SECONDS=2, JOBS_SWEEP_SECONDS=1)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def qapp(queued_app, redis):
    """The app on a queue of this test's own; its keys and the rows go afterwards."""
    name = new_queue_name()
    saved = {key: queued_app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "SEARCH_INDEX_DIR")}
    queued_app.config["JOBS_QUEUE"] = name
    yield queued_app
    queued_app.config.update(saved)
    delete_queue_keys(redis, name)
    empty_database(queued_app)


def _queue_mail(app, to="pejabat@example.org"):
    with app.app_context():
        email = outbox.queue(to, f"Minat baru untuk {to}", "Halo", kind="interest")
        db.session.commit()
        return email.id
    # the context ended: the mail dispatch ran (here: a wake-up on the queue)


def _burst(app):
    with signals_kept():
        return worker.make_worker(app, simple=True).work(burst=True, with_scheduler=True)


def _message_ids(app):
    with app.app_context():
        rows = db.session.scalars(sa.select(OutgoingEmail).order_by(OutgoingEmail.id)).all()
        return [row.message_id for row in rows], [row.sent_at for row in rows]


def test_a_commit_enqueues_one_wake_up_and_the_worker_sends_each_message_once(qapp):
    with smtp_server() as (mailbox, port):
        qapp.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        for n in range(3):
            _queue_mail(qapp, f"pejabat{n}@example.org")
        queue = jobs.queue(qapp)
        assert queue.count == 1  # three commits, one "send what is due" waiting
        assert queue.jobs[0].func_name == jobs.SEND_MAIL
        assert mailbox.messages == []  # the web only enqueued
        assert _burst(qapp)
        ids, sent = _message_ids(qapp)
        assert sorted(m["Message-ID"] for m in mailbox.messages) == sorted(ids)
        assert all(sent)
        _burst(qapp)  # its start sweep finds nothing due
        assert len(mailbox.messages) == 3
    # Once a message was sent the next commit needs a wake-up of its own.
    _queue_mail(qapp)
    assert jobs.queue(qapp).count == 1


def test_a_server_that_is_down_keeps_the_message_until_the_sweep_sends_it_once(qapp, runner):
    qapp.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens there
    email_id = _queue_mail(qapp)
    _burst(qapp)
    with qapp.app_context():
        row = db.session.get(OutgoingEmail, email_id)
        assert row.sent_at is None and row.attempts == 1 and row.last_error
        assert row.next_attempt_at.replace(tzinfo=UTC) > datetime.now(UTC)  # backed off
    status = qapp.test_cli_runner().invoke(args=["jobs", "status"])
    assert status.exit_code == 0, status.output
    assert f"queue: {qapp.config['JOBS_QUEUE']}" in status.output
    assert "emails unsent: 1" in status.output and "emails failing: 1" in status.output
    assert "queued: 0" in status.output and "failed: 0" in status.output
    with smtp_server() as (mailbox, port):
        qapp.config["MAIL_PORT"] = port
        _burst(qapp)  # not due yet: the back-off holds
        assert mailbox.messages == []
        with qapp.app_context():  # the back-off has passed
            db.session.execute(
                sa.update(OutgoingEmail).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
            )
            db.session.commit()
        _burst(qapp)  # no commit woke it: the worker's sweep did
        _burst(qapp)
        assert [m["Message-ID"] for m in mailbox.messages] == _message_ids(qapp)[0]


def test_a_job_that_fails_waits_for_a_retry(qapp, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    qapp.config["SEARCH_INDEX_DIR"] = str(tmp_path / "a-file" / "index")  # no index can be built
    job = jobs.enqueue(qapp, jobs.APPLY_SEARCH)
    _burst(qapp)
    job.refresh()
    assert job.get_status() == "scheduled" and job.retries_left == len(jobs.RETRY_INTERVALS) - 1
    assert job.id in jobs.queue(qapp).scheduled_job_registry.get_job_ids()
    qapp.config["SEARCH_INDEX_DIR"] = str(tmp_path / "index")
    status = qapp.test_cli_runner().invoke(args=["jobs", "status"])
    # This job and the wake-up the worker's start sweep enqueued, which failed the same way.
    assert "waiting for a retry: 2" in status.output and "failed: 0" in status.output


def test_a_search_change_is_applied_by_the_worker(qapp):
    from app.search.index import IndexStore
    from app.search.models import SearchOutbox
    from tests import factories

    with qapp.app_context():
        factories.innovation(title="Layanan Air Bersih Keliling")
        db.session.commit()
        newest = db.session.scalar(sa.select(sa.func.max(SearchOutbox.id)))
    assert [j.func_name for j in jobs.queue(qapp).jobs] == [jobs.APPLY_SEARCH]  # the web did not apply it
    _burst(qapp)
    with qapp.app_context():
        assert IndexStore(qapp.config["SEARCH_INDEX_DIR"]).status()["applied"] == newest


class HoldingMailbox(Mailbox):
    """Keeps the first sender waiting at RCPT, before any DATA, until ``release`` is set."""

    def __init__(self):
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if not self.holding.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 try again later"  # its sender is dead by now
        envelope.rcpt_tos.append(address)
        return "250 OK"


@contextmanager
def holding_smtp_server():
    mailbox = HoldingMailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        mailbox.release.set()
        controller.stop()


def _worker_process(app, port, log):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAIL_", "SEARCH_", "JOBS_"))}
    env.update(
        FLASK_APP="wsgi",
        SUAR_ENV="development",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"],
        MAIL_FOLDER=app.config["MAIL_FOLDER"],
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(port),
        MAIL_CLAIM_SECONDS="2",
        REDIS_URL=app.config["REDIS_URL"],
        JOBS_QUEUE=app.config["JOBS_QUEUE"],
        JOBS_SWEEP_SECONDS="1",
    )
    flask = str(Path(sys.executable).parent / "flask")
    return subprocess.Popen(
        [flask, "jobs", "worker"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def _wait_for(condition, what, log_path):
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}; worker log:\n{Path(log_path).read_text()[-4000:]}")
        time.sleep(0.1)


def _descendants(pid):
    """The processes started by ``pid``, at any depth (RQ puts its work horse in a process group
    of its own, so killing the worker's group would not reach it)."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _kill_everything(process):
    """SIGKILL for the worker, its work horse and its scheduler at once, as when the machine
    or the service's whole control group dies."""
    for pid in [process.pid, *_descendants(process.pid)]:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=DEADLINE)


def _stop(process):
    """SIGTERM, as systemd stops the service. RQ's warm shutdown of a worker with a scheduler
    now and then takes minutes (rq/rq#2201): after a while a second SIGTERM asks for RQ's cold
    shutdown, as systemd's SIGKILL would end it (deploy/systemd/suar-worker.service)."""
    for grace in (WARM_SHUTDOWN, DEADLINE):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            return process.wait(timeout=grace)
    raise AssertionError(f"the worker did not stop within {WARM_SHUTDOWN + DEADLINE} s of two SIGTERMs")


def test_a_worker_killed_while_sending_loses_and_duplicates_nothing(qapp, tmp_path):
    log_path = tmp_path / "worker.log"
    with holding_smtp_server() as (mailbox, port), open(log_path, "ab") as log:
        qapp.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        for n in range(3):
            _queue_mail(qapp, f"pejabat{n}@example.org")
        first = _worker_process(qapp, port, log)
        try:
            _wait_for(mailbox.holding.is_set, "the first worker to start sending", log_path)
        finally:
            _kill_everything(first)
        mailbox.release.set()
        assert mailbox.messages == []
        second = _worker_process(qapp, port, log)
        try:
            _wait_for(lambda: all(_message_ids(qapp)[1]), "the second worker to send every message", log_path)
        finally:
            _stop(second)
        ids, _ = _message_ids(qapp)
        # Exactly once: the kill came before DATA, and the claim kept the others from racing.
        assert sorted(m["Message-ID"] for m in mailbox.messages) == sorted(ids)
        assert len(ids) == 3
    with qapp.app_context():  # the held message failed nowhere: its claim simply ran out
        assert db.session.scalar(sa.select(sa.func.max(OutgoingEmail.attempts))) == 1
