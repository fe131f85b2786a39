"""A year's official holiday notice as a calendar file, completing `cn` for that year.

Late each year the State Council publishes the next year's holidays and 调休 make-up
working days (国务院办公厅关于某年部分节假日安排的通知); the holiday-data package follows
weeks or months later. Until it does, an ops lead adds the notice as a file beside the
processes (`calendars/cn-2027.yaml`):

    flowkit: 1
    extends: cn
    year: 2027
    notice: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）
    holidays:
      - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
      ...
    make_up_days:
      - {date: 2027-02-20, for: 春节}

The file declares the whole year: a day it does not list is an ordinary weekday or
weekend. So it is checked as such by `notice_files` (every statutory holiday named and
on its fixed date, ranges named and apart, make-up days on weekends, every date in the
year), and from then on the year counts as covered: no fallback, no warnings. When the package later
covers the same year, the file still wins, and `flowkit calendar check` reports any day
the two disagree on (`disagreements`). flowkit ships no notice of its own: no guessed
holidays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from flowkit.calendar import china
from flowkit.calendar.days import WEEKEND, DayInfo, DayRule
from flowkit.calendar.spec import CalendarSpec

NOTICE_CALENDARS: Final = ("cn",)  # the built-ins kept by official holiday data
# The statutory holidays (全国年节及纪念日放假办法) a year's notice always arranges, with
# the spellings people use for them; a range may name two (国庆节、中秋节).
STATUTORY: Final[dict[str, tuple[str, ...]]] = {
    "元旦": ("元旦", "New Year's Day"),
    "春节": ("春节", "Spring Festival"),
    "清明节": ("清明节", "清明", "Tomb-sweeping Day"),
    "劳动节": ("劳动节", "五一", "Labour Day"),
    "端午节": ("端午节", "端午", "Dragon Boat Festival"),
    "中秋节": ("中秋节", "中秋", "Mid-autumn Festival"),
    "国庆节": ("国庆节", "国庆", "National Day"),
}
FIXED: Final[dict[str, tuple[int, int]]] = {"元旦": (1, 1), "劳动节": (5, 1), "国庆节": (10, 1)}
_ENGLISH: Final = {zh: en for en, zh in china.HOLIDAY_NAMES.items()}


def key(base: str, year: int) -> str:
    """The key a notice is kept under among the custom calendars: no calendar's id."""
    return f"{base}@{year}"


def is_notice_file(data: object) -> bool:
    return isinstance(data, dict) and "extends" in data and "calendar" not in data


@dataclass(frozen=True, eq=False)
class Noticed:
    """A built-in day rule with the years its notices declare: inside such a year the
    notice alone decides (holidays off, make-up days worked, else Monday–Friday)."""

    base: DayRule
    years: Mapping[int, tuple[Mapping[date, str], Mapping[date, str]]]

    def __call__(self, day: date) -> DayInfo:
        found = self.years.get(day.year)
        if found is None:
            return self.base(day)
        off, extra = found
        name = off.get(day)
        if name is not None:
            return DayInfo(False, name)
        name = extra.get(day)
        if name is not None:
            return DayInfo(True, name, adjusted=day.weekday() >= 5)
        return DayInfo(True) if day.weekday() < 5 else DayInfo(False, WEEKEND)


def noticed(base: DayRule, notices: tuple[CalendarSpec, ...]) -> DayRule:
    if not notices:
        return base
    return Noticed(
        base,
        {n.year: (dict(n.days_off), dict(n.extra_working_days)) for n in notices if n.year},
    )


def covered_until(last: int | None, notices: tuple[CalendarSpec, ...]) -> int | None:
    """The last year of holiday data with the notices' years that follow it on."""
    if last is None:
        return None
    years = {n.year for n in notices}
    while last + 1 in years:
        last += 1
    return last


def disagreements(spec: CalendarSpec) -> list[tuple[date, bool, bool]]:
    """The days of a notice's year that it and the installed holiday data see differently:
    (day, working by the notice, working by the package); none when the package does not
    cover the year yet."""
    year = spec.year
    if year is None or not china.covers(date(year, 1, 1)):
        return []
    rule = noticed(china.china, (spec,))
    found = []
    day = date(year, 1, 1)
    while day.year == year:
        mine, theirs = rule(day).working, china.china(day).working
        if mine != theirs:
            found.append((day, mine, theirs))
        day += timedelta(days=1)
    return found


def holiday_name(name: str) -> str:
    """`春节 Spring Festival`: the notice's name with the English, when it is a known one."""
    parts = [p.strip() for p in name.replace("，", "、").replace(",", "、").split("、")]
    english = [_ENGLISH.get(statutory(p) or "", "") for p in parts]
    return f"{name} {' / '.join(english)}" if all(english) else name


def make_up_name(holiday: str | None) -> str:
    """`春节调休 Spring Festival make-up day`, as the package's days are named."""
    zh = statutory(holiday or "")
    english = _ENGLISH.get(zh or "")
    if english is not None:
        return china.make_up_name(english)
    return f"{holiday}调休 make-up day" if holiday else "调休 make-up day"


def statutory(name: str) -> str | None:
    for zh, spellings in STATUTORY.items():
        if name.strip() in spellings:
            return zh
    return None
