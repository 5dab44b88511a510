"""The Whoosh index on disk: generations, the pointer to the current one, and the last
outbox change each generation has applied. Nothing outside app/search touches Whoosh.

Layout of ``SEARCH_INDEX_DIR``::

    CURRENT              name of the generation that searches read (replaced atomically)
    gen-<time>-<rand>/   a Whoosh index, and ``applied``: the last outbox id it holds

A rebuild writes a new generation beside the current one and then replaces ``CURRENT``,
so searches keep answering from the old generation while the new one is built.
"""

import fcntl
import logging
import os
import shutil
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import BufferFile
from whoosh.index import LockError

from app.catalog.models import Innovation
from app.search.codec import Codec  # also the name pickled into indexes written before 0099
from app.search.documents import FORMAT, document, load_innovations, make_schema
from app.search.models import SearchOutbox
from app.search.servers import pruned_through

log = logging.getLogger(__name__)

POINTER = "CURRENT"
APPLIED = "applied"
FORMAT_FILE = "format"  # the document layout a generation was built with
BATCH = 500  # innovations loaded from the database at a time
# Whoosh's posting pool, per indexing process, before it sorts runs on disk (its default is 128):
# with 512 a full reindex of 20,000 case studies sorts in memory (bench/RESULTS.md, issue 16).
# Only the reindex command asks for it; a rebuild inside a web process keeps Whoosh's default.
REINDEX_POOL_MB = 512
KEEP_GENERATIONS = 2  # the current one and the one before, which a searcher may still read


# Postings per block. Scoring reads a term's whole list as arrays (vectors.py), so what a block
# costs is its fixed part (a pickle, a matcher step): with 2,048 a cold search at 20,000 case
# studies reads about a fifth of the blocks it read with 256, and its p95 fell from 50-55 ms
# to 38-46 (decision 0109). An index written with smaller blocks reads the same.
BLOCK_POSTINGS = 2048


def _codec():
    # Uncompressed postings in larger blocks: reading a term is mostly unpickling blocks,
    # and zlib on top of that cost more than the disk it saved.
    return Codec(blocklimit=BLOCK_POSTINGS, compression=0)


PEEK = 64  # bytes a look ahead gives: a block header's pickle is about 40


class _MemoryFile:
    """A read-only file over a memoryview of the mapped segment, reading without a copy."""

    def __init__(self, buf):
        self._buf = buf
        self._pos = 0
        self.closed = False

    def read(self, size=-1):
        start = self._pos
        end = len(self._buf) if size is None or size < 0 else min(start + size, len(self._buf))
        self._pos = max(start, end)
        return self._buf[start:end].tobytes()

    def peek(self, size=0):
        """Up to PEEK bytes from here, without moving: pickle reads ahead with it and then
        takes what it used in one read(), where it would otherwise read a few bytes at a time
        (the header of every block of postings is a pickle of its own)."""
        return self._buf[self._pos : self._pos + PEEK].tobytes()

    def readline(self, size=-1):
        start, limit = self._pos, len(self._buf)
        if size is not None and size >= 0:
            limit = min(limit, start + size)
        end, step = start, 256
        while end < limit:
            found = self._buf[end : min(end + step, limit)].tobytes().find(b"\n")
            if found >= 0:
                end += found + 1
                break
            end = min(end + step, limit)
        self._pos = end
        return self._buf[start:end].tobytes()

    def __iter__(self):
        while line := self.readline():
            yield line

    def seek(self, where, whence=0):
        self._pos = where if whence == 0 else self._pos + where if whence == 1 else len(self._buf) + where
        return self._pos

    def tell(self):
        return self._pos

    def close(self):
        self.closed = True


class _SharedBufferFile(BufferFile):
    """Whoosh's BufferFile without its BytesIO: that copied every part of a segment it opened
    (the postings, stored fields, terms and lengths, about 100 MiB at 20,000 case studies)
    into each process's own memory, although the segment is already mapped from the disk and
    shared by every process that reads it (docs/decisions/0093)."""

    def __init__(self, buf, name=None, onclose=None):
        self._buf = buf
        self._name = name
        self.file = _MemoryFile(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False


_whoosh_open_file = CompoundStorage.open_file


def _open_file(self, name, *args, **kwargs):
    if self._source and not self.is_closed:  # a mapped segment (Whoosh 2.7.4, pinned)
        offset, length = self.range(name)
        return _SharedBufferFile(memoryview(self._source)[offset : offset + length], name=name)
    return _whoosh_open_file(self, name, *args, **kwargs)


CompoundStorage.open_file = _open_file


class IndexMissing(RuntimeError):
    """There is no usable index: it was never built, or its folder is gone or damaged."""


class IndexBehind(IndexMissing):
    """The index was left behind the pruning window: changes it never applied are gone from
    the outbox, so it must be rebuilt (app/search/servers.py)."""


class IndexBuildFailed(RuntimeError):
    """A rebuild wrote fewer documents than it was given: the new index is not used."""


class RebuildBusy(RuntimeError):
    """Another process is rebuilding the index right now."""


def _write_atomically(path, text):
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


_RACY_NS = 100_000_000  # 0.1 s, many clock ticks


def _stamp(stat):
    return stat.st_ino, stat.st_mtime_ns, stat.st_size, stat.st_dev


def _read(path):
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None


@contextmanager
def _flock(path, blocking=True):
    with open(path, "a+") as handle:
        flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError:
            raise RebuildBusy(str(path)) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class IndexStore:
    """The index folder of one app: open the current generation, apply changes, rebuild."""

    _indexes = {}  # generation path -> open Whoosh index, shared by the threads of a process
    _lock = threading.Lock()

    def __init__(self, root):
        self.root = Path(root)

    # --- reading -------------------------------------------------------------------------
    def current_path(self):
        """The folder of the current generation, or None when there is none."""
        try:
            name = (self.root / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        path = self.root / name
        return path if name and path.is_dir() else None

    def open(self):
        """The current Whoosh index; IndexMissing when there is none that can be read."""
        return self.open_current()[1]

    def open_current(self):
        """``(generation path, Whoosh index)`` of the current generation."""
        path = self.current_path()
        if path is None:
            raise IndexMissing(f"no search index in {self.root}")
        if _read(path / FORMAT_FILE) != FORMAT:
            raise IndexMissing(f"the search index in {path} was built by another version of Suar")
        key = str(path)
        with self._lock:
            ix = self._indexes.get(key)
            if ix is None:
                try:
                    ix = whoosh_index.open_dir(key)
                except Exception as exc:  # a half-deleted or damaged folder: rebuild it
                    raise IndexMissing(f"the search index in {path} cannot be opened: {exc}") from exc
                # Another process swapped generations: forget this folder's older ones.
                for old in [k for k in self._indexes if Path(k).parent == path.parent]:
                    self._indexes.pop(old).close()
                self._indexes[key] = ix
        return path, ix

    _versions = {}  # index folder -> (the pointer's stat, generation path, the mark's stat, version)

    def version(self):
        """``"<generation>:<last change applied>"`` ("none" without an index): it changes
        whenever the index does. Read again only when the pointer or the mark was replaced
        (both are written by renaming a new file over the old: a new inode), so that asking
        costs two ``stat`` calls instead of reading two files; every cache hit of a search
        answer asks it."""
        root = str(self.root)
        try:
            pointer = _stamp(os.stat(os.path.join(root, POINTER)))
        except FileNotFoundError:
            return "none"
        known = self._versions.get(root)
        if known is not None and known[0] == pointer:
            try:
                mark = _stamp(os.stat(os.path.join(known[1], APPLIED)))
            except FileNotFoundError:
                mark = None  # the generation's folder is gone, or was never marked: read it all
            if mark is not None and mark == known[2]:
                return known[3]
        # Stamps are taken before the files are read, so what is kept is never older than them.
        path = self.current_path()
        if path is None:
            return "none"
        try:
            mark = _stamp(os.stat(path / APPLIED))
        except FileNotFoundError:
            mark = None
        version = f"{path.name}:{self.applied(path)}"
        # A file replaced within the same clock tick may get the inode a replaced one freed, and
        # the same size and time: stamps that recent are not trusted (git's "racy" rule).
        settled = time.time_ns() - _RACY_NS
        if pointer[1] < settled and (mark is None or mark[1] < settled):
            self._versions[root] = (pointer, str(path), mark, version)
        return version

    def applied(self, path=None):
        """The last outbox id applied to a generation (the current one by default)."""
        path = path or self.current_path()
        try:
            return int((path / APPLIED).read_text(encoding="utf-8").strip() or 0)
        except (FileNotFoundError, ValueError, TypeError):
            return 0

    def _set_applied(self, path, last_id):
        # Two appliers may finish in either order: the mark only moves forward.
        with _flock(path / ".applied.lock"):
            if last_id > self.applied(path):
                _write_atomically(path / APPLIED, str(last_id))

    # --- applying the outbox -----------------------------------------------------------
    def sync(self, engine, timeout=10.0, rounds=20):
        """Apply every outbox change newer than the current generation's mark.

        Takes the Whoosh writer (waiting up to ``timeout`` seconds: LockError after that;
        the changes stay in the outbox). Returns the number of outbox rows applied.
        Loops so that changes committed while this process held the writer are applied
        too: a writer that gave up waiting for us relies on it. IndexBehind when changes the
        index never applied were pruned (it must be rebuilt: catching up would hide the gap).
        """
        ix = self.open()
        path = self.current_path()
        applied = 0
        with Session(engine) as session:
            for _ in range(rounds):
                newest = session.scalar(sa.select(sa.func.max(SearchOutbox.id))) or 0
                mark = self.applied(path)
                if mark < pruned_through(session):
                    raise IndexBehind(f"the search index in {path} was left behind the pruned outbox")
                if newest <= mark:
                    break
                applied += self._apply(ix, path, session, timeout)
                session.rollback()  # end the read transaction: the next round sees new commits
        return applied

    def _apply(self, ix, path, session, timeout):
        writer = ix.writer(timeout=timeout, delay=0.05, codec=_codec())
        try:
            since = self.applied(path)  # read again under the lock: another process may have applied
            rows = session.execute(
                sa.select(SearchOutbox.id, SearchOutbox.innovation_id)
                .where(SearchOutbox.id > since)
                .order_by(SearchOutbox.id)
            ).all()
            if since < pruned_through(session):  # pruned while this process waited for the writer
                raise IndexBehind(f"the search index in {path} was left behind the pruned outbox")
            if not rows:
                writer.cancel()
                return 0
            # The outbox says *which* innovations changed; the database says what they are
            # now. Applying a change twice, or out of order, therefore gives the same index.
            changed = list(dict.fromkeys(innovation_id for _, innovation_id in rows))
            for start in range(0, len(changed), BATCH):
                chunk = changed[start : start + BATCH]
                found = load_innovations(session, chunk)
                for innovation_id in chunk:
                    if innovation_id in found:
                        writer.update_document(**document(found[innovation_id]))
                    else:
                        writer.delete_by_term("id", str(innovation_id))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        self._set_applied(path, rows[-1].id)
        return len(rows)

    # --- rebuilding --------------------------------------------------------------------
    def rebuild(self, engine, procs=1, wait=True, pool_mb=None):
        """Build a new generation from the database, swap it in, catch up, drop old ones.

        ``procs`` > 1 builds with Whoosh's multiprocess writer (one segment per process);
        ``pool_mb`` is the posting pool of each (Whoosh's default when None). Returns the
        number of innovations indexed. RebuildBusy when another process is rebuilding and
        ``wait`` is False.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with _flock(self.root / ".rebuild.lock", blocking=wait):
            name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
            path = self.root / name
            path.mkdir()
            try:
                count = self._build(path, engine, procs, pool_mb)
            except BaseException:
                shutil.rmtree(path, ignore_errors=True)
                raise
            _write_atomically(self.root / POINTER, name)
            log.info("search index %s built with %d innovations", name, count)
            try:
                self.sync(engine)
            except LockError:
                log.warning("search index: catch-up after rebuild postponed, the index is busy")
            self._drop_old_generations(keep=name)
        return count

    def _build(self, path, engine, procs, pool_mb):
        ix = whoosh_index.create_in(str(path), make_schema())
        with Session(engine) as session:
            # The mark is read before the rows: a change committed after it is applied
            # again by the catch-up, which is harmless.
            # Everything up to the pruned id is in the rows read below, even when the outbox
            # was pruned empty.
            mark = max(session.scalar(sa.select(sa.func.max(SearchOutbox.id))) or 0, pruned_through(session))
            ids = list(session.scalars(sa.select(Innovation.id).where(Innovation.is_public).order_by(Innovation.id)))
            options = {"limitmb": pool_mb} if pool_mb else {}
            if procs > 1:
                options.update(procs=procs, multisegment=True)
            writer = ix.writer(codec=_codec(), **options)
            added = 0
            try:
                for start in range(0, len(ids), BATCH):
                    found = load_innovations(session, ids[start : start + BATCH])
                    for innovation in found.values():
                        writer.add_document(**document(innovation))
                        added += 1
                    session.expunge_all()  # keep memory flat on a large catalogue
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        ix.close()
        # Whoosh's multiprocess writer commits without the segment of a process that died (an
        # error on one document, the out-of-memory killer): count what was really written, so
        # that such an index is thrown away (rebuild()) rather than swapped in.
        with whoosh_index.open_dir(str(path)).reader() as reader:
            written = reader.doc_count()
        if written != added:
            raise IndexBuildFailed(f"the new index holds {written} of the {added} innovations sent to it")
        _write_atomically(path / APPLIED, str(mark))
        _write_atomically(path / FORMAT_FILE, FORMAT)
        return added

    def _drop_old_generations(self, keep):
        generations = sorted(
            (p for p in self.root.iterdir() if p.is_dir() and p.name.startswith("gen-")),
            key=lambda p: p.stat().st_mtime,
        )
        old = [p for p in generations if p.name != keep][: max(0, len(generations) - KEEP_GENERATIONS)]
        for path in old:
            with self._lock:
                stale = self._indexes.pop(str(path), None)
            if stale is not None:
                stale.close()
            shutil.rmtree(path, ignore_errors=True)

    def status(self):
        """A dictionary describing the index, for ``flask search status`` and the tests."""
        path = self.current_path()
        if path is None:
            return {"generation": None, "documents": 0, "applied": 0}
        ix = self.open()
        return {"generation": path.name, "documents": ix.doc_count(), "applied": self.applied(path)}
