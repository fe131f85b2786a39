"""One holiday notice file read and checked: the whole year declared, as the notice says.

The checks a JSON Schema cannot make: real dates, all in the notice's year; holiday
ranges that run forwards and do not overlap; make-up days (调休) on Saturdays and Sundays,
never on a holiday; every statutory holiday named, 元旦, 劳动节 and 国庆节 on their
fixed dates; and a notice only for a calendar kept by official holiday data (cn).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flowkit.calendar.files import MAX_RANGE_DAYS, date_hint
from flowkit.calendar.notices import (
    FIXED,
    NOTICE_CALENDARS,
    STATUTORY,
    holiday_name,
    key,
    make_up_name,
    statutory,
)
from flowkit.calendar.spec import CalendarSpec
from flowkit.diagnostics import Diagnostic
from flowkit.load.schema import _where
from flowkit.load.yamlsource import PathKey, Source


class NoticeReader:
    """A schema-valid notice turned into a spec, collecting every problem on the way."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.data: dict[str, Any] = source.data
        self.year: int = self.data["year"]
        self.found: list[Diagnostic] = []

    def spec(self) -> tuple[Source, CalendarSpec | None, list[Diagnostic]]:
        base = self.data["extends"]
        if base not in NOTICE_CALENDARS:
            self._add(
                "FK714",
                ("extends",),
                f"'{base}' takes no holiday notice: only {', '.join(NOTICE_CALENDARS)} is "
                "kept by official holiday data",
                "write `extends: cn`; a company's own days off go in a calendar file of its "
                "own (`calendar:` and `base:`)",
            )
        holidays = self._holidays()
        make_up = self._make_up(holidays)
        self._statutory(holidays)
        if self.found:
            return self.source, None, self.found
        spec = CalendarSpec(
            id=key(base, self.year),
            base=base,
            name=self.data["notice"],
            days_off=tuple((day, holiday_name(name)) for name, days, _ in holidays for day in days),
            extra_working_days=tuple(make_up),
            file=self.source.path,
            year=self.year,
            notice=self.data["notice"],
        )
        return self.source, spec, []

    def _add(self, code: str, path: PathKey, message: str, hint: str | None = None) -> None:
        self.found.append(
            Diagnostic(code, f"{_where(self.source, path)}: {message}", self.source.loc(path), hint)
        )

    def _date(self, path: PathKey) -> date | None:
        value: Any = self.data
        for part in path:
            value = value[part]
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self._add("FK705", path, f"'{value}' is not a date in the calendar", date_hint(value))
            return None
        if day.year != self.year:
            self._add(
                "FK712",
                path,
                f"{day} is not in {self.year}, the year this notice arranges",
                "a notice declares one year; put another year's days in a file of its own",
            )
            return None
        return day

    def _holidays(self) -> list[tuple[str, list[date], PathKey]]:
        """Each holiday's name, days and place; ranges checked, overlaps reported."""
        found: list[tuple[str, list[date], PathKey]] = []
        taken: dict[date, tuple[str, PathKey]] = {}
        for i, item in enumerate(self.data["holidays"]):
            path: PathKey = ("holidays", i)
            days = self._days(item, path)
            for day in days:
                if day in taken:
                    other, where = taken[day]
                    line = self.source.loc(where).line
                    self._add(
                        "FK711",
                        path,
                        f"{day} is in both '{item['name']}' and '{other}' (line {line})",
                        "holiday ranges do not overlap: check the dates against the notice",
                    )
                    break
            taken.update(dict.fromkeys(days, (item["name"], path)))
            found.append((item["name"], days, path))
        return found

    def _days(self, item: dict[str, Any], path: PathKey) -> list[date]:
        if "date" in item:
            day = self._date((*path, "date"))
            return [day] if day else []
        first, last = self._date((*path, "from")), self._date((*path, "to"))
        if first is None or last is None:
            return []
        if last < first:
            message = f"the range ends ({last}) before it starts ({first})"
            self._add("FK706", (*path, "to"), message, "swap `from` and `to`")
            return []
        span = (last - first).days + 1
        if span > MAX_RANGE_DAYS:
            self._add("FK709", path, f"the range spans {span} days", "check its dates")
            return []
        return [first + timedelta(days=n) for n in range(span)]

    def _make_up(self, holidays: list[tuple[str, list[date], PathKey]]) -> list[tuple[date, str]]:
        off = {day: name for name, days, _ in holidays for day in days}
        found: list[tuple[date, str]] = []
        for i, item in enumerate(self.data.get("make_up_days", [])):
            path: PathKey = ("make_up_days", i, "date")
            day = self._date(path)
            if day is None:
                continue
            if day.weekday() < 5:
                self._add(
                    "FK710",
                    path,
                    f"{day} is a {day.strftime('%A')}: a make-up working day (调休) is a "
                    "Saturday or Sunday worked",
                    "check the date against the notice; a weekday is worked anyway",
                )
            elif day in off:
                self._add(
                    "FK711",
                    path,
                    f"{day} is both a make-up working day and a day of '{off[day]}'",
                    "check the date against the notice",
                )
            else:
                found.append((day, make_up_name(item.get("for"))))
        return found

    def _statutory(self, holidays: list[tuple[str, list[date], PathKey]]) -> None:
        """The whole year is declared: every statutory holiday is named, on its fixed date."""
        named: dict[str, list[date]] = {}
        for name, days, _ in holidays:
            for part in name.replace("，", "、").replace(",", "、").split("、"):
                zh = statutory(part)
                if zh is not None:
                    named.setdefault(zh, []).extend(days)
        missing = [zh for zh in STATUTORY if zh not in named]
        if missing:
            self._add(
                "FK713",
                ("holidays",),
                f"the notice for {self.year} names no {', '.join(missing)}: a notice declares "
                "the whole year, and a holiday left out would be counted as working days",
                "copy every holiday of the notice, each with its name (元旦, 春节, 清明节, "
                "劳动节, 端午节, 中秋节, 国庆节; a range may name two: 国庆节、中秋节)",
            )
        for zh, (month, day) in FIXED.items():
            fixed = date(self.year, month, day)
            if zh in named and named[zh] and fixed not in named[zh]:
                self._add(
                    "FK713",
                    ("holidays",),
                    f"'{zh}' does not include {fixed}, its fixed date by law",
                    "check the dates against the notice",
                )
