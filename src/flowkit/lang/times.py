"""Reading times people type: `--at`, `--now`, `--as-of`, FLOWKIT_NOW.

A time without an offset is local to flowkit's zone (FLOWKIT_TZ, default Asia/Shanghai,
where the built-in calendars live); a bare date means the start of that day.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flowkit.errors import InputError

DEFAULT_ZONE = "Asia/Shanghai"


def zone() -> ZoneInfo:
    name = os.environ.get("FLOWKIT_TZ") or DEFAULT_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise InputError(f"FLOWKIT_TZ={name!r} is not a time zone (e.g. Asia/Shanghai)") from e


def parse_time(text: str, what: str = "time") -> datetime:
    """An aware datetime from ISO text such as 2026-11-28T15:30, 2026-11-28 15:30+08:00."""
    raw = text.strip().replace("／", "/")
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        try:
            value = datetime.combine(date.fromisoformat(raw), time())
        except ValueError as e:
            raise InputError(
                f"{what} {text!r} is not a time", "write it as 2026-11-28T15:30 (or with +08:00)"
            ) from e
    return value if value.tzinfo else value.replace(tzinfo=zone())


def parse_date(text: str, what: str = "date") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as e:
        raise InputError(f"{what} {text!r} is not a date", "write it as 2026-12-31") from e


def current(fixed: str | None) -> datetime:
    """The clock: `--now`/FLOWKIT_NOW when given (reproducible runs), else the real time."""
    if fixed:
        return parse_time(fixed, "--now")
    return datetime.now(UTC).astimezone(zone())
