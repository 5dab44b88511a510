"""The email outbox: written in the change's transaction, sent after the commit by SMTP (a
real server on loopback) or as .eml files, retried with back-off, never sent by two senders."""

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.mail import outbox
from app.mail.links import absolute_url, base_url
from app.mail.models import OutgoingEmail
from config import Config, ConfigError
from tests.smtp import free_port, smtp_server


@pytest.fixture
def mail_config(app):
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "BASE_URL")}
    yield app.config
    app.config.update(saved)


def _queue_and_commit(db, **fields):
    values = {"to_address": "pejabat@example.org", "subject": "Minat baru", "text": "Halo", "kind": "interest"}
    values.update(fields)
    to, subject, text, kind = (values.pop(k) for k in ("to_address", "subject", "text", "kind"))
    email = outbox.queue(to, subject, text, kind=kind, **values)
    db.session.commit()
    return email.id


def test_without_a_mail_server_each_message_becomes_an_eml_file(app, db, mail_config):
    mail_config["MAIL_SERVER"] = None
    with app.app_context():
        email_id = _queue_and_commit(db, html="<p>Halo <b>dunia</b></p>")
    # The request's app context ended: the message was sent after the commit.
    files = sorted(Path(app.config["MAIL_FOLDER"]).glob(f"{email_id:06d}-interest.eml"))
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == "pejabat@example.org"
    assert message.get_body(("plain",)).get_content().strip() == "Halo"
    assert "<b>dunia</b>" in message.get_body(("html",)).get_content()
    assert db.session.get(OutgoingEmail, email_id).sent_at is not None


def test_a_real_smtp_server_receives_the_message_after_the_commit(app, db, mail_config):
    with smtp_server() as (mailbox, port):
        mail_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        with app.app_context():
            email_id = _queue_and_commit(db, headers={"List-Unsubscribe": "<https://suar.example/x>"})
            assert mailbox.messages == []  # not before the request (and its commit) ended
        assert len(mailbox.messages) == 1
    received = mailbox.messages[0]
    assert received["Subject"] == "Minat baru"
    assert received["List-Unsubscribe"] == "<https://suar.example/x>"
    row = db.session.get(OutgoingEmail, email_id)
    assert received["Message-ID"] == row.message_id and row.sent_at is not None and row.attempts == 1


def test_a_rolled_back_change_sends_nothing(app, db, mail_config):
    with smtp_server() as (mailbox, port):
        mail_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        with app.app_context():
            outbox.queue("a@example.org", "x", "y", kind="interest")
            db.session.rollback()
        with app.app_context():
            pass
        assert mailbox.messages == []
    assert db.session.scalar(sa.select(sa.func.count(OutgoingEmail.id))) == 0


def test_a_server_that_is_down_leaves_the_message_for_a_retry_with_back_off(app, db, runner, mail_config):
    mail_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens there
    with app.app_context():
        email_id = _queue_and_commit(db)
    row = db.session.get(OutgoingEmail, email_id)
    db.session.refresh(row)
    assert row.sent_at is None and row.attempts == 1 and "Connection" in row.last_error
    assert row.next_attempt_at.replace(tzinfo=UTC) > datetime.now(UTC)
    # Not yet due: a retry now sends nothing.
    assert "0 sent, 0 failed" in runner.invoke(args=["mail", "send"]).output
    status = runner.invoke(args=["mail", "status"]).output
    assert "unsent: 1" in status and "failing: 1" in status
    with smtp_server() as (mailbox, port):
        mail_config["MAIL_PORT"] = port
        db.session.execute(sa.update(OutgoingEmail).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
        assert "1 sent, 0 failed" in runner.invoke(args=["mail", "send"]).output
        assert "0 sent, 0 failed" in runner.invoke(args=["mail", "send"]).output  # never twice
        assert len(mailbox.messages) == 1


def test_a_message_another_sender_holds_is_left_to_it(app, db, mail_config):
    with smtp_server() as (mailbox, port):
        mail_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        app.config["MAIL_SEND_AFTER_COMMIT"] = False
        try:
            with app.app_context():
                email_id = _queue_and_commit(db)
            held = datetime.now(UTC) + timedelta(minutes=1)
            db.session.execute(sa.update(OutgoingEmail).values(claimed_until=held))
            db.session.commit()
            assert outbox.send_due(app) == (0, 0)
            # The other sender died: once its claim runs out the message goes, once.
            db.session.execute(sa.update(OutgoingEmail).values(claimed_until=datetime.now(UTC) - timedelta(seconds=1)))
            db.session.commit()
            assert outbox.send_due(app) == (1, 0)
            assert outbox.send_due(app) == (0, 0)
        finally:
            app.config["MAIL_SEND_AFTER_COMMIT"] = True
        assert [m["Message-ID"] for m in mailbox.messages] == [db.session.get(OutgoingEmail, email_id).message_id]


def test_a_subject_cannot_smuggle_headers(app, db, mail_config):
    with smtp_server() as (mailbox, port):
        mail_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        with app.app_context():
            _queue_and_commit(db, subject="Halo\r\nBcc: korban@example.org\nX-Evil: 1")
        (message,) = mailbox.messages
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["Subject"] == "Halo Bcc: korban@example.org X-Evil: 1"


def test_links_in_emails_come_from_the_configuration_never_from_the_request_host(app, mail_config):
    mail_config["BASE_URL"] = "https://suar.example.go.id/portal"
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert absolute_url("accounts.login", next="/x") == "https://suar.example.go.id/portal/masuk?next=/x"
    mail_config["BASE_URL"] = None
    with app.app_context():
        assert base_url() == "http://127.0.0.1:5000"
    production = {"SERVER_NAME": None, "SUAR_ENV": "production", "TRUSTED_HOSTS": [".x.go.id", "suar.x.go.id"]}
    assert base_url(production) == "https://suar.x.go.id"


@pytest.mark.parametrize(
    ("variable", "value"), [("MAIL_USE_TLS", "maybe"), ("MAIL_PORT", "25a"), ("MAIL_TIMEOUT", "0")]
)
def test_a_mail_setting_that_makes_no_sense_stops_the_start(variable, value):
    with pytest.raises(ConfigError, match=variable):
        Config(environ={variable: value})


def test_mail_settings_from_the_environment():
    config = Config(
        environ={"MAIL_SERVER": "smtp.x", "MAIL_PORT": "587", "MAIL_USE_TLS": "true", "BASE_URL": "https://a/"}
    )
    assert (config.MAIL_SERVER, config.MAIL_PORT, config.MAIL_USE_TLS, config.BASE_URL) == (
        "smtp.x",
        587,
        True,
        "https://a",
    )
