"""Date-based deadlines on a calendar: 当天下班前, 次日12点前, T+3, 3个自然日, 本周五前, 月底前.

A cutoff is not a length of time but a day and a time on it, so it is worked out by days:

- **T**, the business day of the start, is the working day the clock starts on: the start's
  own day when it lies inside working hours, else the next working day (a lead entered on
  Saturday, or at 20:00, belongs to the next working day, as a bank's cut-off time does).
- **当天 / 次日 / T+N** fall on T, the next working day after T, or the Nth working day after
  T: at the time named (次日12点前) or at that day's close (下班前, the end of its working
  hours). A time already past on T (当天12点前 for a 14:00 start) moves to the next working
  day at that time.
- **N个自然日** ends at 24:00 of the Nth calendar day after the start's date: holidays count
  and the day is never moved.
- **Period ends** (本周内, 本周五前, 月底前, 季度末, 年底前) fall at the close of the day named
  (the period's last day, or the weekday); **a day that is not a working day moves to the
  previous working day of the same period**, so the deadline never lands after the date
  written. When that is already past at the start (月底前 entered after the last working
  day's close), the next period's end is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Final

from flowkit.calendar.periods import add_months, period_bounds
from flowkit.errors import InputError
from flowkit.messages import msg

if TYPE_CHECKING:
    from flowkit.calendar.core import Calendar
    from flowkit.lang.sla import Cutoff

_ONE_DAY: Final = timedelta(days=1)
_MAX_PERIODS: Final = 400  # periods without one working day: the calendar is broken


@dataclass(frozen=True)
class Resolved:
    """Where a cutoff falls, and the facts an explanation tells.

    `trade_day` is T (None for calendar days); `counted` the working days after T up to
    the due day, in order; `target` the day a period end names and `moved` the working
    day it moved to when it is no working day; `rolled` says the first candidate had
    passed at the start (the next working day, or the next period, was used)."""

    due: datetime
    trade_day: date | None = None
    counted: tuple[date, ...] = ()
    target: date | None = None
    moved: date | None = None
    rolled: bool = False


def resolve(cal: Calendar, start: datetime, cutoff: Cutoff) -> Resolved:
    """The due instant of `cutoff` counted from `start` on `cal`, with how it was found."""
    if cutoff.kind == "calendar_day":
        last = start.astimezone(cal.tz).date() + timedelta(days=cutoff.days)
        return Resolved(_midnight(cal, last + _ONE_DAY), target=last)
    if cutoff.kind == "period_end":
        return _period_end(cal, start, cutoff)
    return _workday(cal, start, cutoff)


def trade_day(cal: Calendar, start: datetime) -> date:
    """T: the working day the clock starts on (the start's, or the next working day's)."""
    return cal.counting_start(start).astimezone(cal.tz).date()


def close(cal: Calendar, day: date) -> datetime:
    """The end of the working hours of a working `day`, in the calendar's zone."""
    windows = cal.windows(day)
    assert windows, f"{day} is no working day"
    return windows[-1][1].astimezone(cal.tz)


def next_working_day(cal: Calendar, day: date) -> date:
    """The first working day after `day`."""
    for _ in range(_MAX_PERIODS * 10):
        day += _ONE_DAY
        if cal.windows(day):
            return day
    raise _no_working_time(cal, day)


def _workday(cal: Calendar, start: datetime, cutoff: Cutoff) -> Resolved:
    t = trade_day(cal, start)
    counted: list[date] = []
    day = t
    for _ in range(cutoff.days):
        day = next_working_day(cal, day)
        counted.append(day)
    due = _on(cal, day, cutoff.at)
    rolled = due <= start
    if rolled:  # 当天12点前 after 12:00: the next working day at that time
        day = next_working_day(cal, day)
        counted.append(day)
        due = _on(cal, day, cutoff.at)
    return Resolved(due, t, tuple(counted), rolled=rolled)


def _on(cal: Calendar, day: date, at: int | None) -> datetime:
    if at is None:
        return close(cal, day)
    local = datetime.combine(day, time(at // 60, at % 60), tzinfo=cal.tz)
    return local.astimezone(UTC).astimezone(cal.tz)  # a wall time a clock change skips


def _period_end(cal: Calendar, start: datetime, cutoff: Cutoff) -> Resolved:
    assert cutoff.period is not None
    local = start.astimezone(cal.tz)
    for n in range(_MAX_PERIODS):
        first, end = _bounds(local, cutoff.period)
        first_day, last_day = first.date(), (end - _ONE_DAY).date()
        target = last_day if cutoff.weekday is None else first_day + timedelta(cutoff.weekday)
        day = target
        while day >= first_day and not cal.windows(day):
            day -= _ONE_DAY
        if day >= first_day:
            due = close(cal, day)
            if due > start:
                moved = day if day != target else None
                return Resolved(due, target=target, moved=moved, rolled=n > 0)
        local = end  # the next period
    raise _no_working_time(cal, local.date())


def _bounds(local: datetime, period: str) -> tuple[datetime, datetime]:
    """The week, month, quarter or year holding `local` (cadences have no years)."""
    if period != "year":
        return period_bounds(local, period)
    first = period_bounds(local.replace(month=1, day=1), "month")[0]
    return first, add_months(first, 12)


def _midnight(cal: Calendar, day: date) -> datetime:
    local = datetime.combine(day, time(0), tzinfo=cal.tz)
    return local.astimezone(UTC).astimezone(cal.tz)


def _no_working_time(cal: Calendar, day: date) -> InputError:
    return InputError(
        msg(
            "calendar '{calendar}' has no working time for ten years around {day}",
            calendar=cal.name,
            day=day,
        ),
        msg("check its days_off: a range seems to cover every day"),
    )
