"""The objects an SLA phrase means, and the error raised when one cannot be read.

Plain frozen dataclasses that check their own invariants, so an object built in code
is as sound as a parsed one. Everything else in this package reads or writes these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

from flowkit.i18n import Lang

Unit = Literal["minute", "hour", "day", "week", "month"]
Period = Literal["day", "week", "month", "quarter"]
Method = Literal["phone", "visit", "email", "other"]
__all__ = ["Lang"]  # the one language type (flowkit.i18n), re-exported for the SLA writers

_UNITS: Final[frozenset[str]] = frozenset(get_args(Unit))
_PERIODS: Final[frozenset[str]] = frozenset(get_args(Period))
_METHODS: Final[frozenset[str]] = frozenset(get_args(Method))
BUSINESS_UNITS: Final = ("day", "hour")  # a business week or month would depend on the calendar


def _require(ok: bool, message: str) -> None:
    """Invariants hold for objects built in code too, not only for parsed ones."""
    if not ok:
        raise ValueError(message)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


@dataclass(frozen=True)
class Duration:
    """A length of time; a business duration counts only working time on the process calendar."""

    amount: int
    unit: Unit
    business: bool = False

    def __post_init__(self) -> None:
        _require(_is_count(self.amount), f"amount must be a whole number >= 1, not {self.amount!r}")
        _require(self.unit in _UNITS, f"unknown unit {self.unit!r}")
        _require(
            not self.business or self.unit in BUSINESS_UNITS,
            f"business time is counted in days or hours, not {self.unit}s",
        )


@dataclass(frozen=True)
class Deadline:
    """Due `within` after the anchor, kept as written text: the model resolves it later."""

    within: Duration
    anchor: str | None = None

    def __post_init__(self) -> None:
        _require(isinstance(self.within, Duration), "within must be a Duration")
        _require(
            self.anchor is None or (bool(self.anchor) and self.anchor == self.anchor.strip()),
            f"an anchor is non-empty text without surrounding spaces, not {self.anchor!r}",
        )


@dataclass(frozen=True)
class Cadence:
    """How often a follow-up must be logged while an instance sits on the node."""

    count: int
    period: Period
    method: Method | None = None

    def __post_init__(self) -> None:
        _require(_is_count(self.count), f"count must be a whole number >= 1, not {self.count!r}")
        _require(self.period in _PERIODS, f"unknown period {self.period!r}")
        _require(self.method is None or self.method in _METHODS, f"unknown method {self.method!r}")


@dataclass(frozen=True)
class Warn:
    """When a running timer turns 'at risk': a share of the window, or a lead time before due."""

    percent: int | None = None
    before: Duration | None = None

    def __post_init__(self) -> None:
        _require(
            (self.percent is None) != (self.before is None), "set exactly one of percent, before"
        )
        _require(
            self.percent is None or (_is_count(self.percent) and self.percent <= 99),
            f"percent must be 1..99, not {self.percent!r}",
        )


@dataclass(frozen=True)
class Phrase:
    """What one SLA phrase says."""

    deadline: Deadline | None = None
    cadence: Cadence | None = None
    ongoing: bool = False

    def __post_init__(self) -> None:
        _require(not (self.ongoing and self.deadline), "an ongoing phrase has no deadline")


class SlaSyntaxError(ValueError):
    """A phrase that cannot be read; `offset` is 0-based into the phrase as written."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset

    def __reduce__(self) -> tuple[type[SlaSyntaxError], tuple[str, int]]:
        return type(self), (self.message, self.offset)
