"""Email: written to an outbox in the transaction of the change that causes it, sent after
the commit (docs/decisions/0044).

``queue()`` adds a row to ``outgoing_email`` in the caller's transaction; nothing is sent
when the change rolls back. After a commit that queued email the messages are sent in the
process (the embedded default) or by the job worker once one is configured; whatever could
not be sent stays in the outbox and is retried with back-off by ``flask mail send`` and the
worker. Without ``MAIL_SERVER`` each message is written to ``instance/mail/`` as an ``.eml``
file, so a newcomer can read what the site sends.
"""


def register(app):
    """Flask-Mail from the ``MAIL_*`` settings, and sending after each commit that queued mail.

    ``app.extensions["suar.mail.dispatch"]`` decides how: by default the messages are sent
    in this process when the request (or command) that queued them ends; the job queue puts
    its own dispatcher there."""
    from flask import g

    from app.mail import outbox
    from app.mail.transport import mail

    mail.init_app(app)
    app.extensions.setdefault("suar.mail.dispatch", outbox.send_due)

    @app.teardown_appcontext
    def _send_queued_mail(exception):
        if g.pop("suar_mail_due", False) and app.config["MAIL_SEND_AFTER_COMMIT"]:
            app.extensions["suar.mail.dispatch"](app)
