"""Reading times people type, by one set of rules everywhere.

Every command option (`--at`, `--now`, `--as-of`, `--since`, `--until`, `--expected-close`,
`--first-contact`, `--order`…, `sla explain --from`), FLOWKIT_NOW, a date field's value and
every cell of an imported table is read here, so a spelling one command accepts, all do.
The spellings (listed for users in docs/tracking.md, "Times you type"):

- a date: 2026-11-28, 2026/11/28, 2026.11.28, 2026年11月28日 (one-digit months and days,
  full-width digits and punctuation as a Chinese keyboard types them);
- then, optionally, a time of day after `T`, a space (or nothing, after 日): 15:00, 15:00:30,
  15:00:30.5;
- then, optionally, an offset: Z, +08:00, +0800, +08.

A time without an offset is wall time in flowkit's zone (FLOWKIT_TZ, default Asia/Shanghai,
where the built-in calendars live); a bare date is the start of that day. A spreadsheet's
date cell is a `datetime` already and is taken as it is (naive: in flowkit's zone).
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flowkit.errors import InputError
from flowkit.messages import Message, msg

DEFAULT_ZONE = "Asia/Shanghai"
_NOT_A_DATE = msg("is not a date like 2023-10-15, 2023/10/15, 2023.10.15 or 2023年10月15日")
HINT = msg(
    "a time follows the date (2023-10-15 15:00, 2023-10-15T15:00:30), and an offset the time "
    "when it is not flowkit's zone, FLOWKIT_TZ (2023-10-15T15:00+08:00)"
)

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*(日))?")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*[-/月]\s*(\d{1,2})(?:\s*(日))?")
_TIME = re.compile(
    r"(?:[Tt]|\s*)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?"
    r"\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?"
)


# The years a time may fall in. Python's datetime ends at 9999 and begins at year 1; a
# deadline counted from a time near either end, or the time moved to another zone, would
# leave that range mid-command. Business records of a sales team sit well inside this.
YEARS = range(1900, 2200)


class TimeError(InputError, ValueError):
    """A time or date not written in a spelling flowkit reads; a ValueError for parsers."""


def zone() -> ZoneInfo:
    """flowkit's zone: where a time written without an offset is read."""
    name = os.environ.get("FLOWKIT_TZ") or DEFAULT_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise InputError(
            msg("FLOWKIT_TZ={name!r} is not a time zone (e.g. Asia/Shanghai)", name=name)
        ) from e


def parse_written(value: str | date, what: str | None = None) -> datetime:
    """The time as written: naive (wall time) without an offset, aware with one.

    For a caller that applies the zone later (the customer follow-up table, whose zone is
    the import's); `parse_time` is this with flowkit's zone applied."""
    if isinstance(value, date):  # a spreadsheet's date or datetime cell
        _check_year(value, value, what)
        if isinstance(value, datetime):
            return value
        return datetime(value.year, value.month, value.day)
    text = unicodedata.normalize("NFKC", value).strip()
    match = _DATE.match(text)
    if match is None:
        raise _error(
            value,
            what,
            msg(
                "is not a date like 2023-10-15, 2023/10/15, 2023.10.15 or 2023年10月15日 "
                "(a time may follow: 15:00)"
            ),
        )
    day = _day(value, what, match)
    rest = text[match.end() :]
    if not rest:
        return datetime(day.year, day.month, day.day)
    clock = _TIME.fullmatch(rest)
    if clock is None or not (match.group(4) or rest[0] in "Tt" or rest[0].isspace()):
        raise _error(value, what, msg("is not a date and time like 2023-10-15 15:00"))
    hour, minute, second, fraction, utc, sign, off_h, off_m = clock.groups()
    offset = _offset(value, what, utc, sign, off_h, off_m)
    micro = int((fraction or "0").ljust(6, "0"))
    try:
        return datetime(
            day.year, day.month, day.day, int(hour), int(minute), int(second or 0), micro, offset
        )
    except ValueError:
        raise _error(value, what, msg("has no such time of day")) from None


def parse_time(value: str | date, what: str | None = None, *, tz: tzinfo | None = None) -> datetime:
    """An aware datetime; without an offset, the wall time in `tz` (default flowkit's zone)."""
    written = parse_written(value, what)
    if written.tzinfo is not None:
        return written
    return written.replace(tzinfo=tz or zone())


def parse_date(value: str | date, what: str | None = None) -> date:
    """A calendar day in any of the date spellings; a time of day after it is refused."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time() or value.tzinfo is not None:
            raise _error(wall_text(value), what, _NOT_A_DATE)
        return value.date()
    if isinstance(value, date):
        return _check_year(value, value, what)
    text = unicodedata.normalize("NFKC", value).strip()
    match = _DATE.fullmatch(text)
    if match is None:
        raise _error(value, what, _NOT_A_DATE)
    return _day(value, what, match)


def with_year(value: str, year: int) -> str | None:
    """A date written without its year (11月3日, 11/3, 11-3, a time may follow) as the same
    date in `year` (2023-11-03), for the spellings above to read; None when `value` is no
    such date. Spreadsheets kept through one year often leave the year out."""
    text = unicodedata.normalize("NFKC", value).strip()
    match = _MONTH_DAY.match(text)
    if match is None:
        return None
    month, day, rest = match[1], match[2], text[match.end() :]
    if rest and not (match[3] or rest[0] in "Tt" or rest[0].isspace()):
        return None
    day_text = f"{year:04d}-{int(month):02d}-{int(day):02d}"
    if not rest:
        return day_text
    return day_text + (rest if rest[0] in "Tt" else " " + rest.strip())


def wall_text(at: datetime) -> str:
    """How flowkit writes a wall time for people and spreadsheets, read back by `parse_time`:
    2023-10-15 at midnight, else 2023-10-15 15:00 (with seconds when there are some)."""
    if at.hour == at.minute == at.second == 0:
        return at.date().isoformat()
    return at.strftime("%Y-%m-%d %H:%M:%S" if at.second else "%Y-%m-%d %H:%M")


def current(fixed: str | None) -> datetime:
    """The clock: `--now`/FLOWKIT_NOW when given (reproducible runs), else the real time."""
    if fixed:
        return parse_time(fixed, "--now")
    return datetime.now(UTC).astimezone(zone())


def _day(value: str | date, what: str | None, match: re.Match[str]) -> date:
    try:
        day = date(*map(int, match.groups()[:3]))
    except ValueError:
        raise _error(value, what, msg("is not a day of the calendar")) from None
    return _check_year(day, value, what)


def _check_year(day: date, value: str | date, what: str | None) -> date:
    if day.year not in YEARS:
        problem = msg(
            "is outside the years flowkit keeps, {first}–{last}", first=YEARS[0], last=YEARS[-1]
        )
        raise _error(value, what, problem)
    return day


def _offset(
    value: str | date,
    what: str | None,
    utc: str | None,
    sign: str | None,
    hours: str | None,
    minutes: str | None,
) -> tzinfo | None:
    if utc:
        return UTC
    if sign is None or hours is None:
        return None
    h, m = int(hours), int(minutes or 0)
    if h > 23 or m > 59:
        raise _error(value, what, msg("has no such offset from UTC (+08:00, -05:00, Z)"))
    delta = timedelta(hours=h, minutes=m)
    return timezone(-delta if sign == "-" else delta)


def _error(value: str | date, what: str | None, problem: Message) -> TimeError:
    """One wording for every caller: "--at: '昨天' is not a date and time like …"."""
    if what:
        return TimeError(
            msg("{what}: '{value}' {problem}", what=what, value=value, problem=problem), HINT
        )
    return TimeError(msg("'{value}' {problem}", value=value, problem=problem), HINT)
