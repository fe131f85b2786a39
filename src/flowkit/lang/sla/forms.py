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
    EN_METHOD_WORDS,
    EN_NUMBERS,
    EN_PERIODS,
    ONGOING_WORDS,
    TIMES_WORDS,
    UNIT_WORDS,
    ZH_METHOD_WORDS,
    ZH_PERIODS,
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
    rf"(?:(?P<num>{DIGITS}|{CN}|{_EN_NUM})(?:\s*(?P<half>个半))?|(?P<halfonly>半))"
    rf"\s*(?P<unit>{_words(UNIT_WORDS)})"
)
_WITHIN_EN: Final = r"(?:(?:within|in)\s+)?"
_WITHIN_ZH: Final = r"(?:\s*(?:以内|之内|内))?(?:\s*完成)?"
_ANCHOR: Final = r"(?P<anchor>[^,;\s][^,;]*?)"
_EN_METHOD: Final = _words(EN_METHOD_WORDS)
_EN_TAIL: Final = rf"(?:\s+(?P<m2>{_EN_METHOD})|\s*\(\s*(?P<m3>{_EN_METHOD})\s*\))?"
_EN_COUNT: Final = (
    rf"(?:at\s+least\s+)?(?:(?P<num>{DIGITS}|{_EN_NUM})\s*(?:(?P<m1>{_words(EN_COUNTED_WORDS)})\s*)?"
    rf"|(?P<word>{_words(TIMES_WORDS)})\s*)"
)
_ZH_METHOD: Final = _words(ZH_METHOD_WORDS)
_ZH_COUNT: Final = rf"(?:至少\s*)?(?:(?P<num>{DIGITS}|{CN})\s*次\s*)?"


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
CADENCE_KINDS: Final[tuple[Kind[Cadence], ...]] = (
    Kind(
        "every day",
        _rx(rf"(?:every|each)\s+(?P<period>{_words(EN_PERIODS)}){_EN_TAIL}"),
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
            rf"{_EN_COUNT}(?:(?:per|a|an|each|every)\s+|/\s*)"
            rf"(?P<period>{_words(EN_PERIODS)}){_EN_TAIL}"
        ),
        builders.cadence,
    ),
    Kind(
        "每周2次",
        _rx(
            rf"(?P<each>每|一)\s*(?:个\s*)?(?P<period>{_words(ZH_PERIODS)})\s*"
            rf"(?:(?P<m1>{_ZH_METHOD})\s*)?{_ZH_COUNT}(?:(?P<m2>{_ZH_METHOD})\s*)?"
            rf"(?:(?P<m3>{_ZH_METHOD})\s*)?(?:\(\s*(?P<m4>{_ZH_METHOD})\s*\))?"
        ),
        builders.zh_cadence,
    ),
    Kind(
        "季度回访",
        _rx(rf"(?P<period>季度|月度)\s*(?P<m1>{_ZH_METHOD})(?:\s*(?P<m2>{_ZH_METHOD}))?"),
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
    *_as_phrase(CADENCE_KINDS, lambda c: Phrase(cadence=c)),
)
