"""Date-based deadlines on cn, against hand-computed cases across the 2024–2026 holidays and
调休 days (checked against the State Council's notices: 2024 春节 2/10–2/17 with 2/4 and 2/18
worked, 2025 国庆节 10/1–10/8 with 10/11 worked, 2026 春节 2/15–2/23 with 2/14 and 2/28
worked …)."""

from __future__ import annotations

from datetime import date

import pytest

from flowkit.calendar import get_calendar
from flowkit.calendar.cutoffs import resolve, trade_day
from flowkit.lang.sla import Cutoff, parse_phrase
from tests.calendar.conftest import at

CN = get_calendar("cn")

CASES: list[tuple[str, str, str]] = [
    # 当天 / 当日: the close of T, the working day the clock starts on
    ("当天", "2025-09-30 16:00", "2025-09-30 18:00"),
    ("当天下班前", "2025-09-30 19:00", "2025-10-09 18:00"),  # after hours, then 国庆节+中秋节
    ("当日", "2026-02-14 10:00", "2026-02-14 18:00"),  # a 调休 Saturday is a working day
    ("当日下班前", "2024-04-07 20:00", "2024-04-08 18:00"),  # after a make-up Sunday's close
    ("same working day", "2024-02-09 09:00", "2024-02-09 18:00"),
    ("当天12点前", "2024-05-10 14:00", "2024-05-11 12:00"),  # past 12:00: the next working
    # day's 12:00, Saturday 5/11 (劳动节调休)
    # 次日: the next working day after T
    ("次日12点前", "2024-02-09 10:00", "2024-02-18 12:00"),  # 春节 2/10–17, Sunday 2/18 worked
    ("次日下班前", "2026-02-13 17:00", "2026-02-14 18:00"),  # Saturday 2/14 is worked
    ("次日下班前", "2026-02-14 10:00", "2026-02-24 18:00"),  # 春节 2026-02-15 to 2/23
    ("next working day by 12:00", "2025-12-31 10:00", "2026-01-04 12:00"),  # 元旦 1/1–3, 1/4
    ("by noon next business day", "2025-04-30 17:00", "2025-05-06 12:00"),  # 劳动节 5/1–5
    ("次日下午3点前", "2024-10-11 10:00", "2024-10-12 15:00"),  # Saturday 10/12 worked
    # T+N: the Nth working day after T, at its close
    ("T+3", "2025-09-30 16:00", "2025-10-11 18:00"),  # 10/9, 10/10, Saturday 10/11
    ("T+3", "2025-01-24 10:00", "2025-02-05 18:00"),  # Sunday 1/26, 1/27, (春节), 2/5
    ("T+2 12:00前", "2024-09-13 10:00", "2024-09-18 12:00"),  # Saturday 9/14, (中秋节), 9/18
    ("T+1", "2026-09-30 20:00", "2026-10-09 18:00"),  # T is 10/8 (国庆节 10/1–7), then 10/9
    ("T+0", "2026-10-10 08:00", "2026-10-10 18:00"),  # Saturday 10/10 worked
    # N个自然日: by 24:00 of the Nth calendar day after the start's date; holidays count
    ("3个自然日", "2026-02-13 10:00", "2026-02-17 00:00"),
    ("3 calendar days", "2025-10-01 23:00", "2025-10-05 00:00"),
    # 半天: half of cn's 9-hour working day, counted as working time
    ("半天", "2025-09-30 16:00", "2025-10-09 11:30"),  # 2 h on 9/30, 2 h 30 on 10/9
    ("half a day", "2024-05-10 15:00", "2024-05-11 10:30"),  # 3 h Friday, Saturday worked
    ("半个工作日", "2026-02-13 17:00", "2026-02-14 12:30"),
    # period ends: the close of the day named, moved back to a working day
    ("本周五前", "2025-09-29 10:00", "2025-09-30 18:00"),  # Friday 10/3 国庆节 → Tuesday 9/30
    ("本周五前", "2025-10-03 10:00", "2025-10-10 18:00"),  # that had passed: next Friday
    ("by Friday", "2026-02-16 10:00", "2026-02-27 18:00"),  # the 春节 week has no working day
    ("本周内", "2025-10-09 10:00", "2025-10-11 18:00"),  # Sunday → Saturday 10/11 (调休)
    ("end of week", "2024-02-05 10:00", "2024-02-09 18:00"),  # 2/4 was worked, 2/10 off
    ("月底前", "2025-05-20 10:00", "2025-05-30 18:00"),  # 5/31 端午节 → Friday 5/30
    ("月底前", "2026-01-31 10:00", "2026-02-28 18:00"),  # January's had passed; 2/28 worked
    ("end of month", "2024-06-05 10:00", "2024-06-28 18:00"),  # Sunday 6/30 → Friday
    ("季度末", "2025-09-15 10:00", "2025-09-30 18:00"),
    ("季度末前", "2024-12-31 18:30", "2025-03-31 18:00"),  # the quarter's close had passed
    ("年底前", "2025-12-15 10:00", "2025-12-31 18:00"),
    ("end of year", "2024-11-02 10:00", "2024-12-31 18:00"),
]


@pytest.mark.parametrize(("phrase", "start", "due"), CASES)
def test_hand_computed_cutoffs(phrase: str, start: str, due: str) -> None:
    deadline = parse_phrase(phrase).deadline
    assert deadline is not None
    assert CN.due(at(start), deadline.within) == at(due)


def test_t_is_the_working_day_the_clock_starts_on() -> None:
    assert trade_day(CN, at("2025-09-30 16:00")) == date(2025, 9, 30)
    assert trade_day(CN, at("2025-09-30 18:00")) == date(2025, 10, 9)  # at the close: next
    assert trade_day(CN, at("2026-02-14 07:00")) == date(2026, 2, 14)  # a 调休 Saturday


def test_what_resolving_tells() -> None:
    found = resolve(CN, at("2025-09-30 16:00"), Cutoff("workday", 3))
    assert found.trade_day == date(2025, 9, 30)
    assert found.counted == (date(2025, 10, 9), date(2025, 10, 10), date(2025, 10, 11))
    moved = resolve(CN, at("2025-05-20 10:00"), Cutoff("period_end", period="month"))
    assert (moved.target, moved.moved, moved.rolled) == (
        date(2025, 5, 31),
        date(2025, 5, 30),
        False,
    )
    rolled = resolve(CN, at("2025-10-03 10:00"), Cutoff("period_end", period="week", weekday=4))
    assert (rolled.target, rolled.moved, rolled.rolled) == (date(2025, 10, 10), None, True)


def test_other_calendars_have_their_own_days_and_close() -> None:
    weekdays, always = get_calendar("weekdays"), get_calendar("24x7")
    assert weekdays.due(at("2025-10-01 10:00"), Cutoff("workday", 1)) == at("2025-10-02 18:00")
    assert always.due(at("2025-10-01 10:00"), Cutoff("workday", 0)) == at("2025-10-02 00:00")


def test_a_year_without_holiday_data_uses_the_fallback() -> None:
    deadline = parse_phrase("年底前").deadline
    assert deadline is not None
    exp = CN.explain(at("2026-12-31 19:00"), deadline.within)
    assert exp.due == at("2027-12-31 18:00") and exp.rolled
    assert exp.uncovered == (2027,)


def test_calendar_days_need_no_holiday_data() -> None:
    exp = CN.explain(at("2026-12-30 10:00"), Cutoff("calendar_day", 5))
    assert exp.due == at("2027-01-05 00:00")
    assert exp.uncovered == () and exp.warnings == ()
