"""What a matched phrase means: the builders that turn a regex match into SLA objects.

Each builder reads the named groups of one match and makes a Duration, Deadline, Cadence
or Warn; the checks that need the numbers (zero, too large, not whole) raise here, with
the offset of the number as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from flowkit.lang.numerals import parse_cn_int
from flowkit.lang.sla.terms import (
    BUSINESS_UNITS,
    MAX_CUTOFF_DAYS,
    MAX_EVERY,
    MAX_WINDOW,
    Cadence,
    Cutoff,
    CutoffPeriod,
    Deadline,
    Duration,
    Method,
    Period,
    SlaSyntaxError,
    Unit,
    Warn,
)
from flowkit.lang.sla.words import (
    CUTOFF_PERIOD_WORDS,
    DEFAULT_WINDOW,
    EN_EVERY_PERIODS,
    EN_NUMBERS,
    EN_WEEKDAYS,
    METHOD_SLOTS,
    METHOD_WORDS,
    MULTIPLE_PERIODS,
    PERIOD_WORDS,
    TIMES_WORDS,
    UNIT_WORDS,
    ZH_WEEKDAYS,
    table_key,
)


@dataclass(frozen=True)
class Hit:
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


_MAX_DIGITS: Final = 9
_SMALLER: Final[dict[Unit, tuple[int, Unit]]] = {
    "week": (7, "day"),
    "day": (24, "hour"),
    "hour": (60, "minute"),
}


def _number(hit: Hit, group: str) -> Fraction:
    """A number written with digits, Chinese numerals or an English word."""
    s, at = hit.m.group(group), hit.m.start(group)
    if s in EN_NUMBERS:
        return Fraction(EN_NUMBERS[s])
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


def _amount(hit: Hit) -> Fraction:
    if hit.group("halfonly") is not None:
        return Fraction(1, 2)
    whole = _number(hit, "num")
    return whole + Fraction(1, 2) if hit.group("half") is not None else whole


def duration(hit: Hit) -> Duration:
    unit, business = UNIT_WORDS[table_key(hit.m.group("unit"))]
    at = hit.start("num", "halfonly")
    written = hit.text[at : hit.m.end("unit")]
    amount = _amount(hit)
    if amount <= 0:
        raise SlaSyntaxError(f"a duration must be longer than zero, not {written!r}", at)
    if unit == "day" and amount == Fraction(1, 2) and (business or hit.group("halfonly")):
        return Duration(1, "halfday", business=True)  # 半天: half the calendar's working day
    if business:
        return _business(amount, unit, written, at, hit.m.start("unit"))
    return _whole(amount, unit, written, at)


def _business(amount: Fraction, unit: Unit, written: str, at: int, unit_at: int) -> Duration:
    """Business time cannot be converted: a business day's hours depend on the calendar."""
    if unit not in BUSINESS_UNITS:
        raise SlaSyntaxError(
            "business time is counted in days or hours only; "
            "write e.g. '3 business days' or '4 business hours'",
            unit_at,
        )
    if amount.denominator != 1:
        raise SlaSyntaxError(
            f"business time is counted in whole days or hours (or half a day, '半天'), "
            f"not {written!r}; a business day has no fixed number of hours, so write e.g. "
            "'2 business days'",
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


def deadline(hit: Hit) -> Deadline:
    anchor = hit.raw("anchor") if hit.group("anchor") is not None else None
    return Deadline(duration(hit), anchor)


def cutoff(hit: Hit) -> Deadline:
    """A date-based deadline: 当天下班前, 次日12点前, T+3, 3个自然日, 本周五前, 月底前 …"""
    anchor = hit.raw("anchor") if hit.group("anchor") is not None else None
    return Deadline(_cutoff(hit), anchor)


def _cutoff(hit: Hit) -> Cutoff:
    if hit.group("cnum") is not None:
        return Cutoff("calendar_day", _days(hit, "cnum", 1, "calendar days"))
    period = _period(hit)
    if period is not None:
        return Cutoff("period_end", period=period, weekday=_weekday(hit))
    if hit.group("tnum") is not None:
        days = _days(hit, "tnum", 0, "T+N working days")
    else:
        days = 0 if hit.group("same") is not None else 1
    return Cutoff("workday", days, _clock(hit))


def _days(hit: Hit, group: str, least: int, what: str) -> int:
    value, at = _number(hit, group), hit.m.start(group)
    if value.denominator != 1:
        raise SlaSyntaxError(f"{what} are whole days, not {hit.raw(group)!r}", at)
    if value < least:
        raise SlaSyntaxError(
            f"{what} count at least 1 day, not {hit.raw(group)!r}; "
            "for the same day write '当天' / 'same working day'",
            at,
        )
    if value > MAX_CUTOFF_DAYS:
        raise SlaSyntaxError(
            f"{hit.raw(group)!r} is more than a year ahead; {what} count at most "
            f"{MAX_CUTOFF_DAYS} days",
            at,
        )
    return int(value)


def _period(hit: Hit) -> CutoffPeriod | None:
    english = hit.group("eperiod") or hit.group("eperiod2")
    if english is not None:
        return CUTOFF_PERIOD_WORDS[english]
    if hit.group("ewd") is not None or hit.group("zweek") is not None:
        return "week"
    chinese = hit.group("zend") or hit.group("zin")
    return CUTOFF_PERIOD_WORDS[chinese] if chinese is not None else None


def _weekday(hit: Hit) -> int | None:
    if hit.group("ewd") is not None:
        return EN_WEEKDAYS[hit.m.group("ewd")]
    if hit.group("wd") is not None:
        return ZH_WEEKDAYS[hit.m.group("wd")]
    return None


def _clock(hit: Hit) -> int | None:
    """The time of day a cutoff names (minutes after midnight), or None: the close."""
    if hit.group("noon") or hit.group("a_noon") or hit.group("b_noon"):
        return 12 * 60
    if hit.group("hh") is not None:
        hour = _hour(hit, "hh")
        if hit.group("ampm") in ("下午", "晚上") and hour < 12:
            hour += 12
        minute = 30 if hit.group("hhalf") else _minute(hit, "mm", "mi")
        return _minutes(hit, "hh", hour, minute)
    for p in ("a_", "b_"):
        if hit.group(f"{p}hh") is not None:
            hour, ampm = _hour(hit, f"{p}hh"), hit.group(f"{p}ampm")
            if ampm is not None and not 1 <= hour <= 12:
                raise SlaSyntaxError(
                    f"{hit.raw(f'{p}hh')}{ampm} is no time of day; write e.g. '3pm' or '15:00'",
                    hit.m.start(f"{p}hh"),
                )
            if ampm is not None:
                hour = hour % 12 + (12 if ampm == "pm" else 0)
            return _minutes(hit, f"{p}hh", hour, _minute(hit, f"{p}mm"))
    return None


def _hour(hit: Hit, group: str) -> int:
    return int(_number(hit, group))


def _minute(hit: Hit, *groups: str) -> int:
    for group in groups:
        if hit.group(group) is not None:
            return int(hit.m.group(group))
    return 0


def _minutes(hit: Hit, group: str, hour: int, minute: int) -> int:
    if hour > 23 or minute > 59:
        raise SlaSyntaxError(
            f"{hit.raw(group)!r} is no time of day on the clock; write a time from 00:00 "
            "to 23:59, or '下班前' / 'end of day' for the close of the working day",
            hit.m.start(group),
        )
    return hour * 60 + minute


def _count(hit: Hit) -> int:
    if hit.group("word") is not None:
        return TIMES_WORDS[hit.m.group("word")]
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


def _method(hit: Hit) -> Method | None:
    """The one contact method named, if any; 回访 after another method is just 'follow-up'."""
    words = [
        (table_key(hit.m.group(g)), hit.raw(g), hit.m.start(g))
        for g in METHOD_SLOTS
        if hit.group(g)
    ]
    if len(words) > 1:
        words = [w for w in words if w[0] != "回访"] or words[:1]
    named = [(m, raw, at) for key, raw, at in words if (m := METHOD_WORDS[key]) is not None]
    for method, raw, at in named[1:]:
        if method != named[0][0]:
            raise SlaSyntaxError(
                f"a cadence has one contact method, but this names {named[0][1]!r} and {raw!r}; "
                "keep one",
                at,
            )
    return named[0][0] if named else None


def cadence(hit: Hit) -> Cadence:
    count = _count(hit)
    target = _target(hit, count)
    if hit.group("wperiod") is not None:
        days = DEFAULT_WINDOW if hit.group("wdays") is None else _window(hit)
        period: Period = PERIOD_WORDS[table_key(hit.m.group("wperiod"))]
        return Cadence(count, period, _method(hit), target=target, window=days)
    period, every = _cadence_period(hit)
    aligned = hit.group("natural") is not None
    if aligned and every > 1:
        raise SlaSyntaxError(
            f"calendar periods come one at a time, not {hit.shown!r}; write e.g. '每自然周2次' "
            "or '每2周1次' (periods of two weeks from entering the step)",
            hit.m.start("natural"),
        )
    return Cadence(count, period, _method(hit), every=every, target=target, aligned=aligned)


def _cadence_period(hit: Hit) -> tuple[Period, int]:
    """The period and how many of it (每两周: week, 2; 每年: month, 12)."""
    word = table_key(hit.m.group("period"))
    word = EN_EVERY_PERIODS.get(word, word)
    period, every = MULTIPLE_PERIODS.get(word) or (PERIOD_WORDS[word], 1)
    if hit.group("other") is not None:
        return period, every * 2
    if hit.group("every") is None:
        return period, every
    if hit.m.group("every") == "other":
        n = 2
    else:
        value, at = _number(hit, "every"), hit.m.start("every")
        if value.denominator != 1 or value < 1:
            raise SlaSyntaxError(f"a cadence's period is whole, not {hit.raw('every')!r}", at)
        n = int(value)
    if n * every > MAX_EVERY:
        raise SlaSyntaxError(
            f"{hit.shown!r} is too long a period for a cadence (at most {MAX_EVERY} "
            f"{period}s); write a deadline instead",
            hit.m.start("every"),
        )
    return period, n * every


def _target(hit: Hit, count: int) -> int | None:
    """每周1-2次: the upper end of a range, the count aimed for."""
    if hit.group("num2") is None:
        return None
    value, at = _number(hit, "num2"), hit.m.start("num2")
    if value.denominator != 1 or value <= count:
        raise SlaSyntaxError(
            f"a range of follow-ups runs from the least required to more, not "
            f"{hit.raw('num')}-{hit.raw('num2')}",
            at,
        )
    return int(value)


def _window(hit: Hit) -> int:
    value, at = _number(hit, "wdays"), hit.m.start("wdays")
    if value.denominator != 1 or not 1 <= value <= MAX_WINDOW:
        raise SlaSyntaxError(
            f"the first {hit.raw('wdays')} working days: write 1 to {MAX_WINDOW}", at
        )
    return int(value)


def zh_cadence(hit: Hit) -> Cadence:
    """一周两次 is a cadence, but 一周 alone is a duration, so 一 needs a count."""
    if hit.group("each") == "一" and hit.group("num") is None:
        period = hit.m.group("period")
        raise SlaSyntaxError(
            f"{hit.shown!r} reads as a duration; write '每{period}' for once per {period}, "
            f"or say how often, e.g. '一{period}2次'",
            hit.m.start("each"),
        )
    return cadence(hit)


def percent(hit: Hit) -> Warn:
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


def before(hit: Hit) -> Warn:
    return Warn(before=duration(hit))


def ongoing(hit: Hit) -> bool:
    return True
