"""What a moved replication count can change of a cached search answer (docs/decisions/0104).

A change to a case study's replications (an outbox row ``count``) rewrites its index
document with the same text and the same facts but its replication count. Scores read live
documents only (engine.py), so every score, query plan and spelling stays as it was; the
count is read by the ``replicated`` filter and facet and by the ``most_replicated`` order,
and nowhere else. A search answer (its page of results, total and facet counts) can
therefore change only if the case study passes every filter of it but ``replicated``, or
all but one when it filters on ``replicated`` (each other facet counts under the rest): the
rule of the catalogue's lists (app/catalog/list_scope.py), with a text query taken to match
(only the index could tell, and asking it is the cost this saves).
"""

import os

from app.catalog import list_scope
from app.datagen.generation import read_rows
from app.search.outbox import COUNT

# Beyond this many changes since a page's index version, it is checked the usual way.
MAX_CHANGES = 200


def unchanged(snap, version, answers):
    """Whether every answer of ``answers`` (``(filters, fingerprint)``), recorded under the
    index version ``version``, is still what the index of ``snap`` gives: every change the
    index may hold since (read after the snapshot was opened, so every change it holds was
    committed, with its outbox row, before) is a moved count of a case study that none of
    the answers can count or show. False when that is not sure."""
    generation, _, applied = (version or "").rpartition(":")
    if not answers or not applied.isdigit():
        return False
    if os.path.basename(snap.path) != generation:
        return False  # rebuilt since: another index altogether
    since = int(applied)
    rows, pruned = snap.memo(("outbox since", since), lambda: _changes_since(since))
    if len(rows) > MAX_CHANGES or pruned > since:
        return False  # too many to look at, or some may be gone
    if any(op != COUNT for _, op in rows):
        return False
    moved = []
    for innovation_id in {row[0] for row in rows}:
        docnum = snap.docnum_of.get(innovation_id)
        if docnum is None:
            return False  # not in the index now: nothing says what it was
        moved.append(snap.facts[docnum])
    return not any(may_count(filters, facts) for filters, _ in answers for facts in moved)


def _changes_since(since):
    """The outbox's ``(innovation id, op)`` after ``since`` (one more than ``MAX_CHANGES`` at
    most) and its pruning mark. Read once per snapshot and version: the rows a snapshot holds
    were all committed before it was opened, so a later read could only add rows it does not."""
    query = f"SELECT innovation_id, op FROM search_outbox WHERE id > {since} ORDER BY id LIMIT {MAX_CHANGES + 1}"  # noqa: S608 - integers only
    rows = read_rows(query)
    # After the rows: a prune in between shows in the mark, and the answers are checked.
    pruned = read_rows("SELECT through FROM search_prune WHERE id = 1")
    return rows, (pruned[0][0] or 0) if pruned else 0


def may_count(filters, facts):
    """Whether a case study with ``facts`` may be counted or shown by an answer under ``filters``
    once its replication count moves: the catalogue's rule for its lists."""
    return list_scope.counted_in_facets(filters.active, facts)
