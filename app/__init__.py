"""Suar: a catalogue of public-service innovations and of their replication."""

import os
import secrets
import time
from pathlib import Path

from flask import Flask

from config import Config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the application: configuration, extensions, blueprints, error pages, commands."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config if config is not None else Config())
    _apply_defaults(app)
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_commands(app)
    register_operations(app)
    return app


def _apply_defaults(app):
    """Defaults that depend on where the app lives (its instance folder)."""
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'suar.db'}"
    if not app.config.get("SEARCH_INDEX_DIR"):
        app.config["SEARCH_INDEX_DIR"] = str(Path(app.instance_path) / "search-index")
    if not app.config.get("CONTENT_DIR"):
        app.config["CONTENT_DIR"] = str(PROJECT_ROOT / "content")
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = str(Path(app.instance_path) / "uploads")
    if not app.config.get("MAIL_FOLDER"):
        app.config["MAIL_FOLDER"] = str(Path(app.instance_path) / "mail")
    if not app.config.get("SECRET_KEY"):  # development only: production refuses to start without one
        path = app.config.get("DEV_SECRET_FILE") or str(Path(app.instance_path) / "dev-secret-key")
        app.config["SECRET_KEY"] = development_secret(path)
    app.config.setdefault("REFERENCE_DIR", str(PROJECT_ROOT / "content" / "reference"))
    app.config.setdefault("PROVINCES_GEOJSON", str(Path(app.config["REFERENCE_DIR"]) / "provinces.geojson"))


def development_secret(path):
    """The development server's secret key, made on its first start and kept in ``path``
    (mode 0600), so that a restart does not sign everyone out. Two processes starting at
    once agree: only one can create the file, the other reads what it wrote."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _attempt in range(50):  # the creator may not have written it yet
            key = path.read_text(encoding="ascii").strip()
            if len(key) >= 32:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{path} holds no secret key: delete it and start again") from None
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key


def register_converters(app):
    from app.urls import register

    register(app)


def register_extensions(app):
    from flask_babel import get_locale

    from app import migrations, pagecache
    from app.extensions import babel, csrf, db, escape_lazy_strings, limiter, login_manager, select_locale

    db.init_app(app)
    migrations.register(app)  # `flask db`, Flask-Migrate set up when it runs (docs/decisions/0108)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    # After the limiter (cached answers on limited pages still count against it), before
    # the blueprints and the security headers (whose after_request hooks then run before
    # the cache stores).
    pagecache.register(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    escape_lazy_strings()
    from app import jobs, mail, notices
    from app.jobs import models as _job_models  # noqa: F401 - the bulk_run table

    mail.register(app)
    jobs.register(app)  # after mail: with a queue it replaces the in-process dispatch
    notices.register(app)


def register_blueprints(app):
    from app.accounts.admin import bp as user_admin_bp
    from app.accounts.selfservice_views import bp as selfservice_bp
    from app.accounts.views import bp as accounts_bp
    from app.api import needs, records, suggestions, views  # noqa: F401 - they add their routes to the API blueprint
    from app.api.blueprint import bp as api_bp
    from app.api.exports import bp as opendata_bp
    from app.catalog.views import bp as catalog_bp
    from app.editing import notice_kinds as editing_notices
    from app.editing.views import bp as editing_bp
    from app.i18n import bp as i18n_bp
    from app.jobs.views import bp as jobs_bp
    from app.needs import notice_kinds as need_notices
    from app.needs.views import bp as needs_bp
    from app.networks.picture_views import bp as activity_pictures_bp
    from app.networks.views import bp as networks_bp
    from app.notices.views import bp as notices_bp
    from app.panels import render as render_panels
    from app.replication import notice_kinds as replication_notices
    from app.replication.conversation_views import bp as conversation_bp
    from app.replication.views import bp as replication_bp
    from app.search.views import bp as search_bp
    from app.stats.views import bp as stats_bp
    from app.suggest.views import bp as suggest_bp

    app.register_blueprint(catalog_bp)
    app.register_blueprint(i18n_bp)
    app.register_blueprint(stats_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(user_admin_bp)
    app.register_blueprint(selfservice_bp)
    app.register_blueprint(networks_bp)
    app.register_blueprint(activity_pictures_bp)
    app.register_blueprint(replication_bp)
    app.register_blueprint(conversation_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(needs_bp)
    replication_notices.register()
    need_notices.register()
    editing_notices.register()
    app.register_blueprint(editing_bp)
    app.jinja_env.globals["panels"] = render_panels
    app.register_blueprint(search_bp)
    app.register_blueprint(suggest_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(opendata_bp)


def register_errorhandlers(app):
    from app.errors import register

    register(app)


def register_security_headers(app):
    from app.security import register

    register(app)


def register_operations(app):
    """Last: its WSGI layers (proxy trust, request log, health, metrics) wrap all the others."""
    from app.ops import register

    register(app)


def register_commands(app):
    from app.accounts.cli import users_cli
    from app.content.cli import content_cli
    from app.files.cli import files_cli
    from app.jobs.cli import jobs_cli
    from app.mail.cli import mail_cli
    from app.networks.cli import networks_cli
    from app.notices.cli import notices_cli
    from app.ops.backup import backup_cli
    from app.replication.cli import replications_cli
    from app.search.cli import search_cli

    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(networks_cli)
    app.cli.add_command(replications_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(notices_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(files_cli)
