"""A business calendar and its time arithmetic: the one place SLA due instants come from.

Business time is *working time*: "3 business days" is three working days' worth of
working hours (27 h on a 09:00–18:00 calendar), counted from the start if it lies inside
working hours, else from the next working-hours start. So a lead that arrives Tuesday at
16:00 with 3 business days is due Friday at 16:00 on a plain week, whatever the holidays
in between: they are skipped, not counted.

The arithmetic walks whole days (each day's working windows are computed once and
cached), never minutes, because the engine computes due dates in bulk. Instants are
compared in UTC so a daylight-saving change in a custom calendar's zone never bends a sum;
results are given back in the calendar's zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Final, NamedTuple
from zoneinfo import ZoneInfo

from flowkit.calendar.days import WEEKEND, DayInfo, DayRule
from flowkit.calendar.hours import Window, WorkingHours
from flowkit.calendar.periods import add_months, period_bounds
from flowkit.errors import InputError
from flowkit.lang.sla.terms import Cutoff
from flowkit.messages import msg

if TYPE_CHECKING:
    from flowkit.calendar.explain import DueExplanation
    from flowkit.lang.sla import Duration

ZERO: Final = timedelta(0)
ONE_DAY: Final = timedelta(days=1)
MAX_IDLE_DAYS: Final = 3660  # ten years without working time: the calendar is broken, stop
_CACHE_LIMIT: Final = 100_000
CLOCK_UNITS: Final[dict[str, timedelta]] = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}


class _Plan(NamedTuple):
    """One date on one calendar: what kind of day, its working windows and their sum."""

    info: DayInfo
    windows: tuple[Window, ...]
    total: timedelta


@dataclass(frozen=True, eq=False)
class Calendar:
    """Working days (a day rule), working hours and a time zone, with the arithmetic on them.

    Compared by identity: `get_calendar` hands out one object per definition, so its
    cache of day plans is shared by everything that uses that calendar.
    """

    name: str
    tz: ZoneInfo
    rule: DayRule
    hours: WorkingHours
    title: str = ""
    data_until: int | None = None  # the last year its holiday data reaches (None: needs none)
    pause_cadences: bool = False  # daily and weekly cadences owe nothing on days off
    # other than weekends (official holidays, company days off): on for cn
    _plans: dict[date, _Plan] = field(default_factory=dict, init=False, repr=False)

    @property
    def day_length(self) -> timedelta:
        """The working time of one working day: what a business day is worth."""
        return self.hours.length

    # -- days ------------------------------------------------------------------------

    def day(self, day: date) -> DayInfo:
        """What kind of day `day` is (working or not, and why)."""
        return self._plan(day).info

    def is_working_day(self, day: date) -> bool:
        return self._plan(day).info.working

    def is_holiday(self, day: date) -> bool:
        """A day off other than a weekend: an official holiday or a company day off."""
        info = self._plan(day).info
        return not info.working and info.reason != WEEKEND

    def covers(self, day: date) -> bool:
        """False when the holiday data does not reach `day` and a fallback rule was used."""
        return self._plan(day).info.covered

    def windows(self, day: date) -> tuple[Window, ...]:
        """The working windows of `day` as [start, end) UTC instants; () on a day off."""
        return self._plan(day).windows

    def _plan(self, day: date) -> _Plan:
        plan = self._plans.get(day)
        if plan is None:
            info = self.rule(day)
            windows = self.hours.windows(day, self.tz) if info.working else ()
            plan = _Plan(info, windows, sum((e - s for s, e in windows), ZERO))
            if len(self._plans) >= _CACHE_LIMIT:
                self._plans.clear()
            self._plans[day] = plan
        return plan

    # -- arithmetic ------------------------------------------------------------------

    def shift(self, start: datetime, amount: timedelta, business: bool) -> datetime:
        """`start` moved by `amount`: clock time, or working time when `business`.

        Business time counts from `start` if it lies inside working hours, else from the
        next working-hours start (the previous working-hours end for negative amounts);
        a sum that ends exactly at the end of a window stays there (Friday 18:00, not
        Monday 09:00). A zero amount returns `start` unchanged.
        """
        at = _utc(start)
        if not business or not amount:
            return (at + amount).astimezone(self.tz)
        if amount > ZERO:
            return self._forward(at, amount)[1].astimezone(self.tz)
        return self._backward(at, -amount).astimezone(self.tz)

    def add(self, start: datetime, duration: Duration) -> datetime:
        """`start` plus an SLA duration: the due instant of a deadline."""
        if duration.business:
            return self.shift(start, self.business_length(duration), True)
        if duration.unit == "month":
            return add_months(_utc(start).astimezone(self.tz), duration.amount)
        return self.shift(start, CLOCK_UNITS[duration.unit] * duration.amount, False)

    def business_length(self, duration: Duration) -> timedelta:
        """The working time a business duration is worth on this calendar (半天: half a
        working day)."""
        if duration.unit == "day":
            return self.day_length * duration.amount
        if duration.unit == "halfday":
            return self.day_length / 2
        return CLOCK_UNITS["hour"] * duration.amount

    def due(self, start: datetime, within: Duration | Cutoff) -> datetime:
        """The due instant of a deadline counted from `start`: a length of time added, or a
        cutoff on the calendar (次日12点前, 月底前: `flowkit.calendar.cutoffs`)."""
        if isinstance(within, Cutoff):
            from flowkit.calendar.cutoffs import resolve

            return resolve(self, start, within).due
        return self.add(start, within)

    def counting_start(self, start: datetime) -> datetime:
        """Where business time really starts counting from `start`."""
        return self._forward(_utc(start), ZERO)[0].astimezone(self.tz)

    def working_time(self, a: datetime, b: datetime) -> timedelta:
        """The working time in [a, b); negative when b is before a."""
        lo, hi = _utc(a), _utc(b)
        if hi < lo:
            return -self.working_time(b, a)
        total, day, last = ZERO, self._date(lo), self._date(hi)
        while day <= last:
            plan = self._plan(day)
            if plan.windows and plan.windows[0][0] >= lo and plan.windows[-1][1] <= hi:
                total += plan.total
            else:
                for w_start, w_end in plan.windows:
                    overlap = min(w_end, hi) - max(w_start, lo)
                    if overlap > ZERO:
                        total += overlap
            day += ONE_DAY
        return total

    def period_bounds(self, instant: datetime, period: str) -> tuple[datetime, datetime]:
        """The calendar day, week (from Monday 00:00), month or quarter holding `instant`."""
        return period_bounds(_utc(instant).astimezone(self.tz), period)

    def explain(self, start: datetime, duration: Duration | Cutoff) -> DueExplanation:
        """The due instant of `duration` from `start`, with the days skipped and why."""
        from flowkit.calendar.explain import explain_due

        return explain_due(self, start, duration)

    # -- the walks -------------------------------------------------------------------

    def _date(self, at: datetime) -> date:
        return at.astimezone(self.tz).date()

    def _forward(self, at: datetime, amount: timedelta) -> tuple[datetime, datetime]:
        """(where counting started, where `amount` of working time ran out), whole days
        at a time once counting has started."""
        day, left, idle = self._date(at), amount, 0
        first: datetime | None = None
        while True:
            plan = self._plan(day)
            if plan.windows and plan.windows[-1][1] > at:
                idle = 0
                if first is not None and left > plan.total:
                    left -= plan.total
                else:
                    for w_start, w_end in plan.windows:
                        begin = w_start if w_start > at else at
                        if w_end <= begin:
                            continue
                        first = first or begin
                        if left <= w_end - begin:
                            return first, begin + left
                        left -= w_end - begin
            else:
                idle = self._idle(idle, day)
            day += ONE_DAY

    def _backward(self, at: datetime, amount: timedelta) -> datetime:
        """The instant `amount` of working time before `at`, walking back day by day."""
        day, left, started, idle = self._date(at), amount, False, 0
        while True:
            plan = self._plan(day)
            if plan.windows and plan.windows[0][0] < at:
                idle = 0
                if started and left > plan.total:
                    left -= plan.total
                else:
                    for w_start, w_end in reversed(plan.windows):
                        end = w_end if w_end < at else at
                        if end <= w_start:
                            continue
                        started = True
                        if left <= end - w_start:
                            return end - left
                        left -= end - w_start
            else:
                idle = self._idle(idle, day)
            day -= ONE_DAY

    def _idle(self, idle: int, day: date) -> int:
        if idle >= MAX_IDLE_DAYS:
            raise InputError(
                msg(
                    "calendar '{calendar}' has no working time for ten years around {day}",
                    calendar=self.name,
                    day=day,
                ),
                msg("check its days_off: a range seems to cover every day"),
            )
        return idle + 1


def _utc(instant: datetime) -> datetime:
    """An aware instant in UTC; a naive one is refused rather than guessed."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(
            f"{instant.isoformat()} has no time zone; attach one, e.g. "
            "instant.replace(tzinfo=calendar.tz)"
        )
    return instant.astimezone(UTC)
