"""Instants typed by people: ISO 8601, with the calendar's zone when no offset is given.

An ops lead checking a deadline thinks in office time, so `2025-09-30T16:00` means 16:00
in the calendar's zone; an explicit offset (`+08:00`, `Z`) is kept as given.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flowkit.errors import InputError


def parse_instant(text: str, tz: ZoneInfo) -> datetime:
    """`2025-09-30T16:00`, `2025-09-30 16:00`, `2025-09-30` or with an offset, as an aware
    datetime; a naive time is read as wall time in `tz`."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as e:
        raise InputError(
            f"'{text}' is not a date and time",
            "write it as ISO 8601: 2025-09-30T16:00, 2025-09-30 16:00 or 2025-09-30T16:00+08:00",
        ) from e
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value
