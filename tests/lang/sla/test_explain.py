"""SLA explanations: text that matches no form is explained as precisely as possible."""

from __future__ import annotations

import pytest

from flowkit.lang.sla import (
    SlaSyntaxError,
    parse_cadence,
    parse_duration,
    parse_phrase,
    parse_warn,
)
from tests.lang.sla.helpers import GENERIC, Parser, check_error

UNITS = "use one of: minutes, hours, days, weeks, months (or 分钟, 小时, 天, 周, 个月)"

ERRORS: list[tuple[Parser, str, str, int]] = [
    (parse_phrase, "asap", "cannot read SLA 'asap'; " + GENERIC, 0),
    (parse_phrase, "  whenever  ", "cannot read SLA 'whenever'", 2),
    (parse_phrase, "-3 days", "amounts must be greater than zero, not '-3'", 0),
    (parse_phrase, "交付后-3天", "greater than zero", 3),
    (parse_phrase, "24 hr", f"unknown time unit 'hr'; {UNITS}; did you mean 'hours'?", 3),
    (parse_phrase, "5 fortnights", f"unknown time unit 'fortnights'; {UNITS}", 2),
    (parse_phrase, "30m", "'m' is ambiguous; write '30min' for minutes or '30mo' for months", 2),
    (parse_phrase, "within 30 m", "'m' is ambiguous", 10),
    (parse_phrase, "3月", "write '3个月'", 1),
    (parse_phrase, "3 bussiness days", "unknown word 'bussiness'; did you mean 'business'?", 2),
    (parse_phrase, "3 bizness days", "did you mean 'business'?", 2),
    (parse_phrase, "30 days form delivered", "unknown word 'form'; did you mean 'from'?", 8),
    (parse_phrase, "weeky", "did you mean 'weekly'?", 0),
    (parse_phrase, "2 vists per week", "did you mean 'visits'?", 2),
    (parse_phrase, "2 hugs per week", "cannot read SLA '2 hugs per week'; " + GENERIC, 0),
    (parse_phrase, "持续进", "did you mean '持续进行'?", 0),
    (parse_phrase, "每周3次拜仿", "did you mean '每周3次拜访'?", 0),
    (parse_phrase, "3个工作周", "cannot read SLA", 0),
    (
        parse_phrase,
        "4h before",
        "is a warning threshold, not an SLA phrase; put it under `warn:`",
        0,
    ),
    (parse_warn, "-5%", "greater than zero", 0),
    (parse_warn, "24h", "'24h' is a deadline, not a warning", 0),
    (parse_warn, "eighty", "cannot read warning 'eighty'", 0),
    (parse_warn, "4 hr before", "unknown time unit 'hr'", 2),
    (parse_cadence, "24h", "'24h' is a deadline, not a cadence; put it under `within:`", 0),
    (parse_cadence, "持续进行", "use `ongoing: true`", 0),
    (parse_cadence, "sometimes", "cannot read cadence 'sometimes'", 0),
    (parse_duration, "交付后30天", "counts from an anchor", 0),
    (parse_duration, "每周2次", "is a cadence (how often), not a duration", 0),
]


@pytest.mark.parametrize(("parse", "text", "fragment", "offset"), ERRORS)
def test_errors(parse: Parser, text: str, fragment: str, offset: int) -> None:
    check_error(parse, text, fragment, offset)


# --- hints never change the meaning (issue 16, item 7) --------------------------------------

UNSUPPORTED: list[tuple[str, str, int]] = [
    ("每周一拜访", "cannot name a weekday: not supported; write '每周1次'", 0),
    ("every Monday", "cannot name a weekday", 0),
    ("每小时1次", "hourly cadences are not supported", 0),
    ("hourly", "for a reply time write a deadline such as '1小时内'", 0),
    ("每半月1次", "every half month is not supported: write '每月2次' / '2 per month'", 0),
    ("bimonthly", "'bimonthly' is ambiguous (every two months, or twice a month)", 0),
    ("3-5个工作日", "a deadline is one length, not a range ('3-5')", 0),
    ("3 ~ 5 business days", "not a range", 0),
    ("次日上午", "'上午' / '下午' names no time of day: write one, e.g. '次日12:00前'", 2),
    ("明天", "'明天' / '今天' is not counted on working days", 0),
    ("本周末前", "'周末前' is ambiguous", 1),
    ("月中前", "a mid-month deadline is not supported", 0),
    ("3 years", "a length in years is not supported: write months, e.g. '12个月'", 0),
    ("两年内", "a length in years is not supported", 0),
]


@pytest.mark.parametrize(("text", "fragment", "offset"), UNSUPPORTED)
def test_unsupported_phrases_say_so_and_what_to_write(
    text: str, fragment: str, offset: int
) -> None:
    check_error(parse_phrase, text, fragment, offset)


@pytest.mark.parametrize(
    "text",
    [
        "3个自然周",  # not 3个工作日
        "每季末1次",  # not 每季度1次
        "semiweekly",  # not weekly, nor biweekly
        "5 fortnights",  # not fortnightly
        "3个工作周",
    ],
)
def test_no_guess_with_another_meaning(text: str) -> None:
    """A guess mends a slip of the keys, never a word that carries meaning (a number, a
    period, a unit): those get the forms that exist, or say what is not supported."""
    with pytest.raises(SlaSyntaxError) as caught:
        parse_phrase(text)
    assert "did you mean" not in caught.value.message, caught.value.message


def test_slips_in_words_without_meaning_are_still_mended() -> None:
    check_error(parse_phrase, "每周2次电活回访", "did you mean '每周2次电话回访'?", 0)
    check_error(parse_phrase, "每周2回", "did you mean '每周2次'?", 0)
    check_error(parse_phrase, "次日下班钱", "cannot read SLA", 0)  # 钱 for 前: not guessed
    check_error(parse_phrase, "24 hrs", "did you mean 'hours'?", 3)
