"""The tracking API: every command on an opportunity is one method and one transaction.

Each write reads the instance, works out every change in memory, then writes: first the
instance row (naming the revision it read, so a concurrent writer makes this one fail
with ConflictError and nothing is written), then the events and timers. Time is always
passed in: `at` is when it really happened, `now` is the clock (never read in here).

This module holds the Tracker and the opportunity's course through its process (start,
advance); the other commands live in modules of their own and are bound here as methods:
`work` (log, deliver, record_event), `facts` (set_risk, assign, update) and `clocks`
(pause, resume, close). The helpers they share (`open_row`, `rolled`, `leave`, `won`…)
are the Tracker's methods below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowkit.calendar import Calendar, CalendarSpec, get_calendar
from flowkit.engine import cadence, clocks, facts, work
from flowkit.engine.changes import (
    Change,
    event_row,
    not_before,
    when,
    write,
)
from flowkit.engine.definitions import Definitions
from flowkit.engine.people import check_actor, check_owner, person_name
from flowkit.engine.routing import next_node
from flowkit.engine.timers import timers_on_entry
from flowkit.engine.values import typed_fields
from flowkit.errors import ConflictError, InputError
from flowkit.model import Node, Org, Process
from flowkit.store import Row, Store, Tx

if TYPE_CHECKING:
    from flowkit.engine.customers import CustomerBook


class Tracker:
    def __init__(
        self,
        store: Store,
        definitions: Definitions,
        people: Org | None = None,
        calendars: Mapping[str, CalendarSpec] | None = None,
    ) -> None:
        self.store = store
        self.definitions = definitions
        self.people = people  # from org.yaml; None when no people are declared
        self.calendars = calendars or {}
        self._calendar_cache: dict[str, Calendar] = {}
        self._lane_names: dict[str, str] | None = None
        self.customers: CustomerBook | None = None  # set by open_tracker: profiles and rules
        self.warnings: list[str] = []  # said to the user after a command (the CLI prints them)

    def person_name(self, person_id: str) -> str:
        return person_name(self.people, person_id)

    def check_owner(self, person: str) -> None:
        check_owner(self.people, person)

    def lane_name(self, lane_id: str) -> str:
        """销售顾问 for the lane id consultant (as the current processes name it)."""
        if self._lane_names is None:
            current = self.definitions.current.values()
            self._lane_names = {lane.id: lane.name for p in current for lane in p.lanes}
        return self._lane_names.get(lane_id, lane_id)

    def calendar(self, name: str) -> Calendar:
        if name not in self._calendar_cache:
            self._calendar_cache[name] = get_calendar(name, self.calendars)
        return self._calendar_cache[name]

    # start ---------------------------------------------------------------------------------
    def start(
        self,
        process_id: str,
        *,
        name: str,
        customer: str,
        owner: str,
        now: datetime,
        at: datetime | None = None,
        fields: Mapping[str, str] | None = None,
        expected_close: date | None = None,
        next_action: str = "",
    ) -> int:
        at = when(at, now)
        process = self.definitions.start_on(process_id)
        values = typed_fields(process, fields or {})
        self.check_owner(owner)
        if not name.strip() or not customer.strip():
            raise InputError("an opportunity needs a name and a customer")
        start = process.start
        if start is None:
            raise InputError(f"process '{process.id}' has no start node")
        with self.store.write() as tx:
            digest = self.definitions.pin(tx, process, now)
            profile = self._customer_of(tx, customer.strip(), now)
            row = {
                "process_id": process.id,
                "process_hash": digest,
                "customer_id": profile["id"] if profile else None,
                "name": name.strip(),
                "customer": profile["name"] if profile else customer.strip(),
                "owner": owner,
                "node": start.id,
                "node_entered_at": at,
                "state": "open",
                "expected_close": expected_close,
                "next_action": next_action,
                "risk": False,
                "risk_note": "",
                "fields": values,
                "started_at": at,
                "close_reason": "",
            }
            change = Change()
            change.events.append(event_row("started", at, now, start.id, {"fields": values}))
            self._enter(process, row, next_node(start, None, values), at, now, change, dict)
            instance_id = tx.add_instance(
                {**row, **change.instance, "last_seq": len(change.events)}
            )
            write(tx, instance_id, None, change)
        return instance_id

    # moving through the process --------------------------------------------------------------
    def advance(
        self,
        instance_id: int,
        *,
        now: datetime,
        at: datetime | None = None,
        outcome: str | None = None,
        expect_node: str | None = None,
        by: str | None = None,
    ) -> str:
        """Complete the current node and move on; returns the node (or end) reached."""
        at = when(at, now)
        with self.store.write() as tx:
            row, process = self.open_row(tx, instance_id)
            node = process.node_by_id[row["node"]]
            if expect_node is not None and expect_node != node.id:
                raise ConflictError(
                    f"opportunity {instance_id} is at '{node.id}' ({node.name}) now, "
                    f"not at '{expect_node}': someone moved it; nothing was written"
                )
            check_actor(self.people, by or row["owner"], node, process)
            self.check_leaving(tx, row, at, now)
            change = Change()
            timers = self.rolled(tx, row, at, change)
            self.leave(node, timers, at, change)
            change.events.append(
                event_row(
                    "completed", at, now, node.id, {"outcome": outcome, "by": by or row["owner"]}
                )
            )
            target = next_node(node, outcome, row["fields"])

            def anchors() -> dict[str, datetime]:
                return self.anchors(tx, instance_id) | {node.id: at}

            self._enter(process, row, target, at, now, change, anchors)
            write(tx, instance_id, row, change)
            self.won(tx, row, change, at, now)
            return str(change.instance.get("node") or change.instance.get("state", ""))

    def _enter(
        self,
        process: Process,
        row: Mapping[str, Any],
        target: str,
        at: datetime,
        now: datetime,
        change: Change,
        anchors: Callable[[], dict[str, datetime]],
    ) -> None:
        """Enter `target`, passing through decisions routed by conditions, ending at an end;
        `anchors` is asked for (a read of the history) only by a node whose SLA needs it."""
        fields = change.instance.get("fields", row["fields"])
        node = process.node_by_id[target]
        while node.type == "decision" and node.route_kind == "conditions":
            change.events.append(event_row("routed", at, now, node.id, {}))
            node = process.node_by_id[next_node(node, None, fields)]
        change.events.append(event_row("entered", at, now, node.id, {}))
        if node.type == "end":
            change.instance.update(
                node=None,
                state=_ended_state(node),
                closed_at=at,
                node_entered_at=at,
                close_reason=node.name,
            )
            change.events.append(event_row("closed", at, now, node.id, {"outcome": node.outcome}))
            return
        change.instance.update(node=node.id, node_entered_at=at)
        cal = self.calendar(process.calendar)
        fresh = timers_on_entry(node, fields, at, cal, anchors() if _anchored(node) else {})
        change.new_timers += fresh
        self._warn_uncovered(node, fresh, cal)

    def _warn_uncovered(self, node: Node, timers: list[dict[str, Any]], cal: Calendar) -> None:
        """A due date beyond the holiday data is computed by the fallback: say so, never
        guess silently (`flowkit calendar check` lists them all later)."""
        for timer in timers:
            due = timer["due_at"]
            if due is not None and not cal.covers(due.astimezone(cal.tz).date()):
                self.warnings.append(
                    f"'{node.name}' is due {due.astimezone(cal.tz):%Y-%m-%d %H:%M}, in a year "
                    f"the {cal.name} calendar has no holiday data for: weekends and fixed-date "
                    "holidays only (flowkit calendar check lists such timers)"
                )

    def leave(self, node: Node, timers: list[Row], at: datetime, change: Change) -> None:
        """End the node's open timers: a deadline is met or missed, a cadence stops."""
        for timer in [*timers, *change.new_timers]:
            now_is = change.current(timer)  # with what rolling already decided
            if timer["node"] != node.id or now_is["state"] not in ("running", "paused", "late"):
                continue
            update: dict[str, Any]
            if now_is["state"] == "late":  # a short period left behind: history now
                update = {"state": "missed"}
            elif now_is["kind"] == "deadline" and now_is["due_at"] is not None:
                update = {"state": "met" if at <= now_is["due_at"] else "missed", "ended_at": at}
            else:
                update = {"state": "stopped", "ended_at": at}
            change.update(timer, update)

    # the commands of work.py, facts.py and clocks.py, bound here as methods
    log = work.log
    deliver = work.deliver
    record_event = work.record_event
    set_risk = facts.set_risk
    assign = facts.assign
    update = facts.update
    pause = clocks.pause
    resume = clocks.resume
    close = clocks.close

    # helpers the command modules share ---------------------------------------------------------
    def won(self, tx: Tx, row: Row, change: Change, at: datetime, now: datetime) -> None:
        """A won opportunity of a customer on file becomes an order in its cooperation
        history (amount from the `amount` field when the process has one)."""
        if change.instance.get("state") != "won" or not row["customer_id"] or not self.customers:
            return
        amount = row["fields"].get("amount")
        self.customers.won(tx, row["customer_id"], row["name"], amount, at, now)

    def _customer_of(self, tx: Tx, customer: str, now: datetime) -> Row | None:
        """The profile an opportunity is for, by id or exact name (None: not on file).

        A 潜在客户 becomes 意向客户 with its first opportunity; a 流失客户 gets none."""
        row = tx.customers.named(customer)
        if row is None or row["merged_into"]:
            return None
        if row["stage"] == "lost":
            raise InputError(
                f"customer {row['id']} {row['name']} is 流失客户 (lost)",
                f"set its stage first: flowkit customer edit {row['id']} --stage intent",
            )
        if row["stage"] == "potential":
            tx.customers.update(row["id"], row["revision"], {"stage": "intent", "updated_at": now})
            if self.customers is not None:
                stage = {"stage": ["potential", "intent"]}
                tx.customers.add_changes(
                    [self.customers.change(row["id"], now, "opportunity", stage)]
                )
        return row

    def check_leaving(self, tx: Tx, row: Row, at: datetime, now: datetime) -> None:
        """A node is left (advance, close) no earlier than it was entered, nor, with a
        backdated --at, before the work already recorded on it happened."""
        not_before(at, row["node_entered_at"], "entering its current node")
        if at < now:
            last = tx.last_work_at(row["id"], row["node"])
            if last is not None:
                what = _WORK[last["kind"]]
                not_before(at, last["at"], f"the {what} recorded on its current node")

    def row_of(self, tx: Tx, instance_id: int) -> Row:
        row = tx.instance(instance_id)
        if row is None:
            raise InputError(f"no opportunity {instance_id}", "flowkit list shows them")
        return row

    def open_row(self, tx: Tx, instance_id: int, allow_paused: bool = False) -> tuple[Row, Process]:
        row = self.row_of(tx, instance_id)
        if row["state"] not in ("open", "paused"):
            raise InputError(
                f"opportunity {instance_id} is closed ({row['state']}); it cannot change"
            )
        if row["state"] == "paused" and not allow_paused:
            raise InputError(
                f"opportunity {instance_id} is paused", f"flowkit resume {instance_id} first"
            )
        return row, self.definitions.of(tx, row["process_hash"])

    def rolled(self, tx: Tx, row: Row, until: datetime, change: Change) -> list[Row]:
        """The instance's open timers, with cadence periods that ended by `until` settled
        (`at` for a command that leaves the node then, `now` for a follow-up)."""
        process = self.definitions.of(tx, row["process_hash"])
        cal = self.calendar(process.calendar)
        open_timers = tx.timers(row["id"], ("running", "paused", "late"))
        behind = {t["node"] for t in open_timers if t["state"] == "late"}
        for timer in open_timers:
            update, rows = cadence.roll(timer, until, cal, timer["node"] in behind)
            if update:
                change.update(timer, update)
                change.new_timers += rows
        return open_timers

    def anchors(self, tx: Tx, instance_id: int) -> dict[str, datetime]:
        """Events and completed nodes by id, with when they (last) happened."""
        found: dict[str, datetime] = {}
        for event in tx.events(instance_id):
            if event["kind"] == "event":
                found[event["data"]["event"]] = event["at"]
            elif event["kind"] == "completed" and event["node"]:
                found[event["node"]] = event["at"]
        return found


_WORK = {"follow_up": "follow-up", "delivered": "delivery", "event": "event"}


def _anchored(node: Node) -> bool:
    """Whether the node's SLA (or one of its overrides) counts from an event or an earlier
    node."""
    sla = node.sla
    return sla is not None and (sla.anchor is not None or any(o.anchor for o in sla.overrides))


def _ended_state(node: Node) -> str:
    """An end node's outcome names the closed state: won, lost, resolved..."""
    return (node.outcome or "closed")[:10]


def open_tracker(db: str | None, processes: Sequence[str | Path]) -> Tracker:
    """A tracker on the database `db` (default: ./flowkit.db) for the processes under
    `processes`, with the people of their org.yaml and their custom calendars."""
    from flowkit.engine.customers import CustomerBook

    definitions = Definitions.load(processes)
    tracker = Tracker(Store.open(db), definitions, definitions.org, definitions.calendars)
    tracker.customers = CustomerBook(tracker, definitions.customers)
    return tracker
