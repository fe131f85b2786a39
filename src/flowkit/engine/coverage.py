"""Open timers whose due instant falls where a calendar has no holiday data.

`chinesecalendar` knows China's holidays only up to the last year the State Council has
announced; a due date beyond that was computed with the documented fallback (weekends and
fixed-date holidays only) and may move once the real holidays are published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flowkit.engine.tracker import Tracker


@dataclass(frozen=True)
class Uncovered:
    instance_id: int
    name: str
    process_id: str
    node: str
    sla: str
    calendar: str
    due_at: datetime


def uncovered(tracker: Tracker, now: datetime) -> list[Uncovered]:
    with tracker.store.read() as tx:
        rows = tx.open_timers_due_after(now)
    found = []
    for row in rows:
        cal = tracker.calendar(row["calendar"])
        due = row["due_at"].astimezone(cal.tz)
        if not cal.covers(due.date()):
            found.append(
                Uncovered(
                    row["instance_id"],
                    row["name"],
                    row["process_id"],
                    row["node"],
                    row["sla"],
                    row["calendar"],
                    row["due_at"],
                )
            )
    return found
