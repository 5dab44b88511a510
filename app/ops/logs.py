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


# The last configure()'s way to standard error for a line that needs no LogRecord (``info``):
# (its handler, its formatter, the processors structlog was given, the processors of a line).
_direct = None
_CALL_HANDLERS = logging.Logger.callHandlers  # replaced by tools that watch every record


def info(name, event, **fields):
    """``structlog.get_logger(name).info(event, **fields)``, written without a ``LogRecord``
    when nothing between the logger and standard error could see one: the request layer's
    line for every request (docs/decisions/0103). Through structlog and ``logging`` the line
    took about 45 microseconds, a fifth of a page-cache hit; the same processors and
    renderer, called here, write the same characters in a fraction of that. Any other
    handler, filter, level or a replaced ``callHandlers`` (an error tracker's hook) sends the
    line the usual way."""
    logger = logging.getLogger(name)
    direct = _direct
    if direct is None or not _only_to(direct, logger):
        structlog.get_logger(name).info(event, **fields)
        return
    if not logger.isEnabledFor(logging.INFO):
        return
    handler, _, _, chain = direct
    event_dict = fields
    event_dict["event"] = event  # the order structlog gives: the fields, then the event
    for processor in chain:
        event_dict = processor(logger, "info", event_dict)
    handler.acquire()
    try:
        handler.stream.write(event_dict + handler.terminator)
        handler.flush()
    except RecursionError:
        raise
    except Exception:
        handler.handleError(logger.makeRecord(name, logging.INFO, __file__, 0, event_dict, None, None))
    finally:
        handler.release()


def _only_to(direct, logger):
    """Whether a record of ``logger`` would reach only ``direct``'s handler, unchanged on the way."""
    handler, formatter, processors, _ = direct
    root = logging.root
    if len(root.handlers) != 1 or root.handlers[0] is not handler or handler.filters:
        return False
    if handler.formatter is not formatter or logging.Logger.callHandlers is not _CALL_HANDLERS:
        return False
    if structlog.get_config()["processors"] is not processors:
        return False
    node = logger
    while node is not root:
        if node.filters or node.handlers or not node.propagate:
            return False
        node = node.parent
        if node is None:  # a logger outside the tree (made by hand): the usual way
            return False
    return not root.filters and handler.level <= logging.INFO


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
    processors = [*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter]
    structlog.configure(
        processors=processors,
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    global _direct
    _direct = (handler, formatter, processors, (*_SHARED, *tail, renderer))


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
