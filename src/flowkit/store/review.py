"""What the monthly review reads (`flowkit.review.measures`): the records of a period, as
they were recorded, never the state as it is now where the two differ.

Each query reads history that does not change once written — events, timers that ended,
profile changes, spot checks — so a past month gives the same rows whenever it is asked.
Rows come back as plain tuples (named), a month of a large database being tens of
thousands of them; the measures group them in Python, where the owner of each row at its
moment is worked out from the `assigned` events (`owner_at`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, func, or_, select
from sqlalchemy.sql import ColumnElement

from flowkit.store.history import timers_then
from flowkit.store.tables import (
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


class Stay(NamedTuple):
    """How long an opportunity stayed at a node it completed."""

    instance_id: int
    process_id: str
    node: str
    seconds: float
    at: datetime
    owner: str


class Opportunity(NamedTuple):
    """An opportunity as stored now (with its fields), for the pipeline and the cohorts."""

    id: int
    process_id: str
    node: str | None
    node_entered_at: datetime
    state: str
    owner: str
    fields: Mapping[str, Any]
    started_at: datetime
    closed_at: datetime | None


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
        self, kinds: Sequence[str], since: datetime, until: datetime
    ) -> Iterator[MonthEvent]:
        """The events of these kinds that happened in [since, until) (by index)."""
        e, i = events.c, instances.c
        query = (
            select(e.instance_id, e.seq, e.kind, e.node, e.at, e.data, i.process_id, i.owner)
            .join(instances, i.id == e.instance_id)
            .where(e.kind.in_(kinds), e.at >= since, e.at < until)
            .order_by(e.at, e.instance_id, e.seq)
        )
        return (MonthEvent(*row) for row in self.conn.execute(query))

    def assignments(self, after: datetime) -> list[Assignment]:
        """Every change of an opportunity's owner after `after`, oldest first."""
        e = events.c
        query = (
            select(e.instance_id, e.at, e.seq, e.data)
            .where(e.kind == "assigned", e.at > after)
            .order_by(e.at, e.seq)
        )
        return [
            Assignment(r.instance_id, r.at, r.seq, str(r.data.get("from", "")))
            for r in self.conn.execute(query)
            if r.data.get("from")
        ]

    def deadline_ends(self, since: datetime, until: datetime) -> list[DeadlineEnd]:
        """Deadlines met or missed in [since, until), with the `by` of the completion of
        their node at that instant (a deadline ends when its node is completed or the
        opportunity is closed)."""
        t, i, e = timers.c, instances.c, events.c
        done = and_(
            e.instance_id == t.instance_id,
            e.node == t.node,
            e.kind == "completed",
            e.at == t.ended_at,
        )
        query = (
            select(t.instance_id, i.process_id, t.node, t.state, t.ended_at, i.owner, e.data)
            .join(instances, i.id == t.instance_id)
            .outerjoin(events, done)
            .where(
                t.kind == "deadline",
                t.state.in_(("met", "missed")),
                t.ended_at >= since,
                t.ended_at < until,
            )
        )
        found: dict[tuple[int, str, datetime], DeadlineEnd] = {}
        for r in self.conn.execute(query):
            doer = r.data.get("by") if r.data else None
            found[r.instance_id, r.node, r.ended_at] = DeadlineEnd(
                r.instance_id, r.process_id, r.node, r.state, r.ended_at, r.owner, doer
            )
        return list(found.values())

    def overdue(self, until: datetime) -> list[Overdue]:
        """Deadlines that had started by `until`, had not ended by then and were past their
        due instant then (taken back through the timers' history)."""
        t, i = timers.c, instances.c
        found = and_(
            t.kind == "deadline",
            t.state.in_(("running", "paused", "met", "missed")),
            t.started_at < until,
            or_(t.ended_at.is_(None), t.ended_at >= until),
        )
        query = (
            select(t.id, t.instance_id, i.process_id, t.node, t.state, t.warn_at, t.due_at)
            .add_columns(t.done, t.ended_at, i.owner)
            .join(instances, i.id == t.instance_id)
            .where(found)
        )
        rows = [r._asdict() for r in self.conn.execute(query)]
        ids = select(t.id).where(found)
        timers_then(self.conn, timer_history, rows, until, ids)
        return [
            Overdue(r["instance_id"], r["process_id"], r["node"], r["due_at"], r["owner"])
            for r in rows
            if r["state"] in ("running", "paused")
            and r["due_at"] is not None
            and r["due_at"] < until
        ]

    def periods(self, since: datetime, until: datetime) -> list[Period]:
        """Cadence periods of opportunities and customers' maintenance that ended in
        [since, until) at their due instant (a period cut short by leaving the node is
        `stopped` and not counted)."""
        t, i = timers.c, instances.c
        ended = [t.kind == "cadence", t.due_at >= since, t.due_at < until, t.state != "stopped"]
        query = (
            select(t.instance_id, i.process_id, t.node, t.required, t.done, t.due_at, i.owner)
            .join(instances, i.id == t.instance_id)
            .where(*ended)
        )
        found = [
            Period(
                str(r.instance_id),
                r.process_id,
                r.node,
                r.required,
                r.done,
                r.due_at,
                r.owner,
                False,
            )
            for r in self.conn.execute(query)
        ]
        c, k = customer_timers.c, customers.c
        query = (
            select(c.customer_id, c.lane, c.required, c.done, c.due_at, k.owner)
            .join(customers, k.id == c.customer_id)
            .where(
                c.kind == "maintenance",
                c.due_at >= since,
                c.due_at < until,
                c.state != "stopped",
            )
        )
        found += [
            Period(r.customer_id, "", r.lane or "", r.required, r.done, r.due_at, r.owner, True)
            for r in self.conn.execute(query)
        ]
        return found

    def unsettled(self, until: datetime) -> list[tuple[dict[str, Any], Period]]:
        """Cadence periods still running in the store although they ended before `until`
        (nothing touched their opportunity or customer since): each row whole, for the
        periods that follow it to be worked out as settling would (`timers.cadence.roll`),
        and the `Period` the followers are counted as."""
        t, i = timers.c, instances.c
        query = (
            select(timers, i.process_id, i.owner)
            .join(instances, i.id == t.instance_id)
            .where(t.kind == "cadence", t.state == "running", t.due_at < until)
        )
        found = []
        for r in self.conn.execute(query):
            row = r._asdict()
            found.append(
                (
                    row,
                    Period(
                        str(row["instance_id"]),
                        row["process_id"],
                        row["node"],
                        row["required"],
                        0,
                        row["due_at"],
                        row["owner"],
                        False,
                    ),
                )
            )
        c, k = customer_timers.c, customers.c
        query = (
            select(customer_timers, k.owner)
            .join(customers, k.id == c.customer_id)
            .where(c.kind == "maintenance", c.state == "running", c.due_at < until)
        )
        for r in self.conn.execute(query):
            row = {
                **r._asdict(),
                "node": "",
                "kind": "cadence",
                "business": False,
                "data_until": None,
                "anchor": None,
            }
            found.append(
                (
                    row,
                    Period(
                        row["customer_id"],
                        "",
                        row["lane"] or "",
                        row["required"],
                        0,
                        row["due_at"],
                        row["owner"],
                        True,
                    ),
                )
            )
        return found

    def stays(self, since: datetime, until: datetime) -> list[Stay]:
        """Each completion in [since, until): the seconds since that opportunity had last
        entered the node (worked out by the database)."""
        done, entry, i = events.alias("done"), events.alias("entry"), instances.c
        entered_at = (
            select(func.max(entry.c.at))
            .where(
                entry.c.instance_id == done.c.instance_id,
                entry.c.node == done.c.node,
                entry.c.kind == "entered",
                entry.c.seq < done.c.seq,
            )
            .scalar_subquery()
        )
        seconds: ColumnElement[Any]
        if self.conn.dialect.name == "postgresql":
            seconds = func.extract("epoch", done.c.at - entered_at)
        else:  # SQLite keeps instants as UTC text
            seconds = (func.julianday(done.c.at) - func.julianday(entered_at)) * 86400
        query = (
            select(done.c.instance_id, i.process_id, done.c.node, seconds.label("s"))
            .add_columns(done.c.at, i.owner)
            .join(instances, i.id == done.c.instance_id)
            .where(done.c.kind == "completed", done.c.at >= since, done.c.at < until)
        )
        return [
            Stay(r.instance_id, r.process_id, r.node, float(r.s), r.at, r.owner)
            for r in self.conn.execute(query)
            if r.s is not None
        ]

    def open_at(self, until: datetime) -> list[Opportunity]:
        """The opportunities open or paused at `until`: started before it, closed (if at
        all) after it; node and fields as stored now (`nodes_at`, `fields_at` take them back)."""
        i = instances.c
        query = select(
            i.id, i.process_id, i.node, i.node_entered_at, i.state, i.owner, i.fields
        ).add_columns(i.started_at, i.closed_at)
        query = query.where(i.started_at < until, or_(i.closed_at.is_(None), i.closed_at >= until))
        return [Opportunity(*r) for r in self.conn.execute(query)]

    def started(self, since: datetime, until: datetime) -> list[Opportunity]:
        """The opportunities started in [since, until), as stored now."""
        i = instances.c
        query = select(
            i.id, i.process_id, i.node, i.node_entered_at, i.state, i.owner, i.fields
        ).add_columns(i.started_at, i.closed_at)
        query = query.where(i.started_at >= since, i.started_at < until)
        return [Opportunity(*r) for r in self.conn.execute(query)]

    def fields_of(self, ids: Sequence[int]) -> dict[int, Mapping[str, Any]]:
        """The fields of these opportunities as stored now."""
        i = instances.c
        found: dict[int, Mapping[str, Any]] = {}
        for chunk in _chunks(ids):
            query = select(i.id, i.fields).where(i.id.in_(chunk))
            found.update({r.id: r.fields for r in self.conn.execute(query)})
        return found

    def nodes_at(self, until: datetime) -> dict[int, str]:
        """The node each opportunity open at `until` but moved (or closed) since was at
        then: the last node it entered before `until`."""
        e, i = events.c, instances.c
        moved = select(i.id).where(
            i.started_at < until,
            or_(i.closed_at.is_(None), i.closed_at >= until),
            i.node_entered_at >= until,
        )
        last = (
            select(e.instance_id, func.max(e.seq).label("seq"))
            .where(e.kind == "entered", e.at < until, e.instance_id.in_(moved))
            .group_by(e.instance_id)
            .subquery()
        )
        query = select(e.instance_id, e.node).join(
            last, and_(e.instance_id == last.c.instance_id, e.seq == last.c.seq)
        )
        return {r.instance_id: r.node for r in self.conn.execute(query)}

    def field_edits(self, after: datetime) -> dict[int, list[tuple[datetime, int, Any]]]:
        """Per opportunity whose fields were edited after `after`: every edit and its start,
        (at, seq, fields after), oldest first, to take its fields back to a moment."""
        e = events.c
        edited = select(e.instance_id).where(e.kind == "updated", e.at >= after)
        query = (
            select(e.instance_id, e.at, e.seq, e.kind, e.data)
            .where(e.kind.in_(("started", "updated")), e.instance_id.in_(edited))
            .order_by(e.instance_id, e.seq)
        )
        found: dict[int, list[tuple[datetime, int, Any]]] = {}
        for r in self.conn.execute(query):
            if "fields" in r.data:
                found.setdefault(r.instance_id, []).append((r.at, r.seq, r.data["fields"]))
        return found

    # customers ---------------------------------------------------------------------------
    def profiles(self, until: datetime) -> list[Profile]:
        """The live profiles made before `until` (a merged duplicate is not one)."""
        c = customers.c
        query = select(
            c.id, c.owner, c.industry, c.size, c.stage, c.grade, c.completeness, c.missing
        ).add_columns(c.created_at)
        query = query.where(c.created_at < until, c.merged_into.is_(None))
        return [Profile(*r) for r in self.conn.execute(query)]

    def tags(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        query = select(customer_tags.c.customer_id, customer_tags.c.tag).order_by(
            customer_tags.c.customer_id, customer_tags.c.tag
        )
        for r in self.conn.execute(query):
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
        return [ProfileChange(*r) for r in self.conn.execute(query)]


def _chunks(ids: Sequence[int], size: int = 900) -> Iterator[list[int]]:
    """Lists of at most `size` (SQLite's parameter limit)."""
    for first in range(0, len(ids), size):
        yield list(ids[first : first + size])
