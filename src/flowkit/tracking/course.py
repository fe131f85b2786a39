"""An opportunity's course through its process: what leaving a node does to its timers,
when it may be left, and the history deadlines count from.

Plain functions of the records they are given (the tracker opens the transaction and
writes the change), shared by the tracker's commands and the holiday-data retiming.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from flowkit.calendar import Calendar
from flowkit.messages import msg
from flowkit.model import Node, Process
from flowkit.store import InstanceRow, TimerRow, TimerUpdate
from flowkit.timers import replay
from flowkit.tracking.changes import Change, not_before

if TYPE_CHECKING:
    from flowkit.store import Tx


def leave(node: Node, timers: Sequence[TimerRow], at: datetime, change: Change) -> None:
    """End the node's open timers: a deadline is met or missed, a cadence stops."""
    for timer in [*timers, *change.new_timers]:
        now_is = change.current(timer)  # with what rolling already decided
        if timer["node"] != node.id or now_is["state"] not in ("running", "paused", "late"):
            continue
        update: TimerUpdate
        if now_is["state"] == "late":  # a short period left behind: history now
            update = {"state": "missed"}
        elif now_is["kind"] == "deadline" and now_is["due_at"] is not None:
            update = {"state": "met" if at <= now_is["due_at"] else "missed", "ended_at": at}
        else:
            update = {"state": "stopped", "ended_at": at}
        change.update(timer, update)


def check_leaving(tx: Tx, row: InstanceRow, at: datetime, now: datetime) -> None:
    """A node is left (advance, close) no earlier than it was entered, nor, with a
    backdated --at, before the work already recorded on it happened."""
    not_before(at, row["node_entered_at"], msg("entering its current node"))
    if at < now:
        last = tx.last_work_at(row["id"], row["node"])
        if last is not None:
            not_before(at, last["at"], _WORK[last["kind"]])


def anchors(tx: Tx, instance_id: int) -> dict[str, datetime]:
    """Events and completed nodes by id, with when they (last) happened."""
    return replay.anchors_in(tx.events(instance_id))


def start_waiting(
    process: Process,
    row: InstanceRow,
    tx: Tx,
    anchors: Mapping[str, datetime],
    change: Change,
    cal: Calendar,
) -> None:
    for timer in tx.timers(row["id"], ("running", "paused")):
        node = process.node_by_id[timer["node"]]
        update = replay.anchored(timer, node, row["fields"], cal, anchors)
        if update is not None:
            change.update(timer, update)


def anchored(node: Node) -> bool:
    """Whether the node's SLA (or one of its overrides) counts from an event or an earlier
    node."""
    sla = node.sla
    return sla is not None and (sla.anchor is not None or any(o.anchor for o in sla.overrides))


def ended_state(node: Node) -> str:
    """An end node's outcome names the closed state: won, lost, resolved..."""
    return (node.outcome or "closed")[:10]


def risk_was(row: InstanceRow) -> str:
    """The risk flag before a change, as a `risk` event keeps it: its note, or "" when clear."""
    return (row["risk_note"] or "有风险") if row["risk"] else ""


_WORK = {
    "follow_up": msg("the follow-up recorded on its current node"),
    "delivered": msg("the delivery recorded on its current node"),
    "event": msg("the event recorded on its current node"),
}
