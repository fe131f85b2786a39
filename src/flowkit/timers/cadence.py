"""Cadence periods over time: closing the periods that ended, counting follow-ups.

A cadence timer row is one period. When time has moved past its end, the period is
settled and the next one opens where it ended, until the open period contains `until`.
A period that ended short becomes `late`: an outstanding breach that `flowkit status`
lists until the follow-up that was missing is recorded (then `met`, when recorded with a
time inside the period) or a later follow-up catches up (then `missed`, history). Only
the first of several short periods in a row is `late`, so one idle opportunity is one
line in the status, overdue since the first period it missed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from flowkit.calendar import Calendar
from flowkit.lang.sla import Cadence
from flowkit.store.rows import NewCustomerTimer, NewTimer, TimerUpdate, TimerValues
from flowkit.timers.terms import CADENCE_WARN, next_period, on_holidays

MAX_PERIODS = 1000  # an instance idle for years settles at most this many periods at once

T = TypeVar("T", bound=TimerValues)  # a timer, with whatever else its row holds


def roll(
    timer: TimerValues, until: datetime, cal: Calendar, behind: bool
) -> tuple[TimerUpdate | None, list[NewTimer]]:
    """Settle `timer` if its period ended by `until`: (its update or None, new period rows).

    `behind`: the node already has an outstanding (late) period.
    """
    if timer["kind"] != "cadence" or timer["state"] != "running" or _end(timer) > until:
        return None, []
    due, period = _end(timer), timer["period"]
    assert period is not None, "a cadence period has a length"
    cadence = Cadence.coded(timer["required"], period, timer["method"])
    verdict = _verdict(timer["done"], timer["required"], behind)
    behind = behind or verdict == "late"
    update: TimerUpdate = {"state": verdict, "ended_at": due}
    rows: list[NewTimer] = []
    share, previous = _warn_share(timer, due), due
    data = cal.data_until if on_holidays(cadence, cal) else None  # what its periods rely on
    while len(rows) < MAX_PERIODS:
        start, end = next_period(previous, cadence, cal)
        ended = end <= until
        state = _verdict(0, cadence.count, behind) if ended else "running"
        behind = behind or state == "late"
        rows.append(
            {
                "node": timer["node"],
                "kind": timer["kind"],
                "sla": timer["sla"],
                "business": timer["business"],
                "calendar": timer["calendar"],
                "data_until": data,
                "anchor": timer["anchor"],
                "required": timer["required"],
                "method": timer["method"],
                "period": timer["period"],
                "started_at": start,
                "due_at": end,
                "warn_at": start + (end - start) * share,
                "done": 0,
                "state": state,
                "ended_at": end if ended else None,
            }
        )
        if not ended:
            break
        previous = end
    return update, rows


def counts(timer: TimerValues, method: str, at: datetime) -> bool:
    """Whether a follow-up of `method` at `at` counts for this cadence period."""
    return (
        timer["kind"] == "cadence"
        and timer["started_at"] <= at < _end(timer)
        and timer["method"] in (None, method)
        and timer["state"] in ("running", "paused", "late", "missed", "met")
    )


def counted(timer: TimerValues) -> TimerUpdate:
    """The update for one more follow-up in the period: a missed period can still be met
    by a follow-up recorded late with its real time (--at)."""
    done = timer["done"] + 1
    update: TimerUpdate = {"done": done}
    if timer["state"] in ("late", "missed") and done >= timer["required"]:
        update["state"] = "met"
    return update


def caught_up(timer: TimerValues, method: str, at: datetime) -> bool:
    """Whether a follow-up at `at` catches up on this outstanding short period."""
    return (
        timer["kind"] == "cadence"
        and timer["state"] == "late"
        and at >= _end(timer)
        and timer["method"] in (None, method)
    )


def as_cadence(timer: NewCustomerTimer) -> NewTimer:
    """A customer timer in the shape cadence periods are counted in: a maintenance
    period is a cadence of no node."""
    return {
        "node": "",
        "kind": "cadence",
        "sla": timer["sla"],
        "business": False,
        "calendar": timer["calendar"],
        "data_until": None,
        "started_at": timer["started_at"],
        "warn_at": timer["warn_at"],
        "due_at": timer["due_at"],
        "anchor": None,
        "required": timer["required"],
        "done": timer["done"],
        "method": timer["method"],
        "period": timer["period"],
        "state": timer["state"],
        "ended_at": timer["ended_at"],
    }


def _end(period: TimerValues) -> datetime:
    """When a cadence period ends (a cadence timer always has its due instant)."""
    due = period["due_at"]
    assert due is not None, "a cadence period has an end"
    return due


def _warn_share(timer: TimerValues, due: datetime) -> float:
    """The share of its period after which `timer` turned "at risk": each new period keeps
    the node's own warning (`warn: 70%`) instead of falling back to the default."""
    start, warn = timer["started_at"], timer["warn_at"]
    if warn is None or due <= start:
        return CADENCE_WARN / 100
    share: float = (warn - start) / (due - start)
    return min(1.0, max(0.0, share))


def _verdict(done: int, required: int, behind: bool) -> str:
    if done >= required:
        return "met"
    return "missed" if behind else "late"
