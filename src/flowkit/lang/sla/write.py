"""Writing SLA objects: `describe` renders canonical English or Chinese text.

The text is canonical: parsing it gives back an equal object, in either language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from flowkit.lang.sla.terms import (
    Cadence,
    Cutoff,
    CutoffPeriod,
    Deadline,
    Duration,
    Lang,
    Method,
    Period,
    Phrase,
    Unit,
    Warn,
)

_EN_UNIT_NAMES: Final[dict[Unit, str]] = {
    "minute": "minute", "hour": "hour", "day": "day", "week": "week", "month": "month",
    "halfday": "half day",
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
    if d.unit == "halfday":
        return "半个工作日" if zh else "half a business day"
    if zh:
        return f"{d.amount}{_ZH_UNIT_NAMES[d.unit, d.business]}"
    business = "business " if d.business else ""
    return f"{d.amount} {business}{_plural(d.amount, _EN_UNIT_NAMES[d.unit])}"


_ZH_WEEKDAY_NAMES: Final = "一二三四五六日"
_EN_WEEKDAY_NAMES: Final = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)  # fmt: skip
_ZH_PERIOD_ENDS: Final[dict[CutoffPeriod, str]] = {
    "week": "本周内", "month": "月底前", "quarter": "季度末前", "year": "年底前",
}  # fmt: skip


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _cutoff_text(c: Cutoff, zh: bool) -> str:
    """当天下班前, 次日12:00前, T+3, 3个自然日内, 本周五前, 月底前 (and in English)."""
    if c.kind == "calendar_day":
        return f"{c.days}个自然日内" if zh else f"{c.days} calendar {_plural(c.days, 'day')}"
    if c.kind == "period_end":
        if c.weekday is not None:
            return (
                f"本周{_ZH_WEEKDAY_NAMES[c.weekday]}前"
                if zh
                else f"by {_EN_WEEKDAY_NAMES[c.weekday]}"
            )
        assert c.period is not None
        return _ZH_PERIOD_ENDS[c.period] if zh else f"end of {c.period}"
    if zh:
        day = {0: "当天", 1: "次日"}.get(c.days, f"T+{c.days}")
        if c.at is None:
            return day if c.days > 1 else f"{day}下班前"
        return f"{day}{' ' if c.days > 1 else ''}{_clock(c.at)}前"
    day = {0: "same working day", 1: "next working day"}.get(c.days, f"T+{c.days}")
    return day if c.at is None else f"{day} by {_clock(c.at)}"


def _deadline_text(d: Deadline, zh: bool) -> str:
    """在 and 之 are written when the anchor itself starts or ends with them, to read back."""
    if isinstance(d.within, Cutoff):
        text = _cutoff_text(d.within, zh)
        if d.anchor is None:
            return text
        if not zh:
            return f"{text} after {d.anchor}"
        at = "在" if d.anchor.startswith("在") else ""
        after = "之后" if d.anchor.endswith("之") else "后"
        return f"{at}{d.anchor}{after}{text}"
    within = _duration_text(d.within, zh)
    if d.anchor is None:
        return f"{within}内" if zh else f"within {within}"
    if not zh:
        return f"{within} from {d.anchor}"
    at = "在" if d.anchor.startswith("在") else ""
    after = "之后" if d.anchor.endswith("之") else "后"
    return f"{at}{d.anchor}{after}{within}内"


_ZH_EVERY_NAMES: Final[dict[Period, str]] = {
    "day": "天", "week": "周", "month": "个月", "quarter": "个季度",
}  # fmt: skip
_ZH_WINDOW_NAMES: Final[dict[Period, str]] = {"month": "月", "quarter": "季度"}


def _cadence_text(c: Cadence, zh: bool) -> str:
    return _zh_cadence(c) if zh else _en_cadence(c)


def _zh_cadence(c: Cadence) -> str:
    """每周2次拜访, 每2周1次, 每年, 每周1-2次, 每月前3个工作日, 每自然周2次."""
    if c.window is not None:
        head = f"每{_ZH_WINDOW_NAMES[c.period]}前{c.window}个工作日"
    elif c.every > 1 and c.period == "month" and c.every % 12 == 0:
        head = "每年" if c.every == 12 else f"每{c.every // 12}年"
    elif c.every > 1:
        head = f"每{c.every}{_ZH_EVERY_NAMES[c.period]}"
    else:
        head = f"每{'自然' if c.aligned else ''}{_ZH_PERIOD_NAMES[c.period]}"
    if c.method is None and c.count == 1 and c.target is None:
        return head
    times = f"{c.count}-{c.target}次" if c.target else f"{c.count}次"
    return f"{head}{times}{_ZH_METHOD_NAMES[c.method] if c.method else ''}"


def _en_cadence(c: Cadence) -> str:
    """2 visits per week, every 2 weeks, yearly, 1-2 times per week, in the first 3 working
    days of each month, 2 times per calendar week."""
    if c.window is not None:
        per = f"in the first {c.window} working days of each {c.period}"
    elif c.every > 1 and c.period == "month" and c.every % 12 == 0:
        per = "per year" if c.every == 12 else f"every {c.every // 12} years"
    elif c.every > 1:
        per = f"every {c.every} {c.period}s"
    else:
        per = f"per {'calendar ' if c.aligned else ''}{c.period}"
    if c.method is None and c.count == 1 and c.target is None:
        if c.every == 1 and c.window is None:
            return f"every calendar {c.period}" if c.aligned else _EN_ADVERB_NAMES[c.period]
        return "yearly" if per == "per year" else per
    most = c.target or c.count
    amount = f"{c.count}-{c.target}" if c.target else str(c.count)
    if c.method is None:
        return f"{amount} {_plural(most, 'time')} {per}"
    return f"{amount} {_plural(most, *_EN_METHOD_NAMES[c.method])} {per}"


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
    Cutoff: _cutoff_text,
    Cadence: _cadence_text,
    Warn: _warn_text,
}


def describe(obj: Phrase | Duration | Cutoff | Deadline | Cadence | Warn, lang: Lang) -> str:
    """Canonical text in one language; parsing it gives back an equal object."""
    if lang not in ("en", "zh-CN"):
        raise ValueError(f"unknown language {lang!r}; use 'en' or 'zh-CN'")
    writer = _WRITERS.get(type(obj))
    if writer is None:
        raise TypeError(f"cannot describe {type(obj).__name__}")
    return writer(obj, lang == "zh-CN")
