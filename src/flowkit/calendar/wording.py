"""A due-date explanation told in words, Chinese or English: one line per fact.

Runs of days that say the same thing ("2025-10-01 至 2025-10-05：国庆节") are folded into
one line, so a long holiday reads as one fact and not as a list of dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final, NamedTuple

from flowkit.lang.sla import Lang, describe

if TYPE_CHECKING:
    from flowkit.calendar.explain import DueExplanation

_WEEKDAYS: Final[dict[Lang, tuple[str, ...]]] = {
    "zh-CN": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_WORDS: Final[dict[Lang, dict[str, str]]] = {
    "zh-CN": {
        "business": "时限：{d} = {total}工作时间（日历 {cal}，工作时间 {hours}，每个工作日 {day}）",
        "clock": "时限：{d}，按自然时间计算，节假日照常计时（日历 {cal}）",
        "month": "时限：{d}，按日历月计算，目标月没有这一天时取该月最后一天（日历 {cal}）",
        "start": "开始：{at}",
        "from": "计时起点：{at}，开始时间不在工作时间内",
        "counted": "计入 {t}",
        "each": "每天计入 {t}",
        "adjusted": "计入 {t}（补班：{why}）",
        "skipped": "跳过（{why}）",
        "span": "{a} 至 {b}",
        "due": "截止：{at}",
        "warning": "注意：{w}",
        "sep": "：",
    },
    "en": {
        "business": (
            "Deadline: {d} = {total} of working time (calendar {cal}, working hours {hours}, "
            "{day} per business day)"
        ),
        "clock": "Deadline: {d} of clock time; holidays are not skipped (calendar {cal})",
        "month": (
            "Deadline: {d} in calendar months; a day the target month lacks becomes its "
            "last day (calendar {cal})"
        ),
        "start": "Start: {at}",
        "from": "Counting starts: {at}, as the start is outside working hours",
        "counted": "counted {t}",
        "each": "counted {t} each day",
        "adjusted": "counted {t} (worked although normally off: {why})",
        "skipped": "skipped ({why})",
        "span": "{a} to {b}",
        "due": "Due: {at}",
        "warning": "Warning: {w}",
        "sep": ": ",
    },
}


def explanation_lines(exp: DueExplanation, lang: Lang) -> list[str]:
    words = _WORDS[lang]
    lines = [_heading(exp, lang), words["start"].format(at=_instant(exp.start, lang))]
    if exp.counted_from != exp.start:
        lines.append(words["from"].format(at=_instant(exp.counted_from, lang)))
    for first, last, text in _runs(exp, lang):
        when = _day(first, lang)
        if last != first:
            when = words["span"].format(a=when, b=_day(last, lang))
        lines.append(f"  {when}{words['sep']}{text}")
    lines.append(words["due"].format(at=_instant(exp.due, lang)))
    lines.extend(words["warning"].format(w=w) for w in exp.warnings_in(lang))
    return lines


def _heading(exp: DueExplanation, lang: Lang) -> str:
    words, d = _WORDS[lang], exp.duration
    text = describe(d, lang) if d else ""
    if d is None or not d.business:
        key = "month" if d is not None and d.unit == "month" else "clock"
        return words[key].format(d=text, cal=exp.calendar)
    total = exp.day_length * d.amount if d.unit == "day" else timedelta(hours=d.amount)
    return words["business"].format(
        d=text,
        total=_length(total, lang),
        cal=exp.calendar,
        hours=exp.hours,
        day=_length(exp.day_length, lang),
    )


def _runs(exp: DueExplanation, lang: Lang) -> Iterator[tuple[date, date, str]]:
    """(first day, last day, what happened) for runs of consecutive days alike."""
    run: list[_Entry] = []
    for entry in _entries(exp, lang):
        last = run[-1] if run else None
        if last and entry.folds and last[1:] == entry[1:] and _next(last.day) == entry.day:
            run.append(entry)
            continue
        if run:
            yield run[0].day, run[-1].day, _worded(run, lang)
        run = [entry]
    if run:
        yield run[0].day, run[-1].day, _worded(run, lang)


class _Entry(NamedTuple):
    day: date
    kind: str  # "counted", "adjusted" or "skipped"
    time: str  # the working time counted, worded
    why: str  # the reason a day is skipped or worked
    folds: bool  # may join a run of days alike (full working days, days off)


def _entries(exp: DueExplanation, lang: Lang) -> list[_Entry]:
    notes = dict(exp.notes)
    found = [_Entry(day, "skipped", "", why, True) for day, why in exp.skipped]
    for day, time in exp.counted:
        if day in notes:
            found.append(_Entry(day, "adjusted", _length(time, lang), notes[day], False))
        else:
            full = time == exp.day_length
            found.append(_Entry(day, "counted", _length(time, lang), "", full))
    return sorted(found)


def _worded(run: list[_Entry], lang: Lang) -> str:
    words, first = _WORDS[lang], run[0]
    if first.kind == "skipped":
        return words["skipped"].format(why=first.why)
    if first.kind == "adjusted":
        return words["adjusted"].format(t=first.time, why=first.why)
    return words["each" if len(run) > 1 else "counted"].format(t=first.time)


def _next(day: date) -> date:
    return day + timedelta(days=1)


def _day(day: date, lang: Lang) -> str:
    return f"{day.isoformat()} {_WEEKDAYS[lang][day.weekday()]}"


def _instant(at: datetime, lang: Lang) -> str:
    clock = f"{at:%H:%M:%S}" if at.second or at.microsecond else f"{at:%H:%M}"
    offset = at.isoformat()[-6:] if at.utcoffset() is not None else ""
    zone = f"（UTC{offset}）" if lang == "zh-CN" else f" (UTC{offset})"
    return f"{_day(at.date(), lang)} {clock}{zone}"


def _length(time: timedelta, lang: Lang) -> str:
    """`9小时` / `9 h`, `7小时30分钟` / `7 h 30 min`."""
    seconds = int(time.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    units = ("小时", "分钟", "秒") if lang == "zh-CN" else (" h", " min", " s")
    parts = [f"{n}{u}" for n, u in zip((hours, minutes, secs), units, strict=True) if n]
    return ("" if lang == "zh-CN" else " ").join(parts) or f"0{units[1]}"
