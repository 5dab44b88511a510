"""Panels: a page of one feature shows sections that a later feature provides.

The case-study page (catalog) shows its replications, the network page (networks) its
pipeline, without importing the replication package: dependencies keep pointing one way.
A provider takes the page's record and returns HTML (or None to show nothing).
"""

from collections import defaultdict

from markupsafe import Markup

_providers = defaultdict(list)


def provide(page, order=50):
    """Register the decorated function as a panel of ``page`` (e.g. ``"innovation"``)."""

    def register(function):
        entries = _providers[page]
        if function not in (f for _, f in entries):
            entries.append((order, function))
            entries.sort(key=lambda entry: entry[0])
        return function

    return register


def render(page, record):
    """The HTML of every panel of ``page`` for ``record``, in order."""
    parts = (function(record) for _, function in _providers.get(page, ()))
    return Markup("".join(str(part) for part in parts if part))  # noqa: S704 panels return rendered templates
