"""A calendar month in flowkit's time zone: the period every review measure is counted over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from flowkit.errors import InputError
from flowkit.messages import msg


@dataclass(frozen=True)
class Month:
    first: date  # its first day
    tz: tzinfo

    @property
    def since(self) -> datetime:
        return datetime(self.first.year, self.first.month, 1, tzinfo=self.tz)

    @property
    def until(self) -> datetime:
        """The first instant of the next month (the period is [since, until))."""
        return self.next().since

    @property
    def label(self) -> str:
        return f"{self.first.year}-{self.first.month:02d}"

    def next(self) -> Month:
        year, month = divmod(self.first.year * 12 + self.first.month, 12)
        return Month(date(year, month + 1, 1), self.tz)

    def previous(self) -> Month:
        year, month = divmod(self.first.year * 12 + self.first.month - 2, 12)
        return Month(date(year, month + 1, 1), self.tz)

    def back(self, count: int) -> list[Month]:
        """The `count` months ending with this one, oldest first."""
        months = [self]
        while len(months) < count:
            months.insert(0, months[0].previous())
        return months


def month_of(text: str, tz: tzinfo) -> Month:
    """`2026-11` as a month in `tz`; anything else is an input error."""
    raw = text.strip()
    try:
        year, month = raw.split("-")
        first = date(int(year), int(month), 1)
        if not 1900 < first.year < 9999:
            raise ValueError(raw)
    except ValueError as e:
        raise InputError(
            msg("month {text!r} is not a month", text=text), msg("write it as 2026-11")
        ) from e
    return Month(first, tz)
