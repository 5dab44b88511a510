"""The real app under gunicorn on a free loopback port, with a fresh database holding the
sample content and the people of the journeys: for browser journeys and concurrency tests."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.smtp import smtp_server

PROJECT = Path(__file__).resolve().parents[1]
ARTIFACTS = PROJECT / "test-artifacts"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PASSWORD = "jembatan merah dua ribu"
# The people of the journeys: (email, roles, --network, --owner)
PEOPLE = {
    "coordinator": ("koordinator@jatim.example.go.id", ["coordinator"], "jipp-jawa-timur", None),
    "official": ("pejabat@lumajang.example.go.id", ["official"], None, "35.08"),
    "origin_official": ("pejabat@brebes.example.go.id", ["official"], None, "33.29"),
    "banyumas_official": ("pejabat@banyumas.example.go.id", ["official"], None, "33.02"),
    "editor": ("editor@kemenpan.example.go.id", ["editor"], None, None),
}


def _flask(env, *args, stdin=None):
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    result = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300, input=stdin)
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _flask_steps(env, steps):
    """The ``flask`` commands ``steps`` in one process (tests/live_steps.py): one app start, not one per command."""
    command = [sys.executable, "-m", "tests.live_steps"]
    result = subprocess.run(
        command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600, input=json.dumps(steps)
    )
    assert result.returncode == 0, f"setting up the live database failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def prepare_env(databases, tmp_path_factory):
    """Environment of a fresh, migrated database holding the sample content and PEOPLE."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(
        DATABASE_URL=databases.new(),
        SEARCH_INDEX_DIR=str(tmp_path_factory.mktemp("live-index")),
        MAIL_FOLDER=str(tmp_path_factory.mktemp("live-mail")),
        SECRET_KEY=secrets.token_hex(32),
        PYTHONWARNINGS="error",
        # Every journey signs in from 127.0.0.1: the real limit (5 a minute) would stop them.
        LOGIN_RATE_LIMIT="200 per minute",
    )
    commands = ["db upgrade", "content import", "networks import", "replications import", "search reindex"]
    steps = [{"args": command.split()} for command in commands]
    for email, roles, network, owner in PEOPLE.values():
        args = ["users", "create", email, "--name", email.split("@")[0].title()]
        args += [arg for role in roles for arg in ("--role", role)]
        args += ["--network", network] if network else []
        args += ["--owner", owner] if owner else []
        steps.append({"args": args, "input": PASSWORD + "\n"})
    _flask_steps(env, steps)
    return env


def server_log(name):
    """Where the server ``name`` of this test run writes its log (runs side by side never share one)."""
    return PROJECT / f".gunicorn-{name}-{os.getpid()}.log"


@contextmanager
def serve(env, name, deployed=False):
    """Gunicorn with two workers on a free loopback port; yields the base URL.

    ``deployed``: with the production settings file (deploy/gunicorn.conf.py), waiting for
    /readyz, which answers whatever ``TRUSTED_HOSTS`` says of the address."""
    port = _free_port()
    # Links in emails lead to this server (app/mail/links.py), unless the test says otherwise.
    env = {"BASE_URL": f"http://127.0.0.1:{port}", **env}
    log_path = server_log(name)
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    if deployed:
        command = ["-c", "deploy/gunicorn.conf.py", "wsgi:app"]
        env = {**env, "SUAR_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
    else:
        command = ["-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *command],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    probe = "/readyz" if deployed else "/"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + probe, timeout=2):  # noqa: S310 - our own loopback server
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                pytest.fail(f"gunicorn did not start: see {log_path.name}")
            time.sleep(0.2)
    try:
        yield (base, process) if deployed else base
    finally:
        # A graceful stop lets the workers finish their requests; on a busy machine that can
        # take a while, and a stop that hangs is ended rather than failing the test.
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        finally:
            log.close()


@pytest.fixture(scope="session")
def live_mailbox():
    """The SMTP server (aiosmtpd on loopback) that receives the browser journeys' emails."""
    with smtp_server() as (mailbox, port):
        yield mailbox, port


@pytest.fixture(scope="session")
def server_env(databases, tmp_path_factory, live_mailbox):
    """The browser journeys' database; their emails go to ``live_mailbox``."""
    env = prepare_env(databases, tmp_path_factory)
    env.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(live_mailbox[1]))
    return env


@pytest.fixture(scope="session")
def live_server(server_env):
    """The browser journeys' server."""
    with serve(server_env, "browser") as base:
        yield base
