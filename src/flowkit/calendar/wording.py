"""A due-date explanation told in words from the language catalogue: one line per fact.

Runs of days that say the same thing ("2025-10-01 至 2025-10-05：国庆节") are folded into
one line, so a long holiday reads as one fact and not as a list of dates.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from flowkit.i18n import Lang, translator
from flowkit.lang.sla import describe

if TYPE_CHECKING:
    from flowkit.calendar.explain import DueExplanation


@cache
def _words(lang: Lang) -> dict[str, str]:
    """The lines of an explanation in `lang` ({…} are filled in below)."""
    t = translator(lang)
    return {
        "business": t.gettext(
            "Deadline: {d} = {total} of working time (calendar {cal}, working hours {hours}, "
            "{day} per business day)"
        ),
        "clock": t.gettext(
            "Deadline: {d} of clock time; holidays are not skipped (calendar {cal})"
        ),
        "month": t.gettext(
            "Deadline: {d} in calendar months; a day the target month lacks becomes its "
            "last day (calendar {cal})"
        ),
        "half": t.gettext(
            "Deadline: {d} = {total} of working time, half a working day (calendar {cal}, "
            "working hours {hours})"
        ),
        "workday": t.gettext(
            "Deadline: {d}, in working days after T, the working day the clock starts on "
            "(calendar {cal}, working hours {hours}; a day's close is {close})"
        ),
        "calendar_day": t.gettext(
            "Deadline: {d}: by 24:00 of the last calendar day; holidays count and the day "
            "is not moved (calendar {cal})"
        ),
        "period_end": t.gettext(
            "Deadline: {d}: by the close of the day named; a day that is no working day "
            "moves to the previous working day of its period (calendar {cal}, working "
            "hours {hours})"
        ),
        "trade_day": t.gettext("T: {day}"),
        "note": t.gettext(" (worked although normally off: {why})"),
        "workday_n": t.gettext("working day {n}"),
        "workday_adjusted": t.gettext("working day {n} (worked although normally off: {why})"),
        "moved": t.gettext(
            "the day named, not a working day: moved to the previous working day, {day}"
        ),
        "last_day": t.gettext("the last calendar day"),
        "period_day": t.gettext("the day named"),
        "rolled_day": t.gettext("that time on T had passed at the start: the next working day"),
        "rolled_period": t.gettext(
            "that day's close had passed at the start: the next period's is used"
        ),
        "start": t.gettext("Start: {at}"),
        "from": t.gettext("Counting starts: {at}, as the start is outside working hours"),
        "counted": t.gettext("counted {t}"),
        "each": t.gettext("counted {t} each day"),
        "adjusted": t.gettext("counted {t} (worked although normally off: {why})"),
        "skipped": t.gettext("skipped ({why})"),
        "span": t.gettext("{a} to {b}"),
        "due": t.gettext("Due: {at}"),
        "paused": t.gettext("Paused {a} to {b}: the due moves from {old} to {new}"),
        "pausing": t.gettext("Paused since {a}: the clock stands still until it resumes"),
        "warning": t.gettext("Warning: {w}"),
        "day": t.pgettext("calendar", "{when}: {what}"),
        "instant": t.gettext("{day} {clock} (UTC{offset})"),
        "hours": t.pgettext("length", "{n} h"),
        "minutes": t.pgettext("length", "{n} min"),
        "seconds": t.pgettext("length", "{n} s"),
        "join": t.pgettext("length", "{a} {b}"),
    }


@cache
def _weekdays(lang: Lang) -> tuple[str, ...]:
    t = translator(lang)
    return (
        t.pgettext("weekday", "Mon"),
        t.pgettext("weekday", "Tue"),
        t.pgettext("weekday", "Wed"),
        t.pgettext("weekday", "Thu"),
        t.pgettext("weekday", "Fri"),
        t.pgettext("weekday", "Sat"),
        t.pgettext("weekday", "Sun"),
    )


def explanation_lines(exp: DueExplanation, lang: Lang) -> list[str]:
    words = _words(lang)
    if exp.cutoff is not None:
        return _cutoff_lines(exp, lang)
    lines = [_heading(exp, lang), words["start"].format(at=_instant(exp.start, lang))]
    if exp.counted_from != exp.start:
        lines.append(words["from"].format(at=_instant(exp.counted_from, lang)))
    for first, last, text in _runs(exp, lang):
        when = _day(first, lang)
        if last != first:
            when = words["span"].format(a=when, b=_day(last, lang))
        lines.append("  " + words["day"].format(when=when, what=text))
    lines += _pause_lines(exp, lang)
    lines.append(words["due"].format(at=_instant(exp.due, lang)))
    lines.extend(words["warning"].format(w=w) for w in exp.warnings_in(lang))
    return lines


def _pause_lines(exp: DueExplanation, lang: Lang) -> list[str]:
    """Each pause and where it moved the due instant (`DueExplanation.paused`)."""
    words, found = _words(lang), []
    for stopped, resumed, before, after in exp.pauses:
        if resumed is None:
            found.append(words["pausing"].format(a=_instant(stopped, lang)))
        else:
            found.append(
                words["paused"].format(
                    a=_instant(stopped, lang),
                    b=_instant(resumed, lang),
                    old=_instant(before, lang),
                    new=_instant(after, lang),
                )
            )
    return found


def _cutoff_lines(exp: DueExplanation, lang: Lang) -> list[str]:
    """A date-based deadline: T and the working days after it, or the day a period end or
    calendar days name and where it moved; then the due instant."""
    words, cutoff = _words(lang), exp.cutoff
    assert cutoff is not None
    heading = words[cutoff.kind].format(
        d=describe(cutoff, lang),
        cal=exp.calendar,
        hours=exp.hours,
        close=exp.hours.rsplit("–", 1)[-1],
    )
    lines = [heading, words["start"].format(at=_instant(exp.start, lang))]
    if exp.trade_day is not None:
        lines.append("  " + words["trade_day"].format(day=_day(exp.trade_day, lang)))
    entries = [(day, words["skipped"].format(why=why)) for day, why in exp.skipped]
    notes = dict(exp.notes)
    for n, day in enumerate(exp.workdays, 1):
        if day in notes:
            entries.append((day, words["workday_adjusted"].format(n=n, why=notes[day])))
        else:
            entries.append((day, words["workday_n"].format(n=n)))
    for first, last, text in _folded(sorted(entries)):
        when = _day(first, lang)
        if last != first:
            when = words["span"].format(a=when, b=_day(last, lang))
        lines.append("  " + words["day"].format(when=when, what=text))
    if exp.target is not None and cutoff.kind != "calendar_day":
        what = words["period_day"]
        if exp.moved is not None:
            what = words["moved"].format(day=_day(exp.moved, lang))
            if exp.moved in notes:
                what += words["note"].format(why=notes[exp.moved])
        lines.append("  " + words["day"].format(when=_day(exp.target, lang), what=what))
    elif exp.target is not None:
        lines.append(
            "  " + words["day"].format(when=_day(exp.target, lang), what=words["last_day"])
        )
    if exp.rolled:
        key = "rolled_period" if cutoff.kind == "period_end" else "rolled_day"
        lines.append("  " + words[key])
    lines += _pause_lines(exp, lang)
    lines.append(words["due"].format(at=_instant(exp.due, lang)))
    lines.extend(words["warning"].format(w=w) for w in exp.warnings_in(lang))
    return lines


def _folded(entries: list[tuple[date, str]]) -> Iterator[tuple[date, date, str]]:
    """Consecutive days that say the same (a holiday's days skipped) as one run."""
    run: list[tuple[date, str]] = []
    for entry in entries:
        if run and run[-1][1] == entry[1] and _next(run[-1][0]) == entry[0]:
            run.append(entry)
            continue
        if run:
            yield run[0][0], run[-1][0], run[0][1]
        run = [entry]
    if run:
        yield run[0][0], run[-1][0], run[0][1]


def _heading(exp: DueExplanation, lang: Lang) -> str:
    words, d = _words(lang), exp.duration
    text = describe(d, lang) if d else ""
    if d is None or not d.business:
        key = "month" if d is not None and d.unit == "month" else "clock"
        return words[key].format(d=text, cal=exp.calendar)
    if d.unit == "halfday":
        return words["half"].format(
            d=text, total=_length(exp.day_length / 2, lang), cal=exp.calendar, hours=exp.hours
        )
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
    words, first = _words(lang), run[0]
    if first.kind == "skipped":
        return words["skipped"].format(why=first.why)
    if first.kind == "adjusted":
        return words["adjusted"].format(t=first.time, why=first.why)
    return words["each" if len(run) > 1 else "counted"].format(t=first.time)


def _next(day: date) -> date:
    return day + timedelta(days=1)


def _day(day: date, lang: Lang) -> str:
    return f"{day.isoformat()} {_weekdays(lang)[day.weekday()]}"


def _instant(at: datetime, lang: Lang) -> str:
    clock = f"{at:%H:%M:%S}" if at.second or at.microsecond else f"{at:%H:%M}"
    offset = at.isoformat()[-6:] if at.utcoffset() is not None else ""
    return _words(lang)["instant"].format(day=_day(at.date(), lang), clock=clock, offset=offset)


def _length(time: timedelta, lang: Lang) -> str:
    """`9小时` / `9 h`, `7小时30分钟` / `7 h 30 min`."""
    words = _words(lang)
    seconds = int(time.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    units = (words["hours"], words["minutes"], words["seconds"])
    parts = [u.format(n=n) for n, u in zip((hours, minutes, secs), units, strict=True) if n]
    if not parts:
        return units[1].format(n=0)
    return functools.reduce(lambda a, b: words["join"].format(a=a, b=b), parts)
