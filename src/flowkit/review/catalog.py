"""Every measure `flowkit kpi` and the team board can ask for by name, the scorecard too."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from flowkit.errors import InputError
from flowkit.messages import msg, words
from flowkit.review import measures
from flowkit.review.measures import History
from flowkit.review.period import Month
from flowkit.review.scorecard import scorecard

if TYPE_CHECKING:
    from flowkit.tracking.tracker import Tracker


def _scorecard(h: History) -> Any:
    rules = h.tracker.definitions.customers
    return scorecard(h, rules.kpis if rules is not None else None)


MEASURES: dict[str, Callable[[History], Any]] = {**measures.MEASURES, "scorecard": _scorecard}


def measure(tracker: Tracker, name: str, month: Month, owners: Iterable[str] | None = None) -> Any:
    """One measure of `month` by its name (`flowkit kpi NAME`), for the people the person
    acting may see (`owners`: only these of them)."""
    found = MEASURES.get(name)
    if found is None:
        raise InputError(
            msg("unknown measure '{name}'", name=name),
            msg("measures: {names}", names=words(MEASURES)),
        )
    return found(History.of(tracker, month, owners))
