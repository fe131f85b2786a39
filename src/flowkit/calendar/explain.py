"""Why a deadline falls where it does: the due instant with the days skipped and counted.

People distrust a due date they cannot check by hand ("why is it due on a Saturday?"),
so the explanation lists, day by day, the working time counted, every non-working day
skipped with its reason, the weekend days counted because they are 调休 make-up days,
and a warning when the holiday data ran out and the fallback rule was used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from flowkit.calendar import china
from flowkit.calendar.cutoffs import resolve
from flowkit.errors import InputError
from flowkit.lang.sla import Cutoff, Duration, Lang, describe, parse_phrase
from flowkit.messages import msg

if TYPE_CHECKING:
    from flowkit.calendar.core import Calendar

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class DueExplanation:
    """A due instant and how it was reached; `lines` tells it in Chinese or English.

    `counted_from` is where the clock really started (the next working-hours start when
    the start lies outside them); `counted` is the working time counted on each day;
    `notes` says why each adjusted day is worked; `uncovered` lists the years the
    holiday data does not reach (each has an English line in `warnings`).

    A date-based deadline (`cutoff`: 次日12点前, T+3, 月底前) is explained by days instead:
    `trade_day` is T, the working day the clock starts on; `workdays` the working days
    after it up to the due day; `target` the day a period end or calendar days name, and
    `moved` the previous working day it moved to; `rolled` says the first candidate had
    passed at the start.
    """

    start: datetime
    due: datetime
    counted_from: datetime
    skipped: tuple[tuple[date, str], ...] = ()
    adjusted: tuple[date, ...] = ()
    warnings: tuple[str, ...] = ()
    calendar: str = ""
    duration: Duration | None = None
    hours: str = ""
    day_length: timedelta = timedelta(0)
    counted: tuple[tuple[date, timedelta], ...] = ()
    notes: tuple[tuple[date, str], ...] = ()
    uncovered: tuple[int, ...] = ()
    cutoff: Cutoff | None = None
    trade_day: date | None = None
    workdays: tuple[date, ...] = ()
    target: date | None = None
    moved: date | None = None
    rolled: bool = False
    # pauses that moved the due instant: (paused, resumed or None while paused, the due
    # before, the due after); `due` is the last
    pauses: tuple[tuple[datetime, datetime | None, datetime, datetime], ...] = ()

    def paused(
        self, pauses: list[tuple[datetime, datetime | None]], cal: Calendar, business: bool
    ) -> DueExplanation:
        """This explanation with the pauses that moved the due instant later: each pushes
        it by the time paused, measured the way the deadline counts (working time for
        business time, elapsed time else), as `resume` moved it (`timers.terms`)."""
        due = self.due
        moved: list[tuple[datetime, datetime | None, datetime, datetime]] = []
        for stopped, resumed in pauses:
            if resumed is None:
                moved.append((stopped, None, due, due))
                continue
            if business:
                later = cal.shift(due, cal.working_time(stopped, resumed), True)
            else:
                later = due + (resumed - stopped)
            moved.append((stopped, resumed, due, later))
            due = later
        return replace(self, due=due, pauses=tuple(moved)).seen_in(self.tz)

    @property
    def tz(self) -> tzinfo:
        """The zone the instants are told in (the calendar's, or the one `seen_in` gave)."""
        zone = self.due.tzinfo
        assert zone is not None, "an explanation's instants are aware"
        return zone

    def seen_in(self, tz: tzinfo) -> DueExplanation:
        """The instants told in the zone `tz` (flowkit's, FLOWKIT_TZ, as every command
        shows times); the days counted and skipped stay the calendar's own."""
        return replace(
            self,
            start=self.start.astimezone(tz),
            due=self.due.astimezone(tz),
            counted_from=self.counted_from.astimezone(tz),
            pauses=tuple(
                (
                    a.astimezone(tz),
                    b.astimezone(tz) if b else None,
                    c.astimezone(tz),
                    d.astimezone(tz),
                )
                for a, b, c, d in self.pauses
            ),
        )

    def lines(self, lang: str = "zh-CN") -> list[str]:
        """A human explanation, one line per fact, in zh-CN or en."""
        from flowkit.calendar.wording import explanation_lines

        return explanation_lines(self, _lang(lang))

    def warnings_in(self, lang: str = "en") -> list[str]:
        """The warnings in one language (`warnings` holds the English ones)."""
        return [china.uncovered_warning(year, _lang(lang)) for year in self.uncovered]

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready data: instants and dates in ISO 8601, working time in seconds."""
        within = self.duration or self.cutoff
        return {
            "calendar": self.calendar,
            "duration": describe(within, _lang(lang)) if within else None,
            "business": bool(within and within.business),
            "start": self.start.isoformat(),
            "counted_from": self.counted_from.isoformat(),
            "due": self.due.isoformat(),
            "hours": self.hours,
            "day_length_seconds": int(self.day_length.total_seconds()),
            "counted": [
                {"date": d.isoformat(), "seconds": int(t.total_seconds())} for d, t in self.counted
            ],
            "skipped": [{"date": d.isoformat(), "reason": r} for d, r in self.skipped],
            "adjusted": [
                {"date": d.isoformat(), "reason": dict(self.notes).get(d, "")}
                for d in self.adjusted
            ],
            "warnings": self.warnings_in(lang),
            **({} if self.cutoff is None else self._cutoff_dict()),
            "pauses": [
                {
                    "paused": a.isoformat(),
                    "resumed": b.isoformat() if b else None,
                    "due_before": c.isoformat(),
                    "due_after": d.isoformat(),
                }
                for a, b, c, d in self.pauses
            ],
        }

    def _cutoff_dict(self) -> dict[str, Any]:
        def day(d: date | None) -> str | None:
            return None if d is None else d.isoformat()

        return {
            "cutoff": self.cutoff.kind if self.cutoff else None,
            "trade_day": day(self.trade_day),
            "working_days": [d.isoformat() for d in self.workdays],
            "target": day(self.target),
            "moved_to": day(self.moved),
            "rolled": self.rolled,
        }


def _lang(lang: str) -> Lang:
    if lang not in ("zh-CN", "en"):
        raise ValueError(f"unknown language {lang!r}; use 'zh-CN' or 'en'")
    return "zh-CN" if lang == "zh-CN" else "en"


def explain_phrase(cal: Calendar, start: datetime, text: str) -> DueExplanation:
    """Explain a deadline phrase (`3个工作日`, `3 business days`) from `start`.

    A phrase that cannot be read raises SlaSyntaxError with the offending offset; a
    cadence or `ongoing` phrase has no due instant and raises InputError.
    """
    phrase = parse_phrase(text)
    if phrase.deadline is None:
        if phrase.cadence:
            problem = msg(
                "'{text}' is a follow-up cadence, not a deadline: nothing falls due", text=text
            )
        else:
            problem = msg(
                "'{text}' means ongoing work, not a deadline: nothing falls due", text=text
            )
        raise InputError(
            problem,
            msg("give a deadline phrase such as '3 business days', '3个工作日' or '24小时内'"),
        )
    return explain_due(cal, start, phrase.deadline.within)


def explain_due(cal: Calendar, start: datetime, duration: Duration | Cutoff) -> DueExplanation:
    """Compute the due instant and collect, day by day, what happened on the way."""
    if isinstance(duration, Cutoff):
        return _explain_cutoff(cal, start, duration)
    due = cal.add(start, duration)
    local = start.astimezone(cal.tz)
    common: dict[str, Any] = {
        "calendar": cal.name,
        "duration": duration,
        "hours": cal.hours.text(),
        "day_length": cal.day_length,
    }
    if not duration.business:
        return DueExplanation(local, due, local, **common)
    counted_from = cal.counting_start(start)
    skipped: list[tuple[date, str]] = []
    counted: list[tuple[date, timedelta]] = []
    notes: list[tuple[date, str]] = []
    uncovered: set[int] = set()
    day = local.date()
    while day <= due.date():
        info = cal.day(day)
        if not info.covered:
            uncovered.add(day.year)
        if not info.working:
            skipped.append((day, info.reason or ""))
        time = _counted_on(cal, day, counted_from, due)
        if time:
            counted.append((day, time))
            if info.adjusted:
                notes.append((day, info.reason or ""))
        day += _ONE_DAY
    years = tuple(sorted(uncovered))
    return DueExplanation(
        local,
        due,
        counted_from,
        skipped=tuple(skipped),
        adjusted=tuple(d for d, _ in notes),
        warnings=tuple(china.uncovered_warning(year, "en") for year in years),
        counted=tuple(counted),
        notes=tuple(notes),
        uncovered=years,
        **common,
    )


def _explain_cutoff(cal: Calendar, start: datetime, cutoff: Cutoff) -> DueExplanation:
    """A date-based deadline: T, the working days counted, the days skipped on the way,
    and the period end moved to a working day."""
    found = resolve(cal, start, cutoff)
    local = start.astimezone(cal.tz)
    if found.trade_day is not None:  # 当天, 次日, T+N: the days after T up to the due day
        skip_from, skip_to = found.trade_day, found.due.date()
    elif found.moved is not None:  # a period end moved back: the days it moved over
        skip_from, skip_to = found.moved, found.target or found.moved
    else:
        skip_from = skip_to = local.date()
    skipped: list[tuple[date, str]] = []
    notes: list[tuple[date, str]] = []
    uncovered: set[int] = set()
    day, last = local.date(), max(found.due.date(), found.target or local.date())
    while day <= last:
        info = cal.day(day)
        if not info.covered and cutoff.business:
            uncovered.add(day.year)
        if skip_from < day <= skip_to and not info.working:
            skipped.append((day, info.reason or ""))
        if info.adjusted and (day in found.counted or day in (found.trade_day, found.due.date())):
            notes.append((day, info.reason or ""))
        day += _ONE_DAY
    years = tuple(sorted(uncovered))
    return DueExplanation(
        local,
        found.due,
        cal.counting_start(start) if cutoff.business else local,
        skipped=tuple(skipped),
        adjusted=tuple(d for d, _ in notes),
        warnings=tuple(china.uncovered_warning(year, "en") for year in years),
        calendar=cal.name,
        hours=cal.hours.text(),
        day_length=cal.day_length,
        notes=tuple(notes),
        uncovered=years,
        cutoff=cutoff,
        trade_day=found.trade_day,
        workdays=found.counted,
        target=found.target,
        moved=found.moved,
        rolled=found.rolled,
    )


def _counted_on(cal: Calendar, day: date, begin: datetime, end: datetime) -> timedelta:
    """Working time of `day` inside [begin, end), subtracted in UTC (never wall time)."""
    total, lo, hi = timedelta(0), begin.astimezone(UTC), end.astimezone(UTC)
    for w_start, w_end in cal.windows(day):
        overlap = min(w_end, hi) - max(w_start, lo)
        if overlap > timedelta(0):
            total += overlap
    return total
