"""Due instants and the holiday data behind them: which fall where a calendar has no
data, and moving those that were computed before the data arrived.

`chinesecalendar` knows China's holidays only up to the last year the State Council has
announced; a due date beyond that is computed with the documented fallback (weekends and
fixed-date holidays only). Every timer stores the last year of data it was computed on
(`data_until`), so once a newer chinesecalendar brings that year's holidays, `retime`
moves the due and warning instants to the real days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flowkit.calendar import BUILTIN, Calendar, get_calendar
from flowkit.calendar.notices import disagreements as notice_disagreements
from flowkit.store import NamedTimerRow, OldDataDeadlineRow, TimerUpdate, Tx
from flowkit.tracking.changes import Change, event_row, write
from flowkit.tracking.course import anchors
from flowkit.tracking.tracker import Tracker


@dataclass(frozen=True)
class TimerRef:
    """Which timer: its opportunity, node and SLA as written, and its calendar."""

    instance_id: int
    name: str
    process_id: str
    node: str
    sla: str
    calendar: str

    @classmethod
    def of(cls, row: NamedTimerRow) -> TimerRef:
        return cls(
            row["instance_id"],
            row["name"],
            row["process_id"],
            row["node"],
            row["sla"],
            row["calendar"],
        )


@dataclass(frozen=True)
class Disagreement:
    """A holiday notice file and the installed holiday data see a day differently."""

    file: str
    calendar: str
    year: int
    day: date
    notice_working: bool  # by the file
    data_working: bool  # by the holiday-data package


@dataclass(frozen=True)
class Uncovered:
    timer: TimerRef
    due_at: datetime


@dataclass(frozen=True)
class Retimed:
    """One deadline computed on older holiday data, and where the installed data puts it."""

    timer_id: int
    timer: TimerRef
    data_until: int  # the last year of data it was computed on
    due_at: datetime
    new_due_at: datetime
    warn_at: datetime | None
    new_warn_at: datetime | None

    @property
    def moved(self) -> bool:
        return (self.due_at, self.warn_at) != (self.new_due_at, self.new_warn_at)


def uncovered(tracker: Tracker, now: datetime) -> list[Uncovered]:
    """Open timers due after `now` whose due instant depends on holiday data (business
    time, working days, holidays) and falls in a year the calendar has none for. A clock
    deadline (`30天`, `3个自然日`) needs no holiday data and is never listed."""
    with tracker.store.read() as tx:
        rows = tx.open_timers_due_after(now)
    found = []
    for row in rows:
        if row["data_until"] is None:
            continue
        cal = tracker.calendar(row["calendar"])
        if not cal.covers(row["due_at"].astimezone(cal.tz).date()):
            found.append(Uncovered(TimerRef.of(row), row["due_at"]))
    return found


def disagreements(tracker: Tracker) -> list[Disagreement]:
    """Every day a holiday notice file and the installed holiday data disagree on, once the
    package covers the notice's year too (the file is what flowkit uses meanwhile)."""
    found = []
    for spec in tracker.calendars.values():
        if spec.is_notice and spec.year is not None:
            found += [
                Disagreement(spec.file, spec.base, spec.year, day, mine, theirs)
                for day, mine, theirs in notice_disagreements(spec)
            ]
    return found


def retime(tracker: Tracker, now: datetime, *, apply: bool = False) -> list[Retimed]:
    """Open deadlines computed on holiday data older than the installed one, with their
    instants on the installed data; written (one transaction) only with `apply`.

    The old and the new data agree up to the end of the old data's last year, so the
    working time a deadline had left after that point, measured on the calendar as it
    was, is laid out again from there on the calendar as it is now.
    """
    latest = _latest_data(tracker)
    if latest is None:
        return []
    with tracker.store.write() if apply else tracker.store.read() as tx:
        if apply:
            entry = tracker.access.require_any("calendar retime")
            # another retime started at the same moment waits, then finds these marked as
            # computed on the installed data: no deadline is moved, nor its event written, twice
            tx.serialize()
            tx.log.add([entry])
        found = [
            _retimed(tracker, tx, row)
            for row in tx.deadlines_on_data_before(latest)
            if (tracker.calendar(row["calendar"]).data_until or 0) > row["data_until"]
        ]
        if apply:
            _write(tracker, tx, found, now)
    return found


def _latest_data(tracker: Tracker) -> int | None:
    names = [*BUILTIN, *(n for n, s in tracker.calendars.items() if not s.is_notice)]
    years = [get_calendar(n, tracker.calendars).data_until for n in names]
    return max((y for y in years if y is not None), default=None)


def _retimed(tracker: Tracker, tx: Tx, row: OldDataDeadlineRow) -> Retimed:
    new = tracker.calendar(row["calendar"])
    old = get_calendar(row["calendar"], tracker.calendars, row["data_until"])
    pivot = datetime(row["data_until"] + 1, 1, 1, tzinfo=new.tz)
    start = row["started_at"]
    if row["anchor"]:
        start = anchors(tx, row["instance_id"]).get(row["anchor"], start)
    since = max(pivot, start)
    due, warn = row["due_at"], row["warn_at"]
    return Retimed(
        row["id"],
        TimerRef.of(row),
        row["data_until"],
        due,
        laid_out(due, since, old, new),
        warn,
        None if warn is None else laid_out(warn, since, old, new),
    )


def laid_out(instant: datetime, since: datetime, old: Calendar, new: Calendar) -> datetime:
    """`instant`, computed on `old`, laid out on `new`: the working time it lies after
    `since` (where both calendars still agree) counted again on `new`."""
    if instant <= since:
        return instant
    return new.shift(since, old.working_time(since, instant), True)


def _write(tracker: Tracker, tx: Tx, found: list[Retimed], now: datetime) -> None:
    """Each opportunity's moved deadlines as one change with a `retimed` event; every
    timer looked at is marked as computed on the installed data."""
    by_instance: dict[int, list[Retimed]] = {}
    for item in found:
        by_instance.setdefault(item.timer.instance_id, []).append(item)
    for instance_id, items in by_instance.items():
        row = tx.instance(instance_id)
        assert row is not None
        timers = {t["id"]: t for t in tx.timers(instance_id, ("running", "paused"))}
        change = Change()
        for item in items:
            timer = timers[item.timer_id]
            latest = tracker.calendar(item.timer.calendar).data_until
            if item.moved:
                retimed: TimerUpdate = {
                    "due_at": item.new_due_at,
                    "warn_at": item.new_warn_at,
                    "data_until": latest,
                }
                change.update(timer, retimed)
            else:
                tx.update_timer(timer["id"], {"data_until": latest})
        moved = [i for i in items if i.moved]
        if moved:
            said = {
                i.timer.node: [_local(tracker, i, i.due_at), _local(tracker, i, i.new_due_at)]
                for i in moved
            }
            change.events.append(event_row("retimed", now, now, row["node"], said))
            write(tx, instance_id, row, change)


def _local(tracker: Tracker, item: Retimed, instant: datetime) -> str:
    return instant.astimezone(tracker.calendar(item.timer.calendar).tz).isoformat()
