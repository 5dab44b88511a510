"""Browser journeys: the real app under gunicorn, a fresh database with the sample content,
and Debian's Chromium driven by Playwright.

Without Chromium a developer's run skips these tests with the install command; CI (CI=true)
fails instead, so they are never skipped there.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium():
    for candidate in (os.environ.get("SUAR_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path():
    path = _chromium()
    if path:
        return path
    message = "Chromium is not installed: sudo apt-get install chromium (Debian) to run the browser journeys"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must not skip them)")
    pytest.skip(message)


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


@pytest.fixture(scope="session")
def server_env(databases, tmp_path_factory):
    """Environment of a fresh, migrated database holding the project's sample content."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(
        DATABASE_URL=databases.new(),
        SEARCH_INDEX_DIR=str(tmp_path_factory.mktemp("live-index")),
        SECRET_KEY="browser-tests-" + os.urandom(8).hex(),
        PYTHONWARNINGS="error",
    )
    _flask(env, "db", "upgrade")
    _flask(env, "content", "import")
    _flask(env, "networks", "import")
    _flask(env, "replications", "import")
    _flask(env, "search", "reindex")
    for email, roles, network, owner in PEOPLE.values():
        args = ["users", "create", email, "--name", email.split("@")[0].title()]
        args += [arg for role in roles for arg in ("--role", role)]
        args += ["--network", network] if network else []
        args += ["--owner", owner] if owner else []
        _flask(env, *args, stdin=PASSWORD + "\n")
    return env


@pytest.fixture(scope="session")
def live_server(server_env, chromium_path):
    """Gunicorn with two workers on a free loopback port; yields the base URL."""
    port = _free_port()
    log = open(ARTIFACTS.parent / ".gunicorn-browser.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=PROJECT,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=2):  # noqa: S310 - our own loopback server
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                pytest.fail("gunicorn did not start: see .gunicorn-browser.log")
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def login(page):
    """Sign in as one of PEOPLE through the login form."""

    def sign_in(person, target=page):
        email = PEOPLE[person][0]
        target.goto("/masuk")
        target.get_by_label("Email").fill(email)
        target.get_by_label("Kata sandi").fill(PASSWORD)
        target.get_by_role("button", name="Masuk").click()
        target.wait_for_load_state()
        assert target.locator(".account-nav").get_by_text(email.split("@")[0].title()).count() == 1, target.url

    return sign_in


def logout(target):
    """Sign out with the header's button."""
    target.locator(".logout-form button").click()
    target.wait_for_load_state()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context in Indonesian; screenshots of every open page if the test fails;
    console errors fail the test."""
    context = browser.new_context(base_url=live_server, locale="id-ID", viewport={"width": 1280, "height": 900})
    errors = []
    context.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    context.on("weberror", lambda error: errors.append(str(error.error)))
    first = context.new_page()
    yield first
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for n, opened in enumerate(context.pages):
            opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{n}.png"), full_page=True)
    context.close()
    allowed = getattr(request.node, "allowed_console_errors", ())
    unexpected = [e for e in errors if not any(a in e for a in allowed)]
    assert not unexpected, f"console errors: {unexpected}"


@pytest.fixture
def allow_console_errors(request):
    """A test that expects an error status (403, 404) allows the browser's report of it."""

    def allow(*fragments):
        request.node.allowed_console_errors = (*getattr(request.node, "allowed_console_errors", ()), *fragments)

    return allow
