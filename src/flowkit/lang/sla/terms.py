"""The objects an SLA phrase means, and the error raised when one cannot be read.

Plain frozen dataclasses that check their own invariants, so an object built in code
is as sound as a parsed one. Everything else in this package reads or writes these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

from flowkit.i18n import Lang

Unit = Literal["minute", "hour", "day", "week", "month", "halfday"]
Period = Literal["day", "week", "month", "quarter"]
Method = Literal["phone", "visit", "email", "other"]
CutoffKind = Literal["workday", "calendar_day", "period_end"]
CutoffPeriod = Literal["week", "month", "quarter", "year"]
__all__ = ["Lang"]  # the one language type (flowkit.i18n), re-exported for the SLA writers

_UNITS: Final[frozenset[str]] = frozenset(get_args(Unit))
_PERIODS: Final[frozenset[str]] = frozenset(get_args(Period))
_METHODS: Final[frozenset[str]] = frozenset(get_args(Method))
_CUTOFF_KINDS: Final[frozenset[str]] = frozenset(get_args(CutoffKind))
_CUTOFF_PERIODS: Final[frozenset[str]] = frozenset(get_args(CutoffPeriod))
# a business week or month would depend on the calendar; half a day is half its working day
BUSINESS_UNITS: Final = ("day", "hour", "halfday")
MAX_CUTOFF_DAYS: Final = 366  # T+N and N calendar days: a year ahead at most
DAY_MINUTES: Final = 24 * 60


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
        _require(
            self.unit != "halfday" or (self.business and self.amount == 1),
            "half a day is half a business day, once: Duration(1, 'halfday', business=True)",
        )


@dataclass(frozen=True)
class Cutoff:
    """A deadline set on the calendar rather than a length of time (date-based).

    - `workday`: on the working day `days` after T, the working day the clock starts on
      (当天 0, 次日 1, T+3 3), at the time `at` (minutes after midnight; 次日12点前) or, when
      `at` is None, at the close of that working day (下班前);
    - `calendar_day`: by the end (24:00) of the calendar day `days` after the start's date
      (3个自然日): holidays count, the day is not moved;
    - `period_end`: by the close of the last working day of the `period` (月底前, 季度末,
      年底前, 本周内) or of the `weekday` of the week (本周五前, 0 = Monday); a day that is
      not a working day moves to the previous working day of the period.
    """

    kind: CutoffKind
    days: int = 0
    at: int | None = None
    period: CutoffPeriod | None = None
    weekday: int | None = None

    def __post_init__(self) -> None:
        _require(self.kind in _CUTOFF_KINDS, f"unknown kind of cutoff {self.kind!r}")
        _require(
            isinstance(self.days, int)
            and not isinstance(self.days, bool)
            and 0 <= self.days <= MAX_CUTOFF_DAYS,
            f"days must be a whole number from 0 to {MAX_CUTOFF_DAYS}, not {self.days!r}",
        )
        _require(
            self.at is None or (isinstance(self.at, int) and 0 <= self.at < DAY_MINUTES),
            f"at must be minutes after midnight (0..1439), not {self.at!r}",
        )
        _require(
            (self.period is not None) == (self.kind == "period_end"),
            "a period end names its period, and only it does",
        )
        _require(
            self.period is None or self.period in _CUTOFF_PERIODS,
            f"unknown period {self.period!r}",
        )
        _require(
            self.weekday is None or (self.period == "week" and self.weekday in range(7)),
            f"a weekday (0..6) belongs to a week's end only, not {self.weekday!r}",
        )
        _require(
            self.kind != "calendar_day" or (self.days >= 1 and self.at is None),
            "calendar days count at least 1 day and end at midnight",
        )
        _require(
            self.kind != "period_end" or (self.days == 0 and self.at is None),
            "a period end has no day count and ends at the close of a working day",
        )

    @property
    def business(self) -> bool:
        """Whether the calendar's working days decide it (all but calendar days)."""
        return self.kind != "calendar_day"


@dataclass(frozen=True)
class Deadline:
    """Due `within` after the anchor (a length of time, or a cutoff on the calendar), the
    anchor kept as written text: the model resolves it later."""

    within: Duration | Cutoff
    anchor: str | None = None

    def __post_init__(self) -> None:
        _require(isinstance(self.within, Duration | Cutoff), "within must be a Duration or Cutoff")
        _require(
            self.anchor is None or (bool(self.anchor) and self.anchor == self.anchor.strip()),
            f"an anchor is non-empty text without surrounding spaces, not {self.anchor!r}",
        )


MAX_EVERY: Final = 99  # 每99周: the period code keeps within the store's 10 characters
MAX_WINDOW: Final = 31  # 每月前31个工作日 at most


@dataclass(frozen=True)
class Cadence:
    """How often a follow-up must be logged while an instance sits on the node.

    A period runs from entering the node: a day is 24 hours, a week 7 days, a month a
    calendar month later (`every` of them: 每两周 is periods of 2 weeks). `aligned` periods
    are the calendar's own (每自然周: Monday to Sunday; 每自然月: the 1st to the last day).
    `window` periods are the first `window` working days of each month or quarter (每月初),
    nothing being owed between them. `target` is the count aimed for when a range is
    written (每周1-2次: at least 1 required, 2 shown as the target).
    """

    count: int
    period: Period
    method: Method | None = None
    every: int = 1
    target: int | None = None
    window: int | None = None
    aligned: bool = False

    def __post_init__(self) -> None:
        _require(_is_count(self.count), f"count must be a whole number >= 1, not {self.count!r}")
        _require(self.period in _PERIODS, f"unknown period {self.period!r}")
        _require(self.method is None or self.method in _METHODS, f"unknown method {self.method!r}")
        _require(
            _is_count(self.every) and self.every <= MAX_EVERY,
            f"every must be a whole number from 1 to {MAX_EVERY}, not {self.every!r}",
        )
        _require(
            self.target is None or (_is_count(self.target) and self.target > self.count),
            f"a target is more than the count required, not {self.target!r}",
        )
        _require(
            self.window is None
            or (
                _is_count(self.window)
                and self.window <= MAX_WINDOW
                and self.period in ("month", "quarter")
                and self.every == 1
                and not self.aligned
            ),
            f"a window is 1 to {MAX_WINDOW} working days of each month or quarter",
        )
        _require(not (self.aligned and self.every > 1), "calendar periods come one at a time")

    @property
    def code(self) -> str:
        """The period as a timer row keeps it: `week`, `week*2`, `month@3`, `week^`."""
        code = str(self.period)
        if self.every > 1:
            code += f"*{self.every}"
        if self.window is not None:
            code += f"@{self.window}"
        return code + ("^" if self.aligned else "")

    @classmethod
    def coded(cls, count: int, code: str, method: Method | None = None) -> Cadence:
        """The cadence of a timer row: its count, period `code` and method."""
        aligned = code.endswith("^")
        code = code.rstrip("^")
        code, _, window = code.partition("@")
        period, _, every = code.partition("*")
        return cls(
            count,
            period,  # type: ignore[arg-type]
            method,
            every=int(every) if every else 1,
            window=int(window) if window else None,
            aligned=aligned,
        )


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
