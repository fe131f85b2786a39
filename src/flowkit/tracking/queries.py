"""Read-only answers: one opportunity in full and the tracking table; the status of SLAs
is `tracking.alerting` (exported here too)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from functools import partial

from flowkit.lang.sla import Cutoff
from flowkit.model import Process
from flowkit.store import EventRow, Fields, InstanceRow, StatusFilter, TimerRow
from flowkit.timers.settling import periods
from flowkit.timers.terms import guessed, terms_for
from flowkit.tracking.alerting import status
from flowkit.tracking.tracker import Tracker, missing_opportunity
from flowkit.tracking.views import Alert, EventView, InstanceView, TimerView

__all__ = ["Alert", "listing", "show", "status"]


def show(
    tracker: Tracker,
    instance_id: int,
    now: datetime | None = None,
    lang: str | None = None,
    tz: tzinfo | None = None,
) -> InstanceView:
    """One opportunity in full; with `now`, its cadence periods over by then are shown
    settled (met, late, missed), as the next command on it will store them. A deadline's
    explanation is told in `lang`, by default in its process's locale, with its instants
    in the zone `tz` (default: the calendar's), and the pauses that moved it."""
    with tracker.store.read() as tx:
        row = tx.instance(instance_id)
        missing = partial(missing_opportunity, instance_id)
        tracker.access.found("show", f"opportunity {instance_id}", row and row["owner"], missing)
        assert row is not None  # found() raised otherwise
        process = tracker.definitions.of(tx, row["process_hash"])
        fields = row["fields"]
        stored = tx.timers(instance_id)
        if now is not None and row["state"] == "open":
            stored = periods(tracker.calendar, stored, now)
        events = tx.events(instance_id)
        said = _Said(lang, tz, _pauses(events))
        timers = tuple(_timer_view(tracker, process, t, fields, said) for t in stored)
        history = tuple(
            EventView(
                e["seq"],
                e["kind"],
                e["at"],
                e["recorded_at"],
                e["node"],
                e["data"],
                _node_name(process, e["node"]),
            )
            for e in events
        )
    return _instance_view(tracker, process, row, timers, history)


def _node_name(process: Process, node_id: str | None) -> str:
    node = process.node_by_id.get(node_id or "")
    return node.name if node else (node_id or "")


def listing(
    tracker: Tracker, where: StatusFilter, limit: int | None = None, offset: int = 0
) -> list[InstanceView]:
    """The progress tracking table (销售节点进度跟踪表), filtered (to what the person acting
    may see)."""
    where = replace(where, owners=tracker.access.narrowed("list", where.owners))
    with tracker.store.read() as tx:
        rows = tx.instances(where, limit, offset)
        due = tx.next_due([r["id"] for r in rows])
        views = []
        for r in rows:
            view = _instance_view(tracker, tracker.definitions.of(tx, r["process_hash"]), r, (), ())
            first = due.get(r["id"])
            if first is not None:
                cal = tracker.calendar(first["calendar"])
                guess = guessed(first["due_at"], first["data_until"], cal)
                view = replace(view, due_at=first["due_at"], due_uncertain=guess)
            views.append(view)
        return views


@dataclass(frozen=True)
class _Said:
    """How a deadline is explained: in which language and zone, and the pauses (paused,
    resumed or None) of the opportunity, in order."""

    lang: str | None
    tz: tzinfo | None
    pauses: list[tuple[datetime, datetime | None]]


def _pauses(events: Sequence[EventRow]) -> list[tuple[datetime, datetime | None]]:
    found: list[tuple[datetime, datetime | None]] = []
    for e in events:
        if e["kind"] == "paused":
            found.append((e["at"], None))
        elif e["kind"] == "resumed" and found and found[-1][1] is None:
            found[-1] = (found[-1][0], e["at"])
    return found


def _timer_view(
    tracker: Tracker, process: Process, t: TimerRow, fields: Fields, said: _Said
) -> TimerView:
    node = process.node_by_id.get(t["node"])
    return TimerView(
        node=t["node"],
        node_name=node.name if node else t["node"],
        kind=t["kind"],
        sla=t["sla"],
        state=t["state"],
        started_at=t["started_at"],
        due_at=t["due_at"],
        warn_at=t["warn_at"],
        anchor=t["anchor"],
        required=t["required"],
        done=t["done"],
        method=t["method"],
        ended_at=t["ended_at"],
        why=_why(tracker, process, t, fields, said),
        uncertain=guessed(t["due_at"], t["data_until"], tracker.calendar(t["calendar"])),
    )


def _why(
    tracker: Tracker, process: Process, t: TimerRow, fields: Fields, said: _Said
) -> tuple[str, ...]:
    """The calendar's explanation of a business or date-based deadline (holidays skipped,
    调休 counted)."""
    node = process.node_by_id.get(t["node"])
    if t["kind"] != "deadline" or t["due_at"] is None or node is None:
        return ()
    if node.sla is None or t["anchor"] is not None:
        return ()
    deadline = terms_for(node.sla, fields).deadline
    if deadline is None or not (t["business"] or isinstance(deadline.within, Cutoff)):
        return ()
    cal = tracker.calendar(t["calendar"])
    end = t["ended_at"]
    pauses = [
        (a, b)
        for a, b in said.pauses
        if a >= t["started_at"] and (end is None or a < end)  # while this timer ran
    ]
    exp = cal.explain(t["started_at"], deadline.within).paused(pauses, cal, t["business"])
    if said.tz is not None:
        exp = exp.seen_in(said.tz)
    return tuple(exp.lines(said.lang or process.locale))


def _instance_view(
    tracker: Tracker,
    process: Process,
    row: InstanceRow,
    timers: tuple[TimerView, ...],
    history: tuple[EventView, ...],
) -> InstanceView:
    node = process.node_by_id.get(row["node"]) if row["node"] else None
    return InstanceView(
        id=row["id"],
        process_id=process.id,
        process_name=process.name,
        process_version=process.version,
        name=row["name"],
        customer=row["customer"],
        node=row["node"],
        node_name=node.name if node else _closed_name(row),
        lane=(node.lane or "") if node else "",
        owner=row["owner"],
        owner_name=tracker.person_name(row["owner"]),
        state=row["state"],
        expected_close=row["expected_close"],
        next_action=row["next_action"],
        risk=row["risk"],
        risk_note=row["risk_note"],
        fields=dict(row["fields"]),
        started_at=row["started_at"],
        node_entered_at=row["node_entered_at"],
        closed_at=row["closed_at"],
        timers=timers,
        history=history,
        revision=row["revision"],
    )


def _closed_name(row: InstanceRow) -> str:
    return str(row["close_reason"] or row["state"])
