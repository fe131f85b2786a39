"""One calendar file: read with positions, shape-checked by its JSON Schema, made a spec.

The same loader and schema explanations as process files, so a calendar error reads like
any other flowkit error (`calendars/acme.yaml:7:14: error FK704: …`). What a schema
cannot say is checked here: real dates and times of day, spans that run forwards,
breaks inside the hours, a day not both off and worked, a known time zone.

The schema explainers are borrowed from `flowkit.load.schema` (private names: its public
`check_schema` knows only its own kinds); once it accepts a "calendar" kind,
`_check_shape` becomes a call to it.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import json
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo, available_timezones

from jsonschema import Draft202012Validator

from flowkit.calendar.hours import WorkingHours, clock_text, parse_clock
from flowkit.calendar.spec import CalendarSpec
from flowkit.diagnostics import Diagnostic
from flowkit.lang.spelling import did_you_mean
from flowkit.load.schema import _explain, _format_version, _where
from flowkit.load.yamlsource import PathKey, Source, read_source

MAX_RANGE_DAYS: Final = 366
DEFAULT_OFF: Final = "公司休息日 company day off"
DEFAULT_EXTRA: Final = "公司补班 company working day"


@cache
def calendar_schema() -> dict[str, Any]:
    """The calendar JSON Schema shipped inside the package."""
    text = resources.files("flowkit").joinpath("schemas/calendar.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def notice_schema() -> dict[str, Any]:
    """The holiday notice JSON Schema shipped inside the package (`calendar.notices`)."""
    text = resources.files("flowkit").joinpath("schemas/holidays.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(notice: bool = False) -> Draft202012Validator:
    return Draft202012Validator(notice_schema() if notice else calendar_schema())


def read_calendar(path: Path) -> tuple[Source | None, CalendarSpec | None, list[Diagnostic]]:
    """A file's source (for locating later findings), its spec when valid, and findings.
    A year's holiday notice (`extends:` and `year:`) is read as one (`calendar.notices`)."""
    from flowkit.calendar.notice_files import NoticeReader
    from flowkit.calendar.notices import is_notice_file

    source, found = read_source(path)
    if source is None:
        return None, None, found
    notice = is_notice_file(source.data)
    shape = _check_shape(source, notice)
    if shape:
        return source, None, shape
    return NoticeReader(source).spec() if notice else _Reader(source).spec()


def _check_shape(source: Source, notice: bool = False) -> list[Diagnostic]:
    if not isinstance(source.data, dict):
        return [Diagnostic("FK006", "the file holds no calendar mapping", source.loc(()))]
    version = _format_version(source)
    if version:
        return [version]
    errors = _validator(notice).iter_errors(source.data)
    return [d for error in errors for d in _explain(error, source)]


class _Reader:
    """Turns schema-valid data into a spec, collecting every semantic problem on the way."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.data: dict[str, Any] = source.data
        self.found: list[Diagnostic] = []

    def spec(self) -> tuple[Source, CalendarSpec | None, list[Diagnostic]]:
        timezone = self._timezone()
        hours = self._hours() if "hours" in self.data else None
        days_off = _by_date(self._days_off())
        extra = _by_date(self._extra_days())
        self._clashes(days_off, extra)
        if self.found:
            return self.source, None, self.found
        paused = self.data.get("cadences_on_holidays")
        spec = CalendarSpec(
            id=self.data["calendar"],
            base=self.data["base"],
            name=self.data.get("name"),
            timezone=timezone,
            hours=hours,
            pause_cadences=None if paused is None else paused == "pause",
            days_off=tuple((day, name) for day, (name, _) in days_off.items()),
            extra_working_days=tuple((day, name) for day, (name, _) in extra.items()),
            file=self.source.path,
        )
        return self.source, spec, []

    def _add(self, code: str, path: PathKey, message: str, hint: str | None = None) -> None:
        self.found.append(
            Diagnostic(code, f"{_where(self.source, path)}: {message}", self.source.loc(path), hint)
        )

    def _timezone(self) -> str | None:
        name: str | None = self.data.get("timezone")
        if name is None:
            return None
        try:
            ZoneInfo(name)
        except (ValueError, OSError, KeyError):
            hint = did_you_mean(name, available_timezones()) or "use an IANA name: Asia/Shanghai"
            self._add("FK708", ("timezone",), f"unknown time zone '{name}'", hint)
        return name

    def _clock(self, path: PathKey) -> int | None:
        """Minutes after midnight; an unquoted 12:00 arrives as YAML 1.1's integer 720, so
        the text as written is read instead."""
        value = self._data_at(path)
        text = self.source.raw(path) if isinstance(value, int) else str(value)
        minutes = parse_clock(text or str(value))
        if minutes is None:
            self._add(
                "FK704", path, f"'{text}' is not a time of day", "write HH:MM from 00:00 to 24:00"
            )
        return minutes

    def _data_at(self, path: PathKey) -> Any:
        value: Any = self.data
        for key in path:
            value = value[key]
        return value

    def _hours(self) -> WorkingHours | None:
        start, end = self._clock(("hours", "start")), self._clock(("hours", "end"))
        breaks = [
            (
                self._clock(("hours", "breaks", i, "start")),
                self._clock(("hours", "breaks", i, "end")),
            )
            for i in range(len(self.data["hours"].get("breaks", [])))
        ]
        if start is None or end is None or any(a is None or b is None for a, b in breaks):
            return None
        if end <= start:
            self._backwards(("hours", "end"), "the working day", start, end)
            return None
        return self._with_breaks(
            start, end, [(a, b) for a, b in breaks if a is not None and b is not None]
        )

    def _with_breaks(
        self, start: int, end: int, breaks: list[tuple[int, int]]
    ) -> WorkingHours | None:
        order = sorted(range(len(breaks)), key=lambda i: breaks[i])
        last, ok, previous = start, True, (start, start)
        for i in order:
            b_start, b_end = breaks[i]
            path: PathKey = ("hours", "breaks", i)
            if b_end <= b_start:
                self._backwards((*path, "end"), "the break", b_start, b_end)
            elif not start <= b_start < b_end <= end:
                self._add(
                    "FK706",
                    path,
                    f"break {_span(b_start, b_end)} is not inside the working hours "
                    f"{_span(start, end)}",
                )
            elif b_start < last:
                self._add(
                    "FK706",
                    path,
                    f"break {_span(b_start, b_end)} overlaps break {_span(*previous)}",
                    "merge them into one break",
                )
            else:
                last, previous = b_end, (b_start, b_end)
                continue
            ok = False
        if not ok:
            return None
        try:
            return WorkingHours(start, end, tuple(sorted(breaks)))
        except ValueError:
            self._add("FK706", ("hours",), "the breaks leave no working time")
            return None

    def _backwards(self, path: PathKey, what: str, start: int, end: int) -> None:
        self._add(
            "FK706",
            path,
            f"{what} ends ({clock_text(end)}) before it starts ({clock_text(start)})",
            "hours run within one day, 00:00 to 24:00; a night shift needs two calendars",
        )

    def _date(self, path: PathKey) -> date | None:
        text = self._data_at(path)
        try:
            return date.fromisoformat(text)
        except ValueError:
            self._add("FK705", path, f"'{text}' is not a date in the calendar", date_hint(text))
            return None

    def _days_off(self) -> list[tuple[date, str, PathKey]]:
        days: list[tuple[date, str, PathKey]] = []
        for i, item in enumerate(self.data.get("days_off", [])):
            name, path = item.get("name", DEFAULT_OFF), ("days_off", i)
            if "date" in item:
                day = self._date((*path, "date"))
                days.extend([(day, name, path)] if day else [])
            else:
                days.extend((d, name, path) for d in self._range(path))
        return days

    def _extra_days(self) -> list[tuple[date, str, PathKey]]:
        days: list[tuple[date, str, PathKey]] = []
        for i, item in enumerate(self.data.get("extra_working_days", [])):
            day = self._date(("extra_working_days", i, "date"))
            days.extend(
                [(day, item.get("name", DEFAULT_EXTRA), ("extra_working_days", i))] if day else []
            )
        return days

    def _range(self, path: PathKey) -> list[date]:
        first, last = self._date((*path, "from")), self._date((*path, "to"))
        if first is None or last is None:
            return []
        if last < first:
            message = f"the range ends ({last}) before it starts ({first})"
            self._add("FK706", (*path, "to"), message, "swap `from` and `to`")
            return []
        span = (last - first).days + 1
        if span > MAX_RANGE_DAYS:
            self._add(
                "FK709",
                path,
                f"the range spans {span} days; one range holds at most {MAX_RANGE_DAYS}",
                "split it by year, or check the years of `from` and `to`",
            )
            return []
        return [first + timedelta(days=n) for n in range(span)]

    def _clashes(
        self, off: dict[date, tuple[str, PathKey]], extra: dict[date, tuple[str, PathKey]]
    ) -> None:
        for day, (_, path) in extra.items():
            if day in off:
                name, off_path = off[day]
                line = self.source.loc(off_path).line
                self._add(
                    "FK707",
                    (*path, "date"),
                    f"{day} is both a day off ({name}, line {line}) and an extra working day",
                    "keep it in only one of days_off and extra_working_days",
                )


def _by_date(days: list[tuple[date, str, PathKey]]) -> dict[date, tuple[str, PathKey]]:
    """By date; a day listed twice keeps its first name."""
    found: dict[date, tuple[str, PathKey]] = {}
    for day, name, path in days:
        found.setdefault(day, (name, path))
    return found


def _span(start: int, end: int) -> str:
    return f"{clock_text(start)}–{clock_text(end)}"


def date_hint(text: str) -> str:
    """Say what is wrong with a well-formed but impossible date such as 2026-02-30."""
    year, month = int(text[:4]), int(text[5:7])
    if year < 1:
        return "years run from 0001"
    if not 1 <= month <= 12:
        return "months run from 01 to 12"
    days = _stdlib_calendar.monthrange(year, month)[1]
    return f"{year}-{month:02d} has {days} days"
