"""A per-process LRU of rendered pages, each kept with what it was built under.

A page is kept gzip-compressed when that saves space (docs/decisions/0107): a reader whose
browser accepts gzip (every browser, and nginx passes its header on) gets those bytes as
they are, and the few that do not get them inflated again."""

import gzip
import time
import zlib
from collections import OrderedDict
from threading import Lock
from typing import NamedTuple

from werkzeug.http import parse_accept_header

MAX_ENTRIES, MAX_BYTES = 2000, 64 * 1024 * 1024
# A page is compressed once, when it is built, and then sent as stored to every reader who
# accepts gzip. Level 1 (nginx's default) takes 0.7 ms for a 56 KB case-study page against
# 2.5 ms at level 6, whose bytes are only a tenth fewer (docs/decisions/0107).
GZIP_LEVEL = 1
# Below this a page is kept as it is: the gzip header and a decompression would cost more
# than the bytes saved; so is a page that does not shrink by at least a tenth.
MIN_PACKED, MIN_GAIN = 1024, 0.9


class Page(NamedTuple):
    """A stored answer: always a 200, with every header the app gave it (but cookies)."""

    generation: int  # the data generation it was built under
    index: str | None  # the search index version, for answers that depend on the index
    limited: bool  # a rate limit applies: only served where the limiter counts it
    expires: float  # time.monotonic() after which it is dropped
    headers: tuple  # of the page as built (no Content-Encoding)
    body: bytes  # as built; or gzip-compressed, when ``gzip_headers`` is set
    endpoint: str | None = None  # for the request log and metrics of hits answered by the front
    deps: frozenset | None = None  # the tags it depends on (scopes.py); None: everything
    # What it asked the search index and what the index answered: ``((filters, fingerprint),
    # ...)`` (search.service.answer); None when that is not known, or not asked.
    answers: tuple | None = None
    # The one rate limit on it, as the front can count it for the reader's address (a limit
    # keyed by address alone): ``(limit, arguments before the address, arguments after)``;
    # None when Flask's limiter must count it (docs/decisions/0098).
    limit: tuple | None = None
    # The headers of the gzip-compressed body: ``headers`` with a Content-Encoding and the
    # ETag made weak; None when the body is kept as built.
    gzip_headers: tuple | None = None

    def representation(self, accept_encoding, body=True):
        """``(headers, body)`` for a reader who sent ``accept_encoding`` (or None). Without
        ``body`` (for a 304, which has none) the body is None and nothing is decompressed."""
        if self.gzip_headers is None:
            return self.headers, self.body
        if accepts_gzip(accept_encoding):
            return self.gzip_headers, self.body
        return self.headers, zlib.decompress(self.body, 16 + zlib.MAX_WBITS) if body else None


def packed(headers, body):
    """``(body, gzip_headers)`` to store a page with (``Page.body``, ``Page.gzip_headers``).

    The ETag of the compressed body is made weak, as nginx does when it compresses: the same
    content in other bytes. ``If-None-Match`` compares weakly, so a reader holding either
    representation of a page gets a 304 whichever it asks for next."""
    if len(body) < MIN_PACKED or any(k.lower() == "content-encoding" for k, _ in headers):
        return body, None
    squeezed = gzip.compress(body, GZIP_LEVEL, mtime=0)  # no time stamp: the same page, the same bytes
    if len(squeezed) > len(body) * MIN_GAIN:
        return body, None
    weak = [(k, v if k.lower() != "etag" or v.startswith("W/") else "W/" + v) for k, v in headers]
    return squeezed, (*weak, ("Content-Encoding", "gzip"))


_ACCEPTS, _MAX_ACCEPTS = {}, 256


def accepts_gzip(accept_encoding):
    """Whether an ``Accept-Encoding`` header allows gzip (``*`` does; ``gzip;q=0`` does not).
    Remembered per header value: browsers send a handful of them."""
    if not accept_encoding:
        return False
    known = _ACCEPTS.get(accept_encoding)
    if known is None:
        known = parse_accept_header(accept_encoding).quality("gzip") > 0
        if len(_ACCEPTS) >= _MAX_ACCEPTS:
            _ACCEPTS.clear()
        _ACCEPTS[accept_encoding] = known
    return known


class Store:
    def __init__(self):
        self.entries = OrderedDict()
        self.size = 0
        self.lock = Lock()

    def peek(self, key):
        """The page stored under ``key``, current or not (to learn what it depends on)."""
        return self.entries.get(key)

    def get(self, key, generation, index, still_current=None, recheck=None):
        """The page under ``key`` if it is exact at ``generation`` and ``index``: built under
        them, or under an older generation that ``still_current(page, generation)`` vouches
        for (none of the writes since touched what it shows), or an older index version
        under which ``recheck(page)`` finds the index still gives the page's answers
        (docs/decisions/0094). It is then filed under ``generation`` and ``index``, so that
        the next check looks at later changes only: a page is checked against the index at
        most once per index version (a page whose check fails is dropped). Without
        ``recheck`` such a page is a miss and stays for a caller who has one (Flask's hook:
        the WSGI front cannot ask the index)."""
        page = self.entries.get(key)
        if page is None:
            return None
        fresh = page.expires >= time.monotonic()
        if fresh and page.generation != generation:
            fresh = still_current is not None and still_current(page, generation)
        if fresh and page.index != index:
            if page.answers is None:
                fresh = False
            elif recheck is None:
                return None
            else:
                fresh = recheck(page)
        with self.lock:
            if self.entries.get(key) is not page:
                return None  # replaced or dropped meanwhile (another thread): a miss
            if not fresh:
                self._drop(key)
                return None
            if page.generation != generation or page.index != index:
                page = self.entries[key] = page._replace(generation=generation, index=index)
            self.entries.move_to_end(key)
            return page

    def put(self, key, page):
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = page
            self.size += len(page.body)
            while self.entries and (len(self.entries) > MAX_ENTRIES or self.size > MAX_BYTES):
                self._drop(next(iter(self.entries)))

    def _drop(self, key):
        self.size -= len(self.entries.pop(key).body)

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0


store = Store()
