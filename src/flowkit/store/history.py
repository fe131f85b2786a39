"""Tracking data as it stood at a past moment, for `flowkit status --as-of`.

Timers change in place (a pause moves the due instant, a follow-up counts toward a
cadence), so `timer_history` keeps a timer's values before each change, except when a
running timer simply ends: its `ended_at` already says it ran until then. A timer at a
moment T is therefore the first history row kept after T if there is one, else the row
itself, and running if it ended after T. Owners and risk flags are taken back the same
way, from what the `assigned` and `risk` events after T say they were before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Select, Table, and_, func, or_, select
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.selectable import NamedFromClause

from flowkit.store.rows import AlertRow, KeptTimer, TimerState, TimerUpdate
from flowkit.store.tables import events, instances, timer_history, timers

if TYPE_CHECKING:
    from flowkit.store.reading import StatusFilter

Row = dict[str, Any]  # a row being taken back in time, here only: changed in place
_ENDED = ("met", "missed", "stopped", "late")


def kept(timer: TimerState, values: TimerUpdate) -> KeptTimer | None:
    """The history row to keep before `values` change a stored `timer`, or None when a
    running timer just ends: its `ended_at` already says it ran until then."""
    if "ended_at" in values and timer["state"] == "running":
        return None
    return {
        "timer_id": timer["id"],
        "state": timer["state"],
        "warn_at": timer["warn_at"],
        "due_at": timer["due_at"],
        "done": timer["done"],
    }


def not_over(t: Any, as_of: datetime) -> ColumnElement[bool]:
    """A timer (of either table) that had not ended by `as_of`, or an outstanding late one."""
    return or_(t.ended_at.is_(None), t.ended_at > as_of, t.state == "late")


def alerts_then(
    conn: Connection, as_of: datetime, columns: Sequence[Any], where: StatusFilter
) -> list[AlertRow]:
    """Timers breached or at risk at the past moment `as_of`, as they stood then; the
    owner and risk filters apply to the owners and flags of that moment."""
    t = timers.c
    later = select(timer_history.c.timer_id).where(timer_history.c.until > as_of)
    found = and_(
        t.started_at <= as_of,
        or_(t.id.in_(later), and_(t.warn_at <= as_of, not_over(t, as_of))),
        *([instances.c.process_id == where.process] if where.process else []),
        *([t.node.in_(where.nodes)] if where.nodes is not None else []),
    )
    query = (
        select(t.ended_at, t.started_at, t.method, *columns)
        .join(instances, instances.c.id == t.instance_id)
        .where(found)
    )
    rows = [r._asdict() for r in conn.execute(query)]
    candidates = select(t.id).join(instances, instances.c.id == t.instance_id).where(found)
    timers_then(conn, timer_history, rows, as_of, candidates)
    _counts_then(conn, rows, as_of, candidates.with_only_columns(t.instance_id))
    _instances_then(conn, rows, as_of, candidates.with_only_columns(t.instance_id))
    rows = [r for r in rows if alerting(r, as_of) and _chosen(r, where)]
    return cast(list[AlertRow], sorted(rows, key=lambda r: (r["due_at"], r["id"])))


def timers_then(
    conn: Connection, history: Table, rows: list[Row], as_of: datetime, ids: Select[Any]
) -> None:
    """Each timer's state, instants and count at `as_of`, in place (`rows` have the timer's
    `id`, `ended_at` and current values; `history` is its table's history)."""
    h = history.c
    query = (
        select(h.timer_id, h.state, h.warn_at, h.due_at, h.done)
        .where(h.until > as_of, h.timer_id.in_(ids))
        .order_by(h.until.desc(), h.id.desc())  # the first after as_of comes last and wins
    )
    before = {r.timer_id: r._asdict() for r in conn.execute(query)}
    for row in rows:
        row.update({k: v for k, v in before.get(row["id"], {}).items() if k != "timer_id"})
        if row["state"] in _ENDED and row["ended_at"] is not None and row["ended_at"] > as_of:
            row["state"] = "running"


def _counts_then(conn: Connection, rows: list[Row], as_of: datetime, ids: Select[Any]) -> None:
    """Each cadence period's follow-ups made by `as_of`, counted from the event log: exact
    in whatever order they were recorded (a visit entered late with its real time counts
    from that time on)."""
    cadences = [r for r in rows if r["kind"] == "cadence"]
    if not cadences:
        return
    e = events.c
    query = select(e.instance_id, e.node, e.at, e.data).where(
        e.kind == "follow_up", e.at <= as_of, e.instance_id.in_(ids)
    )
    made: dict[tuple[int, str], list[tuple[datetime, str]]] = defaultdict(list)
    for event in conn.execute(query):
        made[event.instance_id, event.node].append((event.at, event.data.get("method", "")))
    for row in cadences:
        row["done"] = sum(
            row["started_at"] <= at < row["due_at"] and row["method"] in (None, method)
            for at, method in made[row["instance_id"], row["node"]]
        )


def _instances_then(conn: Connection, rows: list[Row], as_of: datetime, ids: Select[Any]) -> None:
    """Each row's owner and risk flag at `as_of`, in place."""
    e = events.c
    query = (
        select(e.instance_id, e.kind, e.data)
        .where(e.at > as_of, e.kind.in_(("assigned", "risk")), e.instance_id.in_(ids))
        .order_by(e.at.desc(), e.seq.desc())  # the first after as_of comes last and wins
    )
    before: dict[tuple[int, str], dict[str, Any]] = {}
    for event in conn.execute(query):
        if event.kind == "assigned" and "from" in event.data:
            before[event.instance_id, "owner"] = {"owner": event.data["from"]}
        elif event.kind == "risk" and "was" in event.data:
            was = event.data["was"]
            before[event.instance_id, "risk"] = {"risk": bool(was), "risk_note": was}
    for row in rows:
        for kind in ("owner", "risk"):
            row.update(before.get((row["instance_id"], kind), {}))


def _chosen(row: Row, where: StatusFilter) -> bool:
    return (where.owners is None or row["owner"] in where.owners) and (
        where.risk is None or row["risk"] == where.risk
    )


def alerting(row: Row, as_of: datetime) -> bool:
    """Past its warning and short, or a cadence period over by then (settled later)."""
    short = row["kind"] == "deadline" or row["done"] < row["required"] or row["due_at"] <= as_of
    warned = row["warn_at"] is not None and row["warn_at"] <= as_of
    return row["state"] in ("running", "late") and warned and short


def completions_with_stay(dialect: str) -> tuple[NamedFromClause, ColumnElement[Any]]:
    """The events table as `done` (to be narrowed to completions), and the seconds each
    completion came after its opportunity last entered that node, worked out by the
    database: the stage times of `flowkit kpi` and the monthly review's stays alike."""
    done, entry = events.alias("done"), events.alias("entry")
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
    if dialect == "postgresql":
        return done, func.extract("epoch", done.c.at - entered_at)
    # SQLite keeps instants as UTC text
    return done, (func.julianday(done.c.at) - func.julianday(entered_at)) * 86400
