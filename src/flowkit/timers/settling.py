"""Settling the cadence periods that ended: for the store, and in memory for reading.

A repeating timer (an opportunity's cadence, a customer's maintenance) is stored one row per
period; when time moves past a period's end it is settled (`cadence.roll`) and the next one
opens. Opportunity and customer timers are settled by the same functions here, told apart by
`Keyed`: which rows belong together (a node of an opportunity, a customer) and which kind
repeats. Within one key, once a period is late the short ones after it are missed: one idle
opportunity or customer is one line in the status.

The store settles periods as the next command on the opportunity or customer writes (`due`).
A reader does not wait for that command: `flowkit status` and `flowkit show` settle the
ended periods the same way in memory (`periods`, `settled`), so a week met and then silence
shows the next week short at once, and what they say is what the store will hold after the
next command.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flowkit.calendar import Calendar
from flowkit.store import Row
from flowkit.timers import cadence
from flowkit.timers.cadence import as_cadence

Calendars = Callable[[str], Calendar]  # a calendar by name (the tracker's, cached)
_PERIOD = ("started_at", "due_at", "warn_at", "done", "state", "ended_at")  # what roll sets


@dataclass(frozen=True)
class Keyed:
    """Whose timers: the kind that runs in periods, and what keys timers together."""

    kind: str  # cadence (opportunities) | maintenance (customers)
    key: Callable[[Mapping[str, Any]], Hashable]


OPPORTUNITY = Keyed("cadence", lambda t: (t["instance_id"], t["node"]))
CUSTOMER = Keyed("maintenance", lambda t: t["customer_id"])


def due(
    timers: list[Row], until: datetime, cal: Calendar, keyed: Keyed
) -> Iterator[tuple[Row, dict[str, Any], list[dict[str, Any]]]]:
    """For the store: each stored timer whose period ended by `until`, with its update and
    the period rows that follow it (in the shape `cadence.roll` makes them)."""
    behind = {keyed.key(t) for t in timers if t["state"] == "late"}
    for timer in timers:
        if timer["kind"] != keyed.kind:
            continue
        update, rows = cadence.roll(_as_period(timer), until, cal, keyed.key(timer) in behind)
        if update is not None:
            yield timer, update, rows


def periods(
    calendar: Calendars, rows: list[Row], as_of: datetime, keyed: Keyed = OPPORTUNITY
) -> list[Row]:
    """The timers with each running period over by `as_of` settled in memory: met, or short
    (due at its end), and the periods since, as the next command will store them. Each
    keeps its own keys and kind (its instance and node, or its customer and lane)."""
    behind = {keyed.key(r) for r in rows if r["state"] == "late"}
    found = []
    for row in rows:
        if _over(row, as_of, keyed.kind):
            cal = calendar(row["calendar"])
            update, new = cadence.roll(_as_period(row), as_of, cal, keyed.key(row) in behind)
            assert update is not None  # _over says it ended
            found += [{**row, **update}, *({**row, **{k: p[k] for k in _PERIOD}} for p in new)]
        else:
            found.append(row)
    return found


def settled(
    calendar: Calendars,
    rows: list[Row],
    as_of: datetime,
    keyed: Keyed = OPPORTUNITY,
    whole: Callable[[list[int]], Mapping[int, Row]] | None = None,
) -> list[Row]:
    """The alert rows, settled: of the periods since, the one running at `as_of` is listed
    once past its warning. Rows that carry only what an alert shows get the few periods to
    settle read `whole` (by id) first."""
    over = [r["id"] for r in rows if _over(r, as_of, keyed.kind)]
    if not over:  # the usual case: nothing to settle
        return [r for r in rows if _listed(r, as_of)]
    if whole is not None:
        full = whole(over)
        rows = [{**full[r["id"]], **r} if r["id"] in full else r for r in rows]
    return [p for p in periods(calendar, rows, as_of, keyed) if _listed(p, as_of)]


def _as_period(timer: Row) -> Row:
    """A timer in the shape cadence periods are counted in (a maintenance period is a
    cadence of no node)."""
    return timer if timer["kind"] == "cadence" else as_cadence(timer)


def _over(timer: Row, as_of: datetime, kind: str) -> bool:
    """A running period that ended by `as_of`: settling it may open short ones."""
    ended: bool = timer["due_at"] <= as_of
    return timer["kind"] == kind and timer["state"] == "running" and ended


def _listed(timer: Row, as_of: datetime) -> bool:
    """Whether status lists the timer at `as_of`: running or late, warned, and short."""
    short = timer["kind"] in ("deadline", "review") or timer["done"] < timer["required"]
    warned = timer["warn_at"] is not None and timer["warn_at"] <= as_of
    return timer["state"] in ("running", "late") and warned and short
