"""Writing SLA objects: `describe` renders canonical English or Chinese text.

The text is canonical: parsing it gives back an equal object, in either language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from flowkit.lang.sla.terms import (
    Cadence,
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
