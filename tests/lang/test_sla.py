"""SLA phrases: every documented form, the errors, and describe/parse round trips."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowkit.lang.sla import (
    Cadence,
    Deadline,
    Duration,
    Phrase,
    SlaSyntaxError,
    Warn,
    describe,
    parse_cadence,
    parse_duration,
    parse_phrase,
    parse_warn,
)


def due(amount: int, unit: Any, business: bool = False, anchor: str | None = None) -> Phrase:
    return Phrase(deadline=Deadline(Duration(amount, unit, business), anchor))


def every(count: int, period: Any, method: Any = None) -> Phrase:
    return Phrase(cadence=Cadence(count, period, method))


ONGOING = Phrase(ongoing=True)

# --- the documented phrases ----------------------------------------------------------------

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


# Surrounding whitespace, case and full-width forms do not change the meaning.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  24h \n", due(24, "hour")),
        ("24H", due(24, "hour")),
        ("Within 24 Hours", due(24, "hour")),
        ("3 Business Days", due(3, "day", True)),
        ("DAILY", every(1, "day")),
        ("２４ｈ", due(24, "hour")),
        ("２４小时内", due(24, "hour")),
        ("每周２次", every(2, "week")),
        ("ＯＮＧＯＩＮＧ", ONGOING),
        ("\u300024小时\u3000", due(24, "hour")),
        ("weekly (visit)", every(1, "week", "visit")),
        ("每周2次（上门拜访）", every(2, "week", "visit")),
    ],
)
def test_phrase_tolerates_spelling(text: str, expected: Phrase) -> None:
    assert parse_phrase(text) == expected


@pytest.mark.parametrize(
    ("en", "zh"),
    [
        ("24h", "24小时"),
        ("within 24 hours", "24小时内"),
        ("90 minutes", "90分钟"),
        ("30 days", "30天"),
        ("2 weeks", "两周"),
        ("1 month", "1个月"),
        ("3 days", "三天"),
        ("3 business days", "3个工作日"),
        ("4 business hours", "4个工作小时"),
        ("30 days from 交付", "交付后30天内"),
        ("3 business days from 合同签订", "合同签订后3个工作日内"),
        ("daily", "每日"),
        ("weekly", "每周"),
        ("monthly", "每月"),
        ("quarterly", "每季度"),
        ("2 per week", "每周2次"),
        ("2 visits per week", "每周2次上门拜访"),
        ("1 call per week", "每周1次电话回访"),
        ("1 email per month", "每月1次邮件"),
        ("1 visit per quarter", "季度回访"),
        ("ongoing", "持续进行"),
    ],
)
def test_english_and_chinese_agree(en: str, zh: str) -> None:
    assert parse_phrase(en) == parse_phrase(zh)


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

GENERIC = (
    "write a duration such as '24h', '3 business days', '3个工作日', an anchored deadline "
    "such as '30d from delivered' / '交付后30天内', a cadence such as '2 per week' / '每周2次', "
    "or 'ongoing' / '持续进行'"
)
UNITS = "use one of: minutes, hours, days, weeks, months (or 分钟, 小时, 天, 周, 个月)"

Parser = Callable[[str], object]

ERRORS: list[tuple[Parser, str, str, int]] = [
    (parse_phrase, "", "the SLA is empty; " + GENERIC, 0),
    (parse_phrase, "   ", "the SLA is empty", 0),
    (parse_phrase, "asap", "cannot read SLA 'asap'; " + GENERIC, 0),
    (parse_phrase, "  whenever  ", "cannot read SLA 'whenever'", 2),
    (parse_phrase, "0h", "a duration must be longer than zero, not '0h'", 0),
    (parse_phrase, "within 0 days", "longer than zero", 7),
    (parse_phrase, "零天", "longer than zero", 0),
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
    (parse_phrase, "3 business weeks", "business time is counted in days or hours only", 2),
    (parse_phrase, "3个工作周", "cannot read SLA", 0),
    (parse_phrase, "1.5 business days", "whole days or hours", 0),
    (parse_phrase, "1.5 months", "months differ in length", 0),
    (parse_phrase, "0.01h", "not a whole number of minutes", 0),
    (parse_phrase, "二二天", "cannot read the Chinese number '二二'", 0),
    (parse_phrase, "99999999999 days", "too large", 0),
    (parse_phrase, "每周0次", "at least 1 follow-up", 2),
    (parse_phrase, "0 per week", "at least 1 follow-up", 0),
    (parse_phrase, "每周1.5次", "whole follow-ups", 2),
    (parse_phrase, "2 visits per week (call)", "names 'visits' and 'call'; keep one", 19),
    (
        parse_phrase,
        "4h before",
        "is a warning threshold, not an SLA phrase; put it under `warn:`",
        0,
    ),
    (parse_phrase, "24h,", "empty part next to ','", 3),
    (parse_phrase, "24h，，每日", "empty part next to '，'", 4),
    (parse_phrase, "24h, 3d", "at most one deadline", 5),
    (parse_phrase, "daily; weekly", "at most one cadence", 7),
    (parse_phrase, "持续进行，24小时内", "means there is no deadline", 5),
    (parse_phrase, "24h, 30m", "'m' is ambiguous", 7),
    (parse_phrase, "x" * 600, "keep it under 500", 500),
    (parse_warn, "0%", "a warning at 0% would fire as soon as the timer starts", 0),
    (parse_warn, "100%", "a warning at 100% or more would fire at or after the deadline", 0),
    (parse_warn, "150 %", "at or after the deadline", 0),
    (parse_warn, "80.5%", "whole percentage", 0),
    (parse_warn, "-5%", "greater than zero", 0),
    (parse_warn, "24h", "'24h' is a deadline, not a warning", 0),
    (parse_warn, "eighty", "cannot read warning 'eighty'", 0),
    (parse_warn, "4 hr before", "unknown time unit 'hr'", 2),
    (parse_cadence, "24h", "'24h' is a deadline, not a cadence; put it under `within:`", 0),
    (parse_cadence, "持续进行", "use `ongoing: true`", 0),
    (parse_cadence, "一周", "reads as a duration; write '每周'", 0),
    (parse_cadence, "sometimes", "cannot read cadence 'sometimes'", 0),
    (parse_duration, "交付后30天", "counts from an anchor", 0),
    (parse_duration, "每周2次", "is a cadence (how often), not a duration", 0),
    (parse_duration, "", "the duration is empty", 0),
]


@pytest.mark.parametrize(("parse", "text", "fragment", "offset"), ERRORS)
def test_errors(parse: Parser, text: str, fragment: str, offset: int) -> None:
    with pytest.raises(SlaSyntaxError) as caught:
        parse(text)
    assert fragment in caught.value.message
    assert caught.value.offset == offset
    assert str(caught.value) == caught.value.message


def test_error_offset_counts_characters_as_written() -> None:
    """Full-width text keeps its length, so the column is right for the author's line."""
    with pytest.raises(SlaSyntaxError) as caught:
        parse_phrase("　２４ ｈｒ")
    assert caught.value.offset == 4
    assert "'ｈｒ'" in caught.value.message


def test_syntax_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_phrase("nonsense")


# --- the objects guard their invariants ----------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: Duration(0, "day"),
        lambda: Duration(-1, "day"),
        lambda: Duration(True, "day"),
        lambda: Duration(1, "year"),  # type: ignore[arg-type]
        lambda: Duration(1, "week", business=True),
        lambda: Deadline(Duration(1, "day"), ""),
        lambda: Deadline(Duration(1, "day"), " 交付"),
        lambda: Cadence(0, "week"),
        lambda: Cadence(1, "year"),  # type: ignore[arg-type]
        lambda: Cadence(1, "week", "fax"),  # type: ignore[arg-type]
        lambda: Warn(),
        lambda: Warn(80, Duration(4, "hour")),
        lambda: Warn(0),
        lambda: Warn(100),
        lambda: Phrase(Deadline(Duration(1, "day")), ongoing=True),
    ],
)
def test_invalid_objects_are_refused(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        build()


# --- describe ------------------------------------------------------------------------------

DESCRIBED: list[tuple[Any, str, str]] = [
    (Duration(24, "hour"), "24小时", "24 hours"),
    (Duration(1, "hour"), "1小时", "1 hour"),
    (Duration(90, "minute"), "90分钟", "90 minutes"),
    (Duration(1, "month"), "1个月", "1 month"),
    (Duration(3, "day", True), "3个工作日", "3 business days"),
    (Duration(1, "day", True), "1个工作日", "1 business day"),
    (Duration(4, "hour", True), "4个工作小时", "4 business hours"),
    (Deadline(Duration(30, "day"), "交付"), "交付后30天内", "30 days from 交付"),
    (Deadline(Duration(30, "day"), "delivered"), "delivered后30天内", "30 days from delivered"),
    (Deadline(Duration(24, "hour")), "24小时内", "within 24 hours"),
    (Deadline(Duration(1, "day"), "在职确认"), "在在职确认后1天内", "1 day from 在职确认"),
    (Cadence(2, "week", "visit"), "每周2次拜访", "2 visits per week"),
    (Cadence(1, "week", "visit"), "每周1次拜访", "1 visit per week"),
    (Cadence(1, "month", "phone"), "每月1次电话", "1 call per month"),
    (Cadence(3, "week", "email"), "每周3次邮件", "3 emails per week"),
    (Cadence(1, "day"), "每日", "daily"),
    (Cadence(1, "quarter"), "每季度", "quarterly"),
    (Cadence(2, "week"), "每周2次", "2 times per week"),
    (Warn(80), "80%", "80%"),
    (Warn(before=Duration(4, "hour")), "提前4小时", "4 hours before"),
    (Warn(before=Duration(1, "day", True)), "提前1个工作日", "1 business day before"),
    (Phrase(ongoing=True), "持续进行", "ongoing"),
    (
        Phrase(cadence=Cadence(2, "week", "visit"), ongoing=True),
        "持续进行，每周2次拜访",
        "ongoing, 2 visits per week",
    ),
]


@pytest.mark.parametrize(("obj", "zh", "en"), DESCRIBED)
def test_describe(obj: Any, zh: str, en: str) -> None:
    assert describe(obj, "zh-CN") == zh
    assert describe(obj, "en") == en


def test_describe_refuses_what_has_no_text() -> None:
    with pytest.raises(ValueError):
        describe(Phrase(), "en")
    with pytest.raises(ValueError):
        describe(Duration(1, "day"), "fr")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        describe("24h", "en")  # type: ignore[arg-type]


# --- properties ----------------------------------------------------------------------------

LANGS = st.sampled_from(["en", "zh-CN"])

durations = st.one_of(
    st.builds(
        Duration,
        st.integers(1, 10_000),
        st.sampled_from(["minute", "hour", "day", "week", "month"]),
    ),
    st.builds(Duration, st.integers(1, 10_000), st.sampled_from(["day", "hour"]), st.just(True)),
)
# Anchors as people write them: event ids, and Chinese names that may contain the very
# characters the Chinese form is built from (后, 在, 之, 内, units, numerals).
identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,15}", fullmatch=True)
chinese_names = st.text(
    alphabet="交付合同签订线索录入验收回款后在之内以天周月日时一二三十个工作次每持续",
    max_size=8,
    min_size=1,
)
anchors = st.one_of(
    identifiers,
    chinese_names,
    st.builds(lambda a, b: f"{a} {b}", identifiers, identifiers),
)
deadlines = st.builds(Deadline, durations, st.none() | anchors)
cadences = st.builds(
    Cadence,
    st.integers(1, 50),
    st.sampled_from(["day", "week", "month", "quarter"]),
    st.sampled_from([None, "phone", "visit", "email", "other"]),
)
warns = st.one_of(
    st.builds(Warn, st.integers(1, 99)), st.builds(lambda d: Warn(before=d), durations)
)
phrases = st.one_of(
    st.builds(Phrase, deadlines, st.none() | cadences),
    st.builds(Phrase, st.none(), cadences, st.booleans()),
    st.just(Phrase(ongoing=True)),
)


@given(durations, LANGS)
def test_duration_round_trip(d: Duration, lang: Any) -> None:
    assert parse_duration(describe(d, lang)) == d


@given(deadlines, LANGS)
def test_deadline_round_trip(d: Deadline, lang: Any) -> None:
    assert parse_phrase(describe(d, lang)) == Phrase(deadline=d)


@given(cadences, LANGS)
def test_cadence_round_trip(c: Cadence, lang: Any) -> None:
    assert parse_cadence(describe(c, lang)) == c
    assert parse_phrase(describe(c, lang)) == Phrase(cadence=c)


@given(warns, LANGS)
def test_warn_round_trip(w: Warn, lang: Any) -> None:
    assert parse_warn(describe(w, lang)) == w


@given(phrases, LANGS)
def test_phrase_round_trip(p: Phrase, lang: Any) -> None:
    assert parse_phrase(describe(p, lang)) == p


@given(phrases)
def test_languages_agree(p: Phrase) -> None:
    assert parse_phrase(describe(p, "en")) == parse_phrase(describe(p, "zh-CN"))


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


def test_syntax_error_survives_pickling() -> None:
    """Checks may run in worker processes; the offset must come back with the message."""
    import pickle

    error = pickle.loads(pickle.dumps(SlaSyntaxError("unknown time unit 'hr'", 3)))
    assert (error.message, error.offset) == ("unknown time unit 'hr'", 3)
