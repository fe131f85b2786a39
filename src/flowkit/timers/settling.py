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

from flowkit.calendar import Calendar
from flowkit.store import Row, Tx
from flowkit.timers import cadence
from flowkit.timers.cadence import as_cadence

Calendars = Callable[[str], Calendar]  # a calendar by name (the tracker's, cached)


def periods(calendar: Calendars, rows: list[Row], as_of: datetime) -> list[Row]:
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


def settled(calendar: Calendars, tx: Tx, rows: list[Row], as_of: datetime) -> list[Row]:
    """The alert rows, settled: of the periods since, the one running at `as_of` is listed
    once past its warning. Alert rows carry what an alert shows; the few periods to settle
    are read whole."""
    over = [r["id"] for r in rows if _over(r, as_of)]
    if not over:  # the usual case: nothing to settle
        return [r for r in rows if _listed(r, as_of)]
    whole = tx.timers_by_id(over)
    rows = [{**whole[r["id"]], **r} if r["id"] in whole else r for r in rows]
    return [p for p in periods(calendar, rows, as_of) if _listed(p, as_of)]


def _over(timer: Row, as_of: datetime) -> bool:
    """A running cadence period that ended by `as_of`: settling it may open short ones
    (a deadline waiting for its anchor has no due instant yet)."""
    if timer["kind"] != "cadence" or timer["state"] != "running":
        return False
    ended: bool = timer["due_at"] <= as_of
    return ended


def _listed(timer: Row, as_of: datetime) -> bool:
    """Whether status lists the timer at `as_of`: running or late, warned, and short."""
    short = timer["kind"] in ("deadline", "review") or timer["done"] < timer["required"]
    warned = timer["warn_at"] is not None and timer["warn_at"] <= as_of
    return timer["state"] in ("running", "late") and warned and short


def settled_maintenance(calendar: Calendars, rows: list[Row], as_of: datetime) -> list[Row]:
    """Customer timers as `settled` gives opportunity timers: a maintenance period over by
    `as_of` settled in memory, so a customer nobody has visited since shows up."""
    behind = {r["customer_id"] for r in rows if r["state"] == "late"}
    found = []
    for row in rows:
        these = [row]
        if row["kind"] == "maintenance" and row["state"] == "running" and row["due_at"] <= as_of:
            cal = calendar(row["calendar"])
            done = cadence.settled(as_cadence(row), as_of, cal, row["customer_id"] in behind)
            these = [p | {"kind": "maintenance"} for p in done]
        found += [p for p in these if _listed(p, as_of)]
    return found
