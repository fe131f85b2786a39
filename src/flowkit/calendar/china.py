"""The `cn` day rule: China's official holidays and adjusted working days (调休).

The State Council publishes each year's holidays and make-up working days late in the
year before, and `chinesecalendar` ships them as data. Its data covers a fixed range of
years; outside it nobody can know the lunar holidays' dates or the 调休 swaps, so we
never guess silently: the documented fallback below is used and the day is marked
uncovered, which explanations report as a warning.

Fallback outside the covered years: Monday–Friday are working days, except the
fixed-date statutory holidays 元旦 (1 Jan), 劳动节 (1 May; 1–2 May from 2025, 1–3 May
before 2008) and 国庆节 (1–3 Oct). Lunar holidays (春节, 清明节, 端午节, 中秋节) and 调休
are unknown and not applied.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Final

import chinese_calendar  # type: ignore[import-untyped]

from flowkit.calendar.days import WEEKEND, DayInfo, DayRule

FIRST_YEAR: Final[int] = min(chinese_calendar.holidays).year
LAST_YEAR: Final[int] = max(chinese_calendar.holidays).year
DATA_VERSION: Final[str] = str(getattr(chinese_calendar, "__version__", "?"))

# chinesecalendar's English names (Holiday values) and what a Chinese reader calls them.
HOLIDAY_NAMES: Final[dict[str, str]] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

_HOLIDAYS: Final[dict[date, object]] = chinese_calendar.holidays
_WORKDAYS: Final[dict[date, object]] = chinese_calendar.workdays


def holiday_name(english: str) -> str:
    """`国庆节 National Day`: both names, so either reader recognises the day."""
    chinese = HOLIDAY_NAMES.get(english)
    return f"{chinese} {english}" if chinese else english


def make_up_name(english: str) -> str:
    """`国庆节调休 National Day make-up day`: a weekend day worked to bridge a holiday."""
    chinese = HOLIDAY_NAMES.get(english)
    prefix = f"{chinese}调休 " if chinese else "调休 "
    return f"{prefix}{english} make-up day"


def covers(day: date, last_year: int = LAST_YEAR) -> bool:
    return FIRST_YEAR <= day.year <= min(last_year, LAST_YEAR)


def china(day: date) -> DayInfo:
    """The official rule where the data reaches, else the documented fallback."""
    return _china(day, LAST_YEAR)


def china_until(last_year: int) -> DayRule:
    """The rule as it was when the data ended with `last_year`: what an earlier
    chinesecalendar computed, so due instants it gave can be moved to the real days."""
    return partial(_china, last_year=last_year)


def _china(day: date, last_year: int) -> DayInfo:
    if not covers(day, last_year):
        return _fallback(day)
    holiday = _HOLIDAYS.get(day)
    if holiday is not None:
        return DayInfo(False, holiday_name(_english(holiday)))
    swap = _WORKDAYS.get(day)
    if swap is not None:
        adjusted = day.weekday() >= 5
        return DayInfo(True, make_up_name(_english(swap)), adjusted)
    return DayInfo(True) if day.weekday() < 5 else DayInfo(False, WEEKEND)


def _english(holiday: object) -> str:
    return str(getattr(holiday, "value", holiday))


def _fallback(day: date) -> DayInfo:
    name = _fixed_holiday(day)
    if name is not None:
        return DayInfo(False, holiday_name(name), covered=False)
    if day.weekday() >= 5:
        return DayInfo(False, WEEKEND, covered=False)
    return DayInfo(True, covered=False)


def _fixed_holiday(day: date) -> str | None:
    """The statutory holidays that fall on the same solar date every year."""
    if (day.month, day.day) == (1, 1):
        return "New Year's Day"
    if day.month == 5 and day.day <= _labour_days(day.year):
        return "Labour Day"
    if day.month == 10 and day.day <= 3:
        return "National Day"
    return None


def _labour_days(year: int) -> int:
    """劳动节 was 3 days until 2007, 1 day from 2008 and 2 days from 2025."""
    if year < 2008:
        return 3
    return 1 if year < 2025 else 2


def uncovered_warning(year: int, lang: str) -> str:
    """What was assumed for a year the holiday data does not reach, in zh-CN or en."""
    from flowkit.i18n import translator

    t, days = translator(lang), _labour_days(year)
    labour = t.gettext("1 May") if days == 1 else t.gettext("1–{last} May").format(last=days)
    return t.gettext(
        "{year} is outside the holiday data ({first}–{final}, chinesecalendar {version}): "
        "counted Monday–Friday as working days with only the fixed-date holidays off "
        "(元旦 1 Jan, 劳动节 {labour}, 国庆节 1–3 Oct); the lunar holidays (春节, 清明节, "
        "端午节, 中秋节) and 调休 swaps are unknown and not applied"
    ).format(year=year, first=FIRST_YEAR, final=LAST_YEAR, version=DATA_VERSION, labour=labour)
