"""Month arithmetic and calendar periods, on wall time in the calendar's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowkit.calendar import get_calendar
from flowkit.calendar.periods import add_months, period_bounds
from flowkit.lang.sla import Duration
from tests.calendar.conftest import SHANGHAI, at

CN = get_calendar("cn")


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        ("2026-01-31 10:00", 1, "2026-02-28 10:00"),
        ("2028-01-31 10:00", 1, "2028-02-29 10:00"),
        ("2026-01-31 10:00", 2, "2026-03-31 10:00"),
        ("2026-11-30 23:59", 3, "2027-02-28 23:59"),
        ("2026-12-15 08:00", 1, "2027-01-15 08:00"),
        ("2026-05-31 10:00", 12, "2027-05-31 10:00"),
    ],
)
def test_months_are_calendar_months_clamped_to_the_month_end(
    start: str, months: int, due: str
) -> None:
    assert CN.add(at(start), Duration(months, "month")) == at(due)


def test_months_are_counted_in_the_calendar_zone() -> None:
    utc_start = datetime.fromisoformat("2026-01-31T17:00+00:00")  # 2026-02-01 01:00 in Shanghai
    assert CN.add(utc_start, Duration(1, "month")) == at("2026-03-01 01:00")


def test_a_month_across_a_clock_change_keeps_the_wall_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 3, 10, 9, tzinfo=berlin)
    assert add_months(start, 1) == datetime(2026, 4, 10, 9, tzinfo=berlin)


def test_a_wall_time_skipped_by_a_clock_change_moves_forwards() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    moved = add_months(datetime(2026, 1, 29, 2, 30, tzinfo=berlin), 2)  # 03-29 02:30 is skipped
    assert moved == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert (moved.hour, moved.minute, moved.utcoffset()) == (3, 30, timedelta(hours=2))


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("day", "2025-10-11 00:00", "2025-10-12 00:00"),
        ("week", "2025-10-06 00:00", "2025-10-13 00:00"),
        ("month", "2025-10-01 00:00", "2025-11-01 00:00"),
        ("quarter", "2025-10-01 00:00", "2026-01-01 00:00"),
    ],
)
def test_period_bounds(period: str, start: str, end: str) -> None:
    assert CN.period_bounds(at("2025-10-11 16:00"), period) == (at(start), at(end))


def test_period_bounds_in_the_first_quarter_and_on_a_monday() -> None:
    assert CN.period_bounds(at("2026-02-14 09:00"), "quarter") == (
        at("2026-01-01 00:00"),
        at("2026-04-01 00:00"),
    )
    assert CN.period_bounds(at("2026-03-09 00:00"), "week")[0] == at("2026-03-09 00:00")


def test_an_unknown_period_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown period 'year'"):
        CN.period_bounds(at("2026-03-09 00:00"), "year")


def test_a_week_across_a_clock_change_is_167_hours() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start, end = period_bounds(datetime(2026, 3, 25, 12, tzinfo=berlin), "week")
    assert (start, end) == (
        datetime(2026, 3, 23, tzinfo=berlin),
        datetime(2026, 3, 30, tzinfo=berlin),
    )
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=167)


@given(
    st.datetimes(datetime(2000, 1, 1), datetime(2090, 12, 31)),
    st.sampled_from(["day", "week", "month", "quarter"]),
)
def test_an_instant_lies_in_its_period(local: datetime, period: str) -> None:
    instant = local.replace(tzinfo=SHANGHAI)
    start, end = CN.period_bounds(instant, period)
    assert start <= instant < end
    assert (start.hour, start.minute, end.hour, end.minute) == (0, 0, 0, 0)
