"""SLA writing: describe in both languages, and describe/parse round trips."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowkit.lang.sla import (
    Cadence,
    Cutoff,
    Deadline,
    Duration,
    Phrase,
    Warn,
    describe,
    parse_cadence,
    parse_duration,
    parse_phrase,
    parse_warn,
)

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
    (Cadence(1, "week", every=2), "每2周", "every 2 weeks"),
    (Cadence(1, "week", "visit", every=2), "每2周1次拜访", "1 visit every 2 weeks"),
    (Cadence(1, "month", every=12), "每年", "yearly"),
    (Cadence(2, "month", every=24), "每2年2次", "2 times every 2 years"),
    (Cadence(1, "week", target=2), "每周1-2次", "1-2 times per week"),
    (Cadence(1, "week", "visit", target=2), "每周1-2次拜访", "1-2 visits per week"),
    (Cadence(1, "month", window=3), "每月前3个工作日", "in the first 3 working days of each month"),
    (Cadence(2, "week", aligned=True), "每自然周2次", "2 times per calendar week"),
    (Cadence(1, "month", aligned=True), "每自然月", "every calendar month"),
    (Warn(80), "80%", "80%"),
    (Warn(before=Duration(4, "hour")), "提前4小时", "4 hours before"),
    (Warn(before=Duration(1, "day", True)), "提前1个工作日", "1 business day before"),
    (Phrase(ongoing=True), "持续进行", "ongoing"),
    (Duration(1, "halfday", True), "半个工作日", "half a business day"),
    (Cutoff("workday", 0), "当天下班前", "same working day"),
    (Cutoff("workday", 0, 720), "当天12:00前", "same working day by 12:00"),
    (Cutoff("workday", 1), "次日下班前", "next working day"),
    (Cutoff("workday", 1, 570), "次日09:30前", "next working day by 09:30"),
    (Cutoff("workday", 3), "T+3", "T+3"),
    (Cutoff("workday", 3, 720), "T+3 12:00前", "T+3 by 12:00"),
    (Cutoff("calendar_day", 3), "3个自然日内", "3 calendar days"),
    (Cutoff("calendar_day", 1), "1个自然日内", "1 calendar day"),
    (Cutoff("period_end", period="week"), "本周内", "end of week"),
    (Cutoff("period_end", period="week", weekday=4), "本周五前", "by Friday"),
    (Cutoff("period_end", period="week", weekday=6), "本周日前", "by Sunday"),
    (Cutoff("period_end", period="month"), "月底前", "end of month"),
    (Cutoff("period_end", period="quarter"), "季度末前", "end of quarter"),
    (Cutoff("period_end", period="year"), "年底前", "end of year"),
    (
        Deadline(Cutoff("workday", 1, 720), "交付"),
        "交付后次日12:00前",
        "next working day by 12:00 after 交付",
    ),
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
cutoffs = st.one_of(
    st.builds(Cutoff, st.just("workday"), st.integers(0, 366), st.none() | st.integers(0, 1439)),
    st.builds(Cutoff, st.just("calendar_day"), st.integers(1, 366)),
    st.builds(
        lambda p, wd: Cutoff("period_end", period=p, weekday=wd if p == "week" else None),
        st.sampled_from(["week", "month", "quarter", "year"]),
        st.none() | st.integers(0, 6),
    ),
)
durations = st.one_of(durations, st.just(Duration(1, "halfday", True)))
deadlines = st.builds(Deadline, st.one_of(durations, cutoffs), st.none() | anchors)
METHODS = st.sampled_from([None, "phone", "visit", "email", "other"])
PERIODS = st.sampled_from(["day", "week", "month", "quarter"])
cadences = st.one_of(
    st.builds(Cadence, st.integers(1, 50), PERIODS, METHODS),
    st.builds(  # every N periods (每两周, every 12 months is 每年)
        lambda c, p, m, e: Cadence(c, p, m, every=e),
        st.integers(1, 50), PERIODS, METHODS, st.integers(2, 99),
    ),
    st.builds(  # a range: the least required and the target
        lambda c, p, m, more: Cadence(c, p, m, target=c + more),
        st.integers(1, 20), PERIODS, METHODS, st.integers(1, 20),
    ),
    st.builds(  # the first working days of each month or quarter (每月初)
        lambda c, p, m, w: Cadence(c, p, m, window=w),
        st.integers(1, 5), st.sampled_from(["month", "quarter"]), METHODS, st.integers(1, 31),
    ),
    st.builds(  # calendar periods (每自然周)
        lambda c, p, m: Cadence(c, p, m, aligned=True), st.integers(1, 9), PERIODS, METHODS
    ),
)  # fmt: skip
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
