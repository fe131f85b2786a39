"""Reading the audit log: what the person asking may see of it.

An auditor or admin sees every entry; a manager the entries of their team's people and
of their team's records (who touched them); everyone else nothing (`rules`: the audit
action). Reading it is itself not logged: it changes nothing and shows no customer data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from flowkit.access.guard import Access
from flowkit.store import LogEntryRow, Store


def entries(
    store: Store,
    access: Access,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    actors: Sequence[str] = (),
    commands: Sequence[str] = (),
    outcome: str | None = None,
    limit: int | None = None,
) -> list[LogEntryRow]:
    """The entries in the period, oldest first, filtered as asked and by reach."""
    from flowkit.store.auditlog import LogFilter

    reach = access.owners("audit-log")
    where = LogFilter(since, until, frozenset(actors) or None, tuple(commands), outcome)
    if reach is not None and where.actors is not None:
        where = replace(where, actors=where.actors & reach)
    with store.read() as tx:  # a refusal is logged when the read ends
        access.require_any("audit-log")
        found = tx.log.entries(where)
        if reach is not None:  # a manager: their people's doings, and doings to their records
            found = (e for e in found if e["actor"] in reach or e["owner"] in reach)
        rows = list(found)
    return rows[-limit:] if limit else rows
