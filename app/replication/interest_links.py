"""An interest asked from a need (``/inovasi/<slug>/minat?kebutuhan=<id>``).

Needs (app/needs) build on replications, so this package never imports them: app.needs
registers here how a need is found for the asking user (a 404 when they may not see it or
may not replicate for it) and how an interest is linked to it. Unregistered, every
``?kebutuhan=`` is a 404.
"""

from flask import abort

_hooks = {}


def register(find, link):
    """``find(need_id, user)`` -> the need, or abort; ``link(need, replication, user)``."""
    _hooks["find"], _hooks["link"] = find, link


def find_need(need_id, user):
    if "find" not in _hooks:
        abort(404)
    return _hooks["find"](need_id, user)


def link_need(need, replication, user):
    _hooks["link"](need, replication, user)
