"""How a message leaves: by SMTP through Flask-Mail, or as an ``.eml`` file in development."""

import smtplib
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from flask_mail import Connection, Mail, Message

mail = Mail()


class _Connection(Connection):
    """Flask-Mail's connection with a timeout: a mail server that stops answering must not
    hold a request or a worker for ever (Flask-Mail 0.10 opens SMTP without one)."""

    def __init__(self, state, timeout):
        super().__init__(state)
        self.timeout = timeout

    def configure_host(self):
        state = self.mail
        kind = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = kind(state.server, state.port, timeout=self.timeout)
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


def deliver(app, email):
    """Send one outbox row (raises on failure)."""
    headers = dict(line.split(": ", 1) for line in email.headers.splitlines() if ": " in line)
    if app.config.get("MAIL_SERVER"):
        message = Message(
            subject=email.subject,
            recipients=[email.to_address],
            body=email.body_text,
            html=email.body_html,
            sender=app.config["MAIL_DEFAULT_SENDER"],
            extra_headers=headers,
        )
        message.msgId = email.message_id
        # The settings as they are now (Flask-Mail copies them once, at init_app).
        state = mail.init_mail(app.config)
        with _Connection(state, app.config["MAIL_TIMEOUT"]) as connection:
            connection.send(message)
        return
    _write_eml(app, email, headers)


def _write_eml(app, email, headers):
    """Development without a mail server: ``instance/mail/<id>-<kind>.eml``."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = formatdate(email.created_at.timestamp(), localtime=False)
    message["Message-ID"] = email.message_id
    for name, value in headers.items():
        message[name] = value
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype="html")
    folder = Path(app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{email.id:06d}-{email.kind}.eml"
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(message.as_bytes())
    temporary.replace(path)
