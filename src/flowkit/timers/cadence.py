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
from typing import Any

from flowkit.calendar import Calendar
from flowkit.lang.sla import Cadence
from flowkit.timers.terms import CADENCE_WARN, period_end

MAX_PERIODS = 1000  # an instance idle for years settles at most this many periods at once


def roll(
    timer: dict[str, Any], until: datetime, cal: Calendar, behind: bool
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Settle `timer` if its period ended by `until`: (its update or None, new period rows).

    `behind`: the node already has an outstanding (late) period.
    """
    if timer["kind"] != "cadence" or timer["state"] != "running" or timer["due_at"] > until:
        return None, []
    cadence = Cadence(timer["required"], timer["period"], timer["method"])
    verdict = _verdict(timer["done"], timer["required"], behind)
    behind = behind or verdict == "late"
    update = {"state": verdict, "ended_at": timer["due_at"]}
    rows: list[dict[str, Any]] = []
    start, share = timer["due_at"], _warn_share(timer)
    while len(rows) < MAX_PERIODS:
        end = period_end(start, cadence, cal)
        ended = end <= until
        state = _verdict(0, cadence.count, behind) if ended else "running"
        behind = behind or state == "late"
        rows.append(
            {
                **{k: timer[k] for k in _COPIED},
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
        start = end
    return update, rows


def counts(timer: dict[str, Any], method: str, at: datetime) -> bool:
    """Whether a follow-up of `method` at `at` counts for this cadence period."""
    return (
        timer["kind"] == "cadence"
        and timer["started_at"] <= at < timer["due_at"]
        and timer["method"] in (None, method)
        and timer["state"] in ("running", "paused", "late", "missed", "met")
    )


def counted(timer: dict[str, Any]) -> dict[str, Any]:
    """The update for one more follow-up in the period: a missed period can still be met
    by a follow-up recorded late with its real time (--at)."""
    done = timer["done"] + 1
    update: dict[str, Any] = {"done": done}
    if timer["state"] in ("late", "missed") and done >= timer["required"]:
        update["state"] = "met"
    return update


def caught_up(timer: dict[str, Any], method: str, at: datetime) -> bool:
    """Whether a follow-up at `at` catches up on this outstanding short period."""
    return (
        timer["kind"] == "cadence"
        and timer["state"] == "late"
        and at >= timer["due_at"]
        and timer["method"] in (None, method)
    )


def as_cadence(timer: dict[str, Any]) -> dict[str, Any]:
    """A customer timer in the shape cadence periods are counted in: a maintenance
    period is a cadence of no node."""
    return {
        **timer,
        "kind": "cadence",
        "node": "",
        "business": False,
        "anchor": None,
        "data_until": None,
    }


def _warn_share(timer: dict[str, Any]) -> float:
    """The share of its period after which `timer` turned "at risk": each new period keeps
    the node's own warning (`warn: 70%`) instead of falling back to the default."""
    start, due, warn = timer["started_at"], timer["due_at"], timer["warn_at"]
    if warn is None or due <= start:
        return CADENCE_WARN / 100
    share: float = (warn - start) / (due - start)
    return min(1.0, max(0.0, share))


def _verdict(done: int, required: int, behind: bool) -> str:
    if done >= required:
        return "met"
    return "missed" if behind else "late"


_COPIED = (
    "node",
    "kind",
    "sla",
    "business",
    "calendar",
    "data_until",
    "anchor",
    "required",
    "method",
    "period",
)
