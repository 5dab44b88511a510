"""Error pages in the site's layout, in the reader's language."""

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from app.extensions import db


def _api():
    return request.path.startswith("/api/")


def _json(status, message):
    return jsonify(error=message), status


def register(app):
    """Register the site-wide 400, 403, 404, 413, 429 and 500 pages; under /api/ they are JSON."""

    @app.errorhandler(CSRFError)
    def bad_csrf(error):
        message = _("Formulir ini sudah kedaluwarsa atau tidak sah. Kembali, muat ulang halamannya, lalu kirim lagi.")
        return render_template("errors/400.html", message=message), 400

    @app.errorhandler(400)
    def bad_request(error):
        if _api():
            return _json(400, "bad request")
        return render_template("errors/400.html", message=None), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/403.html"), 403

    @app.errorhandler(404)
    def not_found(error):
        if _api():
            return _json(404, "not found")
        return render_template("errors/404.html"), 404

    @app.errorhandler(405)
    def method_not_allowed(error):
        # RFC 9110: a 405 names the methods the resource does support.
        allow = {"Allow": ", ".join(error.valid_methods or ())}
        if _api():
            return jsonify(error="method not allowed"), 405, allow
        return render_template("errors/400.html", message=None), 405, allow

    @app.errorhandler(413)
    def too_large(error):
        # A body over MAX_CONTENT_LENGTH (a 50 MB "picture"): refused before it is read.
        # The limit of this request: the document upload's is larger (app/editing/views.py).
        limit = request.max_content_length or app.config.get("MAX_CONTENT_LENGTH") or 0
        if _api():
            return _json(413, f"request body larger than {limit} bytes")
        return render_template("errors/413.html", limit_mb=f"{limit / 1024 / 1024:g}"), 413

    @app.errorhandler(429)
    def too_many(error):
        if _api():
            return _json(429, f"rate limit exceeded: {error.description}")
        return render_template("errors/429.html"), 429

    @app.errorhandler(500)
    def server_error(error):
        # A failed request must not leave a half-done transaction for the next one.
        db.session.rollback()
        if _api():
            return _json(500, "internal error")
        return render_template("errors/500.html"), 500
