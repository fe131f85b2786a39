"""The status: timers breached or at risk at a moment, worst first, as lines.

`flowkit status` over a million opportunities lists tens of thousands of alerts, so this
is written for that: the store's live alerts come as plain tuples (`store.reading`),
each becomes one `Alert` (a tuple too) in one pass — node names and lanes looked up
once per pinned version and node, owners' names once per owner, business lateness from
the calendar's ledger of working time (`calendar.ledger`) in two lookups — and the
lines keep the order the database gave them unless something has to be sorted in.
`status()` gives the same lines as a `Status`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, cast

from flowkit.calendar.ledger import EPOCH, MICROSECOND, Ledger, micros
from flowkit.lang.sla import Cadence
from flowkit.store.reading import LIVE_ALERT_COLUMNS, LiveAlert, Reads, StatusFilter
from flowkit.timers.settling import CUSTOMER, listed, settle, settled
from flowkit.timers.terms import data_edge, on_holidays
from flowkit.tracking.views import Alert, Status, StatusLines

if TYPE_CHECKING:
    from flowkit.model.customer import CustomerRules
    from flowkit.store import AlertRow, CustomerAlertRow, LateEntryRow
    from flowkit.tracking.routines import Owed
    from flowkit.tracking.tracker import Tracker

UPKEEP_WINDOW = timedelta(days=7)  # how long a late follow-up entry stays in the status
# What lines of one pinned version, node, owner and calendar share (`_Lines._facts`).
_Facts = tuple[str, str, str, str, Callable[[int], int], int, timedelta, bool]


def status(
    tracker: Tracker,
    as_of: datetime,
    where: StatusFilter,
    *,
    now: datetime,
    lanes: Sequence[str] | None = None,
    breached: bool | None = None,
    customers: CustomerRules | None = None,
) -> Status:
    """Timers breached or at risk at `as_of`, worst first (most overdue, then least left),
    as records (see `status_lines`)."""
    found = status_lines(
        tracker, as_of, where, now=now, lanes=lanes, breached=breached, customers=customers
    )
    return Status(as_of, tuple(found.lines))


def status_lines(
    tracker: Tracker,
    as_of: datetime,
    where: StatusFilter,
    *,
    now: datetime,
    lanes: Sequence[str] | None = None,
    breached: bool | None = None,
    customers: CustomerRules | None = None,
) -> StatusLines:
    """Timers breached or at risk at `as_of`, worst first (most overdue, then least left).

    With the customer rules, the customers' maintenance and review timers and the late
    follow-up entries of the last week are listed too (unless a process or node is asked
    for: those belong to no process). At the current moment the store reads its live
    timers (on SQLite directly, see `store.direct`); at a past one, as they stood then.
    """
    where = replace(where, owners=tracker.access.narrowed("status", where.owners))
    with paused_collector():
        return _status_lines(tracker, as_of, where, now, lanes, breached, customers)


@contextmanager
def paused_collector() -> Iterator[None]:
    """Python's cycle collector paused: a status makes hundreds of thousands of objects
    (rows, lines, their cells) and no cycles, and each collection the allocations set
    off walks all of them again (measured: a fifth of a million-row status's time).

    Turned back on, it would walk them all at once at the next allocation, as young
    objects (a seventh of the status): they join the oldest generation instead, to be
    looked at by the next full collection, through a freeze and unfreeze (which leave
    no object frozen; skipped when the program froze some itself)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _status_lines(
    tracker: Tracker,
    as_of: datetime,
    where: StatusFilter,
    now: datetime,
    lanes: Sequence[str] | None,
    breached: bool | None,
    customers: CustomerRules | None,
) -> StatusLines:
    lines = _Lines(tracker, as_of, lanes)
    if as_of >= now:
        with tracker.store.reading() as reads:
            lines.add_live(reads, reads.live_alerts(as_of, where))
            _add_customers(lines, reads, customers, where, current=True)
            _add_routines(lines, reads, where, lanes)
            _warn_inactive(tracker, reads)
    else:
        with tracker.store.read() as tx:
            past = tx.alerts(as_of, where, current=False)
            lines.add_settled(tx, settled(tracker.calendar, past, as_of, whole=tx.timers_by_id))
            _add_customers(lines, tx, customers, where, current=False)
            _add_routines(lines, tx, where, lanes)
            _warn_inactive(tracker, tx)
    found = lines.worst_first()
    if lanes is not None and lines.customer_lines:
        found = [a for a in found if a.lane in lanes]
    if breached is not None:
        found = [a for a in found if a.breached == breached]
    at_risk = sum(1 for a in found if not a.breached)
    return StatusLines(as_of, found, len(found) - at_risk, at_risk)


def _add_routines(
    lines: _Lines, reads: Reads, where: StatusFilter, lanes: Sequence[str] | None
) -> None:
    """The routines of roles (`per: lane | owner`): once per person, never per opportunity
    (`tracking.routines`). They have no risk flag: a status of flagged deals lists none."""
    from flowkit.tracking.routines import owed

    if where.risk:
        return
    due = owed(lines.tracker, reads, lines.as_of, where.owners, where.process, where.nodes)
    for item in due:
        if lanes is None or item.routine.node.lane in lanes:
            lines.routine_line(item)


def _warn_inactive(tracker: Tracker, reads: Reads) -> None:
    """A person who left and still owns customers or open deals: nobody works them, and
    the status's lines of theirs would name someone who will never act (staff turnover)."""
    from flowkit.access.holdings import holdings

    tracker.warnings += [holding.message() for holding in holdings(tracker, reads)]


def _add_customers(
    lines: _Lines,
    reads: Reads,
    rules: CustomerRules | None,
    where: StatusFilter,
    current: bool,
) -> None:
    if rules is not None and where.process is None and where.nodes is None:
        kept = reads.customers.alerts(lines.as_of, where.owners, current)
        lines.add_customers(reads, rules, kept, where.owners)


class _Clock:
    """Lateness on one calendar at one `as_of`: working time from its ledger."""

    def __init__(self, tracker: Tracker, name: str, as_of: datetime) -> None:
        cal = tracker.calendar(name)
        self.ledger = Ledger(cal)
        self.day_length = cal.day_length
        self.as_of = self.ledger.total(micros(as_of))

    def late(self, due: datetime) -> timedelta:
        """Working time from `due` to `as_of` (negative: still left)."""
        return (self.as_of - self.ledger.total(micros(due))) * MICROSECOND


class _Lines:
    """The status's lines as they are made, and what their order needs."""

    def __init__(self, tracker: Tracker, as_of: datetime, lanes: Sequence[str] | None) -> None:
        self.tracker, self.as_of, self.lanes = tracker, as_of, lanes
        self.lines: list[Alert] = []
        self.in_order = True  # by due instant, then opportunity: already worst first
        self.customer_lines = False
        self._clocks: dict[str, _Clock] = {}
        self._owners: dict[str, str] = {}
        self._nodes: dict[tuple[str, str], tuple[str, str, str]] = {}
        self.reads: Reads | None = None  # where the rows come from (pinned versions too)
        self._known: dict[tuple[str, str, str, str], _Facts] = {}
        self._edges: dict[tuple[str, int], datetime] = {}  # where each calendar's data ends

    def clock(self, name: str) -> _Clock:
        found = self._clocks.get(name)
        if found is None:
            found = self._clocks[name] = _Clock(self.tracker, name, self.as_of)
        return found

    def add_live(self, reads: Reads, rows: Sequence[LiveAlert]) -> None:
        """The live alert rows (by due instant), the cadence periods over by `as_of`
        settled in place (their whole rows read first, in one statement)."""
        as_of, self.reads = self.as_of, reads
        ended = {r[0] for r in rows if r[3] == "cadence" and r[7] == "running" and r[6] <= as_of}
        if not ended:
            self._add(rows)
            return
        whole = reads.timers_by_id(sorted(ended))
        behind = {(r[1], r[2]) for r in rows if r[7] == "late"}
        expanded: list[LiveAlert] = []
        for row in rows:
            if row[0] in ended:
                read = dict(zip(LIVE_ALERT_COLUMNS, row, strict=True))
                record = cast("AlertRow", {**whole[row[0]], **read})
                cal = self.tracker.calendar(row[5])
                for period in settle(cal, record, as_of, (row[1], row[2]) in behind):
                    if listed(period, as_of):
                        expanded.append(_as_live(period))
            else:
                expanded.append(row)
        self._add(expanded)
        self.in_order = False

    def add_settled(self, reads: Reads, rows: list[AlertRow]) -> None:
        """Alert rows settled and listed already (a past moment's)."""
        self.reads = reads
        self._add([_as_live(row) for row in rows])
        self.in_order = False

    def _add(self, rows: Sequence[LiveAlert]) -> None:
        """A line for each row that is short (a deadline, a review, or a period with too
        few follow-ups: a period met is no alert), in a lane asked for. One loop with
        what it looks up at hand, once per pinned version, node, owner and calendar
        (`_facts`): it runs once per alert."""
        # in UTC, the zone the store's instants come in: arithmetic and comparisons of
        # two instants of one zone skip asking each for its offset
        as_of, lines, known = self.as_of.astimezone(UTC), self.lines, self._known
        append, make = lines.append, tuple.__new__  # Alert._make is a Python call
        in_order = self.in_order
        last_due, last_id = (lines[-1].due_at, lines[-1].instance_id) if lines else (None, 0)
        edges = self._edges
        for (
            _, instance_id, node_id, kind, sla, calendar, due, _, required, done, data,
            name, customer, owner, process_id, digest, risk, risk_note,
        ) in rows:  # fmt: skip
            if kind != "deadline" and kind != "review" and done >= required:
                continue
            guess = False
            if data is not None:  # computed on holiday data: past its end, the due is a guess
                edge = edges.get((calendar, data))
                if edge is None:
                    cal = self.tracker.calendar(calendar)
                    edge = edges[calendar, data] = data_edge(data, cal).astimezone(UTC)
                guess = due >= edge
            facts = known.get((digest, node_id, owner, calendar))
            if facts is None:
                facts = known[digest, node_id, owner, calendar] = self._facts(
                    digest, node_id, owner, calendar
                )
            node_name, lane, lane_name, owner_name, total, worked, day_length, asked = facts
            if not asked:  # in a lane not asked for
                continue
            if in_order and last_due is not None:
                in_order = due > last_due or (due == last_due and instance_id >= last_id)
            last_due, last_id = due, instance_id
            late = (worked - total((due - EPOCH) // MICROSECOND)) * MICROSECOND
            append(make(Alert, (
                instance_id, name, customer, process_id, node_id, node_name, lane,
                owner, owner_name, sla, kind, due, due < as_of, as_of - due, late,
                day_length, risk, risk_note, required, done, "", lane_name, "", guess,
            )))  # fmt: skip
        self.in_order = in_order

    def _facts(self, digest: str, node_id: str, owner: str, calendar: str) -> _Facts:
        """What a line of this pinned version, node, owner and calendar shows and needs:
        the node's name, lane and lane's name, the owner's name, the calendar's working
        time up to an instant and up to `as_of`, its working day, and whether the lane
        is one asked for."""
        node_name, lane, lane_name = self._nodes.get((digest, node_id)) or self._node(
            digest, node_id
        )
        owner_name = self._owners.get(owner)
        if owner_name is None:
            owner_name = self._owners[owner] = self.tracker.person_name(owner)
        clock = self.clock(calendar)
        asked = self.lanes is None or lane in self.lanes
        return (
            node_name, lane, lane_name, owner_name, clock.ledger.total, clock.as_of,
            clock.day_length, asked,
        )  # fmt: skip

    def _node(self, digest: str, node_id: str) -> tuple[str, str, str]:
        """A node's name, lane and the lane's name, by pinned version and node (once)."""
        assert self.reads is not None, "rows are added with what they were read from"
        node = self.tracker.definitions.of(self.reads, digest).node_by_id.get(node_id)
        name, lane = (node.name, node.lane or "") if node else (node_id, "")
        found = self._nodes[digest, node_id] = (name, lane, self.tracker.lane_name(lane))
        return found

    def worst_first(self) -> list[Alert]:
        """The lines worst first: breached before at risk, most overdue first, then by
        opportunity (customers' lines after them)."""
        if not self.in_order or self.customer_lines:
            self.lines.sort(key=_worst_first)
        return self.lines

    def add_customers(
        self,
        reads: Reads,
        rules: CustomerRules,
        timers: list[CustomerAlertRow],
        owners: Sequence[str] | None,
    ) -> None:
        """The customers' maintenance and review `timers` (as the store found them) past
        their warning, and follow-ups entered later than the upkeep rule allows (recorded
        in the week before `as_of`)."""
        tracker, as_of = self.tracker, self.as_of
        for row in settled(tracker.calendar, timers, as_of, CUSTOMER):
            due, kind, lane = row["due_at"], row["kind"], row["lane"] or ""
            clock = self.clock(row["calendar"])
            self._customer_line(
                row, kind, row["sla"], lane, due, as_of, clock.late(due), clock.day_length,
                required=row["required"], done=row["done"], uncertain=self._guess(row),
            )  # fmt: skip
        within = rules.follow_up_within
        if within is None:
            return
        from flowkit.lang.sla import describe
        from flowkit.timers.terms import length

        cal = tracker.calendar(rules.calendar)
        allowed = length(within, cal)
        sla = describe(within, "en")  # the allowed delay, canonical: output/ words the line
        late = reads.customers.late_entries(
            as_of - UPKEEP_WINDOW, as_of, int(allowed.total_seconds())
        )
        for entry in late:
            if owners is not None and entry["owner"] not in owners:
                continue
            due, entered = entry["at"] + allowed, entry["recorded_at"]
            overdue = cal.working_time(due, entered)
            self._customer_line(entry, "upkeep", sla, "", due, entered, overdue, cal.day_length)

    def routine_line(self, item: Owed) -> None:
        """A person's routine short at `as_of`: due at the end of the first period missed
        in a row (or of the current one, at risk); its node names it, no opportunity."""
        routine, due = item.routine, item.period.end
        node, cal = routine.node, routine.calendar
        clock = self.clock(cal.name)
        lane = node.lane or ""
        guess = cal.data_until is not None and due >= data_edge(cal.data_until, cal)
        self.in_order = False
        self.lines.append(
            Alert(
                instance_id=0,
                name="",
                customer="",
                process_id=routine.process.id,
                node=node.id,
                node_name=node.name,
                lane=lane,
                owner=item.person,
                owner_name=self.tracker.person_name(item.person),
                sla=node.sla.text if node.sla else "",
                kind="routine",
                due_at=due,
                breached=due < self.as_of,
                late_clock=self.as_of - due,
                late_business=clock.late(due),
                day_length=clock.day_length,
                risk=False,
                risk_note="",
                required=item.required,
                done=item.done,
                lane_name=self.tracker.lane_name(lane),
                uncertain=guess,
            )
        )

    def _customer_line(
        self,
        row: CustomerAlertRow | LateEntryRow,
        kind: str,
        sla: str,
        lane: str,
        due: datetime,
        as_of: datetime,
        late_business: timedelta,
        day_length: timedelta,
        *,
        required: int = 0,
        done: int = 0,
        uncertain: bool = False,
    ) -> None:
        """A customer's timer (or late entry) as a line of the status: late as of `as_of`;
        `day_length` is its calendar's working day, to tell the lateness in working days;
        `required` and `done`: a maintenance period's follow-ups. Its kind (maintenance,
        review, upkeep) is the node and names it: output/ words it."""
        self.customer_lines = True
        self.lines.append(
            Alert(
                instance_id=0,
                customer_id=row["customer_id"],
                name="",
                customer=row["name"],
                process_id="",
                node=kind,
                node_name="",
                lane=lane,
                lane_name=self.tracker.lane_name(lane),
                owner=row["owner"],
                owner_name=self.tracker.person_name(row["owner"]),
                sla=sla,
                kind="cadence" if kind != "upkeep" else "deadline",
                due_at=due,
                breached=due < as_of,  # at the due instant itself: on time still
                late_clock=as_of - due,
                late_business=late_business,
                day_length=day_length,
                risk=False,
                risk_note="",
                required=required,
                done=done,
                grade=(row.get("grade") or "") if kind == "maintenance" else "",
                uncertain=uncertain,
            )
        )

    def _guess(self, row: CustomerAlertRow) -> bool:
        """A customer's period that ends past its calendar's holiday data and depends on
        it (a weekly visit paused over holidays): its end is a guess."""
        cal = self.tracker.calendar(row["calendar"])
        if cal.data_until is None or row["due_at"] < data_edge(cal.data_until, cal):
            return False
        return on_holidays(Cadence.coded(row["required"], row["period"], row["method"]), cal)


def _worst_first(line: Alert) -> tuple[bool, timedelta, int, str]:
    return (not line.breached, -line.late_clock, line.instance_id, line.customer_id)


def _as_live(row: AlertRow) -> LiveAlert:
    """A settled alert row as a live one (the columns the status reads, in order)."""
    return tuple(row[c] for c in LIVE_ALERT_COLUMNS)  # type: ignore[return-value]
