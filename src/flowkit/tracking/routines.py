"""Routines of a role: a cadence owed once per period by people, not by each opportunity.

The template's 线索获取 says 每日更新: the lead list is updated daily — by the marketing
team, once a day, however many leads sit at the node. As a cadence of each opportunity it
would put every lead in the status each day ("每日更新 (0/1)"), noise that hides the deals
really late. So a node's SLA may say who owes its cadence (`per: lane` or `per: owner`):

- `lane`: each active person of the node's lane (org.yaml), once per period;
- `owner`: each owner of opportunities at the node, once per period.

A routine's periods are the calendar's own: each working day for a daily routine (a day
off owes nothing; a 调休 Saturday does), each calendar week, month or quarter that has a
working day. What counts is the work recorded at the node in the period (follow-ups,
deliveries of its documents, completions): by the person (`--by`, or the acting person)
for a lane's routine, on the person's opportunities for an owner's. A period is due at
its end (midnight) and at risk after the close of its last working day.

`flowkit status` reports each person once: overdue since the first of the periods they
have missed in a row up to the last one that ended, else at risk in the current period.
Periods are counted back at most `LOOKBACK` periods, and not before the process's first
opportunity started (a routine is owed from the day the team works in flowkit).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from flowkit.calendar import Calendar
from flowkit.lang.sla import Cadence
from flowkit.model import Node, Process

if TYPE_CHECKING:
    from flowkit.store import ActivityRow
    from flowkit.store.reading import Reads
    from flowkit.tracking.tracker import Tracker

LOOKBACK: Final = 31  # periods counted back from the moment asked about
_BACK: Final = {"day": 45, "week": 7 * 32, "month": 31 * 32, "quarter": 92 * 32}  # days


@dataclass(frozen=True)
class Routine:
    """A node's cadence owed by people: which process, node and calendar."""

    process: Process
    node: Node
    cadence: Cadence
    per: str  # lane | owner
    calendar: Calendar


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # due: the period's end (midnight)
    warn: datetime  # the close of its last working day


@dataclass(frozen=True)
class Owed:
    """One person's routine as the status reports it: the first period missed in a row
    up to the last one ended (`breached`), or the current period past its warning."""

    routine: Routine
    person: str
    period: Period
    done: int
    required: int


def routines(tracker: Tracker) -> list[Routine]:
    """Every routine of the current process versions."""
    found = []
    for process in tracker.definitions.current.values():
        for node in process.nodes:
            sla = node.sla
            if sla is not None and sla.routine and sla.cadence is not None and node.lane:
                cal = tracker.calendar(process.calendar)
                found.append(Routine(process, node, sla.cadence, sla.per, cal))
    return found


def owed(
    tracker: Tracker,
    tx: Reads,
    as_of: datetime,
    people: Sequence[str] | None,
    process: str | None = None,
    nodes: Sequence[str] | None = None,
) -> list[Owed]:
    """The routines short at `as_of`, once per person, of the `people` asked about (None:
    everyone), of a process and nodes when asked."""
    found: list[Owed] = []
    for routine in routines(tracker):
        if process is not None and routine.process.id != process:
            continue
        if nodes is not None and routine.node.id not in nodes:
            continue
        found += _owed(tracker, tx, routine, as_of, people)
    return found


def _owed(
    tracker: Tracker, tx: Reads, routine: Routine, as_of: datetime, asked: Sequence[str] | None
) -> list[Owed]:
    first = tx.first_started(routine.process.id)
    if first is None or first > as_of:
        return []
    since = max(first, as_of - timedelta(days=_BACK[routine.cadence.period]))
    spans = list(periods(routine.calendar, routine.cadence.period, since, as_of))[-LOOKBACK:]
    if not spans:
        return []
    people = _people(tracker, tx, routine)
    if asked is not None:
        people = [p for p in people if p in asked]
    work = tx.node_activity(routine.process.id, routine.node.id, spans[0].start, as_of)
    found = []
    for person in people:
        counts = _counts(spans, _theirs(work, person, routine.per))
        due = _due(routine, person, spans, counts, as_of)
        if due is not None:
            found.append(due)
    return found


def _people(tracker: Tracker, tx: Reads, routine: Routine) -> list[str]:
    if routine.per == "owner":
        return tx.owners_at(routine.process.id, routine.node.id)
    if tracker.people is None or routine.node.lane is None:
        return []
    return [p.id for p in tracker.people.people_in(routine.node.lane)]


def _theirs(work: Sequence[ActivityRow], person: str, per: str) -> list[datetime]:
    if per == "owner":
        return [w["at"] for w in work if w["owner"] == person]
    return [w["at"] for w in work if w["by"] == person]


def _counts(spans: Sequence[Period], times: Sequence[datetime]) -> list[int]:
    counts = [0] * len(spans)
    for at in times:
        for i, span in enumerate(spans):
            if span.start <= at < span.end:
                counts[i] += 1
                break
    return counts


def _due(
    routine: Routine, person: str, spans: Sequence[Period], counts: Sequence[int], as_of: datetime
) -> Owed | None:
    required = routine.cadence.count
    ended = [i for i, span in enumerate(spans) if span.end <= as_of]
    if ended and counts[ended[-1]] < required:
        first = ended[-1]
        while first - 1 in ended and counts[first - 1] < required:
            first -= 1
        return Owed(routine, person, spans[first], counts[first], required)
    current = next((i for i, s in enumerate(spans) if s.start <= as_of < s.end), None)
    if current is not None and spans[current].warn <= as_of and counts[current] < required:
        return Owed(routine, person, spans[current], counts[current], required)
    return None


def periods(cal: Calendar, period: str, since: datetime, until: datetime) -> Iterator[Period]:
    """The routine's periods holding a working day, from the one holding `since` to the one
    holding `until`: each working day (daily), or each calendar week, month, quarter."""
    at = since
    while at <= until:
        start, end = cal.period_bounds(at, period)
        close = _last_close(cal, start, end)
        if close is not None:
            yield Period(start, end, close)
        at = end


def _last_close(cal: Calendar, start: datetime, end: datetime) -> datetime | None:
    """The close of the last working day in [start, end), or None when it has none."""
    day, first = (end - timedelta(microseconds=1)).date(), start.date()
    while day >= first:
        windows = cal.windows(day)
        if windows:
            return windows[-1][1].astimezone(cal.tz)
        day -= timedelta(days=1)
    return None
