"""Security headers on every response, and a guard against NUL characters in URLs."""

from flask import abort, request

# Scripts and styles come only from the app itself: no inline script, no CDN. SVG maps use
# presentation attributes (fill, stroke), which CSP does not treat as inline style.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def _has_nul(values):
    return any("\x00" in value for value in values)


def register(app):
    """Refuse NUL characters; add the headers after every request (HSTS only in production)."""
    production = app.config.get("SUAR_ENV") == "production"

    @app.before_request
    def _refuse_nul():
        # No text can hold U+0000 (PostgreSQL refuses it outright): a path with one names
        # nothing, a query string with one is a bad request. Forms refuse it field by field
        # (app/forms.py), keeping what was typed.
        if "\x00" in request.path:
            abort(404)
        if _has_nul(request.args.values()) or _has_nul(request.args.keys()):
            abort(400)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
