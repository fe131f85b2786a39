"""What each command does to a node's timers, and the timers made again from what was recorded.

The commands (`log`, `pause`, `resume`, an event) change the stored timers through the
per-timer functions here; a live migration applies the same functions to timers made afresh.

When a process edit changes the SLA of the node an opportunity is at, patching its timers
would carry the old terms' arithmetic along (and, for a deadline counted from an event, lose
the event). Instead the node's timers are made again under the new terms, as if the
opportunity had been on the new version all along: entered when it entered the node, with the
anchors it had then, and each follow-up, pause, resume and event recorded since applied in the
order it was recorded, by the same rules the commands apply (`terms`, `cadence`, the pause
shift). The result is what a fresh start on the new version, replaying the same commands,
stores — the property tests/tracking/test_migration_replay.py checks.

What this cannot see: a field changed on the node after it was entered (`flowkit set`) counts
with its current value, since events keep no old values of fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from flowkit.calendar import Calendar
from flowkit.model import Node
from flowkit.store.rows import EventRow, Fields, NewTimer, TimerUpdate, TimerValues
from flowkit.timers import cadence
from flowkit.timers.terms import deadline_row, later_by_pause, terms_for, timers_on_entry

OPEN = ("running", "paused", "late")  # what a command reads of a node's timers


def replayed(
    node: Node, fields: Fields, history: Sequence[EventRow], cal: Calendar
) -> list[NewTimer]:
    """The open timers of `node` (where the opportunity is now) after its `history` (every
    event of the opportunity, in recorded order), under the node's current SLA.

    A command sees only the open timers, so a period that a command closed is left out of
    the next ones, as the store leaves it out of what the next command reads."""
    entry = max(i for i, e in enumerate(history) if e["kind"] == "entered")
    anchors = anchors_in(history[:entry])
    live = timers_on_entry(node, fields, history[entry]["at"], cal, anchors)
    pause: datetime | None = None
    for event in history[entry + 1 :]:
        kind, at = event["kind"], event["at"]
        if kind == "follow_up":
            method = str(event["data"]["method"])
            rolled = _rolled(live, event["recorded_at"], cal)
            live = [_set(t, follow_up(t, method, at)) for t in rolled]
        elif kind == "paused":
            live = [_set(t, paused(t)) for t in _rolled(live, at, cal)]
            pause = at
        elif kind == "resumed" and pause is not None:
            live = [_set(t, resumed(t, pause, at, cal)) for t in live]
            pause = None
        elif kind == "event":
            anchors[str(event["data"]["event"])] = at
            live = [_set(t, anchored(t, node, fields, cal, anchors)) for t in live]
        live = [t for t in live if t["state"] in OPEN]
    return live


def anchors_in(history: Sequence[EventRow]) -> dict[str, datetime]:
    """Events and completed nodes by id, with when they last happened (as `advance` reads
    them when it enters a node)."""
    found: dict[str, datetime] = {}
    for event in history:
        if event["kind"] == "event":
            found[str(event["data"]["event"])] = event["at"]
        elif event["kind"] == "completed" and event["node"]:
            found[event["node"]] = event["at"]
    return found


def _set(timer: NewTimer, update: TimerUpdate | None) -> NewTimer:
    return timer if update is None else NewTimer(**{**timer, **update})


def _rolled(timers: list[NewTimer], until: datetime, cal: Calendar) -> list[NewTimer]:
    """Cadence periods that ended by `until` settled and the periods after them opened, as
    `settling.due` settles a node's stored timers."""
    behind = any(t["state"] == "late" for t in timers)
    found: list[NewTimer] = []
    for timer in timers:
        update, rows = cadence.roll(timer, until, cal, behind)
        found += [_set(timer, update), *rows]
    return found


def follow_up(timer: TimerValues, method: str, at: datetime) -> TimerUpdate | None:
    """What a follow-up of `method` at `at` changes in a timer (`flowkit log`)."""
    if cadence.counts(timer, method, at):
        return cadence.counted(timer)
    if cadence.caught_up(timer, method, at):
        return {"state": "missed"}  # history: follow-ups resumed
    return None


def paused(timer: TimerValues) -> TimerUpdate | None:
    """What a pause changes in a timer: a running clock stops."""
    return {"state": "paused"} if timer["state"] == "running" else None


def resumed(
    timer: TimerValues, paused_at: datetime, resumed_at: datetime, cal: Calendar
) -> TimerUpdate | None:
    """What a resume changes in a timer the pause stopped: due and warning pushed back by
    the pause, measured the way the timer counts time."""
    if timer["state"] != "paused":
        return None
    due, warn, business = timer["due_at"], timer["warn_at"], timer["business"]
    update: TimerUpdate = {"state": "running"}
    if due is not None:
        update["due_at"] = later_by_pause(due, paused_at, resumed_at, business, cal)
    if warn is not None:
        update["warn_at"] = later_by_pause(warn, paused_at, resumed_at, business, cal)
    return update


def anchored(
    timer: TimerValues, node: Node, fields: Fields, cal: Calendar, anchors: Mapping[str, datetime]
) -> TimerUpdate | None:
    """What an anchor happening changes: a deadline waiting for it gets its due time."""
    if timer["state"] not in ("running", "paused") or timer["due_at"] is not None:
        return None
    if timer["anchor"] not in anchors:
        return None
    assert node.sla is not None, "a waiting deadline comes from the node's SLA"
    fresh = deadline_row(node.id, terms_for(node.sla, fields), timer["started_at"], cal, anchors)
    return {
        "due_at": fresh["due_at"],
        "warn_at": fresh["warn_at"],
        "data_until": fresh["data_until"],
    }
