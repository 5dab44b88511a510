"""Browser journeys: the real app under gunicorn, a fresh database with the sample content,
and Debian's Chromium driven by Playwright.

Without Chromium a developer's run skips these tests with the install command; CI (CI=true)
fails instead, so they are never skipped there.
"""

import os
import shutil

import pytest

from tests.browser import a11y
from tests.live import ARTIFACTS, PASSWORD, PEOPLE

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
    from playwright.sync_api import expect, sync_playwright

    # Assertions retry until the page shows what they expect; on a loaded machine a page
    # after a redirect can take seconds, so they wait up to 30 s rather than Playwright's 5.
    expect.set_options(timeout=30_000)

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
    # Every page the journey reaches is checked for accessibility: where the test calls
    # assert_accessible, as it stands then; any other it navigated to, again at the end.
    visited = []
    first._suar_checked = set()
    first.on("framenavigated", lambda frame: visited.append(frame.url) if frame.parent_frame is None else None)
    yield first
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    if not failed:
        unchecked = [u for u in dict.fromkeys(visited) if u not in first._suar_checked and u.startswith(live_server)]
        problems = []
        for url in unchecked:
            again = context.new_page()
            if again.goto(url).ok:
                again.wait_for_load_state()
                found = again.evaluate(a11y.CHECK) + a11y.axe_problems(again)
                problems += [(url, found)] if found else []
            again.close()
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for n, opened in enumerate(context.pages):
            opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{n}.png"), full_page=True)
    context.close()
    if not failed:
        assert not problems, f"accessibility problems on pages the journey visited: {problems}"
    allowed = getattr(request.node, "allowed_console_errors", ())
    unexpected = [e for e in errors if not any(a in e for a in allowed)]
    assert not unexpected, f"console errors: {unexpected}"


@pytest.fixture
def allow_console_errors(request):
    """A test that expects an error status (403, 404) allows the browser's report of it."""

    def allow(*fragments):
        request.node.allowed_console_errors = (*getattr(request.node, "allowed_console_errors", ()), *fragments)

    return allow
