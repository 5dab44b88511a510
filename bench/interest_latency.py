"""How long "Kami ingin mereplikasi" takes to reach the origin's inbox and mailbox, in both
modes: jobs in the web process (no REDIS_URL, the embedded default) and jobs on RQ served
by ``flask jobs worker``.

    .venv/bin/python bench/interest_latency.py [--interests 12]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/interest_latency.py

Builds a fresh database (SQLite in a temporary folder, or a database of its own on the
PostgreSQL server of DATABASE_URL, dropped afterwards), imports the sample content, creates
an adopter official (Kabupaten Lumajang) and one official for each origin of the chosen
case studies. For each mode it serves Suar with gunicorn (2 workers) and an SMTP server
(aiosmtpd) on loopback, then, one after the other, posts an interest with a message as the
adopter and measures from just before the POST until
- inbox: the origin official's notice is in the database (polled every 2 ms), and
- mailbox: the SMTP server has received the email to the origin official.
Prints the median, p95 and maximum of each. Everything stays on 127.0.0.1.
"""

import argparse
import http.cookiejar
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import flask, free_port  # noqa: E402
from tests.smtp import smtp_server  # noqa: E402

PASSWORD = "kalimat sandi untuk bangku uji"  # noqa: S105 - a throw-away database of the benchmark
ADOPTER = ("pengadopsi@lumajang.example.go.id", "35.08")
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Client:
    """A browser's cookies and forms, over urllib."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def get(self, path):
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path, data):
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def token(self, path):
        return _CSRF.search(self.get(path)).group(1)

    def login(self, email):
        status = self.post("/masuk", {"email": email, "password": PASSWORD, "csrf_token": self.token("/masuk")})
        assert status == 302, f"login of {email}: {status}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def prepare(env, count):
    """Migrate, import, and create the adopter and ``count`` origin officials; returns
    [(slug, origin official's email)]."""
    for args in (("db", "upgrade"), ("content", "import"), ("networks", "import"), ("search", "reindex")):
        flask(env, *args)
    engine = sa.create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT i.slug, o.region_code FROM innovation i JOIN owner o ON o.id = i.owner_id "
                "WHERE i.status = 'published' AND o.kind IN ('province', 'regency', 'city') "
                "AND o.region_code <> :adopter "
                "ORDER BY i.slug"
            ),
            {"adopter": ADOPTER[1]},
        ).all()
    engine.dispose()
    chosen, regions = [], set()
    for slug, region in rows:
        if region not in regions:
            regions.add(region)
            chosen.append((slug, f"pejabat-{region.replace('.', '-')}@asal.example.go.id", region))
        if len(chosen) == count:
            break
    people = [(ADOPTER[0], ADOPTER[1])] + [(email, region) for _slug, email, region in chosen]
    for email, region in people:
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "users", "create", email, "--role", "official"]
        command += ["--owner", region, "--name", email.split("@")[0]]
        subprocess.run(command, cwd=ROOT, env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    return [(slug, email) for slug, email, _region in chosen]


def serve(env):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).close()  # noqa: S310 - our loopback server
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    sys.exit("gunicorn did not start")


def measure(env, interests, mode):
    """Post each interest and time its notice and its email; returns two lists of seconds."""
    engine = sa.create_engine(env["DATABASE_URL"])
    inbox, mailbox_times = [], []
    with smtp_server() as (mailbox, port):
        arrivals = {}
        original = mailbox.handle_DATA

        async def stamp(server, session, envelope):
            for address in envelope.rcpt_tos:
                arrivals.setdefault(address, time.perf_counter())
            return await original(server, session, envelope)

        mailbox.handle_DATA = stamp
        run_env = {**env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port)}
        worker = None
        if mode == "queued":
            worker = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"],
                cwd=ROOT,
                env=run_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        server, base = serve(run_env)
        try:
            adopter = Client(base)
            adopter.login(ADOPTER[0])
            for slug, origin in interests:
                user_id = _user_id(engine, origin)
                token = _CSRF.search(adopter.get(f"/inovasi/{slug}/minat")).group(1)
                seen = {}
                watcher = threading.Thread(target=_watch_notice, args=(engine, user_id, seen))
                started = time.perf_counter()
                watcher.start()
                status = adopter.post(
                    f"/inovasi/{slug}/minat",
                    {
                        "csrf_token": token,
                        "message": "Kami ingin belajar dari inovasi ini. Siapa yang bisa kami hubungi?",
                    },
                )
                assert status == 302, f"interest in {slug}: {status}"
                watcher.join(timeout=60)
                deadline = time.monotonic() + 120
                while origin not in arrivals and time.monotonic() < deadline:
                    time.sleep(0.002)
                assert "at" in seen and origin in arrivals, f"{slug}: notice {seen}, email {origin in arrivals}"
                inbox.append(seen["at"] - started)
                mailbox_times.append(arrivals[origin] - started)
        finally:
            server.terminate()
            server.wait(timeout=10)
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
    engine.dispose()
    return inbox, mailbox_times


def _user_id(engine, email):
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT id FROM user_account WHERE email = :e"), {"e": email}).scalar_one()


def _watch_notice(engine, user_id, seen):
    deadline = time.monotonic() + 60
    query = sa.text("SELECT count(*) FROM inbox_item WHERE user_id = :u AND kind = 'interest'")
    with engine.connect() as connection:
        while time.monotonic() < deadline:
            if connection.execute(query, {"u": user_id}).scalar_one():
                seen["at"] = time.perf_counter()
                return
            connection.rollback()
            time.sleep(0.002)


def summary(label, values):
    ordered = sorted(values)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    median, worst = statistics.median(ordered), ordered[-1]
    return f"  {label:<8} median {median * 1000:7.0f} ms   p95 {p95 * 1000:7.0f} ms   max {worst * 1000:7.0f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interests", type=int, default=12)
    parser.add_argument("--modes", default="in process,queued", help="comma-separated: in process, queued")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="suar-interest-"))
    server = os.environ.get("DATABASE_URL", "")
    name = None
    if server.startswith("postgresql"):
        name = f"suar_bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        database = sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    else:
        database = f"sqlite:///{work / 'suar.db'}"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "REDIS_URL", "MAIL_"))}
    base_env.update(
        DATABASE_URL=database,
        SEARCH_INDEX_DIR=str(work / "index"),
        MAIL_FOLDER=str(work / "mail"),
        SECRET_KEY=secrets.token_hex(32),
        LOGIN_RATE_LIMIT="1000 per minute",
    )
    try:
        print(f"Preparing {database.split('@')[-1]}")
        interests = prepare({**base_env, "PYTHONWARNINGS": "ignore"}, options.interests * 2)
        half = len(interests) // 2
        results = {}
        modes = [m.strip() for m in options.modes.split(",")]
        for mode, chosen in (("in process", interests[:half]), ("queued", interests[half:])):
            if mode not in modes:
                continue
            env = dict(base_env)
            if mode == "queued":
                env.update(REDIS_URL="redis://127.0.0.1:6379/0", JOBS_QUEUE=f"suar-bench-{uuid.uuid4().hex[:8]}")
            print(f"Measuring {len(chosen)} interests, jobs {mode}")
            results[mode] = measure(env, chosen, "queued" if mode == "queued" else "in process")
        print(f"\nFrom the POST of an interest to the origin official ({'PostgreSQL' if name else 'SQLite'}):")
        for mode, (inbox, mailbox) in results.items():
            print(f"jobs {mode}:")
            print(summary("inbox", inbox))
            print(summary("mailbox", mailbox))
    finally:
        if name:
            admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
