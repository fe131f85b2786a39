"""Read-only answers: one opportunity in full, the tracking table, and the status of SLAs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import cache

from flowkit.calendar import Calendar
from flowkit.calendar.ledger import MICROSECOND, Ledger, micros
from flowkit.errors import InputError
from flowkit.lang.sla import describe
from flowkit.model import Process
from flowkit.model.customer import CustomerRules
from flowkit.store import (
    AlertRow,
    CustomerAlertRow,
    Fields,
    InstanceRow,
    LateEntryRow,
    StatusFilter,
    TimerRow,
    Tx,
)
from flowkit.timers.settling import CUSTOMER, periods, settled
from flowkit.timers.terms import length, terms_for
from flowkit.tracking.tracker import Tracker
from flowkit.tracking.views import Alert, EventView, InstanceView, Status, TimerView


def show(
    tracker: Tracker, instance_id: int, now: datetime | None = None, lang: str | None = None
) -> InstanceView:
    """One opportunity in full; with `now`, its cadence periods over by then are shown
    settled (met, late, missed), as the next command on it will store them. A deadline's
    explanation is told in `lang`, by default in its process's locale."""
    with tracker.store.read() as tx:
        row = tx.instance(instance_id)
        if row is None:
            raise InputError(f"no opportunity {instance_id}", "flowkit list shows them")
        process = tracker.definitions.of(tx, row["process_hash"])
        fields = row["fields"]
        stored = tx.timers(instance_id)
        if now is not None and row["state"] == "open":
            stored = periods(tracker.calendar, stored, now)
        timers = tuple(_timer_view(tracker, process, t, fields, lang) for t in stored)
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
            for e in tx.events(instance_id)
        )
    return _instance_view(tracker, process, row, timers, history)


def _node_name(process: Process, node_id: str | None) -> str:
    node = process.node_by_id.get(node_id or "")
    return node.name if node else (node_id or "")


def listing(tracker: Tracker, where: StatusFilter, limit: int | None = None) -> list[InstanceView]:
    """The progress tracking table (销售节点进度跟踪表), filtered."""
    with tracker.store.read() as tx:
        rows = tx.instances(where, limit)
        return [
            _instance_view(tracker, tracker.definitions.of(tx, r["process_hash"]), r, (), ())
            for r in rows
        ]


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
    """Timers breached or at risk at `as_of`, worst first (most overdue, then least left).

    With the customer rules, the customers' maintenance and review timers and the late
    follow-up entries of the last week are listed too (unless a process or node is asked
    for: those belong to no process).
    """
    clocks: dict[str, _Lateness] = {}

    def clock(name: str) -> _Lateness:
        if name not in clocks:
            clocks[name] = _Lateness(tracker.calendar(name), as_of)
        return clocks[name]

    current = as_of >= now
    owner_name = cache(tracker.person_name)  # a few owners, tens of thousands of rows
    with tracker.store.read() as tx:
        found = tx.alerts(as_of, where, current=current)
        rows = settled(tracker.calendar, found, as_of, whole=tx.timers_by_id)
        nodes = _NodeFacts(tracker, tx)
        alerts = []
        for row in rows:
            name, lane = nodes.of(row["process_hash"], row["node"])
            if lanes is None or lane in lanes:
                late = clock(row["calendar"])
                alerts.append(_alert(tracker, row, name, lane, late, as_of, owner_name))
        if customers is not None and where.process is None and where.nodes is None:
            kept = tx.customers.alerts(as_of, where.owners, current)
            alerts += customer_alerts(tracker, tx, customers, kept, as_of, where.owners, clock)
    if lanes is not None:
        alerts = [a for a in alerts if a.lane in lanes]
    if breached is not None:
        alerts = [a for a in alerts if a.breached == breached]
    alerts.sort(key=lambda a: (not a.breached, -a.late_clock, a.instance_id, a.customer_id))
    return Status(as_of, tuple(alerts))


UPKEEP_WINDOW = timedelta(days=7)  # how long a late follow-up entry stays in the status


def customer_alerts(
    tracker: Tracker,
    tx: Tx,
    rules: CustomerRules,
    timers: list[CustomerAlertRow],
    as_of: datetime,
    owners: Sequence[str] | None,
    clock: Callable[[str], _Lateness],
) -> list[Alert]:
    """The customers' maintenance and review `timers` (as the store found them) past their
    warning, and follow-ups entered later than the upkeep rule allows (recorded in the week
    before `as_of`)."""
    found = []
    for row in settled(tracker.calendar, timers, as_of, CUSTOMER):
        due, kind, lane = row["due_at"], row["kind"], row["lane"] or ""
        late = clock(row["calendar"])
        found.append(
            _customer_alert(
                tracker,
                row,
                kind,
                row["sla"],
                lane,
                due,
                as_of,
                late(due),
                late.day_length,
                required=row["required"],
                done=row["done"],
            )
        )
    within = rules.follow_up_within
    if within is None:
        return found
    cal = tracker.calendar(rules.calendar)
    allowed = length(within, cal)
    sla = describe(within, "en")  # the allowed delay, canonical: output/ words the line
    for entry in tx.customers.late_entries(
        as_of - UPKEEP_WINDOW, as_of, int(allowed.total_seconds())
    ):
        if owners is not None and entry["owner"] not in owners:
            continue
        due, entered = entry["at"] + allowed, entry["recorded_at"]
        overdue = cal.working_time(due, entered)
        found.append(
            _customer_alert(
                tracker, entry, "upkeep", sla, "", due, entered, overdue, cal.day_length
            )
        )
    return found


def _customer_alert(
    tracker: Tracker,
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
) -> Alert:
    """A customer's timer (or late entry) as a line of the status: late as of `as_of`;
    `day_length` is its calendar's working day, to tell the lateness in working days;
    `required` and `done`: a maintenance period's follow-ups. Its kind (maintenance,
    review, upkeep) is the node and names it: output/ words it."""
    return Alert(
        instance_id=0,
        customer_id=row["customer_id"],
        name="",
        customer=row["name"],
        process_id="",
        node=kind,
        node_name="",
        lane=lane,
        lane_name=tracker.lane_name(lane),
        owner=row["owner"],
        owner_name=tracker.person_name(row["owner"]),
        sla=sla,
        kind="cadence" if kind != "upkeep" else "deadline",
        due_at=due,
        breached=due <= as_of,
        late_clock=as_of - due,
        late_business=late_business,
        day_length=day_length,
        risk=False,
        risk_note="",
        required=required,
        done=done,
        grade=(row.get("grade") or "") if kind == "maintenance" else "",
    )


class _NodeFacts:
    """Node names and lanes by (pinned version, node), looked up once per status."""

    def __init__(self, tracker: Tracker, tx: Tx) -> None:
        self.tracker, self.tx = tracker, tx
        self.known: dict[tuple[str, str], tuple[str, str]] = {}

    def of(self, digest: str, node_id: str) -> tuple[str, str]:
        key = (digest, node_id)
        if key not in self.known:
            node = self.tracker.definitions.of(self.tx, digest).node_by_id.get(node_id)
            self.known[key] = (node.name, node.lane or "") if node else (node_id, "")
        return self.known[key]


class _Lateness:
    """Working time between due instants and one `as_of`: two lookups in the calendar's
    ledger of working time each, however long ago the instant was due."""

    def __init__(self, cal: Calendar, as_of: datetime) -> None:
        self.ledger = Ledger(cal)
        self.day_length = cal.day_length
        self.as_of = self.ledger.total(micros(as_of))

    def __call__(self, due: datetime) -> timedelta:
        return (self.as_of - self.ledger.total(micros(due))) * MICROSECOND


def _alert(
    tracker: Tracker,
    row: AlertRow,
    node_name: str,
    lane: str,
    late: _Lateness,
    as_of: datetime,
    owner_name: Callable[[str], str],
) -> Alert:
    due = row["due_at"]
    return Alert(
        instance_id=row["instance_id"],
        name=row["name"],
        customer=row["customer"],
        process_id=row["process_id"],
        node=row["node"],
        node_name=node_name,
        lane=lane,
        lane_name=tracker.lane_name(lane),
        owner=row["owner"],
        owner_name=owner_name(row["owner"]),
        sla=row["sla"],
        kind=row["kind"],
        due_at=due,
        breached=due <= as_of,
        late_clock=as_of - due,
        late_business=late(due),
        day_length=late.day_length,
        risk=row["risk"],
        risk_note=row["risk_note"],
        required=row["required"],
        done=row["done"],
    )


def _timer_view(
    tracker: Tracker, process: Process, t: TimerRow, fields: Fields, lang: str | None
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
        why=_why(tracker, process, t, fields, lang or process.locale),
    )


def _why(
    tracker: Tracker, process: Process, t: TimerRow, fields: Fields, lang: str
) -> tuple[str, ...]:
    """The calendar's explanation of a business deadline (holidays skipped, 调休 counted)."""
    node = process.node_by_id.get(t["node"])
    if t["kind"] != "deadline" or t["due_at"] is None or not t["business"] or node is None:
        return ()
    if node.sla is None or t["anchor"] is not None:
        return ()
    deadline = terms_for(node.sla, fields).deadline
    if deadline is None:
        return ()
    cal = tracker.calendar(t["calendar"])
    return tuple(cal.explain(t["started_at"], deadline.within).lines(lang))


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
    )


def _closed_name(row: InstanceRow) -> str:
    return str(row["close_reason"] or row["state"])
