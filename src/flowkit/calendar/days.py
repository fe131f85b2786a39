"""What kind of day a date is: the day rules calendars are made of.

A rule is a plain function `date -> DayInfo`; the built-in rules and the overrides of a
custom calendar file compose by wrapping one another, so a company calendar is "cn, plus
these days off, plus these make-up days" without any class hierarchy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

WEEKEND: Final = "周末 weekend"


@dataclass(frozen=True, slots=True)
class DayInfo:
    """One date on one calendar.

    `reason` says why a day is off ("国庆节 National Day", "周末 weekend", a company day
    off), or why a weekend day is worked; `adjusted` marks a day worked although it is
    normally off (调休 make-up days); `covered` is False when the rule had to fall back
    because its holiday data does not reach that year.
    """

    working: bool
    reason: str | None = None
    adjusted: bool = False
    covered: bool = True


DayRule = Callable[[date], DayInfo]

_WORKDAY: Final = DayInfo(True)
_WEEKEND: Final = DayInfo(False, WEEKEND)


def weekdays(day: date) -> DayInfo:
    """Monday to Friday are working days; no holidays."""
    return _WORKDAY if day.weekday() < 5 else _WEEKEND


def every_day(day: date) -> DayInfo:
    """Every date is a working day (the 24x7 calendar)."""
    return _WORKDAY


@dataclass(frozen=True, eq=False)
class Overrides:
    """A base rule with a company's own days off and extra working days on top.

    An extra working day on a day the base has off counts as adjusted (补班), like the
    state's 调休 days; on a day that is already worked it only gains a name.
    """

    base: DayRule
    off: Mapping[date, str]
    extra: Mapping[date, str]

    def __call__(self, day: date) -> DayInfo:
        below = self.base(day)
        name = self.off.get(day)
        if name is not None:
            return DayInfo(False, name, covered=below.covered)
        name = self.extra.get(day)
        if name is not None:
            adjusted = below.adjusted or not below.working
            return DayInfo(True, name, adjusted=adjusted, covered=below.covered)
        return below
