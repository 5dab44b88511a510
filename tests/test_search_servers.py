"""Several servers on one database (docs/decisions/0086): each follower records how far its
index applied the outbox, pruning keeps what a live server still needs, and a server left
behind the pruning window is not ready until it has rebuilt its index.

The second server is a second app on the same database with an index folder of its own,
as a second machine would be; the first is the test app itself."""

import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

import config as app_config
from app import create_app
from app.catalog.models import Innovation
from app.extensions import db as _db
from app.search.follower import Follower
from app.search.index import IndexBehind, IndexStore
from app.search.models import SearchOutbox, SearchPrune, SearchServer, utcnow
from tests.test_search_support import clean_index, load_cases, slugs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def catalogue(app):
    with clean_index(app):
        app.config["SEARCH_SERVER_NAME"] = "server-a"
        yield load_cases(app)


@pytest.fixture
def second(catalogue, tmp_path):
    """Server B: the same database, its own index folder, no catching up on read (only its
    follower moves its index)."""
    config = app_config.TestConfig(catalogue.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path / "index-b"))
    config.SEARCH_SERVER_NAME = "server-b"
    config.SEARCH_SYNC_ON_READ = False
    config.SEARCH_SYNC_AFTER_COMMIT = False
    config.SEARCH_AUTO_BUILD_LIMIT = 0  # a search never builds B's index: its follower does
    config.SEARCH_READY_MAX_LAG = 0
    config.MAIL_FOLDER = str(tmp_path / "mail")
    config.UPLOAD_DIR = str(tmp_path / "uploads")
    app = create_app(config)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _retitle(app, slug, title):
    with app.app_context():
        innovation = _db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))
        innovation.title = title
        _db.session.commit()
        _db.session.remove()


def _scalar(app, query):
    with app.app_context():
        value = _db.session.scalar(query)
        _db.session.remove()
        return value


def _execute(app, statement):
    with app.app_context():
        _db.session.execute(statement)
        _db.session.commit()
        _db.session.remove()


def _positions(app):
    with app.app_context():
        rows = _db.session.execute(sa.select(SearchServer.name, SearchServer.applied)).all()
        _db.session.remove()
        return dict(rows)


def _newest(app):
    return _scalar(app, sa.select(sa.func.max(SearchOutbox.id))) or 0


def _age_outbox(app, days=40):
    _execute(app, sa.update(SearchOutbox).values(created_at=utcnow() - timedelta(days=days)))


def _ready(app):
    response = app.test_client().get("/readyz")
    return response.status_code, response.get_json()["checks"]["search_index"]


def test_a_follower_applies_other_servers_changes_and_records_its_position(catalogue, second):
    follower = Follower(second)
    assert follower.step() == _newest(catalogue)  # B had no index: built from the database
    assert _positions(catalogue) == {"server-b": _newest(catalogue)}
    _retitle(catalogue, "bank-sampah-kupang", "Tabungan Kecubung dari Bank Sampah")  # through A
    assert slugs(second, "kecubung") == []  # B's index has not seen it yet
    assert follower.step() == _newest(catalogue)
    assert slugs(second, "kecubung") == ["bank-sampah-kupang"]
    assert _positions(catalogue)["server-b"] == _newest(catalogue)
    assert _ready(second)[0] == 200


def test_the_cli_records_the_position_of_the_server_it_runs_for(catalogue):
    runner = catalogue.test_cli_runner()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert _positions(catalogue) == {"server-a": _newest(catalogue)}
    result = runner.invoke(args=["search", "status"])
    assert f"server server-a: applied {_newest(catalogue)}" in result.output


def test_prune_never_deletes_a_change_a_live_server_has_not_applied(catalogue, second):
    follower = Follower(second)
    b_position = follower.step()
    catalogue.test_cli_runner().invoke(args=["search", "sync"])  # records A
    _retitle(catalogue, "bank-sampah-kupang", "Tabungan Kecubung dari Bank Sampah")
    _retitle(catalogue, "izin-usaha-malang", "Izin Usaha Sehari Lewat Aplikasi Kilat")
    catalogue.test_cli_runner().invoke(args=["search", "sync"])
    newest = _newest(catalogue)
    assert _positions(catalogue) == {"server-a": newest, "server-b": b_position} and b_position < newest
    _age_outbox(catalogue)  # every change is older than the window

    result = catalogue.test_cli_runner().invoke(args=["search", "prune", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert f"Kept for live server server-b: changes after {b_position}." in result.output
    kept = _scalar(catalogue, sa.select(sa.func.min(SearchOutbox.id)))
    assert kept > b_position
    assert _scalar(catalogue, sa.select(sa.func.count()).select_from(SearchOutbox)) == 2
    # B catches up with what was kept for it, and nothing was lost.
    assert follower.step() == newest
    assert slugs(second, "kecubung") == ["bank-sampah-kupang"] and slugs(second, "kilat") == ["izin-usaha-malang"]
    assert _ready(second)[0] == 200

    # Once both applied everything, the rest goes; changes younger than the window stay.
    result = catalogue.test_cli_runner().invoke(args=["search", "prune", "--days", "30"])
    assert _scalar(catalogue, sa.select(sa.func.count()).select_from(SearchOutbox)) == 0
    _retitle(catalogue, "bank-sampah-kupang", "Tabungan Giok dari Bank Sampah")
    catalogue.test_cli_runner().invoke(args=["search", "prune", "--days", "30"])
    assert _scalar(catalogue, sa.select(sa.func.count()).select_from(SearchOutbox)) == 1


def test_a_server_left_behind_the_window_is_not_ready_and_rebuilds(catalogue, second):
    follower = Follower(second)
    follower.step()
    assert _ready(second)[0] == 200
    _retitle(catalogue, "bank-sampah-kupang", "Tabungan Kecubung dari Bank Sampah")
    catalogue.test_cli_runner().invoke(args=["search", "sync"])
    # B stopped reporting longer ago than the live window: pruning no longer waits for it.
    live = catalogue.config["SEARCH_SERVER_LIVE_SECONDS"]
    _execute(
        catalogue,
        sa.update(SearchServer)
        .where(SearchServer.name == "server-b")
        .values(heartbeat_at=utcnow() - timedelta(seconds=live + 60)),
    )
    _age_outbox(catalogue)
    result = catalogue.test_cli_runner().invoke(args=["search", "prune", "--days", "30"])
    newest = _scalar(catalogue, sa.select(sa.func.max(SearchServer.applied)))
    assert "Kept for live server server-a" in result.output and "server-b" not in result.output
    assert _newest(catalogue) == 0 and _scalar(catalogue, sa.select(SearchPrune.through)) == newest

    status, check = _ready(second)
    assert status == 503 and check["ok"] is False and check["behind"] is True
    with second.app_context(), pytest.raises(IndexBehind):  # catching up would hide the lost change
        IndexStore(second.config["SEARCH_INDEX_DIR"]).sync(_db.engine)
    assert slugs(second, "kecubung") == []

    assert follower.step() is not None  # the follower rebuilds B's index from the database
    assert slugs(second, "kecubung") == ["bank-sampah-kupang"]
    status, check = _ready(second)
    assert status == 200 and "behind" not in check
    assert _positions(catalogue)["server-b"] >= _scalar(catalogue, sa.select(SearchPrune.through))
    assert follower.step() is not None and slugs(second, "kecubung") == ["bank-sampah-kupang"]  # no rebuild loop


def test_a_write_on_a_left_behind_server_rebuilds_its_index(catalogue, second):
    # The single-server path (apply after each commit) meets the same gap and rebuilds too.
    Follower(second).step()
    _retitle(catalogue, "bank-sampah-kupang", "Tabungan Kecubung dari Bank Sampah")
    catalogue.test_cli_runner().invoke(args=["search", "sync"])
    _execute(catalogue, sa.delete(SearchServer).where(SearchServer.name == "server-b"))  # never reported
    _age_outbox(catalogue)
    catalogue.test_cli_runner().invoke(args=["search", "prune", "--days", "30"])
    assert _ready(second)[1]["behind"] is True
    second.config["SEARCH_SYNC_AFTER_COMMIT"] = True
    _retitle(second, "izin-usaha-malang", "Izin Usaha Sehari Lewat Aplikasi Kilat")  # through B
    assert slugs(second, "kecubung") == ["bank-sampah-kupang"] and slugs(second, "kilat") == ["izin-usaha-malang"]
    assert _ready(second)[0] == 200


def test_flask_search_follow_keeps_another_index_up_to_date(catalogue, tmp_path):
    """``flask search follow`` for servers not run by deploy/gunicorn.conf.py."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(
        DATABASE_URL=catalogue.config["SQLALCHEMY_DATABASE_URI"],
        SEARCH_INDEX_DIR=str(tmp_path / "index-c"),
        SEARCH_SERVER_NAME="server-c",
        SECRET_KEY=secrets.token_hex(32),
        PYTHONWARNINGS="error",
    )
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "search", "follow", "--interval", "0.2"]
    log = tmp_path / "follow.log"
    with open(log, "w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:

        def caught_up():
            assert process.poll() is None, log.read_text()
            return _positions(catalogue).get("server-c") == _newest(catalogue)

        assert _wait(caught_up), log.read_text()  # built its index from the database
        _retitle(catalogue, "bank-sampah-kupang", "Tabungan Kecubung dari Bank Sampah")
        assert _wait(caught_up), log.read_text()  # and applied the change made elsewhere
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert IndexStore(str(tmp_path / "index-c")).applied() == _newest(catalogue)


def _wait(check, limit=60):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False
