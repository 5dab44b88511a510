"""Configuration, read from the environment when the app is created (never at import)."""

import os
import secrets
from datetime import timedelta

# A production SECRET_KEY signs sessions, remember and device cookies: shorter or more
# regular than this and it can be guessed or brute-forced offline from one cookie.
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The environment does not describe a configuration the app can start with."""


class Config:
    """Settings from the environment; see the README's configuration table."""

    def __init__(self, environ=None):
        env = os.environ if environ is None else environ
        self.SUAR_ENV = env.get("SUAR_ENV", "development")
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL") or None  # default set by the factory
        self.SEARCH_INDEX_DIR = env.get("SEARCH_INDEX_DIR") or None  # default set by the factory
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        self.API_RATE_LIMIT = env.get("API_RATE_LIMIT", "300 per minute")
        # A replication kit is a ZIP built for each download (up to ~170 MB of documents):
        # per address, a person fetching kits for a meeting is never held up; a loop is.
        self.KIT_RATE_LIMIT = env.get("KIT_RATE_LIMIT", "20 per minute")
        # Search (app/search): the index catches up after each commit and before each read;
        # a writer that cannot get the index's lock gives up after SEARCH_WRITE_TIMEOUT
        # seconds (the change waits in the outbox); a missing index is built on the spot
        # only for a catalogue up to SEARCH_AUTO_BUILD_LIMIT innovations.
        self.SEARCH_SYNC_AFTER_COMMIT = True
        self.SEARCH_SYNC_ON_READ = True
        self.SEARCH_WRITE_TIMEOUT = 5.0
        self.SEARCH_AUTO_BUILD_LIMIT = 5000
        self.CONTENT_DIR = env.get("SUAR_CONTENT_DIR") or None
        # Stored files (app/files): blobs under UPLOAD_DIR/blobs; default set by the factory.
        self.UPLOAD_DIR = env.get("UPLOAD_DIR") or None
        self.BABEL_DEFAULT_LOCALE = "id"
        self.LANGUAGES = ("id", "en")
        self.MAX_CONTENT_LENGTH = 2 * 1024 * 1024
        # The document upload alone (docs/decisions/0083): a document of up to 8 MB
        # (app/catalog/documents.MAX_BYTES) with the form's fields; nginx allows the same there.
        self.DOCUMENT_UPLOAD_LIMIT = 10 * 1024 * 1024
        # Anonymous pages are cached per worker, keyed by the data generation (app/pagecache.py).
        self.PAGE_CACHE_ENABLED = env.get("PAGE_CACHE", "on") != "off"
        # How long a worker serves cached pages under the generation it last read before it
        # reads it again (docs/decisions/0097): another process's write shows after at most
        # this long; this process's own at once. 0 reads it on every hit.
        recheck = _whole_number(env, "PAGE_CACHE_RECHECK_MS", 50)
        if recheck > 1000:
            raise ConfigError(f"PAGE_CACHE_RECHECK_MS must be at most 1000 (one second), not {recheck}")
        self.PAGE_CACHE_RECHECK_SECONDS = recheck / 1000
        # Aggregate figures (facet counts, statistics) kept per data generation (app/memo.py).
        self.GENERATION_MEMO = env.get("GENERATION_MEMO", "on") != "off"
        self.WTF_CSRF_TIME_LIMIT = 8 * 3600  # a long editing session must not lose its form
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self._sign_in(env)
        self._mail(env)

        secret = env.get("SECRET_KEY")
        if self.SUAR_ENV == "production":
            if not secret:
                raise ConfigError("SUAR_ENV=production needs SECRET_KEY to be set")
            weakness = secret_weakness(secret)
            if weakness:
                raise ConfigError(
                    f"SUAR_ENV=production needs a strong SECRET_KEY: this one {weakness}. Generate one with: "
                    "python -c 'import secrets; print(secrets.token_hex(32))'"
                )
            self.SESSION_COOKIE_SECURE = True
            self.REMEMBER_COOKIE_SECURE = True
            self.PREFERRED_URL_SCHEME = "https"
        elif self.SUAR_ENV != "development":
            raise ConfigError(f"SUAR_ENV must be 'development' or 'production', not {self.SUAR_ENV!r}")
        # In development without SECRET_KEY: a random key made on the first start and kept in
        # DEV_SECRET_FILE (instance/dev-secret-key, readable by its owner only), so restarting
        # the development server keeps people signed in (app/__init__.py reads it).
        self.SECRET_KEY = secret or None
        self.DEV_SECRET_FILE = env.get("DEV_SECRET_FILE") or None  # default set by the factory

        self._operations(env)

    def _operations(self, env):
        """Running it: proxies, hosts, logs, metrics, readiness (README, docs/decisions/0050-0053)."""
        # Behind N reverse proxies, trust the last N X-Forwarded-For/-Proto entries and the
        # X-Request-ID they set; without proxies those headers are whatever a client sent.
        self.PROXY_FIX_FOR = _whole_number(env, "PROXY_FIX_FOR", 0)
        self.SERVER_NAME = env.get("SERVER_NAME") or None
        hosts = [host.strip() for host in env.get("TRUSTED_HOSTS", "").split(",") if host.strip()]
        if not hosts and self.SERVER_NAME:
            # Flask 3.1 no longer refuses other hosts because SERVER_NAME is set.
            hosts = [self.SERVER_NAME.rsplit(":", 1)[0]]
        self.TRUSTED_HOSTS = hosts or None
        if env.get("RATELIMIT_KEY_PREFIX"):  # several sites on one Redis
            self.RATELIMIT_KEY_PREFIX = env["RATELIMIT_KEY_PREFIX"]
        self.REDIS_URL = env.get("REDIS_URL") or None
        # Jobs (app/jobs, docs/decisions/0046): on an RQ queue in Redis when REDIS_URL is set,
        # else in this process after the commit. The worker wakes the outboxes this often.
        self.JOBS_QUEUE = env.get("JOBS_QUEUE") or "suar"
        self.JOBS_SWEEP_SECONDS = _positive_int(env, "JOBS_SWEEP_SECONDS", 60)
        self.LOG_FORMAT = env.get("LOG_FORMAT", "text")
        if self.LOG_FORMAT not in ("text", "json"):
            raise ConfigError(f"LOG_FORMAT must be 'text' or 'json', not {self.LOG_FORMAT!r}")
        self.METRICS_ALLOW = env.get("METRICS_ALLOW", "127.0.0.1, ::1")
        self.SEARCH_READY_MAX_LAG = _whole_number(env, "SEARCH_READY_MAX_LAG", 100)
        # Several servers (docs/decisions/0086): each records its index's position under this
        # name (default: host name and index folder); one that has not reported for
        # SEARCH_SERVER_LIVE_SECONDS no longer holds back `flask search prune`.
        self.SEARCH_SERVER_NAME = env.get("SEARCH_SERVER_NAME") or None
        self.SEARCH_SERVER_LIVE_SECONDS = _positive_int(env, "SEARCH_SERVER_LIVE_SECONDS", 3600)
        if self.SUAR_ENV != "production":
            return
        if not self.RATELIMIT_STORAGE_URI.startswith(("redis://", "rediss://", "redis+")):
            # In memory every worker counts for itself: five login attempts become ten, or more.
            raise ConfigError("SUAR_ENV=production needs RATELIMIT_STORAGE_URI=redis://... (limits shared by workers)")
        if not self.TRUSTED_HOSTS:
            raise ConfigError("SUAR_ENV=production needs TRUSTED_HOSTS (or SERVER_NAME): the site's host names")

    def _mail(self, env):
        """Email (app/mail): Flask-Mail's usual variables; without MAIL_SERVER, .eml files."""
        self.MAIL_SERVER = env.get("MAIL_SERVER") or None
        self.MAIL_PORT = _whole_number(env, "MAIL_PORT", 25)
        self.MAIL_USE_TLS = _flag(env, "MAIL_USE_TLS")
        self.MAIL_USE_SSL = _flag(env, "MAIL_USE_SSL")
        self.MAIL_USERNAME = env.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = env.get("MAIL_DEFAULT_SENDER") or "Suar <noreply@localhost>"
        self.MAIL_FOLDER = env.get("MAIL_FOLDER") or None  # default set by the factory: instance/mail
        self.MAIL_TIMEOUT = _positive_int(env, "MAIL_TIMEOUT", 10)
        # A replication with no stage change and no message for this many days is stalled.
        self.STALLED_AFTER_DAYS = _positive_int(env, "STALLED_AFTER_DAYS", 60)
        self.MAIL_SEND_AFTER_COMMIT = True
        # A sender that died while sending leaves its message to the next one after this long.
        self.MAIL_CLAIM_SECONDS = _positive_int(env, "MAIL_CLAIM_SECONDS", 300)
        self.MAIL_SUPPRESS_SEND = False  # Flask-Mail would not send when TESTING: our tests read real SMTP
        # Links in emails are built from this, never from the request's Host header.
        self.BASE_URL = (env.get("BASE_URL") or "").rstrip("/") or None

    def _sign_in(self, env):
        """Sessions, remember and device cookies, login limits (docs/decisions/0040, 0041)."""
        # "strong" trusts X-Forwarded-For and logs out phone users whose address changes.
        self.SESSION_PROTECTION = "basic"
        self.REMEMBER_COOKIE_DURATION = timedelta(days=14)
        # Flask-Login's own refresh path calls datetime.utcnow(); the app sets the cookie
        # itself (docs/decisions/0012).
        self.REMEMBER_COOKIE_REFRESH_EACH_REQUEST = False
        # A sign-in without "remember me" ends on the server after this long without a request.
        self.LOGIN_SESSION_IDLE = timedelta(hours=12)
        self.LOGIN_DEVICE_COOKIE_DURATION = timedelta(days=365)
        self.LOGIN_RATE_LIMIT = env.get("LOGIN_RATE_LIMIT") or "5 per minute"  # per address, per email
        self.LOGIN_MAX_FAILURES = _positive_int(env, "LOGIN_MAX_FAILURES", 5)  # per email and address
        self.LOGIN_MAX_FAILURES_PER_EMAIL = _positive_int(env, "LOGIN_MAX_FAILURES_PER_EMAIL", 20)
        self.LOGIN_FAILURE_WINDOW = timedelta(minutes=_positive_int(env, "LOGIN_FAILURE_WINDOW", 15))
        if self.LOGIN_MAX_FAILURES_PER_EMAIL < self.LOGIN_MAX_FAILURES:
            raise ConfigError("LOGIN_MAX_FAILURES_PER_EMAIL must not be lower than LOGIN_MAX_FAILURES")


def _flag(env, name):
    value = (env.get(name) or "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be true or false, not {value!r}")


def _whole_number(env, name, default):
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number, not {value!r}")
    return int(value)


def _positive_int(env, name, default):
    value = env.get(name)
    if value is None or value == "":
        return default
    if not value.strip().isdigit() or int(value) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def secret_weakness(secret):
    """Why ``secret`` is too weak to sign a production site's cookies, or None."""
    if len(secret) < MIN_SECRET_LENGTH:
        return f"has {len(secret)} characters, fewer than {MIN_SECRET_LENGTH}"
    if len(set(secret)) < 8:
        return "uses fewer than 8 different characters"
    # "abcabcab...": a piece of at most half the length, repeated (the last time cut short).
    if any(secret[period:] == secret[:-period] for period in range(1, len(secret) // 2 + 1)):
        return "repeats a shorter piece"
    return None


class TestConfig(Config):
    """Tests: an explicit database and index, no rate limits unless a test turns them on."""

    TESTING = True

    def __init__(self, database_url, search_index_dir, environ=None):
        super().__init__(environ={} if environ is None else environ)
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.SEARCH_INDEX_DIR = search_index_dir
        self.RATELIMIT_ENABLED = False
        self.PAGE_CACHE_ENABLED = False  # tests of the cache turn it on
        self.GENERATION_MEMO = False  # tests empty tables behind its back; its own tests turn it on
        self.SECRET_KEY = self.SECRET_KEY or secrets.token_hex(32)  # never the instance folder's
