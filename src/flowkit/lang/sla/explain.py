"""Why a phrase did not match: a registry of checks that explain it as precisely as they can.

Each check looks for one kind of near miss (a warning under the wrong key, a negative
amount, an ambiguous 'm', a misspelt word) and returns an error pointing at the right
column, or None; the contexts say what the caller asked for and what belongs elsewhere.
"""

from __future__ import annotations

import difflib
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
from flowkit.lang.sla.words import (
    KNOWN_WORDS,
    ONGOING_WORDS,
    UNIT_HINTS,
    VOCABULARY,
    ZH_METHOD_WORDS,
    table_key,
)
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
_NEGATIVE: Final = re.compile(rf"(?<![0-9a-z+\s])\s*-\s*{DIGITS}|^\s*-\s*{DIGITS}")
_RANGE: Final = re.compile(rf"({DIGITS}|{CN})\s*(?:-|~|～|至|到)\s*({DIGITS}|{CN})")
_BARE_M: Final = re.compile(rf"({DIGITS})\s*(m)(?![a-z])")
_BARE_MONTH: Final = re.compile(rf"({DIGITS}|{CN})\s*(月)")
_NUMBER_WORD: Final = re.compile(rf"(?<![a-z0-9.])({DIGITS})\s*([a-z][a-z-]*)")
_CADENCE_HINT: Final = re.compile(r"\b(?:per|every|each|a|an|daily|weekly|monthly|quarterly)\b|/")
_WORD: Final = re.compile(r"[a-z][a-z-]*")
_DIGIT_RUN: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NUMBER_RUN: Final = re.compile(rf"[0-9]+(?:\.[0-9]+)?|{CN}")
_ZH_SAMPLES: Final = (
    "持续进行", "每日", "每天", "每周", "每月", "每季度", "季度回访", "每日更新", "每天更新",
    "每周#次", "每月#次", "每周#次拜访", "每周#次上门拜访", "每周#次电话回访", "每月#次邮件",
    "#小时内", "#个工作日", "#个工作日内", "#个工作小时", "提前#小时", "到期前#小时",
    "当天下班前", "次日下班前", "次日#点前", "#个自然日内", "月底前", "季度末", "年底前",
)  # fmt: skip
# A suggestion may only mend what carries no meaning of its own: a slip in a contact
# method or in 持续进行. Anything that says how long, how often or which day (数字, 周, 月,
# 工作, 自然, 次, 前 ...) is never changed by a guess: 每两周 is not 每周, 每年 is not 每月.
_MENDABLE: Final = frozenset("".join([*ZH_METHOD_WORDS, *ONGOING_WORDS]))
_MEANINGFUL: Final = frozenset(
    "#日天周星期礼拜月季度年时小分钟秒工作自然半个每次前后内当本下上隔初末底中旬午晚早明今第两"
)
# Phrases people write that flowkit does not support (or that are ambiguous): said plainly,
# with what to write instead; never a guess at a neighbour with another meaning.
_UNSUPPORTED: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(rx), advice)
    for rx, advice in (
        (
            r"每\s*(?:个\s*)?(?:周|星期|礼拜)\s*[一二三四五六日天](?!\s*次)|every\s+(?:monday|tuesday"
            r"|wednesday|thursday|friday|saturday|sunday)",
            "a cadence counts follow-ups per period and cannot name a weekday: not supported; "
            "write '每周1次' / 'weekly' (once a week, any day), or a deadline such as "
            "'本周五前' / 'by Friday'",
        ),
        (
            r"每\s*(?:个\s*)?(?:小时|钟头)|hourly|(?:every|per|each)\s+hour(?![a-z])",
            "hourly cadences are not supported (a cadence counts per day, week, month or "
            "quarter); for a reply time write a deadline such as '1小时内' / 'within 1 hour'",
        ),
        (
            r"每\s*半\s*个?\s*月|半\s*个?\s*月\s*(?:一|1)\s*次|semi-?monthly",
            "a cadence every half month is not supported: write '每月2次' / '2 per month' "
            "(twice a month) or '每两周1次' / 'every 2 weeks'",
        ),
        (
            r"[0-9一二三四五六七八九十两]\s*(?:years?|yrs?)(?![a-z])"
            r"|[0-9一二三四五六七八九十两]\s*(?:个\s*)?年(?!底|末|终|度)",
            "a length in years is not supported: write months, e.g. '12个月' / '12 months' "
            "for a year",
        ),
        (
            r"(?:every|each|per)\s+(?:week-?day|work-?day|(?:working|business)\s+day)(?![a-z])"
            r"|每\s*(?:个\s*)?工作日",
            "a cadence on working days only is not supported: cadences count per day, week, "
            "month or quarter (write e.g. '每日' / 'daily', which every day counts)",
        ),
        (
            r"bi-?monthly",
            "'bimonthly' is ambiguous (every two months, or twice a month): write "
            "'every 2 months' / '每2个月1次', or '2 per month' / '每月2次'",
        ),
        (
            r"(?:次日|当天|当日|明天)\s*(?P<at>上午|下午|早上|晚上)(?!\s*[0-9一二三四五六七八九十])",
            "'上午' / '下午' names no time of day: write one, e.g. '次日12:00前' or '次日下班前'",
        ),
        (
            r"^\s*(?:明天|明日|今天|今日)",
            "'明天' / '今天' is not counted on working days: write '次日下班前' (the next "
            "working day) or '当天下班前', or a length such as '24小时内'",
        ),
        (
            r"周\s*末\s*(?:前|之前|以前)",
            "'周末前' is ambiguous (Friday's close, or Sunday): write '本周五前' (by "
            "Friday's close) or '本周内' (the week's last working day)",
        ),
        (
            r"月\s*中|[上中下]\s*旬",
            "a mid-month deadline is not supported: deadlines on the calendar fall at the "
            "end of a week, month, quarter or year ('月底前'); or write a length such as "
            "'15天内'",
        ),
    )
)


def _elsewhere(span: Span, ctx: Context) -> SlaSyntaxError | None:
    """Right words, wrong field: a warning under `within`, a deadline under `cadence`."""
    for kinds, advice in ctx.elsewhere:
        if any(k.pattern.fullmatch(span.norm, span.start, span.end) for k in kinds):
            return SlaSyntaxError(advice.format(t=repr(span.shown)), span.first)
    return None


def _unsupported(span: Span, ctx: Context) -> SlaSyntaxError | None:
    """A phrase people write that flowkit does not support: said plainly, with what to write."""
    for pattern, advice in _UNSUPPORTED:
        m = pattern.search(span.norm, span.start, span.end)
        if m is not None:
            at = m.start("at") if "at" in pattern.groupindex else m.start()
            return SlaSyntaxError(f"cannot read {ctx.label} {span.shown!r}: {advice}", at)
    return None


def _range(span: Span, ctx: Context) -> SlaSyntaxError | None:
    """`3-5个工作日`: a range where one amount belongs."""
    m = _RANGE.search(span.norm, span.start, span.end)
    if m is None:
        return None
    low, high = (span.text[m.start(g) : m.end(g)] for g in (1, 2))
    written = span.text[m.start() : m.end()]
    if "次" in span.norm[m.end() : span.end] or ctx.label == "cadence":
        advice = (
            f"a range of follow-ups ({written!r}) is not supported: write the least you "
            f"require, e.g. '每周{low}次'"
        )
    else:
        advice = (
            f"a deadline is one length, not a range ({written!r}): write the latest allowed, "
            f"e.g. '{high}' with its unit"
        )
    return SlaSyntaxError(f"cannot read {ctx.label} {span.shown!r}: {advice}", m.start())


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
        if word in KNOWN_WORDS:
            continue
        cadence = (
            _CADENCE_HINT.search(span.norm, m.end(), span.end) is not None
        )  # `2 hugs per week`
        other = _slip(word, closest(word, VOCABULARY, 0.75))
        unit = _slip(word, closest(word, UNIT_HINTS))
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
        if word in KNOWN_WORDS or len(word) < 3:
            continue
        other = _slip(word, closest(word, VOCABULARY, 0.75))
        if other is not None:
            return _did_you_mean(span, ctx, span.text[m.start() : m.end()], other, m.start())
    return None


def _slip(word: str, other: str | None) -> str | None:
    """`other` when `word` is a slip of the keys away from it (weeky, bussiness, form), not
    another word with its own meaning (biweekly is not weekly, yearly not year, years not
    hours): at most one edit per four letters, and no syllable added or dropped."""
    if other is None:
        return None
    if len(word) < len(other) and word[0] == other[0] and _within(word, other):
        return other  # an abbreviation: hr for hour, wk for week
    longer, shorter = (word, other) if len(word) >= len(other) else (other, word)
    affixed = len(longer) - len(shorter) >= 2 and (
        longer.startswith(shorter) or longer.endswith(shorter)
    )
    if affixed or _edits(word, other) > max(1, (len(other) + 1) // 3):
        return None
    return other


def _within(short: str, long: str) -> bool:
    """Whether the letters of `short` appear in `long` in order (hr in hour)."""
    rest = iter(long)
    return all(ch in rest for ch in short)


def _edits(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (a swap of two letters is one slip)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


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
    numbers = _NUMBER_RUN.findall(written)
    masked = _NUMBER_RUN.sub("#", written)
    sample = closest(masked, _ZH_SAMPLES, 0.75)
    if sample is None or sample.count("#") != len(numbers) or not _mends(masked, sample):
        return None
    for n in numbers:
        sample = sample.replace("#", n, 1)
    return SlaSyntaxError(
        f"cannot read {ctx.label} {span.shown!r}; {DID_YOU_MEAN.format(sample)}", span.first
    )


def _mends(written: str, sample: str) -> bool:
    """Whether `sample` only mends slips: it drops or replaces no character with a meaning
    (a number, a period, a unit), and what it adds beyond a like-for-like replacement is a
    contact method or 持续进行 (工做日 → 工作日, 拜仿 → 拜访; not 每周一 → 每周1次)."""
    ops = difflib.SequenceMatcher(None, written, sample, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        dropped, added = set(written[i1:i2]), set(sample[j1:j2])
        if tag == "equal":
            continue
        if dropped & _MEANINGFUL:
            return False
        grows = tag == "insert" or (tag == "replace" and i2 - i1 != j2 - j1)
        if grows and not added <= _MENDABLE:
            return False
    return True


_CHECKS: Final[tuple[_Check, ...]] = (
    _elsewhere,
    _unsupported,
    _range,
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
