"""Eight clients log and update replications at once against two gunicorn workers, each
making OPERATIONS changes (8, or SUAR_CONCURRENCY_OPERATIONS). Every request succeeds or
gets a clear answer (a conflict, or a form message); afterwards the database is consistent
and the search index agrees with it. The work is counted, not timed: on a busy machine it
takes longer and still proves the same."""

import http.cookiejar
import os
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest
import sqlalchemy as sa

from app import create_app
from app.catalog.models import Innovation
from app.extensions import db
from app.replication.models import REPLICATED, Replication
from config import Config
from tests.live import PASSWORD, PEOPLE, _flask, prepare_env, serve, server_log

OPERATIONS = int(os.environ.get("SUAR_CONCURRENCY_OPERATIONS", "8"))
CAP_SECONDS = 600  # a safety net against a hang, not a measure of speed
CLIENTS = 8
ADOPTERS = ("35.07", "35.08", "35.09", "35.10", "35.11", "35.12", "35.13", "35.14")
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser-like client: cookies, forms with CSRF tokens, redirects not followed."""

    def __init__(self, base, cookies=None):
        self.base = base
        self.jar = cookies or http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, path, data=None):
        """The status of the answer itself; a redirect is then followed, as a browser does
        (which also shows, and so clears, the flashed message)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        self.last_url = path  # reported with an unexpected answer
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            page = error.read().decode(errors="replace")
            if error.code in (301, 302, 303) and error.headers.get("Location", "").startswith("/"):
                self.request(error.headers["Location"])
                self.last_url = path
            return error.code, page

    def form(self, path):
        status, html = self.request(path)
        assert status == 200, (path, status)
        return html, _CSRF.search(html).group(1)

    def login(self, person):
        _, token = self.form("/masuk")
        status, _ = self.request("/masuk", {"email": PEOPLE[person][0], "password": PASSWORD, "csrf_token": token})
        assert status == 302, f"login of {person} failed: {status}"


def _value(html, name):
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    return match.group(1) if match else ""


def _selected(html, name):
    block = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option[^>]*value="([^"]*)"', block)
    chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected', block)
    return options, (chosen.group(1) or chosen.group(2)) if chosen else ""


@pytest.fixture(scope="module")
def own_server(databases, tmp_path_factory):
    """A database and server of this test's own: the browser journeys never see its writes."""
    env = prepare_env(databases, tmp_path_factory)
    with serve(env, "concurrency") as base:
        yield base, env


def test_eight_clients_at_once_lose_nothing_and_the_index_agrees(own_server):
    live_server, server_env = own_server
    coordinator = Client(live_server)
    coordinator.login("coordinator")
    for code in ADOPTERS:  # the coordinator's network takes the adopters in
        _, token = coordinator.form("/jaringan/jipp-jawa-timur/anggota")
        data = {"csrf_token": token, "region": code, "role": "member"}
        assert coordinator.request("/jaringan/jipp-jawa-timur/anggota", data)[0] == 302
    assert coordinator.request("/inovasi/tele-apik-rsud-margono-soekarjo/replikasi/baru")[0] == 200
    sessions = {}
    for person in ("coordinator", "editor"):
        client = Client(live_server)
        client.login(person)
        sessions[person] = client.jar
    slugs = ["tele-apik-rsud-margono-soekarjo", "doling-tengkes-brebes", "panada-kota-manado", "sekolah-ibu-kota-bogor"]
    outcomes, failures = [], []
    deadline = time.monotonic() + CAP_SECONDS

    def work(number):
        rng = random.Random(number)
        client = Client(live_server, sessions["editor" if number % 2 else "coordinator"])
        done = 0
        while done < OPERATIONS and time.monotonic() < deadline:
            try:
                if rng.random() < 0.3:
                    slug = rng.choice(slugs)
                    html, token = client.form(f"/inovasi/{slug}/replikasi/baru")
                    status, page = client.request(f"/inovasi/{slug}/replikasi/baru", {
                        "csrf_token": token, "adopter": rng.choice(ADOPTERS), "stage": rng.choice(["interest", "planned"]),
                        "local_name": f"Klien {number}"})  # fmt: skip
                    ok = (
                        status == 302
                        or (status == 400 and "sudah tercatat" in page)
                        or (status == 403 and number % 2 == 0)
                    )
                else:
                    rid = _replication_id(client, rng, number % 2 == 0)
                    if rid is None:
                        continue
                    html, token = client.form(f"/replikasi/{rid}/ubah")
                    stages, current = _selected(html, "stage")
                    forward = [s for s in stages if s not in (current, "discontinued")]
                    data = {"csrf_token": token, "version": _value(html, "version"), "stage": rng.choice(forward) if forward and rng.random() < 0.5 else current,
                            "local_name": f"Klien {number} #{rng.randint(1, 999)}", "note": f"oleh klien {number}"}  # fmt: skip
                    status, page = client.request(f"/replikasi/{rid}/ubah", data)
                    ok = (
                        status == 302
                        or (status == 409 and "lebih dulu" in page)
                        or (status == 400 and "Pilihan tidak sah" in page)
                    )
                outcomes.append(status)
                done += 1
                if not ok:
                    messages = re.findall(r"class=\"(?:error|notice[^\"]*)\"[^>]*>(.*?)</", page, re.S)[:3]
                    failures.append((status, client.last_url, messages))
            except Exception as error:  # noqa: BLE001 - every failure is reported below
                failures.append(("exception", number, repr(error)))
                done += 1

    def _replication_id(client, rng, coordinator):
        # A coordinator updates the replications of their network's members (East Java).
        query = "?per_page=100&adopter_region=35" if coordinator else "?per_page=100"
        status, body = client.request("/api/v1/replications" + query)
        ids = [int(i) for i in re.findall(r'"id":\s*(\d+)', body)]
        return rng.choice(ids) if ids else None

    threads = [threading.Thread(target=work, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=CAP_SECONDS + 120)
    assert not failures, (failures[:5], _errors_in(server_log("concurrency")))
    assert len(outcomes) == CLIENTS * OPERATIONS, f"{len(outcomes)} changes made in {CAP_SECONDS} s: a hang?"
    # Enough changes went through for the checks below to mean something (the rest were
    # conflicts and duplicates, each answered clearly).
    assert outcomes.count(302) >= 10, Counter(outcomes)

    _flask(server_env, "search", "sync")
    app = create_app(Config(environ=server_env))
    with app.app_context():
        from app.search.service import snapshot

        replications = db.session.scalars(sa.select(Replication)).all()
        for replication in replications:
            events = replication.events
            assert replication.version == len(events), (
                replication.id,
                replication.version,
                [(e.from_stage, e.to_stage, sorted(e.changes), e.note) for e in events],
            )
            assert events[-1].to_stage == replication.stage
        for innovation in db.session.scalars(sa.select(Innovation)):
            running = sum(1 for r in replications if r.innovation_id == innovation.id and r.stage in REPLICATED)
            assert innovation.replication_count == running, innovation.slug
        facts = snapshot(app).facts
        indexed = {f.id: f.replication_count for f in (facts.values() if hasattr(facts, "values") else facts) if f}
        stored = dict(
            db.session.execute(
                sa.select(Innovation.id, Innovation.replication_count).where(Innovation.status == "published")
            ).all()
        )
        assert indexed == stored
        db.session.remove()
        db.engine.dispose()


def _errors_in(log_path):
    """The server's tracebacks and error lines, to say what a 500 was."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    lines = [line for line in text.splitlines() if "Error" in line or "Traceback" in line or "error" in line]
    return lines[-20:]
