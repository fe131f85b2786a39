"""The audit log's queries: append an entry, list entries. Nothing here updates or deletes.

An entry is written in the transaction of the write it records (so the two land together or
not at all); a refusal, after the refused command's transaction rolled back, in one of its
own (`Store.write`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, insert, select

from flowkit.store.lean import Lean
from flowkit.store.rows import LogEntryRow, NewLogEntry
from flowkit.store.tables import audit_log


@dataclass(frozen=True)
class LogFilter:
    """Which entries to list; None or empty means any."""

    since: datetime | None = None
    until: datetime | None = None
    actors: frozenset[str] | None = None  # the scope of the person asking, or chosen ones
    commands: tuple[str, ...] = ()
    outcome: str | None = None


_INSERT = Lean(insert(audit_log))  # on SQLite run on the driver: every write appends one


class AuditLogQueries:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, entries: list[NewLogEntry]) -> None:
        if len(entries) == 1:  # the usual case: one statement, not an executemany
            _INSERT.run(self.conn, entries[0])
        elif entries:
            _INSERT.run(self.conn, entries)

    def entries(self, where: LogFilter, limit: int | None = None) -> Iterator[LogEntryRow]:
        """Oldest first, as they happened."""
        query = select(audit_log).order_by(audit_log.c.id)
        c = audit_log.c
        if where.since is not None:
            query = query.where(c.at >= where.since)
        if where.until is not None:
            query = query.where(c.at < where.until)
        if where.actors is not None:
            query = query.where(c.actor.in_(sorted(where.actors)))
        if where.commands:
            query = query.where(c.command.in_(where.commands))
        if where.outcome is not None:
            query = query.where(c.outcome == where.outcome)
        if limit is not None:
            query = query.limit(limit)
        for row in self.conn.execute(query):
            yield cast(LogEntryRow, dict(row._mapping))
