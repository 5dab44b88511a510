"""Logs: one line per event on standard error, as text or JSON (``LOG_FORMAT``), each with the
request id of the request (or job) it belongs to.

Every logger writes through the root logger's one handler: the app's own, Flask's, SQLAlchemy's
and Whoosh's (stdlib ``logging``) as well as structlog's. structlog renders them all and adds
the context bound in ``contextvars``: the request id is bound by the request layer
(app/ops/wsgi.py) for the life of a request, so a traceback logged anywhere during it
carries the id.

Background jobs run after the request has ended, in another thread or process: the request
id travels with the job and is bound again where it runs::

    from app.ops.logs import current_request_id, bound_request_id

    queue.enqueue(send_digest, user_id, request_id=current_request_id())

    def send_digest(user_id, request_id=None):
        with bound_request_id(request_id):
            ...  # every line logged here names the request that asked for it
"""

import logging
import re
import sys
import uuid
from contextlib import contextmanager

import structlog
from structlog.contextvars import bind_contextvars, get_contextvars, reset_contextvars

_SHARED = (
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
)


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is written (test runners replace it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


class TextRenderer(structlog.dev.ConsoleRenderer):
    """structlog's console renderer without colours, with a shorter path for a line without a
    traceback (every request's line): the key=value pairs are joined here instead of through
    a formatter object and a buffer each, which was half the cost of a cache hit's log line.
    The output is the library's own, character for character (tests/test_ops_logs.py compares
    them with Hypothesis); anything else goes to the library."""

    _SLOW_KEYS = frozenset(("stack", "exception", "exc_info"))

    def __init__(self):
        super().__init__(colors=False, pad_event_to=0, exception_formatter=structlog.dev.plain_traceback)
        default = self._default_column_formatter
        plain = (default.key_style, default.value_style, default.reset_style, default.prefix, default.postfix)
        # The shorter path writes what this formatter writes; columns set later replace it.
        self._plain_default = default if plain == ("", "", "", "", "") and default.width == 0 else None

    @property
    def fast(self):
        """Whether a line without a traceback takes the shorter path (tests)."""
        return self._default_column_formatter is self._plain_default and self._sort_keys

    def _repr(self, val):
        # The library's rule (text with a space, tab, =, quote or line break is quoted) without
        # building a set of the text's characters.
        if type(val) is str and self._repr_native_str is not True:
            return repr(val) if _QUOTED.search(val) else val
        return super()._repr(val)

    def __call__(self, logger, name, event_dict):
        if (
            not self.fast
            or not self._SLOW_KEYS.isdisjoint(event_dict)
            or not all(type(key) is str for key in event_dict)
        ):
            return super().__call__(logger, name, event_dict)
        missing = _NOTHING
        parts = []
        for column in self._columns:
            key, formatter = column.key, column.formatter
            value = event_dict.pop(key, missing)
            if value is not missing:
                part = formatter(key, value)
                if part:
                    parts.append(part)
        rendered = self._repr
        parts.extend(f"{key}={rendered(event_dict[key])}" for key in sorted(event_dict))
        return " ".join(parts).rstrip(" ")


_NOTHING = object()
_QUOTED = re.compile("[ \t=\r\n\"']")


def configure(log_format="text", level=logging.INFO):
    """Send every logger's lines to standard error, rendered as ``log_format``; idempotent."""
    if log_format == "json":
        renderer = structlog.processors.JSONRenderer()
        tail = (structlog.processors.format_exc_info,)  # the traceback as one string field
    else:
        # Plain tracebacks: a rich one would print local variables (passwords among them).
        renderer = TextRenderer()
        tail = ()
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=(structlog.stdlib.ProcessorFormatter.remove_processors_meta, *tail, renderer),
    )
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _Stderr)]:
        root.removeHandler(handler)
    handler = _Stderr()
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(level)
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def new_request_id():
    """A fresh request id: 32 hex digits, like nginx's ``$request_id``."""
    return uuid.uuid4().hex


def current_request_id():
    """The id of the request (or job) being served in this context, or None."""
    return get_contextvars().get("request_id")


@contextmanager
def bound_request_id(request_id=None):
    """Log everything inside under ``request_id`` (a new one when None): for jobs and commands."""
    tokens = bind_contextvars(request_id=request_id or new_request_id())
    try:
        yield get_contextvars()["request_id"]
    finally:
        reset_contextvars(**tokens)
