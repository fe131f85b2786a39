"""SLA parsing: each parser reads its kind, joins parts, and reads or explains any text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowkit.lang.sla import (
    Cadence,
    Duration,
    Phrase,
    SlaSyntaxError,
    Warn,
    parse_cadence,
    parse_duration,
    parse_phrase,
    parse_warn,
)
from tests.lang.sla.helpers import GENERIC, Parser, check_error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80%", Warn(80)),
        ("80 %", Warn(80)),
        ("８０％", Warn(80)),
        ("80.0%", Warn(80)),
        ("1%", Warn(1)),
        ("99%", Warn(99)),
        ("4h before", Warn(before=Duration(4, "hour"))),
        ("4 hours before", Warn(before=Duration(4, "hour"))),
        ("1 business day before", Warn(before=Duration(1, "day", True))),
        ("提前4小时", Warn(before=Duration(4, "hour"))),
        ("提前1个工作日", Warn(before=Duration(1, "day", True))),
        ("到期前4小时", Warn(before=Duration(4, "hour"))),
    ],
)
def test_warn(text: str, expected: Warn) -> None:
    assert parse_warn(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", Duration(24, "hour")),
        ("3个工作日", Duration(3, "day", True)),
        ("within 3 business days", Duration(3, "day", True)),
        ("24小时内", Duration(24, "hour")),
        ("1.5h", Duration(90, "minute")),
    ],
)
def test_duration(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("daily", Cadence(1, "day")),
        ("2 visits per week", Cadence(2, "week", "visit")),
        ("每周2次上门拜访", Cadence(2, "week", "visit")),
        ("每周1次电话回访", Cadence(1, "week", "phone")),
        ("一周两次", Cadence(2, "week")),
    ],
)
def test_cadence(text: str, expected: Cadence) -> None:
    assert parse_cadence(text) == expected


# --- errors --------------------------------------------------------------------------------

ERRORS: list[tuple[Parser, str, str, int]] = [
    (parse_phrase, "", "the SLA is empty; " + GENERIC, 0),
    (parse_phrase, "   ", "the SLA is empty", 0),
    (parse_phrase, "24h,", "empty part next to ','", 3),
    (parse_phrase, "24h，，每日", "empty part next to '，'", 4),
    (parse_phrase, "24h, 3d", "at most one deadline", 5),
    (parse_phrase, "daily; weekly", "at most one cadence", 7),
    (parse_phrase, "持续进行，24小时内", "means there is no deadline", 5),
    (parse_phrase, "24h, 30m", "'m' is ambiguous", 7),
    (parse_phrase, "x" * 600, "keep it under 500", 500),
    (parse_duration, "", "the duration is empty", 0),
]


@pytest.mark.parametrize(("parse", "text", "fragment", "offset"), ERRORS)
def test_errors(parse: Parser, text: str, fragment: str, offset: int) -> None:
    check_error(parse, text, fragment, offset)


# --- properties ----------------------------------------------------------------------------

# Text made of the characters phrases are made of reaches far deeper than random Unicode.
TOKENS = [
    *"0123456789 .-%,;()，（）hdwmoinbusyekrpcatlx",
    *"每周日天次小时个工作后内在之以半两三十百千零拜访电话邮件持续进行提前到期前季度月",
    *["hours", "days", "business", "per", "from", "within", "before", "visits", "daily"],
]
near_phrases = st.lists(st.sampled_from(TOKENS), max_size=16).map("".join)
PARSERS = st.sampled_from([parse_phrase, parse_duration, parse_warn, parse_cadence])


def _reads_or_explains(parse: Parser, text: str) -> None:
    try:
        result = parse(text)
    except SlaSyntaxError as e:
        assert e.message
        assert 0 <= e.offset <= len(text)
        return
    expected = {
        parse_phrase: Phrase,
        parse_duration: Duration,
        parse_warn: Warn,
        parse_cadence: Cadence,
    }[parse]  # type: ignore[index]
    assert isinstance(result, expected)


@given(st.text())
def test_arbitrary_text_reads_or_raises_syntax_error(text: str) -> None:
    _reads_or_explains(parse_phrase, text)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(PARSERS, near_phrases)
def test_near_phrases_read_or_raise_syntax_error(parse: Parser, text: str) -> None:
    _reads_or_explains(parse, text)
