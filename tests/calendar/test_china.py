"""The cn rule agrees with chinesecalendar wherever its data reaches, and falls back openly."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar  # type: ignore[import-untyped]
import pytest

from flowkit.calendar import china
from flowkit.calendar.days import WEEKEND, DayInfo


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_covered_years_come_from_the_package() -> None:
    assert (china.FIRST_YEAR, china.LAST_YEAR) == (2004, 2026)
    assert china.covers(date(2004, 1, 1)) and china.covers(date(2026, 12, 31))
    assert not china.covers(date(2003, 12, 31)) and not china.covers(date(2027, 1, 1))


def test_every_covered_day_agrees_with_chinesecalendar() -> None:
    for day in _days(date(china.FIRST_YEAR, 1, 1), date(china.LAST_YEAR, 12, 31)):
        info = china.china(day)
        assert info.working == chinese_calendar.is_workday(day), day
        assert info.covered
        assert info.adjusted == (info.working and day.weekday() >= 5), day


def test_national_day_and_mid_autumn_2025() -> None:
    names = {d: china.china(d).reason for d in _days(date(2025, 10, 1), date(2025, 10, 8))}
    assert names[date(2025, 10, 1)] == "国庆节 National Day"
    assert names[date(2025, 10, 4)] == "国庆节 National Day"  # the data names the weekend too
    assert names[date(2025, 10, 6)] == "中秋节 Mid-autumn Festival"
    assert not any(china.china(d).working for d in names)
    assert china.china(date(2025, 10, 11)) == DayInfo(
        True, "国庆节调休 National Day make-up day", adjusted=True
    )
    assert china.china(date(2025, 10, 12)) == DayInfo(False, WEEKEND)


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("New Year's Day", "元旦"),
        ("Spring Festival", "春节"),
        ("Tomb-sweeping Day", "清明节"),
        ("Labour Day", "劳动节"),
        ("Dragon Boat Festival", "端午节"),
        ("National Day", "国庆节"),
        ("Mid-autumn Festival", "中秋节"),
        ("Anti-Fascist 70th Day", "抗战胜利70周年纪念日"),
    ],
)
def test_every_holiday_of_the_package_has_a_chinese_name(english: str, chinese: str) -> None:
    assert english in {h.value for h in chinese_calendar.Holiday}
    assert china.holiday_name(english) == f"{chinese} {english}"


def test_an_unknown_holiday_name_stays_english() -> None:
    assert china.holiday_name("Some Future Day") == "Some Future Day"
    assert china.make_up_name("Some Future Day") == "调休 Some Future Day make-up day"


def test_2015_anti_fascist_day() -> None:
    assert china.china(date(2015, 9, 3)).reason == "抗战胜利70周年纪念日 Anti-Fascist 70th Day"
    assert china.china(date(2015, 9, 6)).adjusted


def test_fallback_after_the_data_keeps_fixed_holidays_only() -> None:
    off = {
        date(2027, 1, 1): "元旦 New Year's Day",
        date(2027, 5, 1): "劳动节 Labour Day",
        date(2027, 5, 2): "劳动节 Labour Day",
        date(2027, 10, 1): "国庆节 National Day",
        date(2027, 10, 3): "国庆节 National Day",
    }
    for day, reason in off.items():
        assert china.china(day) == DayInfo(False, reason, covered=False)
    assert china.china(date(2027, 10, 4)) == DayInfo(True, covered=False)  # a Monday
    assert china.china(date(2027, 2, 8)) == DayInfo(True, covered=False)  # 春节 unknown
    assert china.china(date(2027, 10, 9)) == DayInfo(False, WEEKEND, covered=False)


@pytest.mark.parametrize(
    ("year", "labour_days"), [(2003, (1, 2, 3)), (2027, (1, 2)), (2040, (1, 2))]
)
def test_fallback_labour_day_follows_the_law_of_the_time(
    year: int, labour_days: tuple[int, ...]
) -> None:
    off = [d for d in range(1, 5) if not china.china(date(year, 5, d)).working]
    weekdays_off = [d for d in off if date(year, 5, d).weekday() < 5]
    assert set(weekdays_off) <= set(labour_days)
    assert all(not china.china(date(year, 5, d)).working for d in labour_days)


def test_uncovered_warning_in_both_languages() -> None:
    assert china.uncovered_warning(2027, "en") == (
        f"2027 is outside the holiday data (2004–2026, chinesecalendar {china.DATA_VERSION}): "
        "counted Monday–Friday as working days with only the fixed-date holidays off (元旦 1 Jan, "
        "劳动节 1–2 May, 国庆节 1–3 Oct); the lunar holidays (春节, 清明节, 端午节, 中秋节) and "
        "调休 swaps are unknown and not applied"
    )
    zh = china.uncovered_warning(2027, "zh-CN")
    assert zh.startswith("2027年不在节假日数据范围内（2004–2026年")
    assert "劳动节5月1–2日" in zh and "调休安排未知" in zh
