"""What editing a process means for opportunities already running on an older version.

Running opportunities stay on the text they started on until someone moves them. `impact`
compares the pinned versions of live opportunities with the process files as they are now
(for `flowkit validate --db`); `plan` and `migrate` move them (`flowkit migrate`): each
opportunity keeps its node, or goes to the node named in `mapping` when its node was removed;
when the node's SLA changed, its open timers are replaced by the ones the new terms give
over what was recorded since the opportunity entered the node (`timers.replay`): from the
entry, its anchors, follow-ups, pauses and events, as a fresh start on the new version
replaying the same commands would have them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from flowkit.calendar import Calendar
from flowkit.errors import ConflictError, InputError
from flowkit.messages import Message, msg
from flowkit.model import Node, Process
from flowkit.store import InstanceRow, LiveVersion, TimerValues, Tx
from flowkit.timers import replay
from flowkit.tracking.changes import Change, event_row
from flowkit.tracking.tracker import Tracker


@dataclass(frozen=True)
class Step:
    """The opportunities of one (old version, node), and what moving them does."""

    process_id: str
    digest: str
    old_version: str
    new_version: str
    node: str
    node_name: str
    count: int
    target: str | None  # the node they go to; None: removed and not mapped
    sla_before: str
    sla_after: str
    terms_changed: bool = False  # the SLA's terms differ (its text, or only its overrides)

    @property
    def movable(self) -> bool:
        return self.target is not None

    @property
    def retimed(self) -> bool:
        return self.sla_before != self.sla_after or self.terms_changed

    def describe(self) -> str:
        """The step in English (`message()` says it in any language)."""
        return self.message().text()

    def message(self) -> Message:
        """What moving these opportunities does, for people."""
        head = msg(
            "{n} open of {process} {version} at '{node}' ({name})",
            n=self.count,
            process=self.process_id,
            version=self.old_version,
            node=self.node,
            name=self.node_name,
        )
        if self.target is None:
            return msg(
                "{head}: version {version} removes this node; map it with --map {node}=NODE",
                head=head,
                version=self.new_version,
                node=self.node,
            )
        moved = self.target != self.node
        values = {"head": head, "version": self.new_version, "target": self.target}
        if self.retimed and self.sla_before == self.sla_after:  # only its overrides changed
            values |= {"after": self.sla_after}
            if moved:
                return msg(
                    "{head}: move to {version} → '{target}'; SLA '{after}': its overrides changed",
                    **values,
                )
            return msg("{head}: move to {version}; SLA '{after}': its overrides changed", **values)
        if self.retimed:
            values |= {"before": self.sla_before, "after": self.sla_after}
            if moved:
                return msg(
                    "{head}: move to {version} → '{target}'; SLA '{before}' → '{after}'", **values
                )
            return msg("{head}: move to {version}; SLA '{before}' → '{after}'", **values)
        if moved:
            return msg("{head}: move to {version} → '{target}'", **values)
        return msg("{head}: move to {version}", **values)


def plan(tracker: Tracker, mapping: Mapping[str, str] | None = None) -> list[Step]:
    """One step per group of live opportunities not on their process's current version."""
    mapping = mapping or {}
    with tracker.store.read() as tx:
        steps = _planned(tracker, tx, mapping)
    for old_node, new_node in mapping.items():
        if not any(s.node == old_node for s in steps):
            raise InputError(
                msg(
                    "--map {old}={new}: no live opportunity is at '{old}'",
                    old=old_node,
                    new=new_node,
                )
            )
    return steps


def _planned(tracker: Tracker, tx: Tx, mapping: Mapping[str, str]) -> list[Step]:
    steps = []
    for group in tx.live_versions():
        current = tracker.definitions.current.get(group["process_id"])
        if current is None or group["node"] is None:
            continue
        digest = tracker.definitions.digest(current)
        if group["process_hash"] == digest:
            continue
        old = tracker.definitions.of(tx, group["process_hash"])
        steps.append(_step(group, old, current, mapping))
    return steps


def _step(group: LiveVersion, old: Process, new: Process, mapping: Mapping[str, str]) -> Step:
    node_id = str(group["node"])
    target = mapping.get(node_id, node_id)
    if target not in new.node_by_id:
        if node_id in mapping:
            raise InputError(
                msg(
                    "--map {old}={new}: {process} has no node '{new}'",
                    old=node_id,
                    new=target,
                    process=new.id,
                )
            )
        target_or_none = None
    else:
        target_or_none = target
    before = old.node_by_id[node_id]
    after = new.node_by_id.get(target) if target_or_none else None
    return Step(
        new.id,
        group["process_hash"],
        old.version,
        new.version,
        node_id,
        before.name,
        int(group["count"]),
        target_or_none,
        _sla(before),
        _sla(after) if after else "",
        after is not None and after.sla != before.sla,  # where it is written is not compared
    )


def _sla(node: Node | None) -> str:
    return node.sla.text if node is not None and node.sla is not None else ""


def migrate(tracker: Tracker, steps: list[Step], now: datetime) -> int:
    """Move every movable opportunity of `steps`, all in one transaction; returns how many.

    `steps` is the plan the user saw. It is made again once this transaction holds the
    writers' lock, so that two migrations started at once never move an opportunity twice
    (issue 10): when another command moved them all meanwhile, nothing is left to do (0);
    when what is left differs from `steps` (an opportunity advanced, another migrated),
    nothing is written and the user is told to look at the plan again."""
    moved = 0
    with tracker.store.write() as tx:
        entry = tracker.access.require_any("migrate")
        tx.serialize()  # a migration started at the same moment waits, then sees this one's
        mapping = {s.node: str(s.target) for s in steps if s.movable and s.target != s.node}
        fresh = _planned(tracker, tx, mapping)
        if not fresh:
            return 0
        if _key(fresh) != _key(steps):
            raise ConflictError(
                msg(
                    "the opportunities to migrate changed while this command ran (another "
                    "command moved some of them); nothing was written"
                ),
                msg("run flowkit migrate again to see the plan as it is now"),
            )
        tx.log.add([entry])
        for step in fresh:
            if not step.movable:
                continue
            process = tracker.definitions.current[step.process_id]
            digest = tracker.definitions.pin(tx, process, now)
            target = process.node_by_id[str(step.target)]
            cal = tracker.calendar(process.calendar)
            for row in tx.instances_on(step.digest, step.node):
                change = Change(instance={"process_hash": digest, "node": target.id})
                data = {"from": step.old_version, "to": step.new_version, "node": target.id}
                change.events.append(event_row("migrated", now, now, target.id, data))
                _retime(tx, row, target, cal, now, change)
                tracker.write(tx, row["id"], row, change, process, bulk=True)
                moved += 1
    return moved


def _key(steps: list[Step]) -> list[tuple[str, str, int, str | None]]:
    """What a plan moves, in an order of its own: which opportunities, how many, where."""
    return sorted((s.digest, s.node, s.count, s.target) for s in steps)


def _retime(
    tx: Tx, row: InstanceRow, node: Node, cal: Calendar, now: datetime, change: Change
) -> None:
    """Replace the opportunity's open timers by the ones the new version gives over its
    history, when they differ: any change of the node's SLA, its overrides or the process's
    calendar shows here, and an unchanged timer keeps its row and its history."""
    history = tx.events(row["id"])
    fresh = replay.replayed(node, row["fields"], row["node_entered_at"], history, cal)
    current = tx.timers(row["id"], replay.OPEN)
    if sorted(map(_values, current)) == sorted(map(_values, fresh)):
        return
    for timer in current:
        change.update(timer, {"state": "stopped", "ended_at": now})
    change.new_timers += fresh


_COMPARED = (
    *("node", "kind", "sla", "business", "calendar", "started_at", "due_at", "warn_at"),
    *("anchor", "required", "done", "method", "period", "state"),
)


def _values(timer: TimerValues) -> tuple[str, ...]:
    """What a timer holds, comparable between a stored timer and a new one (instants in
    UTC: the store gives them back in UTC, a new timer holds the calendar's zone)."""
    found = (timer[k] for k in _COMPARED)  # type: ignore[literal-required]
    return tuple(
        v.astimezone(UTC).isoformat() if isinstance(v, datetime) else str(v) for v in found
    )
