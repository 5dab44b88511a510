"""Two app servers on one database, each with its own index folder (docs/decisions/0086).

Two gunicorn servers run with the production settings file (deploy/gunicorn.conf.py, whose
worker hook starts each server's follower), on free loopback ports, with index folders of
their own, on one database made for this test (PostgreSQL in CI's second pass, a shared
SQLite file otherwise). An editor changes a case study's title through server A; server B
must find it within 2 seconds. Both times are measured and printed: B's follower applying
it (B's /readyz shows no lag, with no search asking), and a search on B finding it.
Waiting polls with a deadline, so a busy machine costs only the time it really takes.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import sqlalchemy as sa

from tests.live import _flask, prepare_env, serve
from tests.test_concurrency import Client

BOUND = 2.0  # seconds: the requirement (issue 16, item 6)
WORD = "Kecubungsari"  # found nowhere in the content


class _FormFields(HTMLParser):
    """The fields a browser would send from the form posting to ``action`` (no button pressed)."""

    def __init__(self, action):
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, []
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file", "image"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields.append([a["name"], a.get("value", "")])
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]
            self.fields.append(self.textarea)
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "multiple": "multiple" in a, "options": [], "chosen": []}
        elif tag == "option" and self.select is not None:
            self.select["options"].append(a.get("value", ""))
            if "selected" in a:
                self.select["chosen"].append(a.get("value", ""))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"] or ([] if self.select["multiple"] else self.select["options"][:1])
            self.fields += [[self.select["name"], value] for value in chosen]
            self.select = None


def _get_json(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own loopback server
            return json.load(response)
    except urllib.error.HTTPError as error:  # 503 "not ready" has a body too
        return json.load(error)


def _until(check, since, limit=30):
    """Seconds from ``since`` (a time.monotonic()) until ``check()`` holds, polled every 20 ms;
    None if it did not within ``limit`` seconds."""
    while time.monotonic() - since < limit:
        if check():
            return time.monotonic() - since
        time.sleep(0.02)
    return None


def _seconds(elapsed):
    return "never" if elapsed is None else f"{elapsed:.3f} s"


def _lag(base):
    return _get_json(base + "/readyz")["checks"]["search_index"]["lag"]


def test_a_change_written_through_one_server_is_found_on_the_other_within_2_seconds(databases, tmp_path_factory):
    env_a = prepare_env(databases, tmp_path_factory)
    env_a.update(SEARCH_SERVER_NAME="server-a", LOGIN_RATE_LIMIT="200 per minute")
    env_b = {**env_a, "SEARCH_SERVER_NAME": "server-b", "SEARCH_INDEX_DIR": str(tmp_path_factory.mktemp("index-b"))}
    _flask(env_b, "search", "reindex")
    engine = sa.create_engine(env_a["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            slug = connection.scalar(sa.text("SELECT slug FROM innovation ORDER BY id LIMIT 1"))
        with serve(env_a, "servers-a", deployed=True) as (a, _), serve(env_b, "servers-b", deployed=True) as (b, _):
            editor = Client(a)
            editor.login("editor")
            status, html = editor.request(f"/kelola/inovasi/{slug}/ubah")
            assert status == 200
            parser = _FormFields(f"/kelola/inovasi/{slug}/ubah")
            parser.feed(html)
            fields = dict(parser.fields)
            assert fields.get("title") and fields.get("csrf_token"), sorted(fields)
            data = [(name, f"{WORD} {value}" if name == "title" else value) for name, value in parser.fields]
            assert _lag(b) == 0
            for _ in range(4):  # B does not know the word yet (and its workers have searched once)
                assert slug not in _anonymous_search(b, WORD)

            with engine.connect() as connection:
                before = connection.scalar(sa.text("SELECT max(id) FROM search_outbox")) or 0
            # The editor's browser sends the form: the change is committed when A answers.
            body = urllib.parse.urlencode(data).encode()
            request = urllib.request.Request(a + f"/kelola/inovasi/{slug}/ubah", data=body)  # noqa: S310 - loopback
            try:
                editor.opener.open(request, timeout=30)
                answer = 200
            except urllib.error.HTTPError as error:
                answer = error.code
            written = time.monotonic()
            assert answer == 302, f"the save was refused ({answer})"

            # B's follower applies it, with no search on B asking; then a search on B finds it.
            followed = _until(lambda: _lag(b) == 0, written)
            found = _until(lambda: slug in _anonymous_search(b, WORD), written)
            print(
                f"\nB's follower applied the change {_seconds(followed)} after A answered; a search on B found it after {_seconds(found)}"
            )
            with engine.connect() as connection:
                assert (connection.scalar(sa.text("SELECT max(id) FROM search_outbox")) or 0) > before
            assert followed is not None and followed <= BOUND, (
                f"B's index applied the change after {_seconds(followed)}"
            )
            assert found is not None and found <= BOUND, f"a search on B found the change after {_seconds(found)}"

            # Each server recorded its position: both at the newest change.
            def both_recorded():
                with engine.connect() as connection:
                    newest = connection.scalar(sa.text("SELECT max(id) FROM search_outbox"))
                    rows = dict(connection.execute(sa.text("SELECT name, applied FROM search_server")).all())
                return rows.get("server-a") == newest and rows.get("server-b") == newest

            assert _until(both_recorded, time.monotonic(), 10) is not None
            assert _get_json(a + "/readyz")["status"] == "ready" and _get_json(b + "/readyz")["status"] == "ready"
    finally:
        engine.dispose()


def _anonymous_search(base, word):
    """The result page of an anonymous search on ``base``."""
    with urllib.request.urlopen(f"{base}/cari?q={word}", timeout=10) as response:  # noqa: S310 - loopback
        return response.read().decode()
