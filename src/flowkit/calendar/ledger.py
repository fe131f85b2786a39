"""Working time as a running total: the working time between two instants in two lookups.

`Calendar.working_time` walks the days between its two instants, which is right for one
question and slow for fifty thousand: `flowkit status` asks how late every alert is in
working time, against one `as_of`, and a timer breached three weeks ago is three weeks of
days to walk. A `Ledger` keeps, for the days it has seen, every working window of its
calendar as [start, end) in integer microseconds since the epoch (UTC) with the working
time before that window, counted from a fixed origin. The working time up to an instant
is then one bisect and one subtraction, and between two instants the difference of two
such totals — the same answer as the walk (a property test holds the two together).

The days covered grow on demand, in steps of at least `_STEP` days either way, so the
instants of one status (due dates a few weeks around today) cost a few dozen day plans,
each of which the calendar itself caches. Microseconds, not floats: the totals stay
exact, as the timedeltas of the walk are.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from flowkit.calendar.core import Calendar

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND: Final = timedelta(microseconds=1)
_STEP: Final = 62  # days added at a time when an instant falls outside the days covered
_DAY: Final = timedelta(days=1)


def micros(instant: datetime) -> int:
    """An aware instant as integer microseconds since the epoch (exact)."""
    return (instant - EPOCH) // MICROSECOND


class Ledger:
    """A calendar's working windows over a range of days, with running totals."""

    def __init__(self, cal: Calendar) -> None:
        self.cal = cal
        self._first: date | None = None  # the days covered: [first, last]
        self._last: date | None = None
        self._low = 0  # the instants covered, µs: [low, high)
        self._high = 0
        self._starts: list[int] = []  # each window's start, µs, in order
        self._ends: list[int] = []
        self._before: list[int] = []  # working µs from the origin to each window's start
        self._origin_end = 0  # working µs from the origin to the end of the last window

    def working_time(self, a: datetime, b: datetime) -> timedelta:
        """The working time in [a, b); negative when b is before a: what
        `Calendar.working_time(a, b)` answers."""
        return (self.total(micros(b)) - self.total(micros(a))) * MICROSECOND

    def total(self, at: int) -> int:
        """Working µs from the origin up to the instant `at` (µs since the epoch)."""
        if not self._low <= at < self._high:
            self._cover(at)
        i = bisect_right(self._starts, at) - 1
        if i < 0:
            return self._before[0] if self._before else 0
        start = self._starts[i]
        end = self._ends[i]
        return self._before[i] + ((at if at < end else end) - start)

    def _cover(self, at: int) -> None:
        """Add days until the instant `at` lies inside the days covered."""
        day = (EPOCH + at * MICROSECOND).astimezone(self.cal.tz).date()
        if self._first is None or self._last is None:
            self._append(day - timedelta(days=_STEP // 2), day + timedelta(days=_STEP // 2))
        elif day < self._first:
            self._prepend(min(day, self._first - timedelta(days=_STEP)))
        elif day > self._last:
            self._append(self._last + _DAY, max(day, self._last + timedelta(days=_STEP)))
        if not self._low <= at < self._high:  # a zone's day boundary not where expected
            self._cover_more(at)

    def _cover_more(self, at: int) -> None:
        assert self._first is not None and self._last is not None
        if at < self._low:
            self._prepend(self._first - _DAY)
        else:
            self._append(self._last + _DAY, self._last + _DAY)
        if not self._low <= at < self._high:
            self._cover_more(at)

    def _windows(self, first: date, last: date) -> tuple[list[int], list[int]]:
        starts, ends = [], []
        day = first
        while day <= last:
            for start, end in self.cal.windows(day):
                starts.append(micros(start))
                ends.append(micros(end))
            day += _DAY
        return starts, ends

    def _append(self, first: date, last: date) -> None:
        starts, ends = self._windows(first, last)
        running = self._origin_end
        for start, end in zip(starts, ends, strict=True):
            self._before.append(running)
            running += end - start
        self._origin_end = running
        self._starts += starts
        self._ends += ends
        if self._first is None:
            self._first, self._low = first, self._midnight(first)
        self._last, self._high = last, self._midnight(last + _DAY)

    def _prepend(self, first: date) -> None:
        assert self._first is not None
        starts, ends = self._windows(first, self._first - _DAY)
        running = (self._before[0] if self._before else self._origin_end) - sum(
            end - start for start, end in zip(starts, ends, strict=True)
        )
        before = []
        for start, end in zip(starts, ends, strict=True):
            before.append(running)
            running += end - start
        self._starts = starts + self._starts
        self._ends = ends + self._ends
        self._before = before + self._before
        self._first, self._low = first, self._midnight(first)

    def _midnight(self, day: date) -> int:
        return micros(datetime.combine(day, time(), self.cal.tz))
