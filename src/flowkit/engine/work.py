"""Work recorded on an opportunity's current node: follow-ups (跟进记录), output documents
delivered, and the business events the process declares.

Each is a `Tracker` method (bound in tracker.py) and one transaction. A follow-up counts
toward the cadence periods it falls in, on the opportunity and on its customer; an event
starts the deadlines anchored on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from flowkit.engine import cadence
from flowkit.engine.changes import (
    Change,
    check_follow_up,
    event_row,
    not_before,
    when,
    write,
)
from flowkit.errors import InputError
from flowkit.model import Process
from flowkit.store import Row, Tx

if TYPE_CHECKING:
    from flowkit.engine.tracker import Tracker


def log(
    tracker: Tracker,
    instance_id: int,
    *,
    method: str,
    content: str,
    now: datetime,
    at: datetime | None = None,
    feedback: str = "",
    next_step: str = "",
    by: str | None = None,
) -> None:
    """A follow-up (跟进记录); it counts toward every cadence period it falls in."""
    at = when(at, now)
    check_follow_up(method, content)
    with tracker.store.write() as tx:
        row, _ = tracker.open_row(tx, instance_id, allow_paused=True)
        not_before(at, row["started_at"], "the opportunity started")
        change = Change()
        timers = tracker.rolled(tx, row, now, change)
        for timer in timers + change.new_timers:
            merged = change.current(timer)
            if cadence.counts(merged, method, at):
                change.update(timer, cadence.counted(merged))
            elif cadence.caught_up(merged, method, at):
                change.update(timer, {"state": "missed"})  # history: follow-ups resumed
        data = {
            "method": method,
            "content": content,
            "feedback": feedback,
            "next_step": next_step,
            "by": by or row["owner"],
        }
        change.events.append(event_row("follow_up", at, now, row["node"], data))
        if row["customer_id"] and tracker.customers is not None:
            tracker.customers.record_follow_up(
                tx,
                row["customer_id"],
                method,
                content,
                feedback,
                next_step,
                by or row["owner"],
                at,
                now,
                instance_id,
            )
        if next_step:
            change.instance["next_action"] = next_step
        write(tx, instance_id, row, change)


def deliver(
    tracker: Tracker, instance_id: int, document: str, *, now: datetime, at: datetime | None = None
) -> None:
    at = when(at, now)
    with tracker.store.write() as tx:
        row, process = tracker.open_row(tx, instance_id, allow_paused=True)
        docs = {d.id: d for d in process.documents} | {d.name: d for d in process.documents}
        if document not in docs:
            known = ", ".join(d.id for d in process.documents)
            raise InputError(
                f"process '{process.id}' has no document '{document}' (documents: {known})"
            )
        change = Change()
        change.events.append(
            event_row("delivered", at, now, row["node"], {"document": docs[document].id})
        )
        write(tx, instance_id, row, change)


def record_event(
    tracker: Tracker, instance_id: int, event: str, *, now: datetime, at: datetime | None = None
) -> None:
    """A business event the process declares (交付 delivered): starts timers anchored on it."""
    at = when(at, now)
    with tracker.store.write() as tx:
        row, process = tracker.open_row(tx, instance_id, allow_paused=True)
        known = {e.id: e for e in process.events} | {e.name: e for e in process.events}
        if event not in known:
            ids = ", ".join(e.id for e in process.events) or "none"
            raise InputError(f"process '{process.id}' declares no event '{event}' (events: {ids})")
        event_id = known[event].id
        change = Change()
        change.events.append(event_row("event", at, now, row["node"], {"event": event_id}))
        anchors = tracker.anchors(tx, instance_id) | {event_id: at}
        _start_waiting(tracker, process, row, tx, anchors, change)
        write(tx, instance_id, row, change)


def _start_waiting(
    tracker: Tracker,
    process: Process,
    row: Row,
    tx: Tx,
    anchors: Mapping[str, datetime],
    change: Change,
) -> None:
    from flowkit.engine.timers import deadline_row, terms_for

    cal = tracker.calendar(process.calendar)
    for timer in tx.timers(row["id"], ("running", "paused")):
        if timer["due_at"] is None and timer["anchor"] in anchors:
            node = process.node_by_id[timer["node"]]
            assert node.sla is not None
            terms = terms_for(node.sla, row["fields"])
            fresh = deadline_row(node.id, terms, timer["started_at"], cal, anchors)
            change.update(timer, {k: fresh[k] for k in ("due_at", "warn_at", "data_until")})
