"""What one command writes, and the small rules every command's times obey.

A command works out a `Change` in memory and writes it at once (`write`), so that
nothing is half-written; `when` and `not_before` keep recorded times honest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from flowkit.errors import InputError
from flowkit.messages import Message, msg
from flowkit.store import (
    EventData,
    InstanceRow,
    InstanceUpdate,
    KeptTimer,
    NewEvent,
    NewTimer,
    TimerRow,
    TimerUpdate,
    TimerValues,
)

if TYPE_CHECKING:
    from flowkit.store import Tx


@dataclass
class Change:
    """Everything one command writes, collected before anything is written."""

    instance: InstanceUpdate = field(default_factory=InstanceUpdate)
    events: list[NewEvent] = field(default_factory=list)
    timer_updates: list[tuple[int, TimerUpdate]] = field(default_factory=list)
    new_timers: list[NewTimer] = field(default_factory=list)
    history: list[KeptTimer] = field(default_factory=list)  # timers as they were before
    moved: list[TimerValues] = field(default_factory=list)  # stored timers given a new due

    def timed(self) -> list[TimerValues]:
        """The timers this command gives a due instant: new ones and moved ones."""
        return [*self.new_timers, *self.moved]

    def current(self, timer: TimerRow | NewTimer) -> TimerValues:
        """A timer as this command has changed it so far (a stored one or a new one)."""
        if "id" not in timer:
            return NewTimer(**timer)  # a new timer holds its changes (see `update`)
        found: TimerRow = {**timer}
        for timer_id, values in self.timer_updates:
            if timer_id == timer["id"]:
                found = {**found, **values}
        return found

    def update(self, timer: TimerRow | NewTimer, values: TimerUpdate) -> None:
        """Change a timer: a stored one by an update to write, a new one in place (its
        changed copy takes its place in `new_timers`).

        A stored timer's values before the command are kept for `status --as-of`, except
        when a running timer just ends: its `ended_at` already says it ran until then.
        """
        if "id" not in timer:
            self._replace(timer, {**timer, **values})
            return
        from flowkit.store.history import kept  # SQLAlchemy's: loaded by writes only

        first = all(h["timer_id"] != timer["id"] for h in self.history)
        before = kept(timer, values) if first else None
        if before is not None:
            self.history.append(before)
        self.timer_updates.append((timer["id"], values))
        if values.get("due_at") is not None:
            self.moved.append(self.current(timer))

    def _replace(self, timer: NewTimer, changed: NewTimer) -> None:
        for i, new in enumerate(self.new_timers):
            if new is timer:
                self.new_timers[i] = changed
                return
        raise LookupError("a new timer is changed only once it is one of the change's")

    def effective(self) -> datetime:
        """When this command's changes took effect: the time its events happened (--at)."""
        at: datetime = max(e["at"] for e in self.events)
        return at


def write(tx: Tx, instance_id: int, row: InstanceRow | None, change: Change) -> None:
    """Write one command's change: the instance first (its revision is the lock); `row`
    None: the instance was just inserted with its change (`start`)."""
    last = 0
    if row is not None:
        last = row["last_seq"]
        values: InstanceUpdate = {**change.instance, "last_seq": last + len(change.events)}
        tx.update_instance(instance_id, row["revision"], values)
    tx.add_events(instance_id, last, change.events)
    if change.history:
        tx.keep_timer_history(change.effective(), change.history)
    for timer_id, update in change.timer_updates:
        tx.update_timer(timer_id, update)
    tx.add_timers(instance_id, change.new_timers)


def event_row(
    kind: str, at: datetime, now: datetime, node: str | None, data: EventData
) -> NewEvent:
    return {"kind": kind, "at": at, "recorded_at": now, "node": node, "data": data}


def when(at: datetime | None, now: datetime) -> datetime:
    if at is None:
        return now
    if at.tzinfo is None:
        raise InputError(msg("times must carry a timezone"))
    if at > now:
        raise InputError(
            msg(
                "--at {at} is in the future (now is {now})",
                at=at.isoformat(),
                now=now.isoformat(),
            )
        )
    return at


def not_before(at: datetime, earliest: datetime, what: Message) -> None:
    """`at` is not before `earliest`, which is when `what` happened."""
    if at < earliest:
        then = earliest.astimezone(at.tzinfo).isoformat()  # in the offset the user wrote
        raise InputError(
            msg("--at {at} is before {what} ({then})", at=at.isoformat(), what=what, then=then)
        )
