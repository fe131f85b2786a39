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
from typing import Generic, TypeVar, cast

from typing_extensions import ReadOnly, TypedDict

from flowkit.calendar import Calendar
from flowkit.store import NewCustomerTimer, NewTimer, TimerUpdate, TimerValues
from flowkit.timers import cadence
from flowkit.timers.cadence import as_cadence

Calendars = Callable[[str], Calendar]  # a calendar by name (the tracker's, cached)


class _Period(TypedDict):
    """What settling reads of any timer row, an opportunity's or a customer's."""

    id: ReadOnly[int]
    kind: ReadOnly[str]
    state: ReadOnly[str]
    calendar: ReadOnly[str]
    due_at: ReadOnly[datetime | None]
    warn_at: ReadOnly[datetime | None]
    required: ReadOnly[int]
    done: ReadOnly[int]


R = TypeVar("R", bound=_Period)  # a timer row, with whatever else it holds (its keys)


@dataclass(frozen=True)
class Keyed(Generic[R]):
    """Whose timers: the kind that runs in periods, and what keys timers together."""

    kind: str  # cadence (opportunities) | maintenance (customers)
    key: Callable[[Mapping[str, object]], Hashable]


OPPORTUNITY: Keyed[_Period] = Keyed("cadence", lambda t: (t["instance_id"], t["node"]))
CUSTOMER: Keyed[_Period] = Keyed("maintenance", lambda t: t["customer_id"])


def due(
    timers: list[R], until: datetime, cal: Calendar, keyed: Keyed[_Period]
) -> Iterator[tuple[R, TimerUpdate, list[NewTimer]]]:
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
    calendar: Calendars, rows: list[R], as_of: datetime, keyed: Keyed[_Period] = OPPORTUNITY
) -> list[R]:
    """The timers with each running period over by `as_of` settled in memory: met, or short
    (due at its end), and the periods since, as the next command will store them. Each
    keeps its own keys and kind (its instance and node, or its customer and lane)."""
    behind = {keyed.key(r) for r in rows if r["state"] == "late"}
    found: list[R] = []
    for row in rows:
        if over(row, as_of, keyed.kind):
            found += settle(calendar(row["calendar"]), row, as_of, keyed.key(row) in behind)
        else:
            found.append(row)
    return found


def settle(cal: Calendar, row: R, as_of: datetime, behind: bool) -> list[R]:
    """One running period over by `as_of` (see `over`), settled in memory: the row with
    its period's values replaced, and the periods opened since; `behind`: its key (node
    of an opportunity, customer) has a late period already."""
    update, new = cadence.roll(_as_period(row), as_of, cal, behind)
    assert update is not None  # over: it ended
    # each is the row with its period's values replaced: still a row of its kind
    return [cast(R, {**row, **update}), *(cast(R, {**row, **_period_values(p)}) for p in new)]


def settled(
    calendar: Calendars,
    rows: list[R],
    as_of: datetime,
    keyed: Keyed[_Period] = OPPORTUNITY,
    whole: Callable[[list[int]], Mapping[int, _Period]] | None = None,
) -> list[R]:
    """The alert rows, settled: of the periods since, the one running at `as_of` is listed
    once past its warning. Rows that carry only what an alert shows get the few periods to
    settle read `whole` (by id) first."""
    over_ids = [r["id"] for r in rows if over(r, as_of, keyed.kind)]
    if not over_ids:  # the usual case: nothing to settle
        return [r for r in rows if listed(r, as_of)]
    if whole is not None:
        full = whole(over_ids)
        rows = [cast(R, {**full[r["id"]], **r}) if r["id"] in full else r for r in rows]
    return [p for p in periods(calendar, rows, as_of, keyed) if listed(p, as_of)]


class _PeriodValues(TimerUpdate, total=False):
    """What a period opened by settling sets on the row it is read as."""

    started_at: datetime


def _period_values(period: NewTimer) -> _PeriodValues:
    """What a period opened by settling sets on the row it is read as."""
    return {
        "started_at": period["started_at"],
        "due_at": period["due_at"],
        "warn_at": period["warn_at"],
        "done": period["done"],
        "state": period["state"],
        "ended_at": period["ended_at"],
    }


def _as_period(timer: _Period) -> TimerValues:
    """A timer in the shape cadence periods are counted in (a maintenance period is a
    cadence of no node)."""
    if timer["kind"] == "cadence":
        return cast(TimerValues, timer)
    return as_cadence(cast(NewCustomerTimer, timer))


def over(timer: _Period, as_of: datetime, kind: str) -> bool:
    """A running period that ended by `as_of`: settling it may open short ones (a deadline
    waiting for its anchor has no due instant yet)."""
    if timer["kind"] != kind or timer["state"] != "running":
        return False
    due = timer["due_at"]
    return due is not None and due <= as_of


def listed(timer: _Period, as_of: datetime) -> bool:
    """Whether status lists the timer at `as_of`: running or late, warned, and short."""
    short = timer["kind"] in ("deadline", "review") or timer["done"] < timer["required"]
    warned = timer["warn_at"] is not None and timer["warn_at"] <= as_of
    return timer["state"] in ("running", "late") and warned and short
