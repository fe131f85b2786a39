"""Calendar arithmetic: business time is working time, walked a day at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowkit.calendar import Calendar, CalendarSpec, WorkingHours, get_calendar
from flowkit.calendar.days import DayInfo
from flowkit.errors import InputError
from flowkit.lang.sla import Duration
from tests.calendar.conftest import SHANGHAI, at

CN, WEEKDAYS, ALWAYS = get_calendar("cn"), get_calendar("weekdays"), get_calendar("24x7")
LUNCH = get_calendar(
    "lunch",
    {
        "lunch": CalendarSpec(
            "lunch", "cn", hours=WorkingHours(510, 1050, ((720, 780),)),
            days_off=((date(2026, 2, 13), "公司年会"),),
        )
    },
)  # fmt: skip
BERLIN = get_calendar(
    "berlin", {"berlin": CalendarSpec("berlin", "weekdays", timezone="Europe/Berlin")}
)
H = timedelta(hours=1)


def test_ground_truth_national_day_2025() -> None:
    """9/30 16:00 + 3 business days: 2h on 9/30, 9h on 10/9 and 10/10, 7h on the 调休 Saturday."""
    assert CN.add(at("2025-09-30 16:00"), Duration(3, "day", True)) == at("2025-10-11 16:00")
    assert CN.shift(at("2025-09-30 16:00"), 27 * H, True) == at("2025-10-11 16:00")


def test_spring_festival_2026() -> None:
    # 2/14 (Sat) is a 调休 working day, 2/15–2/23 the holiday, 2/28 (Sat) worked again
    start = at("2026-02-13 17:00")
    assert CN.add(start, Duration(2, "day", True)) == at("2026-02-24 17:00")
    assert CN.add(start, Duration(1, "day", True)) == at("2026-02-14 17:00")
    assert CN.add(start, Duration(6, "day", True)) == at("2026-02-28 17:00")


def test_friday_afternoon_plus_two_business_hours_is_monday_morning() -> None:
    assert WEEKDAYS.add(at("2026-03-06 17:00"), Duration(2, "hour", True)) == at("2026-03-09 10:00")


def test_a_sum_that_runs_out_at_closing_time_stays_there() -> None:
    assert WEEKDAYS.shift(at("2026-03-06 09:00"), 9 * H, True) == at("2026-03-06 18:00")


@pytest.mark.parametrize(
    ("start", "due"),
    [
        ("2026-03-07 10:00", "2026-03-09 10:00"),  # Saturday: counts from Monday 09:00
        ("2026-03-09 07:00", "2026-03-09 10:00"),  # before opening
        ("2026-03-09 19:00", "2026-03-10 10:00"),  # after closing
        ("2026-03-09 18:00", "2026-03-10 10:00"),  # at closing
    ],
)
def test_counting_starts_at_the_next_working_hours(start: str, due: str) -> None:
    assert WEEKDAYS.shift(at(start), H, True) == at(due)


def test_counting_start() -> None:
    assert CN.counting_start(at("2025-09-30 19:00")) == at("2025-10-09 09:00")
    assert CN.counting_start(at("2025-09-30 16:00")) == at("2025-09-30 16:00")


def test_24x7_is_the_plain_clock() -> None:
    start = at("2025-09-30 16:00")
    assert ALWAYS.add(start, Duration(3, "day", True)) == start + timedelta(days=3)
    assert ALWAYS.shift(start, -50 * H, True) == start - 50 * H
    assert ALWAYS.day_length == timedelta(hours=24)


@pytest.mark.parametrize(
    ("cal", "start", "amount", "due"),
    [
        (WEEKDAYS, "2026-03-09 10:00", -2 * H, "2026-03-06 17:00"),
        (WEEKDAYS, "2026-03-09 10:00", -H, "2026-03-09 09:00"),
        (WEEKDAYS, "2026-03-09 09:00", -H, "2026-03-06 17:00"),
        (WEEKDAYS, "2026-03-08 12:00", -H, "2026-03-06 17:00"),  # Sunday: from Friday 18:00
        (CN, "2025-10-09 10:00", -2 * H, "2025-09-30 17:00"),
        (CN, "2025-10-11 16:00", -27 * H, "2025-09-30 16:00"),
        (LUNCH, "2026-03-09 13:30", -H, "2026-03-09 11:30"),
    ],
)
def test_negative_business_shifts_count_backwards(
    cal: Calendar, start: str, amount: timedelta, due: str
) -> None:
    assert cal.shift(at(start), amount, True) == at(due)


def test_clock_shifts_ignore_the_calendar() -> None:
    assert CN.shift(at("2025-09-30 16:00"), 24 * H, False) == at("2025-10-01 16:00")
    assert CN.shift(at("2025-09-30 16:00"), -24 * H, False) == at("2025-09-29 16:00")
    assert CN.add(at("2025-09-30 16:00"), Duration(2, "week")) == at("2025-10-14 16:00")
    assert CN.add(at("2025-09-30 16:00"), Duration(90, "minute")) == at("2025-09-30 17:30")


def test_zero_moves_nothing() -> None:
    assert CN.shift(at("2025-10-01 03:00"), timedelta(0), True) == at("2025-10-01 03:00")


def test_results_are_in_the_calendar_zone() -> None:
    due = CN.shift(datetime(2025, 9, 30, 8, tzinfo=UTC), 27 * H, True)
    assert due.tzinfo == SHANGHAI and due == at("2025-10-11 16:00")


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="has no time zone"):
        CN.shift(datetime(2025, 9, 30, 16), H, True)


def test_lunch_breaks_and_company_days_off() -> None:
    assert LUNCH.day_length == timedelta(hours=8)
    # Thursday 11:00 + 1 business day: 1h before lunch, 4.5h after, Friday is 公司年会,
    # Saturday 2/14 is a 调休 working day: 2.5h more from 08:30 → 11:00
    assert LUNCH.add(at("2026-02-12 11:00"), Duration(1, "day", True)) == at("2026-02-14 11:00")
    assert LUNCH.shift(at("2026-03-09 11:30"), H, True) == at("2026-03-09 13:30")
    assert LUNCH.shift(at("2026-03-09 12:15"), H, True) == at("2026-03-09 14:00")


def test_working_time() -> None:
    assert CN.working_time(at("2025-09-30 16:00"), at("2025-10-11 16:00")) == 27 * H
    assert CN.working_time(at("2025-10-11 16:00"), at("2025-09-30 16:00")) == -27 * H
    assert CN.working_time(at("2025-10-01 00:00"), at("2025-10-08 23:59")) == timedelta(0)
    assert LUNCH.working_time(at("2026-03-09 00:00"), at("2026-03-10 00:00")) == 8 * H


def test_uncovered_2027_uses_the_fallback() -> None:
    assert not CN.covers(date(2027, 10, 1)) and CN.covers(date(2026, 10, 1))
    assert not CN.is_working_day(date(2027, 10, 1))
    assert CN.is_working_day(date(2027, 10, 4))  # a Monday; the real arrangement is unknown
    assert CN.add(at("2027-09-30 17:00"), Duration(1, "day", True)) == at("2027-10-04 17:00")


def test_day_information() -> None:
    assert CN.day(date(2025, 10, 6)).reason == "中秋节 Mid-autumn Festival"
    assert CN.windows(date(2025, 10, 6)) == ()
    assert not WEEKDAYS.is_working_day(date(2026, 3, 7))


def test_shift_walks_days_not_minutes() -> None:
    cal = get_calendar("fresh", {"fresh": CalendarSpec("fresh", "cn", name="only here")})
    cal.add(at("2026-01-05 09:00"), Duration(200, "day", True))
    assert 280 <= len(cal._plans) <= 300  # one plan per calendar day walked


def test_a_calendar_without_working_days_stops_with_an_error() -> None:
    idle = Calendar("idle", SHANGHAI, lambda day: DayInfo(False, "closed"), WorkingHours(0, 60))
    with pytest.raises(InputError, match="has no working time for ten years"):
        idle.shift(at("2026-01-05 09:00"), H, True)


def test_daylight_saving_does_not_bend_working_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 3, 27, 17, tzinfo=berlin)  # Friday before clocks go forward
    due = BERLIN.shift(start, 2 * H, True)
    assert due == datetime(2026, 3, 30, 10, tzinfo=berlin)
    assert BERLIN.working_time(start, due) == 2 * H


# -- properties ----------------------------------------------------------------------

CALENDARS = st.sampled_from([CN, WEEKDAYS, ALWAYS, LUNCH, BERLIN])
STARTS = st.datetimes(datetime(2020, 1, 1), datetime(2028, 12, 31)).map(
    lambda d: d.replace(tzinfo=SHANGHAI)
)
AMOUNTS = st.integers(-2_000_000, 2_000_000).map(lambda s: timedelta(seconds=s))


@settings(max_examples=300, deadline=None)
@given(CALENDARS, STARTS, AMOUNTS)
def test_working_time_inverts_shift(cal: Calendar, start: datetime, amount: timedelta) -> None:
    assert cal.working_time(start, cal.shift(start, amount, True)) == amount


@settings(max_examples=200, deadline=None)
@given(CALENDARS, STARTS, AMOUNTS, AMOUNTS)
def test_shift_is_monotonic(cal: Calendar, start: datetime, a: timedelta, b: timedelta) -> None:
    low, high = sorted((a, b))
    assert cal.shift(start, low, True) <= cal.shift(start, high, True)


@settings(max_examples=200, deadline=None)
@given(CALENDARS, STARTS, STARTS)
def test_working_time_is_additive(cal: Calendar, a: datetime, b: datetime) -> None:
    middle = a + (b - a) / 2
    assert cal.working_time(a, b) == cal.working_time(a, middle) + cal.working_time(middle, b)
    assert abs(cal.working_time(a, b)) <= abs(b - a)


@settings(max_examples=200, deadline=None)
@given(CALENDARS, STARTS, st.integers(1, 400_000).map(lambda s: timedelta(seconds=s)))
def test_a_due_instant_lies_in_working_hours(
    cal: Calendar, start: datetime, amount: timedelta
) -> None:
    due = cal.shift(start, amount, True)
    day = due.date()
    assert any(s < due <= e for s, e in cal.windows(day)) or any(
        s < due <= e for s, e in cal.windows(day - timedelta(days=1))
    )
