"""SLA phrases (时间要求): the time requirement of a node, one short phrase in English or Chinese.

Ops leads write ``24小时内``, ``3 business days``, ``交付后30天内`` or ``每周2次上门拜访``;
the engine and the checks need the meaning, and the same meaning must come out whichever
language it was written in. A phrase is read by a registry of kinds, each a compiled regex
plus a small builder, tried in order; nothing is evaluated.

Matching runs on a normalised copy of the text (full-width folded to ASCII, lower case)
that has exactly the length of the original, so every match offset is also an offset into
what the author wrote: errors point at the right column, and anchors are cut verbatim from
the original. When no kind matches, a second registry of checks explains why as precisely
as it can. ``describe`` writes canonical text that reads back to an equal object.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final, Generic, Literal, TypeVar, get_args

from flowkit.lang.numerals import CN_NUMERAL_CHARS, parse_cn_int

__all__ = [
    "Cadence",
    "Deadline",
    "Duration",
    "Method",
    "Period",
    "Phrase",
    "SlaSyntaxError",
    "Unit",
    "Warn",
    "describe",
    "parse_cadence",
    "parse_duration",
    "parse_phrase",
    "parse_warn",
]

Unit = Literal["minute", "hour", "day", "week", "month"]
Period = Literal["day", "week", "month", "quarter"]
Method = Literal["phone", "visit", "email", "other"]
Lang = Literal["en", "zh-CN"]

_UNITS: Final[frozenset[str]] = frozenset(get_args(Unit))
_PERIODS: Final[frozenset[str]] = frozenset(get_args(Period))
_METHODS: Final[frozenset[str]] = frozenset(get_args(Method))
_BUSINESS_UNITS: Final = ("day", "hour")  # a business week or month would depend on the calendar


# --- the data ------------------------------------------------------------------------------


def _require(ok: bool, message: str) -> None:
    """Invariants hold for objects built in code too, not only for parsed ones."""
    if not ok:
        raise ValueError(message)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


@dataclass(frozen=True)
class Duration:
    """A length of time; a business duration counts only working time on the process calendar."""

    amount: int
    unit: Unit
    business: bool = False

    def __post_init__(self) -> None:
        _require(_is_count(self.amount), f"amount must be a whole number >= 1, not {self.amount!r}")
        _require(self.unit in _UNITS, f"unknown unit {self.unit!r}")
        _require(
            not self.business or self.unit in _BUSINESS_UNITS,
            f"business time is counted in days or hours, not {self.unit}s",
        )


@dataclass(frozen=True)
class Deadline:
    """Due `within` after the anchor, kept as written text: the model resolves it later."""

    within: Duration
    anchor: str | None = None

    def __post_init__(self) -> None:
        _require(isinstance(self.within, Duration), "within must be a Duration")
        _require(
            self.anchor is None or (bool(self.anchor) and self.anchor == self.anchor.strip()),
            f"an anchor is non-empty text without surrounding spaces, not {self.anchor!r}",
        )


@dataclass(frozen=True)
class Cadence:
    """How often a follow-up must be logged while an instance sits on the node."""

    count: int
    period: Period
    method: Method | None = None

    def __post_init__(self) -> None:
        _require(_is_count(self.count), f"count must be a whole number >= 1, not {self.count!r}")
        _require(self.period in _PERIODS, f"unknown period {self.period!r}")
        _require(self.method is None or self.method in _METHODS, f"unknown method {self.method!r}")


@dataclass(frozen=True)
class Warn:
    """When a running timer turns 'at risk': a share of the window, or a lead time before due."""

    percent: int | None = None
    before: Duration | None = None

    def __post_init__(self) -> None:
        _require(
            (self.percent is None) != (self.before is None), "set exactly one of percent, before"
        )
        _require(
            self.percent is None or (_is_count(self.percent) and self.percent <= 99),
            f"percent must be 1..99, not {self.percent!r}",
        )


@dataclass(frozen=True)
class Phrase:
    """What one SLA phrase says."""

    deadline: Deadline | None = None
    cadence: Cadence | None = None
    ongoing: bool = False

    def __post_init__(self) -> None:
        _require(not (self.ongoing and self.deadline), "an ongoing phrase has no deadline")


class SlaSyntaxError(ValueError):
    """A phrase that cannot be read; `offset` is 0-based into the phrase as written."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset

    def __reduce__(self) -> tuple[type[SlaSyntaxError], tuple[str, int]]:
        return type(self), (self.message, self.offset)


# --- vocabulary ----------------------------------------------------------------------------
# Keys are normalised spellings (lower case, single spaces). Tables, not code, so adding
# a synonym is one line and the error hints below are built from the same words.

_EN_NUMBERS: Final[dict[str, int]] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_TIMES_WORDS: Final[dict[str, int]] = {"once": 1, "twice": 2, "thrice": 3}

_CLOCK_WORDS: Final[dict[str, Unit]] = {
    "min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute", "分钟": "minute",
    "h": "hour", "hour": "hour", "hours": "hour",
    "小时": "hour", "个小时": "hour", "钟头": "hour", "个钟头": "hour",
    "d": "day", "day": "day", "days": "day", "天": "day", "日": "day",
    "w": "week", "week": "week", "weeks": "week",
    "周": "week", "星期": "week", "个星期": "week", "礼拜": "week", "个礼拜": "week",
    "mo": "month", "month": "month", "months": "month", "个月": "month",
}  # fmt: skip
_BUSINESS_WORDS: Final[dict[str, Unit]] = {
    "bd": "day", "bh": "hour", "工作日": "day", "个工作日": "day", "工作天": "day",
    "工作小时": "hour", "个工作小时": "hour",
    **{
        f"{q} {w}": u
        for q in ("business", "working")
        for w, u in _CLOCK_WORDS.items()
        if w.isascii() and len(w) > 2
    },
}  # fmt: skip
_UNIT_WORDS: Final[dict[str, tuple[Unit, bool]]] = {
    **{w: (u, False) for w, u in _CLOCK_WORDS.items()},
    **{w: (u, True) for w, u in _BUSINESS_WORDS.items()},
}

_PERIOD_WORDS: Final[dict[str, Period]] = {
    "day": "day", "week": "week", "month": "month", "quarter": "quarter",
    "daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
    "日": "day", "天": "day", "周": "week", "星期": "week", "礼拜": "week",
    "月": "month", "月度": "month", "季": "quarter", "季度": "quarter",
}  # fmt: skip
_EN_PERIODS: Final = ("day", "week", "month", "quarter")
_EN_ADVERBS: Final = ("daily", "weekly", "monthly", "quarterly")
_ZH_PERIODS: Final = ("日", "天", "周", "星期", "礼拜", "月", "季", "季度")

# None means "any follow-up counts": the word only says that something is logged.
_EN_METHOD_WORDS: Final[dict[str, Method | None]] = {
    "visit": "visit", "visits": "visit",
    "call": "phone", "calls": "phone", "phone": "phone",
    "phone call": "phone", "phone calls": "phone",
    "email": "email", "emails": "email", "e-mail": "email", "e-mails": "email",
    "mail": "email", "mails": "email",
    "other follow-up": "other", "other follow-ups": "other",
    "other followup": "other", "other followups": "other",
    "message": "other", "messages": "other", "wechat": "other",
    "follow-up": None, "follow-ups": None, "followup": None, "followups": None,
}  # fmt: skip
_EN_COUNTED_WORDS: Final[dict[str, Method | None]] = {
    "times": None, "time": None, "x": None, **_EN_METHOD_WORDS,
}  # fmt: skip
_ZH_METHOD_WORDS: Final[dict[str, Method | None]] = {
    "上门拜访": "visit", "上门回访": "visit", "上门": "visit", "拜访": "visit", "面访": "visit",
    "回访": "visit",  # alone it is a visit; after 电话/邮件 it only means "follow-up"
    "电话回访": "phone", "电话跟进": "phone", "电话": "phone", "致电": "phone",
    "邮件回访": "email", "邮件跟进": "email", "邮件": "email", "电邮": "email",
    "其他跟进": "other", "其他方式": "other", "其他": "other", "微信": "other", "短信": "other",
    "跟进": None, "更新": None, "联系": None, "沟通": None,
}  # fmt: skip
_METHOD_WORDS: Final[dict[str, Method | None]] = {**_EN_COUNTED_WORDS, **_ZH_METHOD_WORDS}
_METHOD_SLOTS: Final = ("m1", "m2", "m3", "m4")

_ONGOING_WORDS: Final = (
    "持续进行中", "持续进行", "持续跟进", "持续", "ongoing", "continuous", "continuously",
)  # fmt: skip
_CONNECTORS: Final = (
    "within", "in", "from", "after", "of", "per", "each", "every", "at", "least",
    "before", "the", "due", "date", "deadline", "percent", "pct",
)  # fmt: skip


def _key(text: str) -> str:
    """The table key for a matched word: internal whitespace runs become one space."""
    return " ".join(text.split())


def _ascii_tokens(words: Iterable[str]) -> frozenset[str]:
    return frozenset(t for w in words for t in re.findall(r"[a-z][a-z-]*", w))


_VOCABULARY: Final = _ascii_tokens(
    [*_UNIT_WORDS, *_PERIOD_WORDS, *_METHOD_WORDS, *_EN_NUMBERS, *_TIMES_WORDS],
) | _ascii_tokens([*_ONGOING_WORDS, *_CONNECTORS])
_UNIT_HINTS: Final[dict[str, str]] = {
    **{w: f"{u}s" for w, u in _CLOCK_WORDS.items() if w.isascii()},
    "bd": "business days",
    "bh": "business hours",
}


# --- matching ------------------------------------------------------------------------------

_FOLD_EXTRA: Final = {"\u3000": " ", "、": ",", "−": "-"}


def _fold(ch: str) -> str:
    """One character in, one out: full-width ASCII folded, letters lower-cased."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        ch = chr(code - 0xFEE0)
    ch = _FOLD_EXTRA.get(ch, ch)
    low = ch.lower()
    return low if len(low) == 1 else ch


def _normalise(text: str) -> str:
    return "".join(_fold(ch) for ch in text)


def _words(keys: Iterable[str]) -> str:
    """A regex alternation, longest first; an English word may not run on into more letters."""
    alternatives = []
    for key in sorted(keys, key=len, reverse=True):
        rx = r"\s+".join(re.escape(part) for part in key.split(" "))
        alternatives.append(rx + r"(?![a-z])" if key[-1].isascii() else rx)
    return "(?:" + "|".join(alternatives) + ")"


_DIGITS: Final = r"[0-9]+(?:\.[0-9]+)?"
_CN: Final = f"[{CN_NUMERAL_CHARS}]+"
_EN_NUM: Final = _words(_EN_NUMBERS) + r"(?=\s)"
_DUR: Final = (
    rf"(?:(?P<num>{_DIGITS}|{_CN}|{_EN_NUM})(?:\s*(?P<half>个半))?|(?P<halfonly>半))"
    rf"\s*(?P<unit>{_words(_UNIT_WORDS)})"
)
_WITHIN_EN: Final = r"(?:(?:within|in)\s+)?"
_WITHIN_ZH: Final = r"(?:\s*(?:以内|之内|内))?(?:\s*完成)?"
_ANCHOR: Final = r"(?P<anchor>[^,;\s][^,;]*?)"
_EN_METHOD: Final = _words(_EN_METHOD_WORDS)
_EN_TAIL: Final = rf"(?:\s+(?P<m2>{_EN_METHOD})|\s*\(\s*(?P<m3>{_EN_METHOD})\s*\))?"
_EN_COUNT: Final = (
    rf"(?:at\s+least\s+)?(?:(?P<num>{_DIGITS}|{_EN_NUM})\s*(?:(?P<m1>{_words(_EN_COUNTED_WORDS)})\s*)?"
    rf"|(?P<word>{_words(_TIMES_WORDS)})\s*)"
)
_ZH_METHOD: Final = _words(_ZH_METHOD_WORDS)
_ZH_COUNT: Final = rf"(?:至少\s*)?(?:(?P<num>{_DIGITS}|{_CN})\s*次\s*)?"


def _rx(body: str) -> re.Pattern[str]:
    """Kinds are full matches; whitespace around the phrase never matters."""
    return re.compile(r"\s*" + body + r"\s*")


@dataclass(frozen=True)
class _Hit:
    """One match on the normalised text, plus the text as written (for anchors and messages)."""

    m: re.Match[str]
    text: str

    def group(self, name: str) -> str | None:
        return self.m.group(name) if name in self.m.re.groupindex else None

    def start(self, *names: str) -> int:
        """Where the first of `names` that took part in the match begins."""
        return next(self.m.start(n) for n in names if self.group(n) is not None)

    def raw(self, name: str) -> str:
        return self.text[self.m.start(name) : self.m.end(name)]

    @property
    def shown(self) -> str:
        return self.text[self.m.start() : self.m.end()].strip()


T = TypeVar("T")


@dataclass(frozen=True)
class _Kind(Generic[T]):
    """One way of writing something: a full-match regex and what to build from the match."""

    name: str
    pattern: re.Pattern[str]
    build: Callable[[_Hit], T]


# --- builders ------------------------------------------------------------------------------

_MAX_DIGITS: Final = 9
_SMALLER: Final[dict[Unit, tuple[int, Unit]]] = {
    "week": (7, "day"),
    "day": (24, "hour"),
    "hour": (60, "minute"),
}


def _number(hit: _Hit, group: str) -> Fraction:
    """A number written with digits, Chinese numerals or an English word."""
    s, at = hit.m.group(group), hit.m.start(group)
    if s in _EN_NUMBERS:
        return Fraction(_EN_NUMBERS[s])
    if s[0] in "0123456789":
        if len(s.replace(".", "")) > _MAX_DIGITS:
            raise SlaSyntaxError(f"the number {hit.raw(group)!r} is too large for an SLA", at)
        return Fraction(s)
    try:
        return Fraction(parse_cn_int(s))
    except ValueError:
        raise SlaSyntaxError(
            f"cannot read the Chinese number {hit.raw(group)!r}; write e.g. 二十 or 20", at
        ) from None


def _amount(hit: _Hit) -> Fraction:
    if hit.group("halfonly") is not None:
        return Fraction(1, 2)
    whole = _number(hit, "num")
    return whole + Fraction(1, 2) if hit.group("half") is not None else whole


def _duration(hit: _Hit) -> Duration:
    unit, business = _UNIT_WORDS[_key(hit.m.group("unit"))]
    at = hit.start("num", "halfonly")
    written = hit.text[at : hit.m.end("unit")]
    amount = _amount(hit)
    if amount <= 0:
        raise SlaSyntaxError(f"a duration must be longer than zero, not {written!r}", at)
    if business:
        return _business(amount, unit, written, at, hit.m.start("unit"))
    return _whole(amount, unit, written, at)


def _business(amount: Fraction, unit: Unit, written: str, at: int, unit_at: int) -> Duration:
    """Business time cannot be converted: a business day's hours depend on the calendar."""
    if unit not in _BUSINESS_UNITS:
        raise SlaSyntaxError(
            "business time is counted in days or hours only; "
            "write e.g. '3 business days' or '4 business hours'",
            unit_at,
        )
    if amount.denominator != 1:
        raise SlaSyntaxError(
            f"business time is counted in whole days or hours, not {written!r}; "
            "a business day has no fixed number of hours, so write e.g. '2 business days'",
            at,
        )
    return Duration(int(amount), unit, business=True)


def _whole(amount: Fraction, unit: Unit, written: str, at: int) -> Duration:
    """1.5h is 90 minutes: step down to smaller units until the amount is whole."""
    while amount.denominator != 1:
        if unit == "month":
            raise SlaSyntaxError(
                f"months differ in length, so {written!r} has no exact size; "
                "write days or weeks instead, e.g. '45 days'",
                at,
            )
        if unit == "minute":
            raise SlaSyntaxError(
                f"{written!r} is not a whole number of minutes; SLAs count whole minutes", at
            )
        factor, unit = _SMALLER[unit]
        amount *= factor
    return Duration(int(amount), unit)


def _deadline(hit: _Hit) -> Deadline:
    anchor = hit.raw("anchor") if hit.group("anchor") is not None else None
    return Deadline(_duration(hit), anchor)


def _count(hit: _Hit) -> int:
    if hit.group("word") is not None:
        return _TIMES_WORDS[hit.m.group("word")]
    if hit.group("num") is None:
        return 1
    value, at = _number(hit, "num"), hit.m.start("num")
    if value.denominator != 1:
        raise SlaSyntaxError(f"a cadence counts whole follow-ups, not {hit.raw('num')!r}", at)
    if value < 1:
        raise SlaSyntaxError(
            f"a cadence needs at least 1 follow-up per period, not {hit.raw('num')!r}", at
        )
    return int(value)


def _method(hit: _Hit) -> Method | None:
    """The one contact method named, if any; 回访 after another method is just 'follow-up'."""
    words = [
        (_key(hit.m.group(g)), hit.raw(g), hit.m.start(g)) for g in _METHOD_SLOTS if hit.group(g)
    ]
    if len(words) > 1:
        words = [w for w in words if w[0] != "回访"] or words[:1]
    named = [(m, raw, at) for key, raw, at in words if (m := _METHOD_WORDS[key]) is not None]
    for method, raw, at in named[1:]:
        if method != named[0][0]:
            raise SlaSyntaxError(
                f"a cadence has one contact method, but this names {named[0][1]!r} and {raw!r}; "
                "keep one",
                at,
            )
    return named[0][0] if named else None


def _cadence(hit: _Hit) -> Cadence:
    return Cadence(_count(hit), _PERIOD_WORDS[_key(hit.m.group("period"))], _method(hit))


def _zh_cadence(hit: _Hit) -> Cadence:
    """一周两次 is a cadence, but 一周 alone is a duration, so 一 needs a count."""
    if hit.group("each") == "一" and hit.group("num") is None:
        period = hit.m.group("period")
        raise SlaSyntaxError(
            f"{hit.shown!r} reads as a duration; write '每{period}' for once per {period}, "
            f"or say how often, e.g. '一{period}2次'",
            hit.m.start("each"),
        )
    return _cadence(hit)


def _percent(hit: _Hit) -> Warn:
    value, at = _number(hit, "num"), hit.m.start("num")
    if value.denominator != 1:
        raise SlaSyntaxError(f"write a whole percentage, not {hit.raw('num')!r}", at)
    if value <= 0:
        raise SlaSyntaxError(
            "a warning at 0% would fire as soon as the timer starts; use a share from 1% to 99%",
            at,
        )
    if value >= 100:
        raise SlaSyntaxError(
            "a warning at 100% or more would fire at or after the deadline; "
            "use a share from 1% to 99%",
            at,
        )
    return Warn(percent=int(value))


def _before(hit: _Hit) -> Warn:
    return Warn(before=_duration(hit))


def _ongoing(hit: _Hit) -> bool:
    return True


# --- the registries ------------------------------------------------------------------------

_DURATION_KINDS: Final[tuple[_Kind[Duration], ...]] = (
    _Kind("duration", _rx(rf"{_WITHIN_EN}(?:在\s*)?{_DUR}{_WITHIN_ZH}"), _duration),
)
# English first: a Chinese anchor may contain anything, an English phrase starts with a number.
_DEADLINE_KINDS: Final[tuple[_Kind[Deadline], ...]] = (
    _Kind(
        "deadline (en)",
        _rx(rf"{_WITHIN_EN}{_DUR}(?:\s+(?:from|after|of)\s+{_ANCHOR})?"),
        _deadline,
    ),
    _Kind(
        "deadline (zh)",
        _rx(rf"(?:在\s*)?(?:{_ANCHOR}\s*之?后\s*)?{_DUR}{_WITHIN_ZH}"),
        _deadline,
    ),
)
_CADENCE_KINDS: Final[tuple[_Kind[Cadence], ...]] = (
    _Kind(
        "every day", _rx(rf"(?:every|each)\s+(?P<period>{_words(_EN_PERIODS)}){_EN_TAIL}"), _cadence
    ),
    _Kind(
        "twice weekly", _rx(rf"{_EN_COUNT}?(?P<period>{_words(_EN_ADVERBS)}){_EN_TAIL}"), _cadence
    ),
    _Kind(
        "2 per week",
        _rx(
            rf"{_EN_COUNT}(?:(?:per|a|an|each|every)\s+|/\s*)"
            rf"(?P<period>{_words(_EN_PERIODS)}){_EN_TAIL}"
        ),
        _cadence,
    ),
    _Kind(
        "每周2次",
        _rx(
            rf"(?P<each>每|一)\s*(?:个\s*)?(?P<period>{_words(_ZH_PERIODS)})\s*"
            rf"(?:(?P<m1>{_ZH_METHOD})\s*)?{_ZH_COUNT}(?:(?P<m2>{_ZH_METHOD})\s*)?"
            rf"(?:(?P<m3>{_ZH_METHOD})\s*)?(?:\(\s*(?P<m4>{_ZH_METHOD})\s*\))?"
        ),
        _zh_cadence,
    ),
    _Kind(
        "季度回访",
        _rx(rf"(?P<period>季度|月度)\s*(?P<m1>{_ZH_METHOD})(?:\s*(?P<m2>{_ZH_METHOD}))?"),
        _cadence,
    ),
    _Kind(
        "2次/周",
        _rx(
            rf"(?P<num>{_DIGITS}|{_CN})\s*次\s*/\s*(?:每\s*)?(?P<period>{_words(_ZH_PERIODS)})"
            rf"(?:\s*(?P<m1>{_ZH_METHOD}))?"
        ),
        _cadence,
    ),
)
_ONGOING_KINDS: Final[tuple[_Kind[bool], ...]] = (
    _Kind("ongoing", _rx(_words(_ONGOING_WORDS)), _ongoing),
)
_WARN_KINDS: Final[tuple[_Kind[Warn], ...]] = (
    _Kind(
        "80%",
        _rx(
            rf"(?:at\s+)?(?P<num>{_DIGITS})\s*(?:%|percent(?![a-z])|pct(?![a-z]))"
            r"(?:\s*时)?(?:\s*(?:预警|提醒|告警))?"
        ),
        _percent,
    ),
    _Kind(
        "4h before",
        _rx(rf"{_DUR}\s+before(?:\s+(?:the\s+)?(?:due\s+date|due|deadline))?(?![a-z])"),
        _before,
    ),
    _Kind(
        "提前4小时",
        _rx(rf"(?:提前|(?:到期|截止)\s*前)\s*{_DUR}(?:\s*(?:预警|提醒|告警))?"),
        _before,
    ),
)


def _as_phrase(
    kinds: tuple[_Kind[T], ...], wrap: Callable[[T], Phrase]
) -> tuple[_Kind[Phrase], ...]:
    return tuple(_Kind(k.name, k.pattern, _then(k.build, wrap)) for k in kinds)


def _then(build: Callable[[_Hit], T], wrap: Callable[[T], Phrase]) -> Callable[[_Hit], Phrase]:
    return lambda hit: wrap(build(hit))


# Deadlines before cadences: "a day" is a deadline; no cadence reads as a duration.
_PHRASE_KINDS: Final[tuple[_Kind[Phrase], ...]] = (
    *_as_phrase(_ONGOING_KINDS, lambda _: Phrase(ongoing=True)),
    *_as_phrase(_DEADLINE_KINDS, lambda d: Phrase(deadline=d)),
    *_as_phrase(_CADENCE_KINDS, lambda c: Phrase(cadence=c)),
)


# --- explaining what did not match ---------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    """The part of a phrase being read: [start, end) of both the original and normalised text."""

    text: str
    norm: str
    start: int
    end: int

    @property
    def shown(self) -> str:
        return self.text[self.start : self.end].strip()

    @property
    def first(self) -> int:
        """Where the written part starts, past any leading spaces."""
        part = self.norm[self.start : self.end]
        return self.start + len(part) - len(part.lstrip())


@dataclass(frozen=True)
class _Context:
    """What the caller asked for: its name in messages, examples, and what belongs elsewhere."""

    label: str
    examples: str
    elsewhere: tuple[tuple[tuple[_Kind[Any], ...], str], ...]


_Check = Callable[[_Span, _Context], SlaSyntaxError | None]

_UNIT_LIST: Final = "use one of: minutes, hours, days, weeks, months (or 分钟, 小时, 天, 周, 个月)"
_NEGATIVE: Final = re.compile(rf"-\s*{_DIGITS}")
_BARE_M: Final = re.compile(rf"({_DIGITS})\s*(m)(?![a-z])")
_BARE_MONTH: Final = re.compile(rf"({_DIGITS}|{_CN})\s*(月)")
_NUMBER_WORD: Final = re.compile(rf"(?<![a-z0-9.])({_DIGITS})\s*([a-z][a-z-]*)")
_CADENCE_HINT: Final = re.compile(r"\b(?:per|every|each|a|an|daily|weekly|monthly|quarterly)\b|/")
_WORD: Final = re.compile(r"[a-z][a-z-]*")
_DIGIT_RUN: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_ZH_SAMPLES: Final = (
    "持续进行", "每日", "每天", "每周", "每月", "每季度", "季度回访", "每日更新", "每天更新",
    "每周#次", "每月#次", "每周#次拜访", "每周#次上门拜访", "每周#次电话回访", "每月#次邮件",
    "#小时内", "#个工作日", "#个工作日内", "#个工作小时", "提前#小时", "到期前#小时",
)  # fmt: skip


def _close(word: str, candidates: Iterable[str], cutoff: float) -> str | None:
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return found[0] if found else None


def _elsewhere(span: _Span, ctx: _Context) -> SlaSyntaxError | None:
    """Right words, wrong field: a warning under `within`, a deadline under `cadence`."""
    for kinds, advice in ctx.elsewhere:
        if any(k.pattern.fullmatch(span.norm, span.start, span.end) for k in kinds):
            return SlaSyntaxError(advice.format(t=repr(span.shown)), span.first)
    return None


def _negative(span: _Span, ctx: _Context) -> SlaSyntaxError | None:
    m = _NEGATIVE.search(span.norm, span.start, span.end)
    if m is None:
        return None
    written = span.text[m.start() : m.end()]
    return SlaSyntaxError(f"amounts must be greater than zero, not {written!r}", m.start())


def _bare_m(span: _Span, ctx: _Context) -> SlaSyntaxError | None:
    m = _BARE_M.search(span.norm, span.start, span.end)
    if m is None:
        return None
    n = m.group(1)
    return SlaSyntaxError(
        f"'m' is ambiguous; write '{n}min' for minutes or '{n}mo' for months", m.start(2)
    )


def _bare_month(span: _Span, ctx: _Context) -> SlaSyntaxError | None:
    m = _BARE_MONTH.search(span.norm, span.start, span.end)
    if m is None:
        return None
    n = span.text[m.start(1) : m.end(1)]
    return SlaSyntaxError(
        f"'{n}月' reads as a calendar month; write '{n}个月' for a number of months", m.start(2)
    )


def _unit_after_number(span: _Span, ctx: _Context) -> SlaSyntaxError | None:
    """`24 hr`: the word after a number should have been a unit."""
    for m in _NUMBER_WORD.finditer(span.norm, span.start, span.end):
        word, at, written = m.group(2), m.start(2), span.text[m.start(2) : m.end(2)]
        if word in _VOCABULARY:
            continue
        cadence = (
            _CADENCE_HINT.search(span.norm, m.end(), span.end) is not None
        )  # `2 hugs per week`
        other = _close(word, _VOCABULARY, 0.75)
        unit = _close(word, _UNIT_HINTS, 0.6)
        if other is not None and (unit is None or cadence):
            return _did_you_mean(span, ctx, written, other, at)
        if cadence:
            return None
        hint = f"; did you mean {_UNIT_HINTS[unit]!r}?" if unit else ""
        return SlaSyntaxError(f"unknown time unit {written!r}; {_UNIT_LIST}{hint}", at)
    return None


def _near_miss_word(span: _Span, ctx: _Context) -> SlaSyntaxError | None:
    """`bussiness`, `weeky`, `form`: an English word one slip away from a known one."""
    for m in _WORD.finditer(span.norm, span.start, span.end):
        word = m.group()
        if word in _VOCABULARY or len(word) < 3:
            continue
        other = _close(word, _VOCABULARY, 0.75)
        if other is not None:
            return _did_you_mean(span, ctx, span.text[m.start() : m.end()], other, m.start())
    return None


def _did_you_mean(span: _Span, ctx: _Context, word: str, other: str, at: int) -> SlaSyntaxError:
    return SlaSyntaxError(
        f"cannot read {ctx.label} {span.shown!r}: unknown word {word!r}; did you mean {other!r}?",
        at,
    )


def _near_miss_zh(span: _Span, ctx: _Context) -> SlaSyntaxError | None:
    """`每周2次拜仿`: compared with numbers masked, then the author's numbers put back."""
    written = _key(span.norm[span.start : span.end])
    if not any("\u4e00" <= ch <= "\u9fff" for ch in written):
        return None
    numbers = _DIGIT_RUN.findall(written)
    sample = _close(_DIGIT_RUN.sub("#", written), _ZH_SAMPLES, 0.75)
    if sample is None or sample.count("#") != len(numbers):
        return None
    for n in numbers:
        sample = sample.replace("#", n, 1)
    return SlaSyntaxError(
        f"cannot read {ctx.label} {span.shown!r}; did you mean {sample!r}?", span.first
    )


_CHECKS: Final[tuple[_Check, ...]] = (
    _elsewhere,
    _negative,
    _bare_m,
    _bare_month,
    _unit_after_number,
    _near_miss_word,
    _near_miss_zh,
)


def _diagnose(span: _Span, ctx: _Context) -> SlaSyntaxError:
    for check in _CHECKS:
        error = check(span, ctx)
        if error is not None:
            return error
    return SlaSyntaxError(f"cannot read {ctx.label} {span.shown!r}; {ctx.examples}", span.first)


_TRY_WARN: Final = "a warning such as '80%' or a lead time such as '4h before' / '提前4小时'"
_PHRASE_CTX: Final = _Context(
    "SLA",
    "write a duration such as '24h', '3 business days', '3个工作日', an anchored deadline "
    "such as '30d from delivered' / '交付后30天内', a cadence such as '2 per week' / '每周2次', "
    "or 'ongoing' / '持续进行'",
    ((_WARN_KINDS, "{t} is a warning threshold, not an SLA phrase; put it under `warn:`"),),
)
_DURATION_CTX: Final = _Context(
    "duration",
    "write e.g. '24h', '90 minutes', '3 business days', '24小时', '3个工作日'",
    (
        (_DEADLINE_KINDS, "{t} counts from an anchor; write a plain duration such as '30 days'"),
        (_CADENCE_KINDS, "{t} is a cadence (how often), not a duration (how long)"),
        (_ONGOING_KINDS, "{t} means there is no deadline, so it has no duration"),
        (_WARN_KINDS, "{t} is a warning threshold, not a duration"),
    ),
)
_CADENCE_CTX: Final = _Context(
    "cadence",
    "write e.g. 'daily', '2 per week', '2 visits per week', '每日', '每周2次', '每周2次上门拜访'",
    (
        (_DEADLINE_KINDS, "{t} is a deadline, not a cadence; put it under `within:`, "
                          "or say how often, e.g. '2 per week' / '每周2次'"),
        (_ONGOING_KINDS, "{t} is not a cadence; use `ongoing: true`"),
        (_WARN_KINDS, "{t} is a warning threshold, not a cadence; put it under `warn:`"),
    ),
)  # fmt: skip
_WARN_CTX: Final = _Context(
    "warning",
    f"write {_TRY_WARN}",
    (
        (_DEADLINE_KINDS, f"{{t}} is a deadline, not a warning; write {_TRY_WARN}"),
        (_CADENCE_KINDS, f"{{t}} is a cadence, not a warning; write {_TRY_WARN}"),
        (_ONGOING_KINDS, f"{{t}} is not a warning; write {_TRY_WARN}"),
    ),
)


# --- reading -------------------------------------------------------------------------------

_MAX_LENGTH: Final = 500


def _prepare(text: str, ctx: _Context) -> str:
    """The normalised text, after refusing what no kind could hold."""
    if not isinstance(text, str):
        raise SlaSyntaxError(f"the {ctx.label} must be text, not {type(text).__name__}")
    if not text.strip():
        raise SlaSyntaxError(f"the {ctx.label} is empty; {ctx.examples}", 0)
    if len(text) > _MAX_LENGTH:
        raise SlaSyntaxError(
            f"the {ctx.label} is {len(text)} characters long; keep it under {_MAX_LENGTH} "
            "and put explanations in the node's notes",
            _MAX_LENGTH,
        )
    return _normalise(text)


def _read(kinds: tuple[_Kind[T], ...], span: _Span, ctx: _Context) -> T:
    for kind in kinds:
        m = kind.pattern.fullmatch(span.norm, span.start, span.end)
        if m is not None:
            return kind.build(_Hit(m, span.text))
    raise _diagnose(span, ctx)


def _read_whole(text: str, kinds: tuple[_Kind[T], ...], ctx: _Context) -> T:
    norm = _prepare(text, ctx)
    return _read(kinds, _Span(text, norm, 0, len(norm)), ctx)


def _parts(text: str, norm: str) -> list[_Span]:
    """A phrase may combine parts with ',' or ';' (or ，；、): `持续进行，每周2次拜访`."""
    spans, start = [], 0
    for i, ch in enumerate(norm):
        if ch in ",;":
            spans.append(_Span(text, norm, start, i))
            start = i + 1
    spans.append(_Span(text, norm, start, len(norm)))
    return spans


def _empty_part(span: _Span) -> SlaSyntaxError:
    at = span.end if span.end < len(span.text) else span.start - 1
    return SlaSyntaxError(f"empty part next to {span.text[at]!r}; remove the extra separator", at)


def _combine(acc: Phrase, part: Phrase, span: _Span) -> Phrase:
    """Fold one part into the phrase so far; each aspect may be said once."""
    for said, what in (
        (acc.deadline and part.deadline, "one deadline; use `overrides` for other segments"),
        (acc.cadence and part.cadence, "one cadence"),
        (acc.ongoing and part.ongoing, "'ongoing' once"),
    ):
        if said:
            raise SlaSyntaxError(f"an SLA phrase holds at most {what}", span.first)
    deadline, ongoing = acc.deadline or part.deadline, acc.ongoing or part.ongoing
    if deadline and ongoing:
        raise SlaSyntaxError(
            "'ongoing' / '持续进行' means there is no deadline; keep one of the two", span.first
        )
    return Phrase(deadline, acc.cadence or part.cadence, ongoing)


def parse_phrase(text: str) -> Phrase:
    """Read an SLA phrase: a deadline, a cadence or ongoing, or parts of these joined by ','."""
    norm = _prepare(text, _PHRASE_CTX)
    phrase = Phrase()
    for span in _parts(text, norm):
        if not span.shown:
            raise _empty_part(span)
        phrase = _combine(phrase, _read(_PHRASE_KINDS, span, _PHRASE_CTX), span)
    return phrase


def parse_duration(text: str) -> Duration:
    """Read a plain duration (`24h`, `3个工作日`); a 'within' / 内 wrapper is allowed."""
    return _read_whole(text, _DURATION_KINDS, _DURATION_CTX)


def parse_warn(text: str) -> Warn:
    """Read a warning threshold: `80%`, `4h before`, `提前4小时`."""
    return _read_whole(text, _WARN_KINDS, _WARN_CTX)


def parse_cadence(text: str) -> Cadence:
    """Read a follow-up cadence: `daily`, `2 visits per week`, `每周2次上门拜访`."""
    return _read_whole(text, _CADENCE_KINDS, _CADENCE_CTX)


# --- writing -------------------------------------------------------------------------------

_EN_UNIT_NAMES: Final[dict[Unit, str]] = {
    "minute": "minute", "hour": "hour", "day": "day", "week": "week", "month": "month",
}  # fmt: skip
_ZH_UNIT_NAMES: Final[dict[tuple[Unit, bool], str]] = {
    ("minute", False): "分钟", ("hour", False): "小时", ("day", False): "天",
    ("week", False): "周", ("month", False): "个月",
    ("day", True): "个工作日", ("hour", True): "个工作小时",
}  # fmt: skip
_ZH_PERIOD_NAMES: Final[dict[Period, str]] = {
    "day": "日", "week": "周", "month": "月", "quarter": "季度",
}  # fmt: skip
_EN_ADVERB_NAMES: Final[dict[Period, str]] = {
    "day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly",
}  # fmt: skip
_EN_METHOD_NAMES: Final[dict[Method, tuple[str, str]]] = {
    "visit": ("visit", "visits"), "phone": ("call", "calls"), "email": ("email", "emails"),
    "other": ("other follow-up", "other follow-ups"),
}  # fmt: skip
_ZH_METHOD_NAMES: Final[dict[Method, str]] = {
    "visit": "拜访", "phone": "电话", "email": "邮件", "other": "其他跟进",
}  # fmt: skip


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return singular if count == 1 else (plural or f"{singular}s")


def _duration_text(d: Duration, zh: bool) -> str:
    if zh:
        return f"{d.amount}{_ZH_UNIT_NAMES[d.unit, d.business]}"
    business = "business " if d.business else ""
    return f"{d.amount} {business}{_plural(d.amount, _EN_UNIT_NAMES[d.unit])}"


def _deadline_text(d: Deadline, zh: bool) -> str:
    """在 and 之 are written when the anchor itself starts or ends with them, to read back."""
    within = _duration_text(d.within, zh)
    if d.anchor is None:
        return f"{within}内" if zh else f"within {within}"
    if not zh:
        return f"{within} from {d.anchor}"
    at = "在" if d.anchor.startswith("在") else ""
    after = "之后" if d.anchor.endswith("之") else "后"
    return f"{at}{d.anchor}{after}{within}内"


def _cadence_text(c: Cadence, zh: bool) -> str:
    if zh:
        period = _ZH_PERIOD_NAMES[c.period]
        if c.method is None:
            return f"每{period}" if c.count == 1 else f"每{period}{c.count}次"
        return f"每{period}{c.count}次{_ZH_METHOD_NAMES[c.method]}"
    if c.method is None:
        return _EN_ADVERB_NAMES[c.period] if c.count == 1 else f"{c.count} times per {c.period}"
    return f"{c.count} {_plural(c.count, *_EN_METHOD_NAMES[c.method])} per {c.period}"


def _warn_text(w: Warn, zh: bool) -> str:
    if w.before is None:
        return f"{w.percent}%"
    before = _duration_text(w.before, zh)
    return f"提前{before}" if zh else f"{before} before"


def _phrase_text(p: Phrase, zh: bool) -> str:
    parts = [
        ("持续进行" if zh else "ongoing") if p.ongoing else "",
        _deadline_text(p.deadline, zh) if p.deadline else "",
        _cadence_text(p.cadence, zh) if p.cadence else "",
    ]
    text = ("，" if zh else ", ").join(part for part in parts if part)
    if not text:
        raise ValueError("an empty Phrase has no text; it says nothing")
    return text


_WRITERS: Final[Mapping[type, Callable[[Any, bool], str]]] = {
    Phrase: _phrase_text,
    Deadline: _deadline_text,
    Duration: _duration_text,
    Cadence: _cadence_text,
    Warn: _warn_text,
}


def describe(obj: Phrase | Duration | Deadline | Cadence | Warn, lang: Lang) -> str:
    """Canonical text in one language; parsing it gives back an equal object."""
    if lang not in ("en", "zh-CN"):
        raise ValueError(f"unknown language {lang!r}; use 'en' or 'zh-CN'")
    writer = _WRITERS.get(type(obj))
    if writer is None:
        raise TypeError(f"cannot describe {type(obj).__name__}")
    return writer(obj, lang == "zh-CN")
