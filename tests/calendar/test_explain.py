"""Explanations: the due instant with every day skipped or counted, and why."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from flowkit.calendar import explain_phrase, get_calendar
from flowkit.errors import InputError
from flowkit.lang.sla import Duration, SlaSyntaxError
from tests.calendar.conftest import at

CN = get_calendar("cn")
H = timedelta(hours=1)
THREE_DAYS = Duration(3, "day", True)


def test_ground_truth_national_day_2025() -> None:
    exp = CN.explain(at("2025-09-30 16:00"), THREE_DAYS)
    assert (exp.start, exp.counted_from, exp.due) == (
        at("2025-09-30 16:00"),
        at("2025-09-30 16:00"),
        at("2025-10-11 16:00"),
    )
    assert exp.skipped == tuple(
        (date(2025, 10, d), "中秋节 Mid-autumn Festival" if d == 6 else "国庆节 National Day")
        for d in range(1, 9)
    )
    assert exp.adjusted == (date(2025, 10, 11),)
    assert exp.notes == ((date(2025, 10, 11), "国庆节调休 National Day make-up day"),)
    assert exp.counted == (
        (date(2025, 9, 30), 2 * H),
        (date(2025, 10, 9), 9 * H),
        (date(2025, 10, 10), 9 * H),
        (date(2025, 10, 11), 7 * H),
    )
    assert exp.warnings == () and exp.uncovered == ()


def test_lines_in_chinese() -> None:
    assert CN.explain(at("2025-09-30 16:00"), THREE_DAYS).lines() == [
        "时限：3个工作日 = 27小时工作时间（日历 cn，工作时间 09:00–18:00，每个工作日 9小时）",
        "开始：2025-09-30 周二 16:00（UTC+08:00）",
        "  2025-09-30 周二：计入 2小时",
        "  2025-10-01 周三 至 2025-10-05 周日：跳过（国庆节 National Day）",
        "  2025-10-06 周一：跳过（中秋节 Mid-autumn Festival）",
        "  2025-10-07 周二 至 2025-10-08 周三：跳过（国庆节 National Day）",
        "  2025-10-09 周四 至 2025-10-10 周五：每天计入 9小时",
        "  2025-10-11 周六：计入 7小时（补班：国庆节调休 National Day make-up day）",
        "截止：2025-10-11 周六 16:00（UTC+08:00）",
    ]


def test_lines_in_english() -> None:
    assert CN.explain(at("2025-09-30 16:00"), THREE_DAYS).lines("en") == [
        "Deadline: 3 business days = 27 h of working time (calendar cn, working hours "
        "09:00–18:00, 9 h per business day)",
        "Start: 2025-09-30 Tue 16:00 (UTC+08:00)",
        "  2025-09-30 Tue: counted 2 h",
        "  2025-10-01 Wed to 2025-10-05 Sun: skipped (国庆节 National Day)",
        "  2025-10-06 Mon: skipped (中秋节 Mid-autumn Festival)",
        "  2025-10-07 Tue to 2025-10-08 Wed: skipped (国庆节 National Day)",
        "  2025-10-09 Thu to 2025-10-10 Fri: counted 9 h each day",
        "  2025-10-11 Sat: counted 7 h (worked although normally off: 国庆节调休 National Day "
        "make-up day)",
        "Due: 2025-10-11 Sat 16:00 (UTC+08:00)",
    ]


def test_spring_festival_2026_from_outside_working_hours() -> None:
    exp = CN.explain(at("2026-02-13 19:30"), Duration(2, "day", True))
    assert exp.counted_from == at("2026-02-14 09:00")
    assert exp.due == at("2026-02-24 18:00")
    assert [d for d, _ in exp.skipped] == [date(2026, 2, d) for d in range(15, 24)]
    assert {why for _, why in exp.skipped} == {"春节 Spring Festival"}
    assert exp.adjusted == (date(2026, 2, 14),)
    assert exp.lines()[2] == "计时起点：2026-02-14 周六 09:00（UTC+08:00），开始时间不在工作时间内"
    assert exp.lines("en")[2] == (
        "Counting starts: 2026-02-14 Sat 09:00 (UTC+08:00), as the start is outside working hours"
    )


def test_uncovered_year_warns_and_names_the_fallback() -> None:
    exp = CN.explain(at("2027-09-30 17:00"), Duration(1, "day", True))
    assert exp.due == at("2027-10-04 17:00")  # 10/4 is a Monday; its real status is unknown
    assert [d for d, _ in exp.skipped] == [date(2027, 10, d) for d in (1, 2, 3)]
    assert exp.uncovered == (2027,)
    (warning,) = exp.warnings
    assert warning.startswith("2027 is outside the holiday data (2004–2026")
    assert exp.lines()[-1].startswith("注意：2027年不在节假日数据范围内")
    assert exp.lines("en")[-1] == f"Warning: {warning}"


def test_a_covered_explanation_has_no_warning() -> None:
    assert CN.explain(at("2026-12-30 10:00"), Duration(1, "day", True)).warnings == ()
    assert CN.explain(at("2026-12-30 10:00"), Duration(5, "day", True)).uncovered == (2027,)


def test_clock_durations_skip_nothing() -> None:
    exp = CN.explain(at("2025-09-30 16:00"), Duration(24, "hour"))
    assert (exp.due, exp.skipped, exp.adjusted, exp.warnings) == (
        at("2025-10-01 16:00"),
        (),
        (),
        (),
    )
    assert exp.lines() == [
        "时限：24小时，按自然时间计算，节假日照常计时（日历 cn）",
        "开始：2025-09-30 周二 16:00（UTC+08:00）",
        "截止：2025-10-01 周三 16:00（UTC+08:00）",
    ]


def test_months_say_how_they_count() -> None:
    exp = CN.explain(at("2026-01-31 10:00"), Duration(1, "month"))
    assert exp.due == at("2026-02-28 10:00")
    assert exp.lines("en")[0] == (
        "Deadline: 1 month in calendar months; a day the target month lacks becomes its last "
        "day (calendar cn)"
    )


def test_partial_minutes_and_seconds_are_worded() -> None:
    exp = get_calendar("weekdays").explain(at("2026-03-06 17:00:30"), Duration(2, "hour", True))
    assert exp.due == at("2026-03-09 10:00:30")
    assert "  2026-03-06 周五：计入 59分钟30秒" in exp.lines()
    assert "  2026-03-09 Mon: counted 1 h 30 s" in exp.lines("en")


def test_to_dict() -> None:
    data = CN.explain(at("2025-09-30 16:00"), THREE_DAYS).to_dict("zh-CN")
    assert data["duration"] == "3个工作日" and data["business"] is True
    assert data["due"] == "2025-10-11T16:00:00+08:00"
    assert data["counted"][0] == {"date": "2025-09-30", "seconds": 7200}
    assert data["skipped"][5] == {"date": "2025-10-06", "reason": "中秋节 Mid-autumn Festival"}
    assert data["adjusted"] == [
        {"date": "2025-10-11", "reason": "国庆节调休 National Day make-up day"}
    ]
    assert data["day_length_seconds"] == 32400 and data["warnings"] == []


def test_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        CN.explain(at("2025-09-30 16:00"), THREE_DAYS).lines("fr")


@pytest.mark.parametrize(
    "text", ["3 business days", "3个工作日", "三个工作日内", "within 27 business hours"]
)
def test_explain_phrase(text: str) -> None:
    assert explain_phrase(CN, at("2025-09-30 16:00"), text).due == at("2025-10-11 16:00")


def test_an_anchored_phrase_counts_from_the_given_start() -> None:
    assert explain_phrase(CN, at("2025-09-30 16:00"), "交付后3个工作日内").due == at(
        "2025-10-11 16:00"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("每周2次", "'每周2次' is a follow-up cadence, not a deadline: nothing falls due"),
        ("持续进行", "'持续进行' means ongoing work, not a deadline: nothing falls due"),
    ],
)
def test_phrases_without_a_deadline_are_refused(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        explain_phrase(CN, at("2025-09-30 16:00"), text)
    assert caught.value.message == message


def test_unreadable_phrases_keep_their_offset() -> None:
    with pytest.raises(SlaSyntaxError) as caught:
        explain_phrase(CN, at("2025-09-30 16:00"), "3 buisness days")
    assert caught.value.offset == 2


# --- date-based deadlines (次日12点前, T+3, 3个自然日, 月底前) ----------------------------------


def test_t_plus_3_names_t_and_each_working_day() -> None:
    exp = explain_phrase(CN, at("2025-09-30 16:00"), "T+3")
    assert exp.due == at("2025-10-11 18:00")
    assert exp.lines() == [
        "时限：T+3，按 T 日之后的工作日计算，T 日为开始计时的工作日（日历 cn，工作时间 "
        "09:00–18:00，下班时间 18:00）",
        "开始：2025-09-30 周二 16:00（UTC+08:00）",
        "  T 日：2025-09-30 周二",
        "  2025-10-01 周三 至 2025-10-05 周日：跳过（国庆节 National Day）",
        "  2025-10-06 周一：跳过（中秋节 Mid-autumn Festival）",
        "  2025-10-07 周二 至 2025-10-08 周三：跳过（国庆节 National Day）",
        "  2025-10-09 周四：第1个工作日",
        "  2025-10-10 周五：第2个工作日",
        "  2025-10-11 周六：第3个工作日（补班：国庆节调休 National Day make-up day）",
        "截止：2025-10-11 周六 18:00（UTC+08:00）",
    ]


def test_a_time_already_past_on_t_moves_to_the_next_working_day() -> None:
    exp = explain_phrase(CN, at("2024-05-10 14:00"), "当天12点前")
    assert exp.due == at("2024-05-11 12:00") and exp.rolled
    assert exp.lines("en")[-2:] == [
        "  that time on T had passed at the start: the next working day",
        "Due: 2024-05-11 Sat 12:00 (UTC+08:00)",
    ]


def test_a_period_end_on_a_holiday_moves_back_and_says_so() -> None:
    exp = explain_phrase(CN, at("2025-05-20 10:00"), "月底前")
    assert (exp.target, exp.moved, exp.due) == (
        date(2025, 5, 31),
        date(2025, 5, 30),
        at("2025-05-30 18:00"),
    )
    assert exp.lines("en") == [
        "Deadline: end of month: by the close of the day named; a day that is no working day "
        "moves to the previous working day of its period (calendar cn, working hours "
        "09:00–18:00)",
        "Start: 2025-05-20 Tue 10:00 (UTC+08:00)",
        "  2025-05-31 Sat: skipped (端午节 Dragon Boat Festival)",
        "  2025-05-31 Sat: the day named, not a working day: moved to the previous working day, "
        "2025-05-30 Fri",
        "Due: 2025-05-30 Fri 18:00 (UTC+08:00)",
    ]


def test_a_week_end_moved_to_a_make_up_saturday_says_it_is_worked() -> None:
    exp = explain_phrase(CN, at("2025-10-09 10:00"), "本周内")
    assert exp.due == at("2025-10-11 18:00")
    assert exp.lines()[-2] == (
        "  2025-10-12 周日：所指那天不是工作日：提前到前一个工作日 2025-10-11 周六"
        "（补班：国庆节调休 National Day make-up day）"
    )


def test_calendar_days_count_holidays_and_end_at_midnight() -> None:
    exp = explain_phrase(CN, at("2026-02-13 10:00"), "3个自然日")
    assert exp.due == at("2026-02-17 00:00") and exp.skipped == ()
    assert exp.lines() == [
        "时限：3个自然日内，截至最后一个自然日24:00，节假日照常计算，截止日不顺延（日历 cn）",
        "开始：2026-02-13 周五 10:00（UTC+08:00）",
        "  2026-02-16 周一：最后一个自然日",
        "截止：2026-02-17 周二 00:00（UTC+08:00）",
    ]


def test_half_a_day_is_half_the_working_day() -> None:
    exp = explain_phrase(CN, at("2025-09-30 16:00"), "半天")
    assert exp.due == at("2025-10-09 11:30")
    assert exp.lines()[0] == (
        "时限：半个工作日 = 4小时30分钟工作时间，即半个工作日（日历 cn，工作时间 09:00–18:00）"
    )
    east = get_calendar("weekdays")
    assert east.explain(at("2026-03-06 17:00"), Duration(1, "halfday", True)).due == at(
        "2026-03-09 12:30"
    )


def test_a_cutoff_to_dict() -> None:
    data = explain_phrase(CN, at("2025-09-30 16:00"), "次日12点前").to_dict("en")
    assert data["duration"] == "next working day by 12:00" and data["business"] is True
    assert data["due"] == "2025-10-09T12:00:00+08:00"
    assert (data["cutoff"], data["trade_day"], data["working_days"]) == (
        "workday",
        "2025-09-30",
        ["2025-10-09"],
    )
