"""Working hours: times of day, breaks, and a day's windows as UTC instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowkit.calendar.hours import ALL_DAY, OFFICE, WorkingHours, clock_text, parse_clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("09:00", 540), ("9:00", 540), (" 08:30 ", 510), ("00:00", 0), ("24:00", 1440)],
)
def test_parse_clock(text: str, minutes: int) -> None:
    assert parse_clock(text) == minutes


@pytest.mark.parametrize("text", ["25:00", "24:01", "12:60", "12", "12:5", "noon", "", "1:2:3"])
def test_parse_clock_refuses(text: str) -> None:
    assert parse_clock(text) is None


@given(st.integers(0, 1440))
def test_clock_text_reads_back(minutes: int) -> None:
    assert parse_clock(clock_text(minutes)) == minutes


def test_office_hours() -> None:
    assert OFFICE.length == timedelta(hours=9)
    assert OFFICE.text() == "09:00–18:00"
    assert ALL_DAY.length == timedelta(hours=24)


def test_breaks_are_cut_out() -> None:
    hours = WorkingHours(510, 1050, ((720, 780),))
    assert hours.spans == ((510, 720), (780, 1050))
    assert hours.length == timedelta(hours=8)
    assert hours.text() == "08:30–12:00, 13:00–17:30"


def test_a_break_at_the_edge_leaves_no_empty_window() -> None:
    assert WorkingHours(540, 1080, ((540, 600),)).spans == ((600, 1080),)


@pytest.mark.parametrize(
    ("start", "end", "breaks"),
    [
        (600, 540, ()),
        (540, 540, ()),
        (540, 1500, ()),
        (540, 1080, ((720, 700),)),
        (540, 1080, ((720, 780), (760, 800))),
        (540, 1080, ((1000, 1100),)),
        (540, 1080, ((540, 1080),)),
    ],
)
def test_impossible_hours_are_refused(
    start: int, end: int, breaks: tuple[tuple[int, int], ...]
) -> None:
    with pytest.raises(ValueError):
        WorkingHours(start, end, breaks)


def test_windows_are_utc_instants() -> None:
    (window,) = OFFICE.windows(date(2025, 9, 30), SHANGHAI)
    assert window == (datetime(2025, 9, 30, 1, tzinfo=UTC), datetime(2025, 9, 30, 10, tzinfo=UTC))


def test_a_24_hour_day_ends_at_the_next_midnight() -> None:
    (window,) = ALL_DAY.windows(date(2025, 9, 30), SHANGHAI)
    assert window[1] - window[0] == timedelta(hours=24)


def test_windows_follow_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    (day,) = ALL_DAY.windows(date(2026, 3, 29), berlin)  # clocks go forward at 02:00
    assert day[1] - day[0] == timedelta(hours=23)
    (office,) = OFFICE.windows(date(2026, 3, 29), berlin)
    assert office[0] == datetime(2026, 3, 29, 7, tzinfo=UTC)  # 09:00 CEST
