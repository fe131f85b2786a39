"""Cadence periods on the calendar, hand-computed across the 2025 国庆节 and 2026 春节:
periods from entering the node, paused over holidays on cn (nobody owes a 每日 follow-up
on 春节), every N periods, the first working days of each month, calendar weeks."""

from __future__ import annotations

from datetime import datetime

import pytest

from flowkit.calendar import get_calendar
from flowkit.lang.sla import Cadence, parse_cadence
from flowkit.timers.terms import first_period, next_period, on_holidays
from tests.conftest import cst

CN, ALWAYS, WEEKDAYS = get_calendar("cn"), get_calendar("24x7"), get_calendar("weekdays")


def _periods(text: str, entered: str, n: int, cal: object = CN) -> list[tuple[str, str]]:
    cadence = parse_cadence(text)
    found: list[tuple[datetime, datetime]] = [first_period(cst(entered), cadence, cal)]  # type: ignore[arg-type]
    while len(found) < n:
        found.append(next_period(found[-1][1], cadence, cal))  # type: ignore[arg-type]
    return [(f"{a:%m-%d %H:%M}", f"{b:%m-%d %H:%M}") for a, b in found]


def test_a_daily_cadence_owes_nothing_over_the_spring_festival() -> None:
    """Entered on the 调休 Saturday 2026-02-14 at 10:00: the 24 hours of its first period
    are 14 on 2/14 and, 春节 2/15–2/23 skipped, 10 on 2/24."""
    assert _periods("每日", "2026-02-14T10:00", 3) == [
        ("02-14 10:00", "02-24 10:00"),
        ("02-24 10:00", "02-25 10:00"),
        ("02-25 10:00", "02-26 10:00"),
    ]


def test_weekends_are_still_owed() -> None:
    assert _periods("每日", "2026-03-06T10:00", 2) == [
        ("03-06 10:00", "03-07 10:00"),  # a plain Saturday counts
        ("03-07 10:00", "03-08 10:00"),
    ]


def test_a_weekly_cadence_is_longer_by_the_holidays_in_it() -> None:
    """From Monday 2025-09-29 10:00: 1 d 14 h to 9/30 midnight, 国庆节 and 中秋节 10/1–10/8
    skipped (their weekend too), the other 5 d 10 h from 10/9: due 10/14 10:00."""
    assert _periods("每周2次上门拜访", "2025-09-29T10:00", 2) == [
        ("09-29 10:00", "10-14 10:00"),
        ("10-14 10:00", "10-21 10:00"),
    ]


def test_a_calendar_that_counts_holidays_does_not_pause() -> None:
    assert _periods("每日", "2026-02-14T10:00", 1, ALWAYS) == [("02-14 10:00", "02-15 10:00")]
    assert not on_holidays(parse_cadence("每日"), ALWAYS)
    assert on_holidays(parse_cadence("每日"), CN)
    assert not on_holidays(parse_cadence("每月1次"), CN)


def test_every_two_weeks() -> None:
    assert _periods("每两周1次", "2026-03-02T10:00", 2) == [
        ("03-02 10:00", "03-16 10:00"),
        ("03-16 10:00", "03-30 10:00"),
    ]


def test_the_first_working_days_of_each_month() -> None:
    """每月初: the first 3 working days. January 2026: 元旦 1/1–3, Sunday 1/4 worked (调休),
    then 1/5 and 1/6. October 2025: 国庆节 to 10/8, then 10/9, 10/10 and Saturday 10/11."""
    assert _periods("每月初", "2026-01-05T10:00", 3) == [
        ("01-05 10:00", "01-06 18:00"),
        ("02-01 00:00", "02-04 18:00"),
        ("03-01 00:00", "03-04 18:00"),
    ]
    assert _periods("每月初", "2026-01-20T10:00", 1) == [("02-01 00:00", "02-04 18:00")]
    assert _periods("每月前3个工作日", "2025-09-30T10:00", 1) == [("10-01 00:00", "10-11 18:00")]


def test_calendar_weeks_skip_a_week_of_holidays() -> None:
    assert _periods("每自然周2次", "2026-03-04T10:00", 2) == [
        ("03-04 10:00", "03-09 00:00"),
        ("03-09 00:00", "03-16 00:00"),
    ]
    assert _periods("每自然周1次", "2026-02-12T10:00", 2) == [  # 2/16–2/22 is all 春节
        ("02-12 10:00", "02-16 00:00"),
        ("02-23 00:00", "03-02 00:00"),
    ]


@pytest.mark.parametrize(
    ("code", "cadence"),
    [
        ("week", Cadence(2, "week", "visit")),
        ("week*2", Cadence(1, "week", every=2)),
        ("month*12", Cadence(1, "month", every=12)),
        ("month@3", Cadence(1, "month", window=3)),
        ("quarter@5", Cadence(1, "quarter", window=5)),
        ("week^", Cadence(1, "week", aligned=True)),
    ],
)
def test_the_period_code_a_timer_row_keeps(code: str, cadence: Cadence) -> None:
    assert cadence.code == code and len(code) <= 10  # the store's column holds 10
    assert Cadence.coded(cadence.count, code, cadence.method) == cadence
