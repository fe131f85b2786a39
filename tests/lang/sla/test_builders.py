"""SLA builders: what a match means, and the numbers, units and methods they refuse."""

from __future__ import annotations

import pytest

from flowkit.lang.sla import parse_cadence, parse_phrase, parse_warn
from tests.lang.sla.helpers import Parser, check_error

ERRORS: list[tuple[Parser, str, str, int]] = [
    (parse_phrase, "0h", "a duration must be longer than zero, not '0h'", 0),
    (parse_phrase, "within 0 days", "longer than zero", 7),
    (parse_phrase, "零天", "longer than zero", 0),
    (parse_phrase, "3 business weeks", "business time is counted in days or hours only", 2),
    (parse_phrase, "1.5 business days", "whole days or hours", 0),
    (parse_phrase, "1.5 months", "months differ in length", 0),
    (parse_phrase, "0.01h", "not a whole number of minutes", 0),
    (parse_phrase, "二二天", "cannot read the Chinese number '二二'", 0),
    (parse_phrase, "99999999999 days", "too large", 0),
    (parse_phrase, "每周0次", "at least 1 follow-up", 2),
    (parse_phrase, "0 per week", "at least 1 follow-up", 0),
    (parse_phrase, "每周1.5次", "whole follow-ups", 2),
    (parse_phrase, "2 visits per week (call)", "names 'visits' and 'call'; keep one", 19),
    (parse_warn, "0%", "a warning at 0% would fire as soon as the timer starts", 0),
    (parse_warn, "100%", "a warning at 100% or more would fire at or after the deadline", 0),
    (parse_warn, "150 %", "at or after the deadline", 0),
    (parse_warn, "80.5%", "whole percentage", 0),
    (parse_cadence, "一周", "reads as a duration; write '每周'", 0),
    (parse_phrase, "1.5 business days", "or half a day, '半天'", 0),
    (parse_phrase, "次日25点前", "'25' is no time of day on the clock", 2),
    (parse_phrase, "当天24点前", "or '下班前' / 'end of day' for the close", 2),
    (parse_phrase, "次日12:75前", "is no time of day", 2),
    (parse_phrase, "next working day by 13pm", "13pm is no time of day", 20),
    (parse_phrase, "T+400", "'400' is more than a year ahead", 2),
    (parse_phrase, "0个自然日", "calendar days count at least 1 day, not '0'", 0),
    (parse_phrase, "1.5个自然日", "calendar days are whole days, not '1.5'", 0),
    (parse_phrase, "每周2-1次", "a range of follow-ups runs from the least required to more", 4),
    (parse_phrase, "每100周1次", "too long a period for a cadence (at most 99 weeks)", 1),
    (parse_phrase, "每9年1次", "too long a period for a cadence", 1),
    (parse_phrase, "每月前40个工作日", "write 1 to 31", 3),
]


@pytest.mark.parametrize(("parse", "text", "fragment", "offset"), ERRORS)
def test_errors(parse: Parser, text: str, fragment: str, offset: int) -> None:
    check_error(parse, text, fragment, offset)
