"""SLA forms: every documented way of writing a phrase, and the anchors they keep."""

from __future__ import annotations

import pytest

from flowkit.lang.sla import Cadence, Cutoff, Deadline, Duration, Phrase, parse_phrase
from tests.lang.sla.helpers import ONGOING, due, every


def cut(cutoff: Cutoff, anchor: str | None = None) -> Phrase:
    return Phrase(deadline=Deadline(cutoff, anchor))


HALF_DAY = Phrase(deadline=Deadline(Duration(1, "halfday", True)))

PHRASES: list[tuple[str, Phrase]] = [
    # clock durations
    ("24h", due(24, "hour")),
    ("24 h", due(24, "hour")),
    ("24 hours", due(24, "hour")),
    ("1 hour", due(1, "hour")),
    ("90 minutes", due(90, "minute")),
    ("90min", due(90, "minute")),
    ("30d", due(30, "day")),
    ("30 days", due(30, "day")),
    ("2w", due(2, "week")),
    ("2 weeks", due(2, "week")),
    ("1 month", due(1, "month")),
    ("3mo", due(3, "month")),
    ("1.5h", due(90, "minute")),
    ("0.3h", due(18, "minute")),
    ("1.5d", due(36, "hour")),
    ("0.5 weeks", due(84, "hour")),
    ("24小时", due(24, "hour")),
    ("24个小时", due(24, "hour")),
    ("90分钟", due(90, "minute")),
    ("30天", due(30, "day")),
    ("30日", due(30, "day")),
    ("2周", due(2, "week")),
    ("两周", due(2, "week")),
    ("2个星期", due(2, "week")),
    ("1个月", due(1, "month")),
    ("三天", due(3, "day")),
    ("十二小时", due(12, "hour")),
    ("半小时", due(30, "minute")),
    ("一个半小时", due(90, "minute")),
    # the within wrapper
    ("within 24 hours", due(24, "hour")),
    ("in 2 weeks", due(2, "week")),
    ("within a day", due(1, "day")),
    ("24小时内", due(24, "hour")),
    ("24小时以内", due(24, "hour")),
    ("24小时之内", due(24, "hour")),
    ("在24小时内", due(24, "hour")),
    ("24小时内完成", due(24, "hour")),
    ("24h内", due(24, "hour")),
    # business durations
    ("3 business days", due(3, "day", True)),
    ("3 working days", due(3, "day", True)),
    ("1 business day", due(1, "day", True)),
    ("3bd", due(3, "day", True)),
    ("4 business hours", due(4, "hour", True)),
    ("4 working hours", due(4, "hour", True)),
    ("4bh", due(4, "hour", True)),
    ("3个工作日", due(3, "day", True)),
    ("3工作日", due(3, "day", True)),
    ("三个工作日内", due(3, "day", True)),
    ("4个工作小时", due(4, "hour", True)),
    ("4工作小时内", due(4, "hour", True)),
    # anchored deadlines
    ("30d from delivered", due(30, "day", anchor="delivered")),
    ("30 days after delivered", due(30, "day", anchor="delivered")),
    ("within 30 days after delivered", due(30, "day", anchor="delivered")),
    ("3 business days from contract_signed", due(3, "day", True, "contract_signed")),
    ("30 days of delivered", due(30, "day", anchor="delivered")),
    ("30 days from 交付", due(30, "day", anchor="交付")),
    ("交付后30天内", due(30, "day", anchor="交付")),
    ("在线索录入后24小时内", due(24, "hour", anchor="线索录入")),
    ("合同签订后3个工作日内", due(3, "day", True, "合同签订")),
    ("交付后30天", due(30, "day", anchor="交付")),
    ("交付之后30天内", due(30, "day", anchor="交付")),
    ("delivered后30天内", due(30, "day", anchor="delivered")),
    ("售后回访后7天内", due(7, "day", anchor="售后回访")),
    # half a working day (not 12 clock hours)
    ("半天", HALF_DAY),
    ("半天内", HALF_DAY),
    ("半日", HALF_DAY),
    ("半个工作日", HALF_DAY),
    ("0.5个工作日", HALF_DAY),
    ("half a day", HALF_DAY),
    ("half a business day", HALF_DAY),
    ("within half a working day", HALF_DAY),
    ("half an hour", due(30, "minute")),
    ("3 workdays", due(3, "day", True)),
    # date-based deadlines: the same working day
    ("当天", cut(Cutoff("workday", 0))),
    ("当日", cut(Cutoff("workday", 0))),
    ("当天下班前", cut(Cutoff("workday", 0))),
    ("当日下班前完成", cut(Cutoff("workday", 0))),
    ("当天内", cut(Cutoff("workday", 0))),
    ("当天12点前", cut(Cutoff("workday", 0, 720))),
    ("T+0", cut(Cutoff("workday", 0))),
    ("same working day", cut(Cutoff("workday", 0))),
    ("same day", cut(Cutoff("workday", 0))),
    ("end of day", cut(Cutoff("workday", 0))),
    ("by end of the business day", cut(Cutoff("workday", 0))),
    ("EOD", cut(Cutoff("workday", 0))),
    ("same working day by 12:00", cut(Cutoff("workday", 0, 720))),
    # the next working day, at a time or at its close
    ("次日", cut(Cutoff("workday", 1))),
    ("次日下班前", cut(Cutoff("workday", 1))),
    ("次日12点前", cut(Cutoff("workday", 1, 720))),
    ("次日12:00前", cut(Cutoff("workday", 1, 720))),
    ("次日１２：００前", cut(Cutoff("workday", 1, 720))),
    ("次日十二点前", cut(Cutoff("workday", 1, 720))),
    ("次日中午前", cut(Cutoff("workday", 1, 720))),
    ("次日9点半前", cut(Cutoff("workday", 1, 570))),
    ("次日下午3点前", cut(Cutoff("workday", 1, 900))),
    ("下一个工作日12点前", cut(Cutoff("workday", 1, 720))),
    ("次工作日下班前", cut(Cutoff("workday", 1))),
    ("next working day", cut(Cutoff("workday", 1))),
    ("by end of next business day", cut(Cutoff("workday", 1))),
    ("next working day by 12:00", cut(Cutoff("workday", 1, 720))),
    ("next business day 3pm", cut(Cutoff("workday", 1, 900))),
    ("by noon next working day", cut(Cutoff("workday", 1, 720))),
    ("by 9:30 next business day", cut(Cutoff("workday", 1, 570))),
    # T+N working days
    ("T+3", cut(Cutoff("workday", 3))),
    ("t + 3", cut(Cutoff("workday", 3))),
    ("T+3日", cut(Cutoff("workday", 3))),
    ("T+3个工作日", cut(Cutoff("workday", 3))),
    ("T+3下班前", cut(Cutoff("workday", 3))),
    ("T+2 12:00前", cut(Cutoff("workday", 2, 720))),
    ("T+3 working days", cut(Cutoff("workday", 3))),
    ("T+2 by 12:00", cut(Cutoff("workday", 2, 720))),
    # N calendar days
    ("3个自然日", cut(Cutoff("calendar_day", 3))),
    ("3个自然日内", cut(Cutoff("calendar_day", 3))),
    ("三个自然日内完成", cut(Cutoff("calendar_day", 3))),
    ("3自然日", cut(Cutoff("calendar_day", 3))),
    ("3 calendar days", cut(Cutoff("calendar_day", 3))),
    ("within 3 calendar days", cut(Cutoff("calendar_day", 3))),
    # the end of a week, month, quarter or year
    ("本周五前", cut(Cutoff("period_end", period="week", weekday=4))),
    ("周五前", cut(Cutoff("period_end", period="week", weekday=4))),
    ("本周五下班前", cut(Cutoff("period_end", period="week", weekday=4))),
    ("星期三之前", cut(Cutoff("period_end", period="week", weekday=2))),
    ("本周内", cut(Cutoff("period_end", period="week"))),
    ("月底前", cut(Cutoff("period_end", period="month"))),
    ("本月底前", cut(Cutoff("period_end", period="month"))),
    ("月末前", cut(Cutoff("period_end", period="month"))),
    ("本月内", cut(Cutoff("period_end", period="month"))),
    ("季度末", cut(Cutoff("period_end", period="quarter"))),
    ("季度末前", cut(Cutoff("period_end", period="quarter"))),
    ("本季度内", cut(Cutoff("period_end", period="quarter"))),
    ("年底前", cut(Cutoff("period_end", period="year"))),
    ("年末前", cut(Cutoff("period_end", period="year"))),
    ("本年度内", cut(Cutoff("period_end", period="year"))),
    ("by Friday", cut(Cutoff("period_end", period="week", weekday=4))),
    ("end of week", cut(Cutoff("period_end", period="week"))),
    ("end of month", cut(Cutoff("period_end", period="month"))),
    ("by the end of the month", cut(Cutoff("period_end", period="month"))),
    ("month-end", cut(Cutoff("period_end", period="month"))),
    ("end of quarter", cut(Cutoff("period_end", period="quarter"))),
    ("quarter end", cut(Cutoff("period_end", period="quarter"))),
    ("end of year", cut(Cutoff("period_end", period="year"))),
    # anchored date-based deadlines
    ("交付后次日下班前", cut(Cutoff("workday", 1), "交付")),
    ("交付后3个自然日内", cut(Cutoff("calendar_day", 3), "交付")),
    ("合同签订后T+3", cut(Cutoff("workday", 3), "合同签订")),
    ("3 calendar days from delivered", cut(Cutoff("calendar_day", 3), "delivered")),
    ("next working day after delivered", cut(Cutoff("workday", 1), "delivered")),
    # cadences
    ("daily", every(1, "day")),
    ("every day", every(1, "day")),
    ("weekly", every(1, "week")),
    ("monthly", every(1, "month")),
    ("quarterly", every(1, "quarter")),
    ("2 per week", every(2, "week")),
    ("2 times per week", every(2, "week")),
    ("2x per week", every(2, "week")),
    ("twice a week", every(2, "week")),
    ("twice weekly", every(2, "week")),
    ("3 per month", every(3, "month")),
    ("1 per quarter", every(1, "quarter")),
    ("2 visits per week", every(2, "week", "visit")),
    ("2 calls per week", every(2, "week", "phone")),
    ("1 email per week", every(1, "week", "email")),
    ("at least 2 visits per week", every(2, "week", "visit")),
    ("weekly visit", every(1, "week", "visit")),
    ("每日", every(1, "day")),
    ("每天", every(1, "day")),
    ("每日更新", every(1, "day")),
    ("每天更新", every(1, "day")),
    ("每周", every(1, "week")),
    ("每周1次", every(1, "week")),
    ("每周2次", every(2, "week")),
    ("每周两次", every(2, "week")),
    ("每月1次", every(1, "month")),
    ("每月", every(1, "month")),
    ("每季度", every(1, "quarter")),
    ("每季度1次", every(1, "quarter")),
    ("季度回访", every(1, "quarter", "visit")),
    ("每周2次上门拜访", every(2, "week", "visit")),
    ("每周2次拜访", every(2, "week", "visit")),
    ("每周1次电话", every(1, "week", "phone")),
    ("每周1次电话回访", every(1, "week", "phone")),
    ("每月1次邮件", every(1, "month", "email")),
    ("每周至少2次拜访", every(2, "week", "visit")),
    ("一周两次", every(2, "week")),
    ("2次/周", every(2, "week")),
    # ongoing
    ("持续进行", ONGOING),
    ("持续", ONGOING),
    ("ongoing", ONGOING),
    ("continuous", ONGOING),
    # parts joined by separators
    ("持续进行，每周2次拜访", Phrase(cadence=Cadence(2, "week", "visit"), ongoing=True)),
    ("ongoing, 2 visits per week", Phrase(cadence=Cadence(2, "week", "visit"), ongoing=True)),
    ("30天内；每周1次", Phrase(Deadline(Duration(30, "day")), Cadence(1, "week"))),
]


@pytest.mark.parametrize(("text", "expected"), PHRASES)
def test_phrase(text: str, expected: Phrase) -> None:
    assert parse_phrase(text) == expected


def test_anchor_is_kept_as_written() -> None:
    assert parse_phrase("30 days from Contract_Signed").deadline == Deadline(
        Duration(30, "day"), "Contract_Signed"
    )
    assert parse_phrase("在 合同签订（盖章） 后3天内").deadline == Deadline(
        Duration(3, "day"), "合同签订（盖章）"
    )
    assert parse_phrase("30d from ＤＥＬＩＶＥＲＥＤ").deadline == Deadline(
        Duration(30, "day"), "ＤＥＬＩＶＥＲＥＤ"
    )


def test_entering_the_node_has_no_anchor() -> None:
    assert parse_phrase("24小时内").deadline == Deadline(Duration(24, "hour"), None)
