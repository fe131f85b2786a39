"""The per-person scorecard (绩效考核): each KPI measure of a person, its target, and the
score the declared weights give (`kpis:` in customers.yaml).

A person's score is the sum over their role's measures of weight × rate, out of 100. A
measure with nothing to count for them (no deadline settled, no profile owned) is left out
and the other weights are scaled up to 100%, so that nobody is scored 0 for work they were
never given; the scorecard shows which measures counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flowkit.model.kpis import Kpis
from flowkit.review.measures import (
    History,
    Rate,
    cadence,
    on_time,
    outcomes,
    profile_completeness,
    spot_checks,
)


@dataclass(frozen=True)
class Cell:
    measure: str
    rate: float | None  # None: nothing to count this month
    weight: float  # as declared for the role (0: not weighed)
    target: float | None

    @property
    def met(self) -> bool | None:
        if self.rate is None or self.target is None:
            return None
        return self.rate >= self.target


@dataclass(frozen=True)
class Score:
    person: str
    name: str
    role: str  # the role whose weights apply ("" for none)
    cells: tuple[Cell, ...]

    @property
    def score(self) -> float | None:
        """Out of 100, over the weighed measures that had something to count."""
        counted = [c for c in self.cells if c.weight and c.rate is not None]
        weight = sum(c.weight for c in counted)
        if not weight:
            return None
        return 100 * sum(c.weight * (c.rate or 0.0) for c in counted) / weight


def rates(h: History) -> dict[str, dict[str, Rate]]:
    """Each scored measure's line per person of the month."""
    won = {o.key: o for o in outcomes(h).people}
    return {
        "profile_completeness": {r.key: r for r in profile_completeness(h).people},
        "on_time": {r.key: r for r in on_time(h).people},
        "cadence": {r.key: r for r in cadence(h).people},
        "spot_checks": {r.key: r for r in spot_checks(h)},
        "win_rate": {k: Rate(k, o.name, o.won, o.won + o.lost) for k, o in won.items()},
    }


def scorecard(h: History, kpis: Kpis | None) -> tuple[Score, ...]:
    """A line per person with any number this month (or in scope), by score, best first."""
    by_measure = rates(h)
    measures = _measures(kpis)
    people = sorted({k for lines in by_measure.values() for k in lines})
    org = h.tracker.people
    lines = []
    for person in people:
        found = org.person(person) if org is not None else None
        roles = (*found.lanes, found.role) if found is not None else ()
        weights = kpis.weights_of(roles) if kpis is not None else None
        weighed: Mapping[str, float] = dict(weights.weights) if weights is not None else {}
        cells = tuple(
            Cell(
                m,
                by_measure[m][person].rate if person in by_measure[m] else None,
                weighed.get(m, 0.0),
                kpis.target(m) if kpis is not None else None,
            )
            for m in measures
        )
        role = weights.role if weights is not None else ""
        lines.append(Score(person, h.person(person), role, cells))
    return tuple(sorted(lines, key=lambda s: (s.score is None, -(s.score or 0.0), s.person)))


def _measures(kpis: Kpis | None) -> tuple[str, ...]:
    """The measures the scorecard shows: the declared ones (and the weighed), in the
    declared order; without `kpis:`, 档案完整率 and 节点准时率 as the template names them."""
    if kpis is None:
        return ("profile_completeness", "on_time")
    found = [k.id for k in kpis.measures]
    found += [m for w in kpis.weights for m, _ in w.weights if m not in found]
    return tuple(dict.fromkeys(found))
