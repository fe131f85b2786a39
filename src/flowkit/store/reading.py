"""What the read-only answers ask of the store, whichever way it reads.

`flowkit status` reads one indexed query's worth of rows and writes them out; on SQLite
that is most of its time, and importing SQLAlchemy alone was a fifth of it. So the store
reads the status two ways behind one protocol, `Reads`: a `Tx` (SQLAlchemy, every
database, every moment) and the direct reader of `store.direct` (a current SQLite file,
the current moment, through the standard library's sqlite3 and statements SQLAlchemy
compiled once). `Store.reading` hands out the one that fits.

This module imports no database library: a command that only reads pays for neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from flowkit.store.rows import (
        ActivityRow,
        ChannelFailure,
        CustomerAlertRow,
        LateEntryRow,
        PinnedVersion,
        TimerRow,
    )


@dataclass(frozen=True)
class StatusFilter:
    """What `flowkit status` and `flowkit list` narrow down to (None: no filter)."""

    owners: tuple[str, ...] | None = None
    process: str | None = None
    nodes: tuple[str, ...] | None = None
    states: tuple[str, ...] | None = None
    risk: bool | None = None


# A live alert as the status reads it: a timer running or late, past its warning, with
# its opportunity; a plain tuple (tens of thousands of them), its columns in this order.
LIVE_TIMER_COLUMNS: Final = (
    *("id", "instance_id", "node", "kind", "sla", "calendar", "due_at", "state"),
    *("required", "done", "data_until"),
)
LIVE_INSTANCE_COLUMNS: Final = (
    *("name", "customer", "owner", "process_id", "process_hash", "risk", "risk_note"),
)
LIVE_ALERT_COLUMNS: Final = (*LIVE_TIMER_COLUMNS, *LIVE_INSTANCE_COLUMNS)
LiveAlert = tuple[
    int, int, str, str, str, str, datetime, str, int, int, int | None,
    str, str, str, str, str, bool, str,
]  # fmt: skip


class CustomerReads(Protocol):
    """The customer timers and late follow-up entries a status lists."""

    def alerts(
        self, as_of: datetime, owners: Sequence[str] | None, current: bool
    ) -> list[CustomerAlertRow]: ...

    def late_entries(
        self, since: datetime, until: datetime, late_seconds: int
    ) -> list[LateEntryRow]: ...


class Reads(Protocol):
    """What `tracking` reads to answer a status: a `Tx`, or the direct SQLite reader."""

    @property
    def customers(self) -> CustomerReads: ...

    def live_alerts(self, as_of: datetime, where: StatusFilter) -> Sequence[LiveAlert]: ...

    def timers_by_id(self, timer_ids: Sequence[int]) -> Mapping[int, TimerRow]: ...

    def pinned(self, digest: str) -> PinnedVersion | None: ...

    def holdings(self, owners: Sequence[str]) -> dict[str, tuple[int, int]]: ...

    def failing_channels(self) -> Sequence[ChannelFailure]: ...
    def node_activity(
        self, process_id: str, node: str, since: datetime, until: datetime
    ) -> list[ActivityRow]: ...

    def owners_at(self, process_id: str, node: str) -> list[str]: ...

    def first_started(self, process_id: str) -> datetime | None: ...


def filter_params(where: StatusFilter) -> tuple[tuple[bool, ...], dict[str, object]]:
    """Which of the filters are set (the shape of the statement) and their values, named
    as the statements' parameters: the same for both readers."""
    values: dict[str, object] = {}
    if where.owners is not None:
        values["owners"] = list(where.owners)
    if where.process:
        values["process"] = where.process
    if where.nodes is not None:
        values["nodes"] = list(where.nodes)
    if where.states is not None:
        values["states"] = list(where.states)
    if where.risk is not None:
        values["risk"] = where.risk
    shape = tuple(name in values for name in FILTERS)
    return shape, values


FILTERS: Final = ("owners", "process", "nodes", "states", "risk")


def activity_rows(rows: Sequence[Sequence[Any]]) -> list[ActivityRow]:
    """`node_activity_query`'s rows with who did the work (`by`, empty: nobody named)."""
    return [
        {
            "kind": kind,
            "at": at,
            "by": str(data.get("by") or "") if isinstance(data, dict) else "",
            "owner": owner,
        }
        for kind, at, data, owner in rows
    ]


def owned_counts(
    profiles: Iterable[Sequence[Any]], deals: Iterable[Sequence[Any]]
) -> dict[str, tuple[int, int]]:
    """The two counts per owner (`Reads.holdings`), from the rows of the two queries."""
    found: dict[str, tuple[int, int]] = {}
    for owner, count in profiles:
        found[owner] = (int(count), 0)
    for owner, count in deals:
        found[owner] = (found.get(owner, (0, 0))[0], int(count))
    return found
