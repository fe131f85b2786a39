"""Stopping an opportunity's clocks: pausing (the customer asked to wait), resuming, and
closing it won or lost.

Each is a `Tracker` method (bound in tracker.py) and one transaction. Paused time never
counts: on resume every due and warning instant moves later by the time paused, measured
the way each timer counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flowkit.engine.changes import (
    Change,
    event_row,
    later_by_pause,
    not_before,
    when,
    write,
)
from flowkit.errors import InputError

if TYPE_CHECKING:
    from flowkit.engine.tracker import Tracker


def pause(
    tracker: Tracker, instance_id: int, reason: str, *, now: datetime, at: datetime | None = None
) -> None:
    """Stop the SLA clocks (the customer asked to wait): paused time never counts."""
    at = when(at, now)
    if not reason.strip():
        raise InputError("a pause needs its reason (--reason)")
    with tracker.store.write() as tx:
        row, _ = tracker.open_row(tx, instance_id)
        not_before(at, row["node_entered_at"], "entering its current node")
        change = Change(instance={"state": "paused", "paused_at": at})
        timers = tracker.rolled(tx, row, at, change)
        for timer in [*timers, *change.new_timers]:  # new: a period rolling just opened
            if change.current(timer)["state"] == "running":
                change.update(timer, {"state": "paused"})
        change.events.append(event_row("paused", at, now, row["node"], {"reason": reason}))
        write(tx, instance_id, row, change)


def resume(
    tracker: Tracker,
    instance_id: int,
    *,
    now: datetime,
    at: datetime | None = None,
    reason: str = "",
) -> None:
    at = when(at, now)
    with tracker.store.write() as tx:
        row = tracker.row_of(tx, instance_id)
        if row["state"] != "paused":
            raise InputError(f"opportunity {instance_id} is not paused (it is {row['state']})")
        process = tracker.definitions.of(tx, row["process_hash"])
        paused_at = row["paused_at"]
        not_before(at, paused_at, "it was paused")
        cal = tracker.calendar(process.calendar)
        change = Change(instance={"state": "open", "paused_at": None})
        for timer in tx.timers(instance_id, ("paused",)):
            update: dict[str, Any] = {"state": "running"}
            for key in ("due_at", "warn_at"):
                if timer[key] is not None:
                    update[key] = later_by_pause(timer[key], paused_at, at, timer["business"], cal)
            change.update(timer, update)
        change.events.append(
            event_row(
                "resumed",
                at,
                now,
                row["node"],
                {"reason": reason, "paused_at": paused_at.isoformat()},
            )
        )
        write(tx, instance_id, row, change)


def close(
    tracker: Tracker,
    instance_id: int,
    won: bool,
    reason: str,
    *,
    now: datetime,
    at: datetime | None = None,
) -> None:
    at = when(at, now)
    if not reason.strip():
        raise InputError("closing needs a reason (--reason)", "e.g. --reason '客户选择了竞品'")
    with tracker.store.write() as tx:
        row, process = tracker.open_row(tx, instance_id, allow_paused=True)
        tracker.check_leaving(tx, row, at, now)
        change = Change()
        timers = tracker.rolled(tx, row, at, change)
        tracker.leave(process.node_by_id[row["node"]], timers, at, change)
        state = "won" if won else "lost"
        change.instance.update(
            state=state, node=None, closed_at=at, close_reason=reason, paused_at=None
        )
        change.events.append(
            event_row("closed", at, now, row["node"], {"outcome": state, "reason": reason})
        )
        write(tx, instance_id, row, change)
        tracker.won(tx, row, change, at, now)
