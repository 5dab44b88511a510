"""How each kind of notice reads and where it leads, registered by the feature that makes it
(the replication package for interests, messages, stages and stalls; editing for the review
workflow): the notices package knows no feature, features know it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """``describe(item)`` is one sentence in the current language, plain text; ``link(item)``
    is ``(endpoint, values)`` of the page the notice is about; ``label`` names the kind on
    the preferences page."""

    describe: object
    link: object
    label: object


REGISTRY = {}


def register(name, *, describe, link, label):
    REGISTRY[name] = Kind(describe=describe, link=link, label=label)


def describe(item):
    return REGISTRY[item.kind].describe(item)


def link(item):
    return REGISTRY[item.kind].link(item)


def visible(user, item):
    """A notice about something the user may no longer see (archived since) is not shown."""
    if item.need is not None and not user.can("need.view", item.need):
        return False
    if item.replication is not None:
        return user.can("replication.view", item.replication)
    if item.innovation is not None:
        return user.can("innovation.view", item.innovation)
    return True
