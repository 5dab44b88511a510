"""The follower: keeps this server's index at the outbox's head and records its position
(docs/decisions/0086).

Every ``interval`` seconds it applies what other servers committed, rebuilds an index that
is missing or was left behind the pruning window, and records in ``search_server`` how far
the index got (at least every HEARTBEAT seconds, so pruning counts the server as live).
One follower runs per index folder: under gunicorn each worker starts a thread and the one
holding ``.follower.lock`` in the folder follows (another takes over when that worker
exits); elsewhere ``flask search follow`` runs it.
"""

import fcntl
import logging
import os
import threading
import time

from whoosh.index import LockError

from app.search.index import IndexMissing, IndexStore, RebuildBusy
from app.search.servers import record, server_name

log = logging.getLogger(__name__)

INTERVAL = 0.5  # seconds between two looks at the outbox
HEARTBEAT = 30.0  # seconds: the longest time between two records of an idle server
LOCK_FILE = ".follower.lock"


class Follower:
    """Follows the outbox for one app; ``step()`` does one round, ``run()`` loops."""

    def __init__(self, app, interval=INTERVAL):
        from app.extensions import db

        self.app = app
        self.interval = interval
        self.store = IndexStore(app.config["SEARCH_INDEX_DIR"])
        self.name = server_name(app.config)
        with app.app_context():
            self.engine = db.engine
        self.recorded = None  # (applied, monotonic time) of the last record
        self.stop = threading.Event()

    def step(self):
        """Apply, rebuild if needed, record; returns this index's mark (None if it has none)."""
        with self.app.app_context():
            return self._step()

    def _step(self):
        try:
            self.store.sync(self.engine, timeout=self.interval)
        except IndexMissing as missing:  # never built, damaged, or left behind the pruning window
            log.warning("search follower %s: %s; rebuilding", self.name, missing)
            try:
                self.store.rebuild(self.engine, wait=False)
            except RebuildBusy:
                return None
        except LockError:
            pass  # another process of this server is applying: it is recorded next round
        path = self.store.current_path()
        if path is None:
            return None
        applied = self.store.applied(path)
        now = time.monotonic()
        if self.recorded is None or self.recorded[0] != applied or now - self.recorded[1] >= HEARTBEAT:
            record(self.engine, self.name, applied)
            self.recorded = (applied, now)
        return applied

    def run(self):
        """Loop until ``stop`` is set; an error is logged and the next round tries again."""
        while not self.stop.is_set():
            try:
                self.step()
            except Exception:
                log.exception("search follower %s: round failed; trying again", self.name)
            self.stop.wait(self.interval)


def _hold_lock(path):
    """The follower lock of an index folder, or None when another process holds it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 - held for the life of the process
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def start_in_background(app, interval=INTERVAL, retry=5.0):
    """A daemon thread that becomes this folder's follower once it holds the lock (checked
    every ``retry`` seconds): for each gunicorn worker (deploy/gunicorn.conf.py)."""
    lock_path = os.path.join(app.config["SEARCH_INDEX_DIR"], LOCK_FILE)

    def wait_then_follow():
        lock = _hold_lock(lock_path)
        while lock is None:
            time.sleep(retry)
            lock = _hold_lock(lock_path)
        try:
            Follower(app, interval).run()
        finally:
            lock.close()

    thread = threading.Thread(target=wait_then_follow, name="search-follower", daemon=True)
    thread.start()
    return thread
