"""SLA objects: they guard their invariants; SlaSyntaxError is a picklable ValueError."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from flowkit.lang.sla import (
    Cadence,
    Cutoff,
    Deadline,
    Duration,
    Phrase,
    SlaSyntaxError,
    Warn,
    parse_phrase,
)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Duration(0, "day"),
        lambda: Duration(-1, "day"),
        lambda: Duration(True, "day"),
        lambda: Duration(1, "year"),  # type: ignore[arg-type]
        lambda: Duration(1, "week", business=True),
        lambda: Deadline(Duration(1, "day"), ""),
        lambda: Deadline(Duration(1, "day"), " 交付"),
        lambda: Cadence(0, "week"),
        lambda: Cadence(1, "year"),  # type: ignore[arg-type]
        lambda: Cadence(1, "week", "fax"),  # type: ignore[arg-type]
        lambda: Warn(),
        lambda: Warn(80, Duration(4, "hour")),
        lambda: Warn(0),
        lambda: Warn(100),
        lambda: Phrase(Deadline(Duration(1, "day")), ongoing=True),
        lambda: Duration(1, "halfday"),  # half a day is half a business day
        lambda: Duration(2, "halfday", business=True),  # that is a business day
        lambda: Cutoff("sometime"),  # type: ignore[arg-type]
        lambda: Cutoff("workday", -1),
        lambda: Cutoff("workday", 400),
        lambda: Cutoff("workday", 1, at=1440),
        lambda: Cutoff("workday", 1, period="week"),
        lambda: Cutoff("calendar_day", 0),
        lambda: Cutoff("calendar_day", 3, at=720),
        lambda: Cutoff("period_end"),
        lambda: Cutoff("period_end", period="decade"),  # type: ignore[arg-type]
        lambda: Cutoff("period_end", period="month", weekday=4),
        lambda: Cutoff("period_end", days=2, period="month"),
        lambda: Deadline("24h"),  # type: ignore[arg-type]
        lambda: Cadence(1, "week", every=0),
        lambda: Cadence(1, "week", every=100),  # the period code keeps within 10 characters
        lambda: Cadence(2, "week", target=2),  # a target is more than the least required
        lambda: Cadence(1, "week", window=3),  # the first working days of a month or quarter
        lambda: Cadence(1, "month", window=0),
        lambda: Cadence(1, "week", every=2, aligned=True),
    ],
)
def test_invalid_objects_are_refused(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        build()


def test_syntax_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_phrase("nonsense")


def test_syntax_error_survives_pickling() -> None:
    """Checks may run in worker processes; the offset must come back with the message."""
    import pickle

    error = pickle.loads(pickle.dumps(SlaSyntaxError("unknown time unit 'hr'", 3)))
    assert (error.message, error.offset) == ("unknown time unit 'hr'", 3)
