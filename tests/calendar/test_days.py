"""Day rules compose: a company's days off and extra working days on top of a base rule."""

from __future__ import annotations

from datetime import date

from flowkit.calendar import china
from flowkit.calendar.days import WEEKEND, DayInfo, Overrides, every_day, weekdays


def test_weekdays() -> None:
    assert weekdays(date(2025, 10, 1)) == DayInfo(True)  # a Wednesday: no holidays here
    assert weekdays(date(2025, 10, 4)) == DayInfo(False, WEEKEND)


def test_every_day() -> None:
    assert every_day(date(2025, 10, 4)).working


def test_overrides_on_cn() -> None:
    rule = Overrides(
        china.china,
        {date(2026, 2, 13): "公司年会", date(2027, 3, 1): "停电"},
        {date(2026, 8, 8): "盘点补班", date(2026, 2, 14): "年会补班", date(2025, 10, 1): "值班"},
    )
    assert rule(date(2026, 2, 13)) == DayInfo(False, "公司年会")
    assert rule(date(2027, 3, 1)) == DayInfo(False, "停电", covered=False)
    assert rule(date(2026, 8, 8)) == DayInfo(True, "盘点补班", adjusted=True)  # a Saturday
    assert rule(date(2026, 2, 14)) == DayInfo(True, "年会补班", adjusted=True)  # already 调休
    assert rule(date(2025, 10, 1)) == DayInfo(True, "值班", adjusted=True)  # on a holiday
    assert rule(date(2026, 2, 12)) == china.china(date(2026, 2, 12))


def test_an_extra_day_that_is_already_worked_is_not_adjusted() -> None:
    rule = Overrides(weekdays, {}, {date(2026, 2, 11): "加班"})
    assert rule(date(2026, 2, 11)) == DayInfo(True, "加班")
