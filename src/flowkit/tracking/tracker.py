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

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from flowkit.access.guard import Access
from flowkit.access.people import check_actor, check_owner, person_name
from flowkit.calendar import Calendar, CalendarSpec, get_calendar
from flowkit.customers.book import CustomerBook
from flowkit.customers.checks import BUILT_IN, check_follow_up, methods_of
from flowkit.errors import ConflictError, InputError
from flowkit.messages import Message, msg, term, words
from flowkit.model import Org, Process
from flowkit.store import (
    CustomerRow,
    EventData,
    Fields,
    InstanceRow,
    InstanceUpdate,
    Json,
    NewInstance,
    Store,
    TimerRow,
    TimerValues,
)
from flowkit.timers import replay, settling
from flowkit.timers.terms import guessed, timers_on_entry
from flowkit.tracking.changes import (
    Change,
    event_row,
    not_before,
    when,
    write,
)
from flowkit.tracking.course import (
    anchored,
    anchors,
    check_leaving,
    ended_state,
    leave,
    risk_was,
    start_waiting,
)
from flowkit.tracking.definitions import Definitions
from flowkit.tracking.fields import typed_fields
from flowkit.tracking.routing import next_node

if TYPE_CHECKING:
    from flowkit.store import Tx


class Tracker:
    def __init__(
        self,
        store: Store,
        definitions: Definitions,
        people: Org | None = None,
        calendars: Mapping[str, CalendarSpec] | None = None,
        customers: CustomerBook | None = None,
        access: Access | None = None,
    ) -> None:
        self.store = store
        self.access = access or Access(people)  # who is acting, and what they may do
        self.definitions = definitions
        self.people = people  # from org.yaml; None when no people are declared
        self.calendars = calendars or {}
        self._calendar_cache: dict[str, Calendar] = {}
        self._lane_names: dict[str, str] | None = None
        self.customers = customers  # the profiles opportunities are for (None: no rules)
        # said to the user after a command (the CLI prints them); the customer book's too
        self.warnings: list[Message] = customers.warnings if customers is not None else []
        # Process versions this tracker has seen committed to its store: a row there is never
        # deleted (instances refer to it), so starting another opportunity on one skips the
        # insert (one statement of the four a `start` runs).
        self._stored_versions: set[str] = set()
        # The revision each opportunity had when the person acting last saw it (a web page
        # they opened): a command on one that changed since is refused, not applied on top.
        self.seen: dict[int, int] = {}

    def acting_as(self, access: Access) -> Tracker:
        """This tracker (its store, definitions, caches) for another person acting: one per
        request of the web server, sharing everything but who acts and what they saw."""
        store = self.store.acting_for(access.actor.id)
        book = self.customers
        if book is not None:
            book = book.acting_as(access, store)
        twin = Tracker(store, self.definitions, self.people, self.calendars, book, access)
        twin._calendar_cache = self._calendar_cache
        twin._stored_versions = self._stored_versions
        return twin

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
            raise InputError(msg("an opportunity needs a name and a customer"))
        start = process.start
        if start is None:
            raise InputError(msg("process '{process}' has no start node", process=process.id))
        digest = self.definitions.digest(process)
        with self.store.write() as tx:
            entry = self.access.require("start", owner, "opportunity (new)")
            if digest not in self._stored_versions:
                self.definitions.pin(tx, process, now)
            profile = self.customer_of(tx, customer.strip(), owner, now)
            change = Change()
            change.events.append(event_row("started", at, now, start.id, {"fields": values}))
            self._enter(process, values, next_node(start, None, values), at, now, change, dict)
            row: NewInstance = {
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
                **change.instance,
                "last_seq": len(change.events),
            }
            instance_id = tx.add_instance(row)
            self.write(tx, instance_id, None, change, process)
            tx.log.add([{**entry, "target": f"opportunity {instance_id}"}])
        self._stored_versions.add(digest)  # committed: the next start needs no pin
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
        mentor: str | None = None,
    ) -> str:
        """Complete the current node and move on; returns the node (or end) reached. An end
        that wins the deal of a new hire in training needs their `mentor` named."""
        at = when(at, now)
        with self.store.write() as tx:
            row, process = self.open_row(tx, instance_id, "advance")
            node = process.node_by_id[_at(row)]
            if expect_node is not None and expect_node != node.id:
                raise ConflictError(
                    msg(
                        "opportunity {id} is at '{node}' ({name}) now, not at '{expected}': "
                        "someone moved it; nothing was written",
                        id=instance_id,
                        node=node.id,
                        name=node.name,
                        expected=expect_node,
                    )
                )
            by = self.access.doer(by, row["owner"], "advance")
            check_actor(self.people, by, node, process, row["owner"])
            check_leaving(tx, row, at, now)
            change = Change()
            timers = self.rolled(tx, row, at, change)
            leave(node, timers, at, change)
            change.events.append(
                event_row("completed", at, now, node.id, {"outcome": outcome, "by": by})
            )
            target = next_node(node, outcome, row["fields"])

            def known_at() -> dict[str, datetime]:
                return anchors(tx, instance_id) | {node.id: at}

            self._enter(process, row["fields"], target, at, now, change, known_at)
            signed = self.mentored(row["owner"], mentor, instance_id, change)
            if signed:  # into the end's `closed` event
                closing = change.events[-1]
                change.events[-1] = {**closing, "data": {**closing["data"], **signed}}
            self.write(tx, instance_id, row, change, process)
            self.won(tx, row, change, at, now)
            return str(change.instance.get("node") or change.instance.get("state", ""))

    def _enter(
        self,
        process: Process,
        fields: Fields,
        target: str,
        at: datetime,
        now: datetime,
        change: Change,
        anchors: Callable[[], dict[str, datetime]],
    ) -> None:
        """Enter `target`, passing through decisions routed by conditions, ending at an end;
        `anchors` is asked for (a read of the history) only by a node whose SLA needs it;
        `fields` are the instance's before this command changed them."""
        fields = change.instance.get("fields", fields)
        node = process.node_by_id[target]
        while node.type == "decision" and node.route_kind == "conditions":
            change.events.append(event_row("routed", at, now, node.id, {}))
            node = process.node_by_id[next_node(node, None, fields)]
        change.events.append(event_row("entered", at, now, node.id, {}))
        if node.type == "end":
            change.instance.update(
                {
                    "node": None,
                    "state": ended_state(node),
                    "closed_at": at,
                    "node_entered_at": at,
                    "close_reason": node.name,
                }
            )
            change.events.append(event_row("closed", at, now, node.id, {"outcome": node.outcome}))
            return
        change.instance.update({"node": node.id, "node_entered_at": at})
        cal = self.calendar(process.calendar)
        fresh = timers_on_entry(node, fields, at, cal, anchors() if anchored(node) else {})
        change.new_timers += fresh

    def write(
        self,
        tx: Tx,
        instance_id: int,
        row: InstanceRow | None,
        change: Change,
        process: Process,
        bulk: bool = False,
    ) -> None:
        """Write one command's change (`changes.write`) and say which due instants it set
        were computed without holiday data for their year: never guessed silently."""
        write(tx, instance_id, row, change)
        self.warn_guessed(instance_id, process, change.timed(), bulk)

    def warn_guessed(
        self,
        instance_id: int,
        process: Process,
        timers: Iterable[TimerValues],
        bulk: bool = False,
    ) -> None:
        """A due date beyond the holiday data is computed by the fallback: say so, never
        guess silently (`flowkit calendar check` lists them all later). A command on many
        opportunities (`bulk`: import, migrate) names each one."""
        for timer in timers:
            cal = self.calendar(timer["calendar"])
            due = timer["due_at"]
            if due is None or not guessed(due, timer["data_until"], cal):
                continue
            node = process.node_by_id.get(timer["node"])
            name = node.name if node else timer["node"]
            local = due.astimezone(cal.tz)
            if bulk:
                said = msg(
                    "opportunity {id}, '{name}': due {due:%Y-%m-%d %H:%M}, in a year the "
                    "{calendar} calendar has no holiday data for: weekends and fixed-date "
                    "holidays only (flowkit calendar check lists such timers)",
                    id=instance_id,
                    name=name,
                    due=local,
                    calendar=cal.name,
                )
            else:
                said = msg(
                    "'{name}' is due {due:%Y-%m-%d %H:%M}, in a year the {calendar} calendar "
                    "has no holiday data for: weekends and fixed-date holidays only "
                    "(flowkit calendar check lists such timers)",
                    name=name,
                    due=local,
                    calendar=cal.name,
                )
            self.warnings.append(said)

    # work recorded on the current node --------------------------------------------------
    def log(
        self,
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
        rules = self.customers.rules if self.customers is not None else None
        method = check_follow_up(method, content, methods_of(rules) if rules else BUILT_IN)
        with self.store.write() as tx:
            row, process = self.open_row(tx, instance_id, "log", allow_paused=True)
            not_before(at, row["started_at"], msg("the opportunity started"))
            by = self.access.doer(by, row["owner"], "log")
            check_actor(self.people, by, process.node_by_id[_at(row)], process, row["owner"])
            change = Change()
            timers = self.rolled(tx, row, now, change)
            for timer in timers + change.new_timers:
                counted = replay.follow_up(change.current(timer), method, at)
                if counted is not None:
                    change.update(timer, counted)
            data: EventData = {
                "method": method,
                "content": content,
                "feedback": feedback,
                "next_step": next_step,
                "by": by,
            }
            change.events.append(event_row("follow_up", at, now, row["node"], data))
            if row["customer_id"] and self.customers is not None:
                self.customers.record_follow_up(
                    tx,
                    row["customer_id"],
                    method,
                    content,
                    feedback,
                    next_step,
                    by,
                    at,
                    now,
                    instance_id,
                )
            if next_step:
                change.instance["next_action"] = next_step
            self.write(tx, instance_id, row, change, process)

    def deliver(
        self,
        instance_id: int,
        document: str,
        *,
        now: datetime,
        at: datetime | None = None,
        by: str | None = None,
    ) -> None:
        """An output document (输出物) produced, by someone whose work the node is."""
        at = when(at, now)
        with self.store.write() as tx:
            row, process = self.open_row(tx, instance_id, "deliver", allow_paused=True)
            docs = {d.id: d for d in process.documents} | {d.name: d for d in process.documents}
            if document not in docs:
                known = words(d.id for d in process.documents)
                raise InputError(
                    msg(
                        "process '{process}' has no document '{document}' (documents: {known})",
                        process=process.id,
                        document=document,
                        known=known,
                    )
                )
            by = self.access.doer(by, row["owner"], "deliver")
            check_actor(self.people, by, process.node_by_id[_at(row)], process, row["owner"])
            change = Change()
            change.events.append(
                event_row(
                    "delivered", at, now, row["node"], {"document": docs[document].id, "by": by}
                )
            )
            write(tx, instance_id, row, change)

    def record_event(
        self, instance_id: int, event: str, *, now: datetime, at: datetime | None = None
    ) -> None:
        """A business event the process declares (交付 delivered): starts timers anchored on it."""
        at = when(at, now)
        with self.store.write() as tx:
            row, process = self.open_row(tx, instance_id, "event", allow_paused=True)
            known = {e.id: e for e in process.events} | {e.name: e for e in process.events}
            if event not in known:
                ids = words(e.id for e in process.events) or msg("none")
                raise InputError(
                    msg(
                        "process '{process}' declares no event '{event}' (events: {known})",
                        process=process.id,
                        event=event,
                        known=ids,
                    )
                )
            event_id = known[event].id
            change = Change()
            change.events.append(event_row("event", at, now, row["node"], {"event": event_id}))
            known_at = anchors(tx, instance_id) | {event_id: at}
            start_waiting(process, row, tx, known_at, change, self.calendar(process.calendar))
            self.write(tx, instance_id, row, change, process)

    def set_risk(
        self,
        instance_id: int,
        flag: bool,
        *,
        now: datetime,
        note: str = "",
        at: datetime | None = None,
    ) -> None:
        at = when(at, now)
        if flag and not note.strip():
            raise InputError(
                msg("a risk flag needs its description (--note)"),
                msg("e.g. --note '客户预算冻结'"),
            )
        self._simple(
            "risk",
            instance_id,
            at,
            now,
            "risk",
            {"risk": flag, "risk_note": note.strip() if flag else ""},
            lambda row: {"flag": flag, "note": note, "was": risk_was(row)},
        )

    def assign(
        self, instance_id: int, person: str, *, now: datetime, at: datetime | None = None
    ) -> None:
        at = when(at, now)
        self.check_owner(person)
        self._simple(
            "assign",
            instance_id,
            at,
            now,
            "assigned",
            {"owner": person},
            lambda row: {"owner": person, "from": row["owner"]},
        )

    def update(
        self,
        instance_id: int,
        *,
        now: datetime,
        at: datetime | None = None,
        fields: Mapping[str, str] | None = None,
        expected_close: date | None = None,
        next_action: str | None = None,
        customer: str | None = None,
    ) -> None:
        """Fields and tracking-table columns that change as the deal develops; `customer`
        links the opportunity to a profile (by number or exact name) — one started before
        the profile existed, say — by the same rules as `start`."""
        at = when(at, now)
        with self.store.write() as tx:
            row, process = self.open_row(tx, instance_id, "set", allow_paused=True)
            values: InstanceUpdate = {}
            shown: dict[str, Json] = {}  # the values as the event keeps them: dates as text
            if fields:
                typed = {**row["fields"], **typed_fields(process, fields, require=False)}
                values["fields"] = shown["fields"] = typed
            if expected_close is not None:
                values["expected_close"] = expected_close
                shown["expected_close"] = expected_close.isoformat()
            if next_action is not None:
                values["next_action"] = shown["next_action"] = next_action
            if customer is not None:
                profile = self.customer_of(tx, customer.strip(), row["owner"], now)
                if profile is None:
                    raise InputError(
                        msg("no customer {key} on file", key=customer),
                        msg("flowkit customer list shows them; customer add makes one"),
                    )
                values["customer_id"] = shown["customer_id"] = profile["id"]
                values["customer"] = shown["customer"] = profile["name"]
            if not values:
                raise InputError(
                    msg(
                        "nothing to change: give --field, --expected-close, --next-action "
                        "or --customer"
                    )
                )
            change = Change(instance=values)
            change.events.append(event_row("updated", at, now, row["node"], shown))
            write(tx, instance_id, row, change)

    def _simple(
        self,
        command: str,
        instance_id: int,
        at: datetime,
        now: datetime,
        kind: str,
        values: InstanceUpdate,
        data: Callable[[InstanceRow], EventData],
    ) -> None:
        """A change of the instance's own columns; the event says what they were before, so
        `status --as-of` can name the owner and the risk flag of a past moment."""
        with self.store.write() as tx:
            row, _ = self.open_row(tx, instance_id, command, allow_paused=True)
            change = Change(instance=values)
            change.events.append(event_row(kind, at, now, row["node"], data(row)))
            write(tx, instance_id, row, change)

    def pause(
        self, instance_id: int, reason: str, *, now: datetime, at: datetime | None = None
    ) -> None:
        """Stop the SLA clocks (the customer asked to wait): paused time never counts."""
        at = when(at, now)
        if not reason.strip():
            raise InputError(msg("a pause needs its reason (--reason)"))
        with self.store.write() as tx:
            row, process = self.open_row(tx, instance_id, "pause")
            not_before(at, row["node_entered_at"], msg("entering its current node"))
            change = Change(instance={"state": "paused", "paused_at": at})
            timers = self.rolled(tx, row, at, change)
            for timer in [*timers, *change.new_timers]:  # new: a period rolling just opened
                stopped = replay.paused(change.current(timer))
                if stopped is not None:
                    change.update(timer, stopped)
            change.events.append(event_row("paused", at, now, row["node"], {"reason": reason}))
            self.write(tx, instance_id, row, change, process)

    def resume(
        self,
        instance_id: int,
        *,
        now: datetime,
        at: datetime | None = None,
        reason: str = "",
    ) -> None:
        at = when(at, now)
        with self.store.write() as tx:
            row = self.row_of(tx, instance_id, "resume")
            if row["state"] != "paused":
                raise InputError(
                    msg(
                        "opportunity {id} is not paused (it is {state})",
                        id=instance_id,
                        state=term(row["state"], "state"),
                    )
                )
            process = self.definitions.of(tx, row["process_hash"])
            paused_at = row["paused_at"]
            assert paused_at is not None, "a paused opportunity knows since when"
            not_before(at, paused_at, msg("it was paused"))
            cal = self.calendar(process.calendar)
            change = Change(instance={"state": "open", "paused_at": None})
            for timer in tx.timers(instance_id, ("paused",)):
                update = replay.resumed(timer, paused_at, at, cal)
                if update is not None:
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
            self.write(tx, instance_id, row, change, process)

    def close(
        self,
        instance_id: int,
        won: bool,
        reason: str,
        *,
        now: datetime,
        at: datetime | None = None,
        mentor: str | None = None,
        note: str = "",
    ) -> None:
        """Close as won or lost; a deal of a new hire in training is won only with their
        `mentor` named (recorded in the close event). A lost deal's `reason` is a code of
        the process's lost-reason vocabulary (by id or name) when it declares one, with the
        person's own words in `note`; else free text."""
        at = when(at, now)
        if not reason.strip():
            raise InputError(
                msg("closing needs a reason (--reason)"), msg("e.g. --reason '客户选择了竞品'")
            )
        with self.store.write() as tx:
            row, process = self.open_row(tx, instance_id, "close", allow_paused=True)
            code = None if won else lost_code(process, reason)
            check_leaving(tx, row, at, now)
            change = Change()
            timers = self.rolled(tx, row, at, change)
            leave(process.node_by_id[_at(row)], timers, at, change)
            state = "won" if won else "lost"
            change.instance.update(
                {
                    "state": state,
                    "node": None,
                    "closed_at": at,
                    "close_reason": close_reason(process, code, reason, note),
                    "paused_at": None,
                }
            )
            closed: EventData = {"outcome": state, "reason": reason.strip()}
            if code is not None:
                closed = {**closed, "code": code}
            if note.strip():
                closed = {**closed, "note": note.strip()}
            closed = {**closed, **self.mentored(row["owner"], mentor, instance_id, change)}
            change.events.append(event_row("closed", at, now, row["node"], closed))
            write(tx, instance_id, row, change)
            self.won(tx, row, change, at, now)

    # helpers the command modules share ---------------------------------------------------------
    def mentored(
        self, owner: str, mentor: str | None, instance_id: int, change: Change
    ) -> EventData:
        """What a command that may win a deal records of the mentor: a new hire in training
        wins only with their mentor named (新员工须完成培训并通过考核方可独立跟进客户).
        A mentor named is always checked to be the owner's; it is recorded with a win."""
        person = self.people.person(owner) if self.people is not None else None
        expected = person.mentor if person is not None else None
        if mentor is not None and expected is None:
            raise InputError(msg("{owner} is not in training: leave out --mentor", owner=owner))
        won = change.instance.get("state") == "won"
        if mentor != expected and (won or mentor is not None):
            raise InputError(
                msg(
                    "{owner} is in training: opportunity {id} is won only with their mentor, "
                    "{mentor}",
                    owner=owner,
                    id=instance_id,
                    mentor=expected,
                ),
                msg("add --mentor {mentor} (it is recorded with the win)", mentor=expected),
            )
        return {"mentor": mentor} if won and mentor is not None else {}

    def won(self, tx: Tx, row: InstanceRow, change: Change, at: datetime, now: datetime) -> None:
        """A won opportunity of a customer on file becomes an order in its cooperation
        history (amount from the `amount` field when the process has one)."""
        customer_id = row["customer_id"]
        if change.instance.get("state") != "won" or not customer_id or not self.customers:
            return
        amount = row["fields"].get("amount")
        self.customers.won(tx, customer_id, row["name"], amount, at, now)

    def customer_of(self, tx: Tx, customer: str, owner: str, now: datetime) -> CustomerRow | None:
        """The profile an opportunity is for, by id or exact name, else by a variant of its
        name as duplicate detection compares names (北辰科技 for 北辰科技有限公司, the same
        matching an import's follow-ups get); None: not on file.

        Never a guess: a name several profiles share is refused, naming them, and so is
        another person's customer (撞单: two reps on one company is what the profiles are
        there to prevent; the customer's owner or a manager reassigns it first).
        A 潜在客户 becomes 意向客户 with its first opportunity; a 流失客户 gets none."""
        from flowkit.customers.dedupe import company_key

        rows = tx.customers.matching(customer, company_key(customer))
        if len(rows) > 1:
            raise InputError(
                msg(
                    "{n} customers are named {name}: {ids}",
                    n=len(rows),
                    name=customer,
                    ids=words(sorted(r["id"] for r in rows)),
                ),
                msg("pass --customer with the customer number"),
            )
        row = rows[0] if rows else None
        if row is None or row["merged_into"]:
            return None
        if row["owner"] and row["owner"] != owner:
            raise InputError(
                msg(
                    "customer {id} {name} is {holder}'s; an opportunity of {owner} is not "
                    "linked to it (撞单)",
                    id=row["id"],
                    name=row["name"],
                    holder=row["owner"],
                    owner=owner,
                ),
                msg(
                    "start it with --owner {holder}, or reassign the customer first: "
                    "flowkit customer edit {id} --owner {owner}",
                    holder=row["owner"],
                    id=row["id"],
                    owner=owner,
                ),
            )
        if row["stage"] == "lost":
            raise InputError(
                msg("customer {id} {name} is 流失客户 (lost)", id=row["id"], name=row["name"]),
                msg("set its stage first: flowkit customer edit {id} --stage intent", id=row["id"]),
            )
        if row["stage"] == "potential":
            tx.customers.update(row["id"], row["revision"], {"stage": "intent", "updated_at": now})
            if self.customers is not None:
                stage = {"stage": ["potential", "intent"]}
                tx.customers.add_changes(
                    [self.customers.change(row["id"], now, "opportunity", stage)]
                )
        return row

    def row_of(self, tx: Tx, instance_id: int, command: str) -> InstanceRow:
        """The opportunity `command` acts on, if the person acting may: the one check of
        every opportunity command, and its audit-log entry (written with the change)."""
        row = tx.instance(instance_id, lock=True)
        missing = partial(missing_opportunity, instance_id)
        entry = self.access.found(
            command, f"opportunity {instance_id}", row and row["owner"], missing
        )
        tx.log.add([entry])
        assert row is not None  # found() raised otherwise
        seen = self.seen.get(instance_id)
        if seen is not None and seen != row["revision"]:
            raise ConflictError(
                msg("opportunity {id} changed since you opened it", id=instance_id),
                msg("open it again to see what changed, then decide"),
            )
        return row

    def open_row(
        self, tx: Tx, instance_id: int, command: str, allow_paused: bool = False
    ) -> tuple[InstanceRow, Process]:
        row = self.row_of(tx, instance_id, command)
        if row["state"] not in ("open", "paused"):
            raise InputError(
                msg(
                    "opportunity {id} is closed ({state}); it cannot change",
                    id=instance_id,
                    state=term(row["state"], "state"),
                )
            )
        if row["state"] == "paused" and not allow_paused:
            raise InputError(
                msg("opportunity {id} is paused", id=instance_id),
                msg("flowkit resume {id} first", id=instance_id),
            )
        return row, self.definitions.of(tx, row["process_hash"])

    def rolled(self, tx: Tx, row: InstanceRow, until: datetime, change: Change) -> list[TimerRow]:
        """The instance's open timers, with cadence periods that ended by `until` settled
        (`at` for a command that leaves the node then, `now` for a follow-up)."""
        process = self.definitions.of(tx, row["process_hash"])
        cal = self.calendar(process.calendar)
        open_timers = tx.timers(row["id"], ("running", "paused", "late"))
        for timer, update, rows in settling.due(open_timers, until, cal, settling.OPPORTUNITY):
            change.update(timer, update)
            change.new_timers += rows
        return open_timers


def open_tracker(
    db: str | None,
    processes: Sequence[str | Path],
    user: str | None = None,
    clock: Callable[[], datetime] | None = None,
    *,
    service: bool = False,
) -> Tracker:
    """A tracker on the database `db` (default: ./flowkit.db) for the processes under
    `processes`, with the people of their org.yaml and their custom calendars, acting as
    the person the database login or `user` names (`flowkit.access.identity`). `service`:
    for the web server, which may connect with a service login of org.yaml (its store
    then names the person of each transaction: `acting_as`)."""
    from flowkit.access.identity import actor_for

    definitions = Definitions.load(processes)
    store = Store.open(db)
    org, calendars = definitions.org, definitions.calendars
    try:
        login = store.login()
        access = Access(org, actor_for(org, login=login, asked=user, service=service), clock)
        if login is not None and org is not None and org.service_login(login[0]):
            store.service_login = login[0]
        if login is not None and login[1] and org is not None:  # the tables' owner
            from flowkit.access import policies

            store.sync_access(policies.policies(org))
    except BaseException:
        store.close()
        raise
    book = CustomerBook(
        store, definitions.customers, people=org, calendars=calendars, access=access
    )
    return Tracker(store, definitions, org, calendars, customers=book, access=access)


def lost_code(process: Process, reason: str) -> str | None:
    """The lost-reason code `reason` names (by id or name) when the process declares a
    vocabulary, else None (free text); a reason outside it is refused, with the codes."""
    if not process.lost_reasons:
        return None
    found = process.lost_reason(reason)
    if found is not None:
        return found.id
    from flowkit.lang.spelling import guess

    codes = [r.id for r in process.lost_reasons]
    listed = words(f"{r.id} ({r.name})" for r in process.lost_reasons)
    guessed = guess(reason.strip(), [*codes, *(r.name for r in process.lost_reasons)])
    raise InputError(
        msg(
            "'{reason}' is not a lost reason of process '{process}': {codes}",
            reason=reason.strip(),
            process=process.id,
            codes=listed,
        ),
        msg("{guess}; your own words go in --note", guess=guessed)
        if guessed
        else msg("give a code with --reason and your own words with --note"),
    )


def close_reason(process: Process, code: str | None, reason: str, note: str) -> str:
    """What the tracking table's close-reason column says: the code's name, or the text,
    then the note."""
    found = process.lost_reason(code) if code is not None else None
    said = found.name if found is not None else reason.strip()
    return f"{said}: {note.strip()}" if note.strip() else said


def missing_opportunity(instance_id: int) -> InputError:
    return InputError(msg("no opportunity {id}", id=instance_id), msg("flowkit list shows them"))


def _at(row: InstanceRow) -> str:
    """The node an open or paused opportunity is at (only a closed one is at none)."""
    node = row["node"]
    assert node is not None, f"open opportunity {row['id']} is at no node"
    return node
