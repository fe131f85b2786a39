"""What the monthly review reads (`flowkit.review.measures`): the records of a period, as
they were recorded, never the state as it is now where the two differ.

Each query reads history that does not change once written — events, timers that ended,
profile changes, spot checks — so a past month gives the same rows whenever it is asked.
A month of a large database is tens of thousands of records, so the database counts what
it can: the records of opportunities never reassigned (and customers whose profile did
not change since) are counted per owner — theirs at every moment — and only the others
come back one by one, for the measures to find their owner at each moment from the
`assigned` events (`History.owner_at`). Rows are fetched all at once (one row at a time
costs a Python call each).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Select,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import ColumnElement

from flowkit.store.history import completions_with_stay, timers_then
from flowkit.store.tables import (
    Instant,
    customer_changes,
    customer_tags,
    customer_timers,
    customers,
    events,
    instances,
    timer_history,
    timers,
)


class MonthEvent(NamedTuple):
    """An event of an opportunity, with its process and its owner now."""

    instance_id: int
    seq: int
    kind: str
    node: str | None
    at: datetime
    data: Mapping[str, Any]
    process_id: str
    owner: str


class DeadlineEnd(NamedTuple):
    """A deadline settled: met or missed, when, and who completed the step (if one did)."""

    instance_id: int
    process_id: str
    node: str
    state: str  # met | missed
    ended_at: datetime
    owner: str  # the opportunity's owner now
    doer: str | None  # `by` of the completion that ended it; None: closed, not completed
    times: int = 1  # alike deadlines of opportunities never reassigned (instance_id 0)


class Overdue(NamedTuple):
    """A deadline still open past its due instant at the end of a period."""

    instance_id: int
    process_id: str
    node: str
    due_at: datetime
    owner: str


class Period(NamedTuple):
    """A cadence period (an opportunity's, or a customer's maintenance) that ended."""

    key: str  # opportunity id or customer id
    process_id: str  # "" for a customer's
    node: str  # the opportunity's node, or the customer's maintenance lane
    required: int
    done: int
    due_at: datetime
    owner: str  # the owner now
    customer: bool
    times: int = 1  # alike periods of records whose owner never changed (key "")


class Traffic(NamedTuple):
    """Entries, completions or routings of one node, by the owner then: one event (of a
    reassigned opportunity), or how many of opportunities never reassigned (id 0)."""

    instance_id: int
    process_id: str
    kind: str
    node: str | None
    at: datetime | None
    owner: str
    times: int  # how many such


class Closed(NamedTuple):
    """Closes of one outcome, by the owner then, with their amounts: one (of a reassigned
    opportunity), or how many of opportunities never reassigned (id 0)."""

    instance_id: int
    at: datetime | None
    outcome: str
    owner: str
    times: int
    amount: float


class Stay(NamedTuple):
    """How long an opportunity stayed at a node it completed."""

    instance_id: int
    process_id: str
    node: str
    seconds: float
    at: datetime
    owner: str


class Opportunity(NamedTuple):
    """An opportunity as stored now, for the pipeline: its node and `amount` (0 without)."""

    id: int
    process_id: str
    node: str | None
    owner: str
    amount: float | None
    state: str
    times: int = 1  # alike opportunities never reassigned, nor moved or edited since (id 0)


class Started(NamedTuple):
    """An opportunity of a cohort: who owns it now, when it started, how it stands."""

    id: int
    owner: str
    started_at: datetime
    state: str
    closed_at: datetime | None
    times: int = 1  # alike opportunities never reassigned (id 0)


class Assignment(NamedTuple):
    instance_id: int
    at: datetime
    seq: int
    before: str  # the owner before the change


class Profile(NamedTuple):
    """A live customer profile's columns (no document: nothing sealed is read)."""

    id: str
    owner: str
    industry: str
    size: str | None
    stage: str
    grade: str | None
    completeness: int
    missing: Sequence[str]
    created_at: datetime
    times: int = 1  # alike profiles unchanged since the moment asked for (id "")


class TagCount(NamedTuple):
    """How many profiles unchanged since the moment asked for, of one owner and grade, have
    a tag."""

    owner: str
    grade: str | None
    tag: str
    times: int


class ProfileChange(NamedTuple):
    customer_id: str
    recorded_at: datetime
    id: int
    changes: Mapping[str, Any]


class ReviewQueries:
    """The review's reads, on one connection inside one read transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # opportunities --------------------------------------------------------------------
    def events(
        self, kinds: Sequence[str], since: datetime, until: datetime, data: bool = True
    ) -> Iterator[MonthEvent]:
        """The events of these kinds that happened in [since, until) (by index); without
        `data`, their data is not read (an empty mapping each)."""
        e, i = events.c, instances.c
        query = (
            select(e.instance_id, e.seq, e.kind, e.node, e.at, i.process_id, i.owner)
            .join(instances, i.id == e.instance_id)
            .where(e.kind.in_(kinds), e.at >= since, e.at < until)
            .order_by(e.at, e.instance_id, e.seq)
        )
        if data:
            with_data = query.add_columns(e.data)
            return (
                MonthEvent(r[0], r[1], r[2], r[3], r[4], r[7], r[5], r[6])
                for r in self.conn.execute(with_data).all()
            )
        empty: Mapping[str, Any] = {}
        return (
            MonthEvent(r[0], r[1], r[2], r[3], r[4], empty, r[5], r[6])
            for r in self.conn.execute(query).all()
        )

    def assignments(self, after: datetime) -> list[Assignment]:
        """Every change of an opportunity's owner after `after`, oldest first."""
        e = events.c
        before = e.data["from"].as_string()  # read out by the database: no JSON per row here
        query = (
            select(e.instance_id, e.at, e.seq, before)
            .where(e.kind == "assigned", e.at > after)
            .order_by(e.at, e.seq)
        )
        return [Assignment(*r) for r in self.conn.execute(query).all() if r[3]]

    def deadline_ends(self, bounds: Sequence[datetime]) -> list[list[DeadlineEnd]]:
        """Per month of `bounds` (its starts, then the last one's end): the deadlines met or
        missed in it, with the `by` of the completion of their node at that instant (a
        deadline ends when its node is completed or the opportunity is closed); those of
        opportunities never reassigned counted together."""
        t, i, e = timers.c, instances.c, events.c
        done = and_(
            e.instance_id == t.instance_id,
            e.node == t.node,
            e.kind == "completed",
            e.at == t.ended_at,
        )
        doer = e.data["by"].as_string()
        month = _month_of(t.ended_at, bounds)
        ended = and_(
            t.kind == "deadline",
            t.ended_at >= bounds[0],
            t.ended_at < bounds[-1],
            t.state.in_(("met", "missed")),
        )
        base = (
            select(i.process_id, t.node, t.state, i.owner, doer, month)
            .join(instances, i.id == t.instance_id)
            .outerjoin(events, done)
        )
        alike = (
            base.add_columns(func.count())
            .where(ended, t.instance_id.not_in(_reassigned()))
            .group_by(i.process_id, t.node, t.state, i.owner, doer, month)
        )
        found: list[list[DeadlineEnd]] = [[] for _ in bounds[1:]]
        for r in self.conn.execute(alike).all():
            found[r[5]].append(
                DeadlineEnd(0, r[0], r[1], r[2], bounds[r[5]], r[3], r[4], int(r[6]))
            )
        one_by_one = base.add_columns(t.instance_id, t.ended_at).where(
            ended, t.instance_id.in_(_reassigned())
        )
        seen = set()
        for r in self.conn.execute(one_by_one).all():
            if (r[6], r[1], r[7]) not in seen:  # one completion per deadline
                seen.add((r[6], r[1], r[7]))
                found[r[5]].append(DeadlineEnd(r[6], r[0], r[1], r[2], r[7], r[3], r[4]))
        return found

    def overdue(self, until: datetime) -> list[Overdue]:
        """Deadlines that had started by `until`, had not ended by then and were past their
        due instant then (taken back through the timers' history: a pause since moved it).
        Two reads, each by its index: those open now, and those that ended after `until`."""
        t, i, h = timers.c, instances.c, timer_history.c
        changed_since = select(h.timer_id).where(h.until > until)
        due_then = or_(t.due_at < until, t.id.in_(changed_since))
        columns = select(t.id, t.instance_id, i.process_id, t.node, t.state, t.warn_at, t.due_at)
        columns = columns.add_columns(t.done, t.ended_at, i.owner, t.kind).join(
            instances, i.id == t.instance_id
        )
        still_open = and_(t.state.in_(("running", "paused")), t.started_at < until, due_then)
        ended_since = and_(
            t.kind == "deadline",
            t.ended_at >= until,
            t.started_at < until,
            t.state.in_(("met", "missed")),
            due_then,
        )
        rows = [
            r._asdict()
            for found in (still_open, ended_since)
            for r in self.conn.execute(columns.where(found)).all()
            if r.kind == "deadline"
        ]
        ids = [row["id"] for row in rows]
        if ids:
            timers_then(self.conn, timer_history, rows, until, select(t.id).where(t.id.in_(ids)))
        return [
            Overdue(r["instance_id"], r["process_id"], r["node"], r["due_at"], r["owner"])
            for r in rows
            if r["state"] in ("running", "paused")
            and r["due_at"] is not None
            and r["due_at"] < until
        ]

    def owners_changed(self) -> list[str]:
        """The customers whose owner ever changed (their periods are counted one by one)."""
        return sorted({r[0] for r in self.conn.execute(_owner_changed(None)).all()})

    def periods(
        self, bounds: Sequence[datetime], changed: Sequence[str] = ()
    ) -> list[list[Period]]:
        """Per month of `bounds` (its starts, then the last one's end): the cadence periods
        of opportunities and customers' maintenance settled as ended in it (a period ends at
        its due instant; one cut short by leaving the node is `stopped` and not counted).
        Those still running past their end are `unsettled`. Periods of records whose owner
        never changed are counted together (`changed`: the customers whose owner did,
        `owners_changed`)."""
        t, i = timers.c, instances.c
        settled = ("met", "missed", "late")
        month = _month_of(t.ended_at, bounds)
        ended = and_(
            t.kind == "cadence",
            t.ended_at >= bounds[0],
            t.ended_at < bounds[-1],
            t.state.in_(settled),
        )
        found: list[list[Period]] = [[] for _ in bounds[1:]]
        alike = (
            select(i.process_id, t.node, t.required, t.done, i.owner, month, func.count())
            .join(instances, i.id == t.instance_id)
            .where(ended, t.instance_id.not_in(_reassigned()))
            .group_by(i.process_id, t.node, t.required, t.done, i.owner, month)
        )
        for r in self.conn.execute(alike).all():
            found[r[5]].append(
                Period("", r[0], r[1], r[2], r[3], bounds[r[5]], r[4], False, int(r[6]))
            )
        one_by_one = (
            select(t.instance_id, i.process_id, t.node, t.required, t.done, t.due_at, i.owner)
            .add_columns(month)
            .join(instances, i.id == t.instance_id)
            .where(ended, t.instance_id.in_(_reassigned()))
        )
        for r in self.conn.execute(one_by_one).all():
            found[r[7]].append(Period(str(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], False))
        c, k = customer_timers.c, customers.c
        month = _month_of(c.ended_at, bounds)
        customer_ended = and_(
            c.kind == "maintenance",
            c.ended_at >= bounds[0],
            c.ended_at < bounds[-1],
            c.state.in_(settled),
        )
        alike = (
            select(c.lane, c.required, c.done, k.owner, month, func.count())
            .join(customers, k.id == c.customer_id)
            .where(customer_ended, *_not_among(c.customer_id, changed))
            .group_by(c.lane, c.required, c.done, k.owner, month)
        )
        for r in self.conn.execute(alike).all():
            found[r[4]].append(
                Period("", "", r[0] or "", r[1], r[2], bounds[r[4]], r[3], True, int(r[5]))
            )
        if changed:
            one_by_one = (
                select(c.customer_id, c.lane, c.required, c.done, c.due_at, k.owner, month)
                .join(customers, k.id == c.customer_id)
                .where(customer_ended, _among(c.customer_id, changed))
            )
            for r in self.conn.execute(one_by_one).all():
                found[r[6]].append(Period(r[0], "", r[1] or "", r[2], r[3], r[4], r[5], True))
        return found

    def outcomes(self, bounds: Sequence[datetime]) -> list[list[Closed]]:
        """Per month of `bounds` (its starts, then the last one's end): its closes by
        outcome with their amounts, those of opportunities never reassigned summed per
        (outcome, owner), the others one by one."""
        e, i = events.c, instances.c
        outcome = e.data["outcome"].as_string()
        month = _month_of(e.at, bounds)
        closed = and_(e.kind == "closed", e.at >= bounds[0], e.at < bounds[-1])
        amount = func.coalesce(_amount(), 0.0)
        alike = (
            select(outcome, i.owner, month, func.count(), func.sum(amount))
            .join(instances, i.id == e.instance_id)
            .where(closed, e.instance_id.not_in(_reassigned()))
            .group_by(outcome, i.owner, month)
        )
        found: list[list[Closed]] = [[] for _ in bounds[1:]]
        for r in self.conn.execute(alike).all():
            found[r[2]].append(Closed(0, None, r[0] or "", r[1], int(r[3]), float(r[4] or 0)))
        one_by_one = (
            select(e.instance_id, e.at, outcome, i.owner, amount, month)
            .join(instances, i.id == e.instance_id)
            .where(closed, e.instance_id.in_(_reassigned()))
        )
        for r in self.conn.execute(one_by_one).all():
            found[r[5]].append(Closed(r[0], r[1], r[2] or "", r[3], 1, float(r[4] or 0)))
        return found

    def traffic(self, since: datetime, until: datetime) -> list[Traffic]:
        """The entries, completions and routings of [since, until): those of opportunities
        never reassigned counted per (process, kind, node, owner), the others one by one."""
        e, i = events.c, instances.c
        kinds = ("entered", "completed", "routed")
        month = and_(e.kind.in_(kinds), e.at >= since, e.at < until)
        alike = (
            select(i.process_id, e.kind, e.node, i.owner, func.count())
            .join(instances, i.id == e.instance_id)
            .where(month, e.instance_id.not_in(_reassigned()))
            .group_by(i.process_id, e.kind, e.node, i.owner)
        )
        found = [
            Traffic(0, r[0], r[1], r[2], None, r[3], int(r[4]))
            for r in self.conn.execute(alike).all()
        ]
        one_by_one = (
            select(e.instance_id, i.process_id, e.kind, e.node, e.at, i.owner)
            .join(instances, i.id == e.instance_id)
            .where(month, e.instance_id.in_(_reassigned()))
        )
        found += [Traffic(*r, 1) for r in self.conn.execute(one_by_one).all()]
        return found

    def unsettled(
        self, until: datetime, changed: Sequence[str] = ()
    ) -> list[tuple[Period, str, str]]:
        """Cadence periods still running in the store although they ended before `until`
        (nothing touched their opportunity or customer since), each with its period
        (day, week, month, quarter) and calendar: the periods that follow it are worked
        out as settling would (`review.measures`). `done` is the period's own count.
        Alike periods of records whose owner never changed come counted together
        (customers made together share their maintenance's ends)."""
        t, i = timers.c, instances.c
        running = and_(t.state == "running", t.kind == "cadence", t.due_at < until)
        shape = (i.process_id, t.node, t.required, t.done, t.due_at, i.owner, t.period)
        alike = (
            select(*shape, t.calendar, func.count())
            .join(instances, i.id == t.instance_id)
            .where(running, t.instance_id.not_in(_reassigned()))
            .group_by(*shape, t.calendar)
        )
        found = [
            (Period("", r[0], r[1], r[2], r[3], r[4], r[5], False, int(r[8])), r[6], r[7])
            for r in self.conn.execute(alike).all()
        ]
        one_by_one = (
            select(t.instance_id, *shape, t.calendar)
            .join(instances, i.id == t.instance_id)
            .where(running, t.instance_id.in_(_reassigned()))
        )
        found += [
            (Period(str(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], False), r[7], r[8])
            for r in self.conn.execute(one_by_one).all()
        ]
        c, k = customer_timers.c, customers.c
        due = and_(c.state == "running", c.kind == "maintenance", c.due_at < until)
        kept = (c.lane, c.required, c.done, c.due_at, k.owner, c.period)
        alike = (
            select(*kept, c.calendar, func.count())
            .join(customers, k.id == c.customer_id)
            .where(due, *_not_among(c.customer_id, changed))
            .group_by(*kept, c.calendar)
        )
        found += [
            (Period("", "", r[0] or "", r[1], r[2], r[3], r[4], True, int(r[7])), r[5], r[6])
            for r in self.conn.execute(alike).all()
        ]
        one_by_one = (
            select(c.customer_id, *kept, c.calendar)
            .join(customers, k.id == c.customer_id)
            .where(due, _among(c.customer_id, changed))
        )
        found += [
            (Period(r[0], "", r[1] or "", r[2], r[3], r[4], r[5], True), r[6], r[7])
            for r in self.conn.execute(one_by_one).all()
        ]
        return found

    def stays(self, since: datetime, until: datetime) -> list[Stay]:
        """Each completion in [since, until): the seconds since that opportunity had last
        entered the node (worked out by the database)."""
        done, seconds = completions_with_stay(self.conn.dialect.name)
        i = instances.c
        query = (
            select(done.c.instance_id, i.process_id, done.c.node, seconds.label("s"))
            .add_columns(done.c.at, i.owner)
            .join(instances, i.id == done.c.instance_id)
            .where(done.c.kind == "completed", done.c.at >= since, done.c.at < until)
        )
        return [
            Stay(r.instance_id, r.process_id, r.node, float(r.s), r.at, r.owner)
            for r in self.conn.execute(query).all()
            if r.s is not None
        ]

    def open_at(self, bounds: Sequence[datetime]) -> list[list[Opportunity]]:
        """Per month of `bounds` (its starts, then the last one's end): the opportunities
        open or paused at its end — started before it, closed (if at all) after it — with
        node and amount as stored now (`nodes_at`, `field_edits` take them back). Those never
        reassigned, at the node they were at then and not edited since the first month's
        end are summed per (process, node, owner). One pass over the opportunities for all
        the months (each joined with the months it was open at the end of)."""
        i, e = instances.c, events.c
        ends = union_all(
            *(
                select(literal(k).label("k"), literal(end, Instant()).label("until"))
                for k, end in enumerate(bounds[1:])
            )
        ).subquery("ends")
        until = ends.c.until
        open_then = and_(i.started_at < until, or_(i.closed_at.is_(None), i.closed_at >= until))
        edited = select(e.instance_id).where(e.kind == "updated", e.at >= bounds[1])
        unchanged = and_(
            i.node_entered_at < until,
            i.node.is_not(None),
            i.id.not_in(_reassigned()),
            i.id.not_in(edited),
        )
        alike = (
            select(ends.c.k, i.process_id, i.node, i.owner, func.sum(_amount()), func.count())
            .select_from(instances.join(ends, open_then))
            .where(unchanged)
            .group_by(ends.c.k, i.process_id, i.node, i.owner)
        )
        found: list[list[Opportunity]] = [[] for _ in bounds[1:]]
        for r in self.conn.execute(alike).all():
            found[r[0]].append(
                Opportunity(0, r[1], r[2], r[3], float(r[4] or 0), "open", int(r[5]))
            )
        one_by_one = (
            select(ends.c.k, i.id, i.process_id, i.node, i.owner, _amount(), i.state)
            .select_from(instances.join(ends, open_then))
            .where(~unchanged)
        )
        for r in self.conn.execute(one_by_one).all():
            found[r[0]].append(Opportunity(*r[1:]))
        return found

    def cohort(self, since: datetime, until: datetime) -> list[Started]:
        """The opportunities started in [since, until): owner now, state now, when closed;
        those never reassigned counted per (owner, state, closed before `until`)."""
        i = instances.c
        started = and_(i.started_at >= since, i.started_at < until)
        won_by = and_(i.state == "won", i.closed_at < until)
        alike = (
            select(i.owner, won_by, func.count())
            .where(started, i.id.not_in(_reassigned()))
            .group_by(i.owner, won_by)
        )
        found = [
            Started(0, r[0], since, "won" if r[1] else "open", since if r[1] else None, int(r[2]))
            for r in self.conn.execute(alike).all()
        ]
        one_by_one = select(i.id, i.owner, i.started_at, i.state, i.closed_at).where(
            started, i.id.in_(_reassigned())
        )
        found += [Started(*r) for r in self.conn.execute(one_by_one).all()]
        return found

    def closes(self, since: datetime, until: datetime) -> list[tuple[MonthEvent, float]]:
        """The closes of [since, until), oldest first, each with the `amount` of its
        opportunity as stored now (0 without one), read in the same statement."""
        e, i = events.c, instances.c
        amount = func.coalesce(_amount(), 0.0)
        query = (
            select(e.instance_id, e.seq, e.kind, e.node, e.at, i.process_id, i.owner, e.data)
            .add_columns(amount)
            .join(instances, i.id == e.instance_id)
            .where(e.kind == "closed", e.at >= since, e.at < until)
            .order_by(e.at, e.instance_id, e.seq)
        )
        return [
            (MonthEvent(r[0], r[1], r[2], r[3], r[4], r[7], r[5], r[6]), float(r[8] or 0))
            for r in self.conn.execute(query).all()
        ]

    def nodes_at(self, until: datetime) -> dict[int, str]:
        """The node each opportunity open at `until` but moved (or closed) since was at
        then: the last node it entered before `until`."""
        e, i = events.c, instances.c
        moved = select(i.id).where(
            i.started_at < until,
            or_(i.closed_at.is_(None), i.closed_at >= until),
            i.node_entered_at >= until,
        )
        ids = [r[0] for r in self.conn.execute(moved).all()]
        found: dict[int, tuple[int, str]] = {}
        for chunk in _chunks(ids):  # by the (instance, seq) index: a few events each
            query = select(e.instance_id, e.seq, e.kind, e.node, e.at).where(
                e.instance_id.in_(chunk)
            )
            for iid, seq, kind, node, at in self.conn.execute(query).all():
                if kind == "entered" and at < until and seq > found.get(iid, (0, ""))[0]:
                    found[iid] = (seq, node)
        return {iid: node for iid, (_, node) in found.items()}

    def field_edits(self, after: datetime) -> dict[int, list[tuple[datetime, int, Any]]]:
        """Per opportunity whose fields were edited after `after`: every edit and its start,
        (at, seq, fields after), oldest first, to take its fields back to a moment."""
        e = events.c
        edited = select(e.instance_id).where(e.kind == "updated", e.at >= after)
        ids = sorted({r[0] for r in self.conn.execute(edited).all()})
        found: dict[int, list[tuple[datetime, int, Any]]] = {}
        for chunk in _chunks(ids):  # by the (instance, seq) index: a few events each
            query = (
                select(e.instance_id, e.at, e.seq, e.kind, e.data)
                .where(e.instance_id.in_(chunk))
                .order_by(e.instance_id, e.seq)
            )
            for r in self.conn.execute(query).all():
                if r.kind in ("started", "updated") and "fields" in r.data:
                    found.setdefault(r.instance_id, []).append((r.at, r.seq, r.data["fields"]))
        return found

    # customers ---------------------------------------------------------------------------
    def profiles(self) -> list[Profile]:
        """The live profiles (a merged duplicate is not one), with when each was made.
        Their missing keys are read as text and each list decoded once (a hundred thousand
        profiles: the JSON type's processing of each was most of the read)."""
        c = customers.c
        query = select(
            c.id, c.owner, c.industry, c.size, c.stage, c.grade, c.completeness
        ).add_columns(cast(c.missing, Text), c.created_at)
        query = query.where(c.merged_into.is_(None))
        decoded: dict[str | None, tuple[str, ...]] = {"[]": (), None: ()}
        found = []
        for r in self.conn.execute(query).all():
            text = r[7]
            missing = decoded.get(text)
            if missing is None:  # few lists recur: each decoded once
                missing = decoded[text] = tuple(json.loads(text))
            found.append(Profile(r[0], r[1], r[2], r[3], r[4], r[5], r[6], missing, r[8]))
        return found

    def profiles_at(self, bounds: Sequence[datetime]) -> list[list[Profile]]:
        """Per month of `bounds` (its starts, then the last one's end): the live profiles
        made before its end. Those with no change recorded since the first month's end come
        counted per alike columns and month made (as they are now is as they were then);
        the others one by one, for the review to take back through their changes
        (`History.profiles`)."""
        c = customers.c
        made = and_(c.merged_into.is_(None), c.created_at < bounds[-1])
        shape = (c.owner, c.industry, c.size, c.stage, c.grade, c.completeness)
        missing, month = cast(c.missing, Text), _month_of(c.created_at, bounds)
        changed = _changed_since(bounds[1])
        alike = (
            select(*shape, missing, month, func.count())
            .where(made, c.id.not_in(changed))
            .group_by(*shape, missing, month)
        )
        lacking = _decoder()
        found: list[list[Profile]] = [[] for _ in bounds[1:]]
        for r in self.conn.execute(alike).all():
            one = Profile("", r[0], r[1], r[2], r[3], r[4], r[5], lacking(r[6]), bounds[0], r[8])
            for later in found[r[7] :]:  # made in that month: counted in it and after it
                later.append(one)
        one_by_one = select(c.id, *shape, missing, c.created_at, month).where(
            made, c.id.in_(changed)
        )
        for r in self.conn.execute(one_by_one).all():
            one = Profile(r[0], r[1], r[2], r[3], r[4], r[5], r[6], lacking(r[7]), r[8])
            for later in found[r[9] :]:
                later.append(one)
        return found

    def tags_at(
        self, bounds: Sequence[datetime]
    ) -> list[tuple[list[TagCount], dict[str, list[str]]]]:
        """Per month of `bounds` (as `profiles_at`): the tags of the live profiles made
        before its end — of those with no change since the first month's end, how many per
        (owner, grade, tag); of the others, each one's tags now."""
        c, t = customers.c, customer_tags.c
        made = and_(c.merged_into.is_(None), c.created_at < bounds[-1])
        month, changed = _month_of(c.created_at, bounds), _changed_since(bounds[1])
        alike = (
            select(c.owner, c.grade, t.tag, month, func.count())
            .join(customers, c.id == t.customer_id)
            .where(made, c.id.not_in(changed))
            .group_by(c.owner, c.grade, t.tag, month)
        )
        found: list[tuple[list[TagCount], dict[str, list[str]]]] = [([], {}) for _ in bounds[1:]]
        for r in self.conn.execute(alike).all():
            for counted, _ in found[r[3] :]:
                counted.append(TagCount(r[0], r[1], r[2], int(r[4])))
        one_by_one = (
            select(t.customer_id, t.tag, month)
            .join(customers, c.id == t.customer_id)
            .where(made, c.id.in_(changed))
            .order_by(t.customer_id, t.tag)
        )
        for r in self.conn.execute(one_by_one).all():
            for _, each in found[r[2] :]:
                each.setdefault(r[0], []).append(r[1])
        return found

    def owners_of(self, ids: Sequence[str], until: datetime) -> dict[str, str]:
        """The owner now of those of these customers that are live profiles made before
        `until`."""
        c = customers.c
        found: dict[str, str] = {}
        for chunk in _chunks(sorted(ids)):
            query = select(c.id, c.owner).where(
                c.id.in_(chunk), c.merged_into.is_(None), c.created_at < until
            )
            found.update({r[0]: r[1] for r in self.conn.execute(query).all()})
        return found

    def tags(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        query = select(customer_tags.c.customer_id, customer_tags.c.tag).order_by(
            customer_tags.c.customer_id, customer_tags.c.tag
        )
        for r in self.conn.execute(query).all():
            found.setdefault(r.customer_id, []).append(r.tag)
        return found

    def profile_changes(self, since: datetime) -> list[ProfileChange]:
        """Every change to a profile recorded from `since` on, oldest first."""
        c = customer_changes.c
        query = (
            select(c.customer_id, c.recorded_at, c.id, c.changes)
            .where(c.recorded_at >= since)
            .order_by(c.recorded_at, c.id)
        )
        return [ProfileChange(*r) for r in self.conn.execute(query).all()]


def _reassigned() -> Select[Any]:
    """The opportunities that ever changed owner: counted one by one, the others together
    under the owner they have (theirs at every moment)."""
    return select(events.c.instance_id).where(events.c.kind == "assigned")


def _decoder() -> Callable[[str | None], tuple[str, ...]]:
    """A JSON list of keys decoded once per distinct text (few lists recur)."""
    decoded: dict[str | None, tuple[str, ...]] = {"[]": (), None: ()}

    def decode(text: str | None) -> tuple[str, ...]:
        found = decoded.get(text)
        if found is None:
            found = decoded[text] = tuple(json.loads(text or "[]"))
        return found

    return decode


def _changed_since(until: datetime) -> Select[Any]:
    """The customers with a change recorded from `until` on (taken back one by one)."""
    c = customer_changes.c
    return select(c.customer_id).where(c.recorded_at >= until)


MANY = 5000  # more customers than this whose owner changed: found by the database again


def _month_of(column: Any, bounds: Sequence[datetime]) -> ColumnElement[int]:
    """Which month of `bounds` (its starts, then the last one's end) `column` falls in: 0,
    1, ... (the caller keeps only those in the first and before the last bound)."""
    if len(bounds) == 2:
        zero: ColumnElement[int] = literal(0)
        return zero
    month: ColumnElement[int] = case(
        *((column < bound, n) for n, bound in enumerate(bounds[1:-1])),
        else_=len(bounds) - 2,
    )
    return month


def _not_among(column: Any, ids: Sequence[str]) -> list[ColumnElement[bool]]:
    """`column` none of the customers `ids` whose owner changed (no condition for none)."""
    if not ids:
        return []
    return [column.not_in(list(ids) if len(ids) <= MANY else _owner_changed(None))]


def _among(column: Any, ids: Sequence[str]) -> ColumnElement[bool]:
    """`column` one of the customers `ids` whose owner changed."""
    found: ColumnElement[bool] = column.in_(list(ids) if len(ids) <= MANY else _owner_changed(None))
    return found


def _owner_changed(since: datetime | None) -> Select[Any]:
    """The customers whose owner changed (from `since` on): counted one by one, the others
    together under the owner they have."""
    c = customer_changes.c
    query = select(c.customer_id).where(c.changes["owner"].as_string().is_not(None))
    return query if since is None else query.where(c.recorded_at >= since)


def _amount() -> ColumnElement[Any]:
    """An opportunity's `amount` field, read out of its fields by the database."""
    amount: ColumnElement[Any] = instances.c.fields["amount"].as_float()
    return amount


def _chunks(ids: Sequence[Any], size: int = 900) -> Iterator[list[Any]]:
    """Lists of at most `size` (SQLite's parameter limit)."""
    for first in range(0, len(ids), size):
        yield list(ids[first : first + size])
