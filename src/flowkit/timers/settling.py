"""Cadence periods that ended with nobody touching the opportunity (or the customer) since,
settled in memory for reading.

Periods are stored as the next command on the opportunity settles them (`cadence.roll`).
A reader does not wait for that command: `flowkit status` and `flowkit show` settle the
ended periods the same way in memory, so a week met and then silence shows the next week
short at once, and what they say is what the store will hold after the next command.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from typing_extensions import ReadOnly, TypedDict

from flowkit.calendar import Calendar
from flowkit.store import AlertPeriod, AlertRow, CustomerAlertRow, TimerRow, TimerValues, Tx
from flowkit.timers import cadence
from flowkit.timers.cadence import as_cadence

Calendars = Callable[[str], Calendar]  # a calendar by name (the tracker's, cached)


class _Listing(TypedDict):
    """What tells whether status lists a timer (of an opportunity or a customer)."""

    kind: ReadOnly[str]
    state: ReadOnly[str]
    warn_at: ReadOnly[datetime | None]
    required: ReadOnly[int]
    done: ReadOnly[int]


class _Running(TypedDict):
    """What tells whether a timer is a running cadence period over by some instant."""

    kind: ReadOnly[str]
    state: ReadOnly[str]
    due_at: ReadOnly[datetime | None]


def periods(calendar: Calendars, rows: list[TimerRow], as_of: datetime) -> list[TimerRow]:
    """The timers with each running cadence period over by `as_of` settled in memory: met,
    or short (due at its end), and the periods since, as the next command will store them."""
    behind = {(r["instance_id"], r["node"]) for r in rows if r["state"] == "late"}
    found = []
    for row in rows:
        if _over(row, as_of):
            cal = calendar(row["calendar"])
            key = (row["instance_id"], row["node"])
            found += cadence.settled(row, as_of, cal, key in behind)
        else:
            found.append(row)
    return found


def settled(calendar: Calendars, tx: Tx, rows: list[AlertRow], as_of: datetime) -> list[AlertRow]:
    """The alert rows, settled: of the periods since, the one running at `as_of` is listed
    once past its warning. Alert rows carry what an alert shows; the few periods to settle
    are read whole."""
    over = [r["id"] for r in rows if _over(r, as_of)]
    if not over:  # the usual case: nothing to settle
        return [r for r in rows if _listed(r, as_of)]
    whole = tx.timers_by_id(over)
    behind = {(r["instance_id"], r["node"]) for r in rows if r["state"] == "late"}
    found: list[AlertRow] = []
    for row in rows:
        if _over(row, as_of):  # each of them read whole: `over` holds its id
            period: AlertPeriod = {**whole[row["id"]], **row}
            cal = calendar(period["calendar"])
            key = (period["instance_id"], period["node"])
            found += cadence.settled(period, as_of, cal, key in behind)
        else:
            found.append(row)
    return [p for p in found if _listed(p, as_of)]


def _over(timer: _Running, as_of: datetime) -> bool:
    """A running cadence period that ended by `as_of`: settling it may open short ones
    (a deadline waiting for its anchor has no due instant yet)."""
    if timer["kind"] != "cadence" or timer["state"] != "running":
        return False
    due = timer["due_at"]
    return due is not None and due <= as_of


def _listed(timer: _Listing, as_of: datetime) -> bool:
    """Whether status lists the timer at `as_of`: running or late, warned, and short."""
    short = timer["kind"] in ("deadline", "review") or timer["done"] < timer["required"]
    warned = timer["warn_at"] is not None and timer["warn_at"] <= as_of
    return timer["state"] in ("running", "late") and warned and short


def settled_maintenance(
    calendar: Calendars, rows: list[CustomerAlertRow], as_of: datetime
) -> list[CustomerAlertRow]:
    """Customer timers as `settled` gives opportunity timers: a maintenance period over by
    `as_of` settled in memory, so a customer nobody has visited since shows up."""
    behind = {r["customer_id"] for r in rows if r["state"] == "late"}
    found = []
    for row in rows:
        these = [row]
        if row["kind"] == "maintenance" and row["state"] == "running" and row["due_at"] <= as_of:
            cal = calendar(row["calendar"])
            done = cadence.settled(as_cadence(row), as_of, cal, row["customer_id"] in behind)
            these = [_maintenance(row, p) for p in done]
        found += [p for p in these if _listed(p, as_of)]
    return found


def _maintenance(row: CustomerAlertRow, period: TimerValues) -> CustomerAlertRow:
    """A settled maintenance period as a row of its customer's timer."""
    due = period["due_at"]
    assert due is not None, "a maintenance period has an end"
    return {
        **row,
        "started_at": period["started_at"],
        "warn_at": period["warn_at"],
        "due_at": due,
        "done": period["done"],
        "state": period["state"],
        "ended_at": period["ended_at"],
    }
