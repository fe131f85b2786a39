"""SLA explanations: text that matches no form is explained as precisely as possible."""

from __future__ import annotations

import pytest

from flowkit.lang.sla import parse_cadence, parse_duration, parse_phrase, parse_warn
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
