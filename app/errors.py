"""Error pages in the site's layout, in the reader's language."""

from flask import render_template

from app.extensions import db


def register(app):
    """Register the 404 and 500 handlers."""

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(500)
    def server_error(error):
        # A failed request must not leave a half-done transaction for the next one.
        db.session.rollback()
        return render_template("errors/500.html"), 500
