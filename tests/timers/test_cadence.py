"""Cadence periods rolled over: each new period keeps the node's own warning share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flowkit.calendar import get_calendar
from flowkit.timers.cadence import roll
from tests.conftest import cst

START = cst("2026-11-02T09:00")
WEEK = timedelta(days=7)


def _week(warn_share: float) -> dict[str, Any]:
    """A 每周2次上门拜访 period stored as the engine stores it, warning at `warn_share`."""
    return {
        "node": "opportunity_followup",
        "kind": "cadence",
        "sla": "每周2次上门拜访",
        "business": False,
        "calendar": "cn",
        "data_until": None,
        "anchor": None,
        "required": 2,
        "method": "visit",
        "period": "week",
        "done": 2,
        "state": "running",
        "started_at": START,
        "due_at": START + WEEK,
        "warn_at": START + WEEK * warn_share,
        "ended_at": None,
    }


def test_each_new_period_warns_at_the_share_the_node_asked_for() -> None:
    update, rows = roll(
        _week(0.8), START + 3 * WEEK + timedelta(hours=1), get_calendar("cn"), False
    )
    assert update == {"state": "met", "ended_at": START + WEEK}
    assert [r["started_at"] for r in rows] == [START + WEEK * k for k in (1, 2, 3)]
    for row in rows:
        assert row["warn_at"] == row["started_at"] + WEEK * 0.8  # not the default half
    assert [r["state"] for r in rows] == ["late", "missed", "running"]


def test_a_period_that_has_not_ended_is_left_alone() -> None:
    assert roll(_week(0.5), START + WEEK - timedelta(minutes=1), get_calendar("cn"), False) == (
        None,
        [],
    )
