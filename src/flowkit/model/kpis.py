"""The KPIs of the monthly review (`kpis:` in customers.yaml): which measures count in the
appraisal (纳入绩效考核), their targets, and the weight of each per role.

Only the measures a person can be scored on appear here; what each measure means is
defined once in docs/review.md and computed by `flowkit.review.measures`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flowkit.diagnostics import Location

NOWHERE = Location("<unknown>")

# The measures a person's scorecard may weigh: each a rate between 0 and 1 per person.
SCORED = (
    "profile_completeness",  # 档案完整率: complete profiles among those they own
    "on_time",  # 节点准时率: deadlines of steps they did, met on time
    "cadence",  # 拜访达成率: follow-ups done against those their cadences required
    "spot_checks",  # 抽查合格率: checked profiles without a problem
    "win_rate",  # 赢单率: won among the deals they closed
)


@dataclass(frozen=True)
class Kpi:
    """One measure in the appraisal, with its target (a share, 0..1) if one is set."""

    id: str
    target: float | None = None
    label: str = ""
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class RoleWeights:
    """The weights of the measures for one role (an org role or a lane): shares adding to 1."""

    role: str
    weights: tuple[tuple[str, float], ...]
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Kpis:
    measures: tuple[Kpi, ...] = ()
    weights: tuple[RoleWeights, ...] = ()
    loc: Location = field(default=NOWHERE, compare=False, repr=False)

    def target(self, measure: str) -> float | None:
        return next((k.target for k in self.measures if k.id == measure), None)

    def weights_of(self, roles: tuple[str, ...]) -> RoleWeights | None:
        """The weights of the first of `roles` (a person's lanes, then their org role) that
        has some."""
        by_role = {w.role: w for w in self.weights}
        return next((by_role[r] for r in roles if r in by_role), None)
