"""SLA timers: what a node's time requirement means for one instance, as stored rows.

Computed once, when the instance enters the node (or when an awaited anchor happens):
the due and warning instants go into real columns, so finding what is late is a query.

- A deadline counts from entering the node, or from its anchor (an event or an earlier
  node's completion); until the anchor has happened the timer waits with no due time.
- A cadence ("每周2次上门拜访") runs in periods that start when the node is entered; each
  period is a timer row that needs `required` follow-ups of the right method, and the
  next period opens when one ends.
- Without a `warn`, a deadline turns "at risk" at 80% of its window and a cadence
  period at 50% (documented in docs/tracking.md).
- The first SLA override whose condition holds for the instance's fields replaces the
  parts it sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from flowkit.calendar import Calendar
from flowkit.lang.expr import Condition, ExprError, evaluate
from flowkit.lang.sla import Cadence, Cutoff, Deadline, Duration, Warn
from flowkit.model import Anchor, Node, Sla
from flowkit.store.rows import Fields, NewTimer

DEADLINE_WARN = 80  # percent of the window, when the SLA names no warning
CADENCE_WARN = 50
_DAYS = {"day": 1, "week": 7}
_MONTHS = {"month": 1, "quarter": 3}
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Terms:
    """The parts of a node's SLA that apply to one instance, overrides resolved."""

    text: str  # the deadline's words: the SLA as written, or the override's label
    deadline: Deadline | None
    anchor: Anchor | None
    warn: Warn | None
    cadence: Cadence | None
    cadence_text: str = ""


def terms_for(sla: Sla, fields: Fields) -> Terms:
    """The SLA with the first matching override applied (a field left empty matches none)."""
    found = Terms(sla.text, sla.deadline, sla.anchor, sla.warn, sla.cadence, sla.text)
    for override in sla.overrides:
        if override.when is None or not _holds(override.when, fields):
            continue
        return replace(
            found,
            text=(override.label or found.text) if override.deadline else found.text,
            cadence_text=(override.label or found.text) if override.cadence else found.text,
            deadline=override.deadline or found.deadline,
            anchor=override.anchor or (None if override.deadline else found.anchor),
            warn=override.warn or found.warn,
            cadence=override.cadence or found.cadence,
        )
    return found


def _holds(cond: Condition, fields: Fields) -> bool:
    try:
        return evaluate(cond, fields)
    except ExprError:
        return False


def timers_on_entry(
    node: Node,
    fields: Fields,
    entered: datetime,
    cal: Calendar,
    anchors: Mapping[str, datetime],
) -> list[NewTimer]:
    """The timer rows to insert when an instance enters `node` at `entered`.

    `anchors` maps event ids and completed node ids to when they happened.
    """
    if node.sla is None or not node.sla.parsed:
        return []
    terms = terms_for(node.sla, fields)
    rows = []
    if terms.deadline is not None:
        rows.append(deadline_row(node.id, terms, entered, cal, anchors))
    if terms.cadence is not None and not node.sla.routine:  # a routine is owed by people
        rows.append(cadence_row(node.id, terms, entered, cal))
    return rows


def deadline_row(
    node_id: str, terms: Terms, entered: datetime, cal: Calendar, anchors: Mapping[str, datetime]
) -> NewTimer:
    assert terms.deadline is not None
    within = terms.deadline.within
    row = _row(node_id, "deadline", terms.text, within.business, cal, entered)
    ref = terms.anchor.ref if terms.anchor and terms.anchor.ref else None
    if ref is not None and ref not in anchors:
        return {**row, "anchor": ref}  # waits: due once the anchor happens
    start = anchors[ref] if ref is not None else entered
    due = cal.due(start, within)
    return {
        **row,
        "anchor": ref,
        "due_at": due,
        "warn_at": warn_at(start, due, terms.warn, within, cal),
    }


def cadence_row(node_id: str, terms: Terms, entered: datetime, cal: Calendar) -> NewTimer:
    assert terms.cadence is not None
    cadence = terms.cadence
    start, end = first_period(entered, cadence, cal)
    warn = terms.warn if terms.warn and terms.warn.percent else Warn(percent=CADENCE_WARN)
    return {
        **_row(node_id, "cadence", terms.cadence_text, False, cal, start),
        "data_until": cal.data_until if on_holidays(cadence, cal) else None,
        "due_at": end,
        "warn_at": warn_at(start, end, warn, Duration(1, "day"), cal),
        "required": cadence.count,
        "method": cadence.method,
        "period": cadence.code,
    }


def on_holidays(cadence: Cadence, cal: Calendar) -> bool:
    """Whether the cadence's periods depend on holiday data: daily and weekly ones paused
    over holidays, and those owed in a month's first working days."""
    paused = cal.pause_cadences and cadence.period in _DAYS
    return cal.data_until is not None and (paused or cadence.window is not None)


def first_period(entered: datetime, cadence: Cadence, cal: Calendar) -> tuple[datetime, datetime]:
    """[start, end) of the first period of a cadence entered at `entered`: from entering,
    except for a window (每月初) entered after this month's: then next month's."""
    if cadence.window is not None:
        start, end = _window(entered, cadence, cal)
        return (max(start, entered), end) if end > entered else next_period(end, cadence, cal)
    if cadence.aligned:
        start, end = entered, cal.period_bounds(entered, cadence.period)[1]
        if _all_holidays(start, end, cadence, cal):
            return next_period(end, cadence, cal)
        return start, end
    return entered, period_end(entered, cadence, cal)


def next_period(end: datetime, cadence: Cadence, cal: Calendar) -> tuple[datetime, datetime]:
    """[start, end) of the period after one that ended at `end`."""
    if cadence.window is not None:
        after = cal.period_bounds(end, cadence.period)[1]  # the next month or quarter
        return _window(after, cadence, cal)
    if cadence.aligned:
        start = end
        for _ in range(1000):  # a week of holidays owes nothing: the next one then
            stop = cal.period_bounds(start, cadence.period)[1]
            if not _all_holidays(start, stop, cadence, cal):
                return start, stop
            start = stop
        return start, cal.period_bounds(start, cadence.period)[1]
    return end, period_end(end, cadence, cal)


def period_end(start: datetime, cadence: Cadence, cal: Calendar) -> datetime:
    """The end of a period from `start`: `every` days or weeks (longer by the holidays in
    it, on a calendar that pauses cadences), months or quarters."""
    if cadence.period in _MONTHS:
        return cal.add(start, Duration(_MONTHS[cadence.period] * cadence.every, "month"))
    length = _ONE_DAY * _DAYS[cadence.period] * cadence.every
    if not cal.pause_cadences:
        return cal.shift(start, length, False)
    return _past_holidays(start, length, cal)


def _past_holidays(start: datetime, length: timedelta, cal: Calendar) -> datetime:
    """`start` plus `length` of time that is not on a holiday (days off other than
    weekends): nobody owes a 每日 follow-up on 春节."""
    at, left = start.astimezone(cal.tz), length
    plain = (at + left).astimezone(cal.tz)
    day, last = at.date(), plain.date()
    while day <= last and not cal.is_holiday(day):  # the common case: no holiday in reach
        day += _ONE_DAY
    if day > last:
        return plain
    for _ in range(3660):
        day = at.date()
        midnight = _midnight(cal, day + _ONE_DAY)
        if cal.is_holiday(day):
            at = midnight
            continue
        if left <= midnight - at:
            return (at + left).astimezone(cal.tz) if left else at
        left -= midnight - at
        at = midnight
    return at


def _midnight(cal: Calendar, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=cal.tz).astimezone(UTC).astimezone(cal.tz)


def _window(at: datetime, cadence: Cadence, cal: Calendar) -> tuple[datetime, datetime]:
    """The month (or quarter) holding `at`, from its start to the close of its
    `window`-th working day (or its last, in a month with fewer)."""
    assert cadence.window is not None
    start, stop = cal.period_bounds(at, cadence.period)
    day, last, found = start.date(), stop.date(), 0
    close = start
    while day < last and found < cadence.window:
        windows = cal.windows(day)
        if windows:
            found += 1
            close = windows[-1][1].astimezone(cal.tz)
        day += _ONE_DAY
    return start, close if found else stop


def _all_holidays(start: datetime, end: datetime, cadence: Cadence, cal: Calendar) -> bool:
    """A calendar day or week that is all holidays, on a calendar that pauses cadences."""
    if not cal.pause_cadences or cadence.period not in _DAYS:
        return False
    day, last = start.astimezone(cal.tz).date(), (end - timedelta(microseconds=1)).date()
    while day <= last:
        if not cal.is_holiday(day):
            return False
        day += _ONE_DAY
    return True


def warn_at(
    start: datetime, due: datetime, warn: Warn | None, within: Duration | Cutoff, cal: Calendar
) -> datetime:
    """When the timer turns 'at risk': a share of the window, or a lead time before due."""
    if warn is not None and warn.before is not None:
        before = warn.before
        return max(start, cal.shift(due, -length(before, cal), before.business))
    percent = warn.percent if warn is not None and warn.percent else DEADLINE_WARN
    if within.business:
        window = cal.working_time(start, due)
        return cal.shift(start, window * percent / 100, True)
    return start + (due - start) * percent / 100


def length(duration: Duration, cal: Calendar) -> timedelta:
    """A lead time as a length: business days count the calendar's working day."""
    if duration.business and duration.unit in ("day", "halfday"):
        return cal.business_length(duration)
    unit = {"minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400}
    return timedelta(seconds=unit[duration.unit] * duration.amount)


def _row(
    node_id: str, kind: str, text: str, business: bool, cal: Calendar, start: datetime
) -> NewTimer:
    return {
        "node": node_id,
        "kind": kind,
        "sla": text,
        "business": business,
        "calendar": cal.name,
        "data_until": cal.data_until if business else None,  # the holiday data it relies on
        "started_at": start,
        "due_at": None,
        "warn_at": None,
        "anchor": None,
        "required": 0,
        "done": 0,
        "method": None,
        "period": None,
        "state": "running",
        "ended_at": None,
    }


def guessed(due: datetime | None, data_until: int | None, cal: Calendar) -> bool:
    """Whether a due instant was computed on the fallback: it lies after the last year of
    holiday data its timer was computed on (a timer that needs no holiday data, such as a
    clock deadline, has none and is never a guess)."""
    return due is not None and data_until is not None and due.astimezone(cal.tz).year > data_until


def data_edge(data_until: int, cal: Calendar) -> datetime:
    """The first instant past `data_until`'s holiday data on `cal`: a due instant from
    there on, computed on that data, is a guess (`guessed`, for many timers at once)."""
    return datetime(data_until + 1, 1, 1, tzinfo=cal.tz)


def later_by_pause(
    instant: datetime, paused: datetime, resumed: datetime, business: bool, cal: Calendar
) -> datetime:
    """`instant` pushed back by the pause, measured the way the timer counts time."""
    if business:
        return cal.shift(instant, cal.working_time(paused, resumed), True)
    return instant + (resumed - paused)
