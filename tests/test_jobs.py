"""Jobs without a queue (the embedded default): they run in this process after the commit;
the commands; and REDIS_URL set to a Redis that does not answer (commits still succeed)."""

import pytest

from app import jobs
from app.extensions import db
from app.mail import outbox
from app.mail.models import OutgoingEmail
from config import Config, ConfigError
from tests.jobs_support import count, empty_database
from tests.smtp import free_port, mailbox  # noqa: F401 - fixture
from tests.support import make_app


def _queue(db, to="pejabat@example.org"):
    email = outbox.queue(to, "Minat baru", "Halo", kind="interest")
    db.session.commit()
    return email.id


def test_without_a_queue_the_outboxes_are_worked_in_this_process(app, db, mailbox):
    assert app.extensions[jobs.MAIL_DISPATCH] is outbox.send_due
    assert jobs.SEARCH_DISPATCH not in app.extensions  # app.search applies its outbox itself
    with app.app_context():
        _queue(db)
    assert len(mailbox.messages) == 1  # sent when the context that committed ended
    # A job asked for by name runs right away, here.
    app.config["MAIL_SEND_AFTER_COMMIT"] = False
    try:
        with app.app_context():
            _queue(db, "b@example.org")
        assert len(mailbox.messages) == 1
        assert jobs.enqueue(app, jobs.SEND_MAIL) == {"sent": 1, "failed": 0}
    finally:
        app.config["MAIL_SEND_AFTER_COMMIT"] = True
    assert [m["To"] for m in mailbox.messages] == ["pejabat@example.org", "b@example.org"]


def test_run_daily_sends_what_is_due_and_status_shows_the_outboxes(app, db, runner, mailbox):
    app.config["MAIL_SEND_AFTER_COMMIT"] = False
    try:
        with app.app_context():
            _queue(db)
        status = runner.invoke(args=["jobs", "status"])
        assert status.exit_code == 0, status.output
        assert "queue: none" in status.output
        assert "emails unsent: 1" in status.output and "emails failing: 0" in status.output
        assert "oldest unsent email: 20" in status.output
        assert "search outbox pending: 0" in status.output
        daily = runner.invoke(args=["jobs", "run-daily"])
        assert daily.exit_code == 0, daily.output
        assert "mail: {'sent': 1, 'failed': 0}" in daily.output
    finally:
        app.config["MAIL_SEND_AFTER_COMMIT"] = True
    assert len(mailbox.messages) == 1
    assert "emails unsent: 0" in runner.invoke(args=["jobs", "status"]).output


def test_the_worker_needs_a_queue(runner):
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


def test_job_settings_from_the_environment():
    assert (Config(environ={}).JOBS_QUEUE, Config(environ={}).MAIL_CLAIM_SECONDS) == ("suar", 300)
    config = Config(environ={"JOBS_QUEUE": "suar-staging", "MAIL_CLAIM_SECONDS": "30", "JOBS_SWEEP_SECONDS": "5"})
    assert (config.JOBS_QUEUE, config.MAIL_CLAIM_SECONDS, config.JOBS_SWEEP_SECONDS) == ("suar-staging", 30, 5)
    for variable in ("MAIL_CLAIM_SECONDS", "JOBS_SWEEP_SECONDS"):
        with pytest.raises(ConfigError, match=variable):
            Config(environ={variable: "0"})


@pytest.fixture(scope="module")
def unreachable_redis_app(databases, tmp_path_factory):
    """REDIS_URL names a port nobody listens on."""
    app = make_app(databases, tmp_path_factory, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    yield app
    empty_database(app)
    with app.app_context():
        db.engine.dispose()


def test_a_commit_succeeds_when_redis_does_not_answer(unreachable_redis_app, capsys):
    app = unreachable_redis_app
    capsys.readouterr()
    with app.app_context():
        email_id = _queue(db)
    assert "job queue unreachable" in capsys.readouterr().err  # the app's log, on standard error
    with app.app_context():
        row = db.session.get(OutgoingEmail, email_id)
        assert row.sent_at is None and row.attempts == 0  # kept for the worker's sweep
        assert count(OutgoingEmail, OutgoingEmail.sent_at.is_(None)) == 1
    result = app.test_cli_runner().invoke(args=["jobs", "status"])
    assert result.exit_code == 1
    assert "Redis unreachable" in result.output and "emails unsent: 1" in result.output
