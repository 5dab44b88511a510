"""Figures computed once per data generation, per process (docs/decisions/0087).

The facet counts, the home page's figures and the statistics are aggregates over the whole
catalogue: tens of milliseconds each on PostgreSQL at 20,000 case studies, and the same for
every page until someone writes. Every write of public data bumps the data generation in
its own transaction (app/datagen/generation.py), so a figure remembered with the
generation it was computed under is exact for as long as that generation is current.

Correctness rests on three rules:

* The generation is read in the reader's own transaction, before the figure is computed:
  on SQLite both come from one snapshot; on PostgreSQL (read committed) the figure may
  only be newer than the generation it is filed under, never older.
* A session with writes of its own (pending, or flushed and not yet committed) neither reads
  nor fills the memo: its figures are not yet anyone else's, and may be rolled back.
* Entries of any other generation are served only when none of the writes since touched
  what they depend on (the tags given to ``per_generation``, docs/decisions/0091; by
  default everything); when the store is full, the entry used longest ago makes room (a
  figure read on every page, such as a facet count, outlives the many case studies' cards
  read once each). A page that uses a figure
  depends on what the figure depends on.

``GENERATION_MEMO`` turns it off (tests, by default: they empty tables without a write
through the session, so no new generation would mark the change).
"""

from collections import OrderedDict
from functools import wraps
from threading import Lock

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event

from app.datagen import scopes
from app.datagen.generation import still_current
from app.extensions import db

# Counts over the published catalogue: changed by a write that adds, removes or moves a case
# study in a list or count (``catalogue``), or moves a replication count (``counts``), and by
# any write that is not narrowed at all.
CATALOGUE_FIGURES = frozenset({scopes.CATALOGUE, scopes.COUNTS})
MAX_ENTRIES = 512  # facet counts per set of filters, cards per case study: bounded, least recently used out
_GENERATION = sa.text("SELECT value FROM cache_generation WHERE id = 1")


class GenerationMemo:
    def __init__(self, max_entries=MAX_ENTRIES):
        self.lock = Lock()
        self.max_entries = max_entries
        self.entries = OrderedDict()  # (database, name, args) -> (generation, deps, value)
        self.computed = 0  # how many times a figure was computed (tests, profiling)

    def get(self, name, args, compute, deps=None, deps_of=None):
        """The value of ``compute()`` for this generation. ``deps_of``: a function of the value
        giving what it depends on besides ``deps`` (the case studies a list shows, say)."""
        scopes.depend(deps)  # a page built with this figure depends on what it depends on
        if not current_app.config.get("GENERATION_MEMO", True):
            return self._computed(compute, deps_of)
        session = db.session()
        if session.new or session.dirty or session.deleted or session.info.get("generation_bumped"):
            return self._computed(compute, deps_of)  # this transaction's own writes: not yet anyone else's
        generation = session.info.get("memo_generation")
        if generation is None:
            generation = session.info["memo_generation"] = session.scalar(_GENERATION) or 0
        key = (str(db.engine.url), name, args)
        with self.lock:
            entry = self.entries.get(key)
        if entry is not None and still_current(entry[0], entry[1], generation):
            with self.lock:
                if key in self.entries:
                    self.entries.move_to_end(key)  # recently used: the last to make room
            if deps_of is not None:
                scopes.depend(entry[1])
            if entry[0] != generation:
                with self.lock:
                    if self.entries.get(key) is entry:
                        self.entries[key] = (generation, entry[1], entry[2])
            return entry[2]
        value = compute()
        if deps_of is not None and deps is not None:
            deps = frozenset(deps) | deps_of(value)
            scopes.depend(deps)
        with self.lock:
            self.computed += 1
            if key not in self.entries and len(self.entries) >= self.max_entries:
                self.entries.popitem(last=False)  # the entry used longest ago
            self.entries[key] = (generation, deps, value)
        return value

    @staticmethod
    def _computed(compute, deps_of):
        value = compute()
        if deps_of is not None:
            scopes.depend(deps_of(value))
        return value

    def clear(self):
        with self.lock:
            self.entries.clear()


memo = GenerationMemo()


def _arguments(*args, **kwargs):
    return args, tuple(sorted(kwargs.items()))


def per_generation(key=_arguments, deps=None, deps_of=None):
    """Decorate a function of the public data: its result is remembered for the current
    data generation, under ``key(*args, **kwargs)`` (hashable; by default the arguments
    themselves), and for later generations whose writes touched none of ``deps`` (tags of
    app.datagen.scopes; None: every write counts; a function: of the arguments, as ``key``)
    nor of ``deps_of(result)``, when given
    (what this very result shows: the case studies of a list). It must return a value
    nobody mutates, and never ORM rows (they belong to a session)."""

    def decorate(function):
        name = f"{function.__module__}.{function.__qualname__}"

        @wraps(function)
        def memoised(*args, **kwargs):
            tags = deps(*args, **kwargs) if callable(deps) else deps
            return memo.get(name, key(*args, **kwargs), lambda: function(*args, **kwargs), tags, deps_of)

        memoised.uncached = function
        memoised.deps = deps
        return memoised

    return decorate


@event.listens_for(db.session, "after_transaction_end")
def _forget_generation(session, transaction):
    # The next transaction reads the generation again (it may have moved on).
    if transaction.parent is None:
        session.info.pop("memo_generation", None)
