"""Why a phrase did not match: a registry of checks that explain it as precisely as they can.

Each check looks for one kind of near miss (a warning under the wrong key, a negative
amount, an ambiguous 'm', a misspelt word) and returns an error pointing at the right
column, or None; the contexts say what the caller asked for and what belongs elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from flowkit.lang.sla.forms import (
    CADENCE_KINDS,
    CN,
    DEADLINE_KINDS,
    DIGITS,
    ONGOING_KINDS,
    WARN_KINDS,
    Kind,
)
from flowkit.lang.sla.terms import SlaSyntaxError
from flowkit.lang.sla.words import UNIT_HINTS, VOCABULARY, table_key
from flowkit.lang.spelling import DID_YOU_MEAN, closest


@dataclass(frozen=True)
class Span:
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
class Context:
    """What the caller asked for: its name in messages, examples, and what belongs elsewhere."""

    label: str
    examples: str
    elsewhere: tuple[tuple[tuple[Kind[Any], ...], str], ...]


_Check = Callable[[Span, Context], SlaSyntaxError | None]

_UNIT_LIST: Final = "use one of: minutes, hours, days, weeks, months (or 分钟, 小时, 天, 周, 个月)"
_NEGATIVE: Final = re.compile(rf"-\s*{DIGITS}")
_BARE_M: Final = re.compile(rf"({DIGITS})\s*(m)(?![a-z])")
_BARE_MONTH: Final = re.compile(rf"({DIGITS}|{CN})\s*(月)")
_NUMBER_WORD: Final = re.compile(rf"(?<![a-z0-9.])({DIGITS})\s*([a-z][a-z-]*)")
_CADENCE_HINT: Final = re.compile(r"\b(?:per|every|each|a|an|daily|weekly|monthly|quarterly)\b|/")
_WORD: Final = re.compile(r"[a-z][a-z-]*")
_DIGIT_RUN: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_ZH_SAMPLES: Final = (
    "持续进行", "每日", "每天", "每周", "每月", "每季度", "季度回访", "每日更新", "每天更新",
    "每周#次", "每月#次", "每周#次拜访", "每周#次上门拜访", "每周#次电话回访", "每月#次邮件",
    "#小时内", "#个工作日", "#个工作日内", "#个工作小时", "提前#小时", "到期前#小时",
)  # fmt: skip


def _elsewhere(span: Span, ctx: Context) -> SlaSyntaxError | None:
    """Right words, wrong field: a warning under `within`, a deadline under `cadence`."""
    for kinds, advice in ctx.elsewhere:
        if any(k.pattern.fullmatch(span.norm, span.start, span.end) for k in kinds):
            return SlaSyntaxError(advice.format(t=repr(span.shown)), span.first)
    return None


def _negative(span: Span, ctx: Context) -> SlaSyntaxError | None:
    m = _NEGATIVE.search(span.norm, span.start, span.end)
    if m is None:
        return None
    written = span.text[m.start() : m.end()]
    return SlaSyntaxError(f"amounts must be greater than zero, not {written!r}", m.start())


def _bare_m(span: Span, ctx: Context) -> SlaSyntaxError | None:
    m = _BARE_M.search(span.norm, span.start, span.end)
    if m is None:
        return None
    n = m.group(1)
    return SlaSyntaxError(
        f"'m' is ambiguous; write '{n}min' for minutes or '{n}mo' for months", m.start(2)
    )


def _bare_month(span: Span, ctx: Context) -> SlaSyntaxError | None:
    m = _BARE_MONTH.search(span.norm, span.start, span.end)
    if m is None:
        return None
    n = span.text[m.start(1) : m.end(1)]
    return SlaSyntaxError(
        f"'{n}月' reads as a calendar month; write '{n}个月' for a number of months", m.start(2)
    )


def _unit_after_number(span: Span, ctx: Context) -> SlaSyntaxError | None:
    """`24 hr`: the word after a number should have been a unit."""
    for m in _NUMBER_WORD.finditer(span.norm, span.start, span.end):
        word, at, written = m.group(2), m.start(2), span.text[m.start(2) : m.end(2)]
        if word in VOCABULARY:
            continue
        cadence = (
            _CADENCE_HINT.search(span.norm, m.end(), span.end) is not None
        )  # `2 hugs per week`
        other = closest(word, VOCABULARY, 0.75)
        unit = closest(word, UNIT_HINTS)
        if other is not None and (unit is None or cadence):
            return _did_you_mean(span, ctx, written, other, at)
        if cadence:
            return None
        hint = f"; {DID_YOU_MEAN.format(UNIT_HINTS[unit])}" if unit else ""
        return SlaSyntaxError(f"unknown time unit {written!r}; {_UNIT_LIST}{hint}", at)
    return None


def _near_miss_word(span: Span, ctx: Context) -> SlaSyntaxError | None:
    """`bussiness`, `weeky`, `form`: an English word one slip away from a known one."""
    for m in _WORD.finditer(span.norm, span.start, span.end):
        word = m.group()
        if word in VOCABULARY or len(word) < 3:
            continue
        other = closest(word, VOCABULARY, 0.75)
        if other is not None:
            return _did_you_mean(span, ctx, span.text[m.start() : m.end()], other, m.start())
    return None


def _did_you_mean(span: Span, ctx: Context, word: str, other: str, at: int) -> SlaSyntaxError:
    return SlaSyntaxError(
        f"cannot read {ctx.label} {span.shown!r}: unknown word {word!r}; "
        + DID_YOU_MEAN.format(other),
        at,
    )


def _near_miss_zh(span: Span, ctx: Context) -> SlaSyntaxError | None:
    """`每周2次拜仿`: compared with numbers masked, then the author's numbers put back."""
    written = table_key(span.norm[span.start : span.end])
    if not any("\u4e00" <= ch <= "\u9fff" for ch in written):
        return None
    numbers = _DIGIT_RUN.findall(written)
    sample = closest(_DIGIT_RUN.sub("#", written), _ZH_SAMPLES, 0.75)
    if sample is None or sample.count("#") != len(numbers):
        return None
    for n in numbers:
        sample = sample.replace("#", n, 1)
    return SlaSyntaxError(
        f"cannot read {ctx.label} {span.shown!r}; {DID_YOU_MEAN.format(sample)}", span.first
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


def diagnose(span: Span, ctx: Context) -> SlaSyntaxError:
    for check in _CHECKS:
        error = check(span, ctx)
        if error is not None:
            return error
    return SlaSyntaxError(f"cannot read {ctx.label} {span.shown!r}; {ctx.examples}", span.first)


# --- what each parser asks for -------------------------------------------------------------


_TRY_WARN: Final = "a warning such as '80%' or a lead time such as '4h before' / '提前4小时'"
PHRASE_CTX: Final = Context(
    "SLA",
    "write a duration such as '24h', '3 business days', '3个工作日', an anchored deadline "
    "such as '30d from delivered' / '交付后30天内', a cadence such as '2 per week' / '每周2次', "
    "or 'ongoing' / '持续进行'",
    ((WARN_KINDS, "{t} is a warning threshold, not an SLA phrase; put it under `warn:`"),),
)
DURATION_CTX: Final = Context(
    "duration",
    "write e.g. '24h', '90 minutes', '3 business days', '24小时', '3个工作日'",
    (
        (DEADLINE_KINDS, "{t} counts from an anchor; write a plain duration such as '30 days'"),
        (CADENCE_KINDS, "{t} is a cadence (how often), not a duration (how long)"),
        (ONGOING_KINDS, "{t} means there is no deadline, so it has no duration"),
        (WARN_KINDS, "{t} is a warning threshold, not a duration"),
    ),
)
CADENCE_CTX: Final = Context(
    "cadence",
    "write e.g. 'daily', '2 per week', '2 visits per week', '每日', '每周2次', '每周2次上门拜访'",
    (
        (DEADLINE_KINDS, "{t} is a deadline, not a cadence; put it under `within:`, "
                         "or say how often, e.g. '2 per week' / '每周2次'"),
        (ONGOING_KINDS, "{t} is not a cadence; use `ongoing: true`"),
        (WARN_KINDS, "{t} is a warning threshold, not a cadence; put it under `warn:`"),
    ),
)  # fmt: skip
WARN_CTX: Final = Context(
    "warning",
    f"write {_TRY_WARN}",
    (
        (DEADLINE_KINDS, f"{{t}} is a deadline, not a warning; write {_TRY_WARN}"),
        (CADENCE_KINDS, f"{{t}} is a cadence, not a warning; write {_TRY_WARN}"),
        (ONGOING_KINDS, f"{{t}} is not a warning; write {_TRY_WARN}"),
    ),
)
