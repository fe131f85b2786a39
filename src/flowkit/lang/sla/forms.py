"""The registries of forms: every way of writing an SLA part, a full-match regex plus a builder.

A phrase is read by trying the kinds of a registry in order; nothing is evaluated. The
regexes are assembled from the vocabulary tables, so a new synonym needs no change here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from flowkit.lang.numerals import CN_NUMERAL_CHARS
from flowkit.lang.sla import builders
from flowkit.lang.sla.builders import Hit
from flowkit.lang.sla.terms import Cadence, Deadline, Duration, Phrase, Warn
from flowkit.lang.sla.words import (
    EN_ADVERBS,
    EN_COUNTED_WORDS,
    EN_EVERY_PERIODS,
    EN_METHOD_WORDS,
    EN_NUMBERS,
    EN_PERIODS,
    EN_WEEKDAYS,
    ONGOING_WORDS,
    TIMES_WORDS,
    UNIT_WORDS,
    ZH_EVERY_PERIODS,
    ZH_METHOD_WORDS,
    ZH_PERIODS,
    ZH_WEEKDAYS,
)

# --- regex fragments -----------------------------------------------------------------------


def _words(keys: Iterable[str]) -> str:
    """A regex alternation, longest first; an English word may not run on into more letters."""
    alternatives = []
    for key in sorted(keys, key=len, reverse=True):
        rx = r"\s+".join(re.escape(part) for part in key.split(" "))
        alternatives.append(rx + r"(?![a-z])" if key[-1].isascii() else rx)
    return "(?:" + "|".join(alternatives) + ")"


DIGITS: Final = r"[0-9]+(?:\.[0-9]+)?"
CN: Final = f"[{CN_NUMERAL_CHARS}]+"
_EN_NUM: Final = _words(EN_NUMBERS) + r"(?=\s)"
_DUR: Final = (
    rf"(?:(?P<num>{DIGITS}|{CN}|{_EN_NUM})(?:\s*(?P<half>个半))?"
    rf"|(?P<halfonly>半|half\s+(?:an?\s+)?))"
    rf"\s*(?P<unit>{_words(UNIT_WORDS)})"
)
_WITHIN_EN: Final = r"(?:(?:within|in)\s+)?"
_WITHIN_ZH: Final = r"(?:\s*(?:以内|之内|内))?(?:\s*完成)?"
_ANCHOR: Final = r"(?P<anchor>[^,;\s][^,;]*?)"
_EN_METHOD: Final = _words(EN_METHOD_WORDS)
_EN_TAIL: Final = rf"(?:\s+(?P<m2>{_EN_METHOD})|\s*\(\s*(?P<m3>{_EN_METHOD})\s*\))?"
_RANGE_EN: Final = rf"(?:\s*(?:-|~|to\s)\s*(?P<num2>{DIGITS}|{_EN_NUM}))?"
_EN_COUNT: Final = (
    rf"(?:at\s+least\s+)?(?:(?P<num>{DIGITS}|{_EN_NUM}){_RANGE_EN}\s*"
    rf"(?:(?P<m1>{_words(EN_COUNTED_WORDS)})\s*)?"
    rf"|(?P<word>{_words(TIMES_WORDS)})\s*)"
)
_ZH_METHOD: Final = _words(ZH_METHOD_WORDS)
_ZH_COUNT: Final = (
    rf"(?:至少\s*)?(?:(?P<num>{DIGITS}|{CN})"
    rf"(?:\s*(?:-|~|～|至|到)\s*(?P<num2>{DIGITS}|{CN}))?\s*次\s*)?"
)
_ZH_TAIL: Final = (
    rf"(?:(?P<m1>{_ZH_METHOD})\s*)?{_ZH_COUNT}(?:(?P<m2>{_ZH_METHOD})\s*)?"
    rf"(?:(?P<m3>{_ZH_METHOD})\s*)?(?:\(\s*(?P<m4>{_ZH_METHOD})\s*\))?"
)
_EN_CALENDAR: Final = r"(?P<natural>calendar\s+)?"


# Date-based deadlines (cutoffs): a working day and a time on it, a period's end.
_BEFORE_ZH: Final = r"(?:之前|以前|前)"
_ZH_CLOCK: Final = (
    rf"(?:(?P<ampm>上午|下午|晚上)\s*)?(?P<hh>[0-9]{{1,2}}|{CN})\s*"
    r"(?::\s*(?P<mm>[0-9]{2})|(?:点|时)(?:\s*(?P<hhalf>半)|\s*(?P<mi>[0-9]{1,2})\s*分)?)"
    r"|(?P<noon>中午(?:\s*12\s*(?:点|:\s*00))?)"
)
# after the day: 下班前, 12点前, 内 (then optionally 完成)
_ZH_DAY_TAIL: Final = (
    rf"(?:\s*(?:(?P<close>下班\s*{_BEFORE_ZH}?)|(?:{_ZH_CLOCK})\s*{_BEFORE_ZH}?"
    r"|之内|以内|内))?(?:\s*完成)?"
)
_ZH_ANCHOR: Final = rf"(?:在\s*)?(?:{_ANCHOR}\s*之?后\s*)?"


def _en_clock(p: str) -> str:
    """12:00, 9am, 3:30 pm, noon: the groups named with prefix `p` (used twice a phrase)."""
    return (
        rf"(?:(?P<{p}hh>[0-9]{{1,2}})(?::(?P<{p}mm>[0-9]{{2}}))?\s*(?P<{p}ampm>am|pm)?"
        rf"|(?P<{p}noon>noon|midday))"
    )


_EN_AT_BEFORE: Final = rf"(?:by\s+{_en_clock('b_')}\s*,?\s+)?"
_EN_AT_AFTER: Final = rf"(?:\s*,?\s*(?:(?:by|at|before)\s+)?{_en_clock('a_')}(?![0-9]))?"
_EN_BUSINESS: Final = r"(?:(?:working|business)\s+)"
_EN_AFTER_ANCHOR: Final = rf"(?:\s+(?:from|after)\s+{_ANCHOR})?"
_EN_SAME: Final = (
    rf"(?P<same>(?:(?:end|close)\s+of\s+(?:the\s+)?(?:same\s+)?{_EN_BUSINESS}?day"
    rf"|same\s+{_EN_BUSINESS}?day|eod|cob)(?![a-z]))"
)
_EN_NEXT: Final = (
    rf"(?:(?:end|close)\s+of\s+(?:the\s+)?)?(?P<next>next\s+{_EN_BUSINESS}day)(?![a-z])"
)
_EN_PERIOD: Final = r"(?:week|month|quarter|year)"


def _rx(body: str) -> re.Pattern[str]:
    """Kinds are full matches; whitespace around the phrase never matters."""
    return re.compile(r"\s*" + body + r"\s*")


T = TypeVar("T")


@dataclass(frozen=True)
class Kind(Generic[T]):
    """One way of writing something: a full-match regex and what to build from the match."""

    name: str
    pattern: re.Pattern[str]
    build: Callable[[Hit], T]


# --- the registries ------------------------------------------------------------------------

DURATION_KINDS: Final[tuple[Kind[Duration], ...]] = (
    Kind("duration", _rx(rf"{_WITHIN_EN}(?:在\s*)?{_DUR}{_WITHIN_ZH}"), builders.duration),
)
# English first: a Chinese anchor may contain anything, an English phrase starts with a number.
DEADLINE_KINDS: Final[tuple[Kind[Deadline], ...]] = (
    Kind(
        "deadline (en)",
        _rx(rf"{_WITHIN_EN}{_DUR}(?:\s+(?:from|after|of)\s+{_ANCHOR})?"),
        builders.deadline,
    ),
    Kind(
        "deadline (zh)",
        _rx(rf"(?:在\s*)?(?:{_ANCHOR}\s*之?后\s*)?{_DUR}{_WITHIN_ZH}"),
        builders.deadline,
    ),
)
# Date-based deadlines: on the calendar, not a length of time (a Deadline with a Cutoff).
CUTOFF_KINDS: Final[tuple[Kind[Deadline], ...]] = (
    Kind(
        "当天下班前 / 次日12点前",
        _rx(
            rf"{_ZH_ANCHOR}(?:(?P<same>当天|当日|同日|同一?个?工作日|当个工作日|本工作日)"
            rf"|(?P<next>次日|翌日|第二天|次一?个?工作日|下一?个?工作日))"
            rf"{_ZH_DAY_TAIL}"
        ),
        builders.cutoff,
    ),
    Kind(
        "T+3",
        _rx(
            rf"{_ZH_ANCHOR}t\s*\+\s*(?P<tnum>[0-9]+|{CN})(?:\s*(?:个\s*)?(?:工作日|日|天))?"
            rf"(?:{_ZH_DAY_TAIL}|\s*{_en_clock('a_')}\s*{_BEFORE_ZH})"
        ),
        builders.cutoff,
    ),
    Kind(
        "T+3 (en)",
        _rx(
            rf"{_EN_AT_BEFORE}t\s*\+\s*(?P<tnum>[0-9]+)(?:\s+{_EN_BUSINESS}days?)?"
            rf"{_EN_AT_AFTER}{_EN_AFTER_ANCHOR}"
        ),
        builders.cutoff,
    ),
    Kind(
        "3个自然日",
        _rx(rf"{_ZH_ANCHOR}(?P<cnum>{DIGITS}|{CN})\s*(?:个\s*)?自然日{_WITHIN_ZH}"),
        builders.cutoff,
    ),
    Kind(
        "3 calendar days",
        _rx(
            rf"{_WITHIN_EN}(?P<cnum>{DIGITS}|{_EN_NUM})\s*calendar\s+days?(?![a-z])"
            rf"(?:\s+(?:from|after|of)\s+{_ANCHOR})?"
        ),
        builders.cutoff,
    ),
    Kind(
        "same / next working day",
        _rx(
            rf"(?:by\s+)?(?:the\s+)?{_EN_AT_BEFORE}(?:the\s+)?(?:{_EN_SAME}|{_EN_NEXT})"
            rf"{_EN_AT_AFTER}{_EN_AFTER_ANCHOR}"
        ),
        builders.cutoff,
    ),
    Kind(
        "本周五前 / 月底前",
        _rx(
            rf"{_ZH_ANCHOR}(?:(?:本|这|当)\s*(?:个\s*)?)?"
            rf"(?:(?P<zweek>周|星期|礼拜)\s*(?P<wd>{_words(ZH_WEEKDAYS)})\s*(?:下班\s*)?{_BEFORE_ZH}"
            rf"|(?P<zend>月|季度|季|年)\s*(?:底|末|终)\s*(?:下班\s*)?{_BEFORE_ZH}?"
            rf"|(?P<zin>周|星期|礼拜|月|季度|季|年度|年)\s*(?:之内|以内|内))(?:\s*完成)?"
        ),
        builders.cutoff,
    ),
    Kind(
        "end of month",
        _rx(
            r"(?:by\s+)?(?:the\s+)?"
            rf"(?:(?:end|close)\s+of\s+(?:the\s+|this\s+)?(?P<eperiod>{_EN_PERIOD})"
            rf"|(?P<eperiod2>{_EN_PERIOD})[\s-]?end"
            rf"|(?P<byday>by)\s+(?:this\s+)?(?P<ewd>{_words(EN_WEEKDAYS)}))"
            rf"(?![a-z]){_EN_AFTER_ANCHOR}"
        ),
        builders.cutoff,
    ),
)
CADENCE_KINDS: Final[tuple[Kind[Cadence], ...]] = (
    Kind(
        "every day",
        _rx(rf"(?:every|each)\s+{_EN_CALENDAR}(?P<period>{_words(EN_PERIODS)}){_EN_TAIL}"),
        builders.cadence,
    ),
    Kind(
        "every 2 weeks",
        _rx(
            rf"{_EN_COUNT}?every\s+(?P<every>{DIGITS}|{_EN_NUM}|other)\s+"
            rf"(?P<period>{_words(EN_EVERY_PERIODS)}){_EN_TAIL}"
        ),
        builders.cadence,
    ),
    Kind(
        "twice weekly",
        _rx(rf"{_EN_COUNT}?(?P<period>{_words(EN_ADVERBS)}){_EN_TAIL}"),
        builders.cadence,
    ),
    Kind(
        "2 per week",
        _rx(
            rf"{_EN_COUNT}(?:(?:per|a|an|each|every)\s+|/\s*){_EN_CALENDAR}"
            rf"(?P<period>{_words(EN_PERIODS)}){_EN_TAIL}"
        ),
        builders.cadence,
    ),
    Kind(
        "the first 3 working days of each month",
        _rx(
            rf"{_EN_COUNT}?(?:(?:in|at|within)\s+)?(?:the\s+)?"
            rf"(?:first\s+(?P<wdays>{DIGITS}|{_EN_NUM})\s+(?:working|business)\s+days|start)"
            rf"\s+of\s+(?:each|every|the)\s+(?P<wperiod>month|quarter)(?![a-z]){_EN_TAIL}"
        ),
        builders.cadence,
    ),
    Kind(
        "每周2次",
        _rx(
            rf"(?P<each>每|一)\s*(?:个\s*)?(?P<natural>自然)?(?P<period>{_words(ZH_PERIODS)})"
            rf"\s*{_ZH_TAIL}"
        ),
        builders.zh_cadence,
    ),
    Kind(
        "每两周1次",
        _rx(
            rf"(?:每\s*(?P<every>{DIGITS}|{CN})|(?P<other>隔))\s*(?:个\s*)?"
            rf"(?P<period>{_words(ZH_EVERY_PERIODS)})\s*{_ZH_TAIL}"
        ),
        builders.cadence,
    ),
    Kind(
        "每月初",
        _rx(
            r"每\s*(?:个\s*)?(?P<wperiod>月|季度|季)\s*"
            rf"(?:初|前\s*(?P<wdays>{DIGITS}|{CN})\s*个?\s*工作日\s*(?:之内|以内|内)?)"
            rf"\s*{_ZH_TAIL}"
        ),
        builders.cadence,
    ),
    Kind(
        "季度回访",
        _rx(rf"(?P<period>季度|月度|年度)\s*(?P<m1>{_ZH_METHOD})(?:\s*(?P<m2>{_ZH_METHOD}))?"),
        builders.cadence,
    ),
    Kind(
        "2次/周",
        _rx(
            rf"(?P<num>{DIGITS}|{CN})\s*次\s*/\s*(?:每\s*)?(?P<period>{_words(ZH_PERIODS)})"
            rf"(?:\s*(?P<m1>{_ZH_METHOD}))?"
        ),
        builders.cadence,
    ),
)
ONGOING_KINDS: Final[tuple[Kind[bool], ...]] = (
    Kind("ongoing", _rx(_words(ONGOING_WORDS)), builders.ongoing),
)
WARN_KINDS: Final[tuple[Kind[Warn], ...]] = (
    Kind(
        "80%",
        _rx(
            rf"(?:at\s+)?(?P<num>{DIGITS})\s*(?:%|percent(?![a-z])|pct(?![a-z]))"
            r"(?:\s*时)?(?:\s*(?:预警|提醒|告警))?"
        ),
        builders.percent,
    ),
    Kind(
        "4h before",
        _rx(rf"{_DUR}\s+before(?:\s+(?:the\s+)?(?:due\s+date|due|deadline))?(?![a-z])"),
        builders.before,
    ),
    Kind(
        "提前4小时",
        _rx(rf"(?:提前|(?:到期|截止)\s*前)\s*{_DUR}(?:\s*(?:预警|提醒|告警))?"),
        builders.before,
    ),
)


def _as_phrase(kinds: tuple[Kind[T], ...], wrap: Callable[[T], Phrase]) -> tuple[Kind[Phrase], ...]:
    return tuple(Kind(k.name, k.pattern, _then(k.build, wrap)) for k in kinds)


def _then(build: Callable[[Hit], T], wrap: Callable[[T], Phrase]) -> Callable[[Hit], Phrase]:
    return lambda hit: wrap(build(hit))


# Deadlines before cadences: "a day" is a deadline; no cadence reads as a duration.
PHRASE_KINDS: Final[tuple[Kind[Phrase], ...]] = (
    *_as_phrase(ONGOING_KINDS, lambda _: Phrase(ongoing=True)),
    *_as_phrase(DEADLINE_KINDS, lambda d: Phrase(deadline=d)),
    *_as_phrase(CUTOFF_KINDS, lambda d: Phrase(deadline=d)),
    *_as_phrase(CADENCE_KINDS, lambda c: Phrase(cadence=c)),
)
