"""The monthly review pack (月度复盘): what the 销售复盘会 looks at, as one record.

The month and the one before it with every measure; the headline figures with the change
from the previous month; six months of trends; the nodes with the most breaches beside the
pain points and improvements the process declares for them, with the node's on-time rate
over the six months (so the meeting sees whether an adopted improvement moved it); the
per-person scorecard by the declared weights; lost reasons ranked. `flowkit.render.review`
writes it as HTML (A4), PDF and XLSX.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flowkit.model.process import PainPoint
from flowkit.review import measures as m
from flowkit.review.catalog import MEASURES
from flowkit.review.measures import History
from flowkit.review.period import Month
from flowkit.review.scorecard import Score, scorecard

if TYPE_CHECKING:
    from flowkit.tracking.tracker import Tracker

TREND_MONTHS = 6
# what the previous month is asked for: its headlines and the bottlenecks' rates
BEFORE = ("profile-completeness", "on-time", "cadence", "spot-checks", "outcomes", "pipeline")
BOTTLENECKS = 5  # the nodes with the most breaches the pack shows


@dataclass(frozen=True)
class Headline:
    key: str  # a measure id: profile_completeness, on_time, ...
    kind: str  # rate | money | count
    value: float | None
    previous: float | None
    target: float | None = None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class Trend:
    key: str
    kind: str  # rate | money | count
    values: tuple[float | None, ...]  # one per month of `Pack.months`, oldest first


@dataclass(frozen=True)
class Bottleneck:
    """A node with breaches this month, and what the process says about it."""

    process_id: str
    node: str
    name: str
    missed: int
    overdue: int
    settled: int
    rate: float | None
    previous: float | None
    trend: tuple[float | None, ...]  # its on-time rate per month of `Pack.months`
    pain_points: tuple[PainPoint, ...]

    @property
    def breaches(self) -> int:
        return self.missed + self.overdue


@dataclass(frozen=True)
class Pack:
    month: Month
    previous: Month
    months: tuple[str, ...]  # the trend months' labels, oldest first
    scope: str  # "" for everyone the person may see; else the team or people asked for
    owners: frozenset[str] | None
    made_at: datetime
    current: Mapping[str, Any]  # measure name -> its result for the month
    before: Mapping[str, Any]  # ... for the previous month
    headlines: tuple[Headline, ...]
    trends: tuple[Trend, ...]
    bottlenecks: tuple[Bottleneck, ...]
    scorecard: tuple[Score, ...]
    labels: Mapping[str, str]  # KPI labels as customers.yaml gives them


@dataclass(frozen=True)
class Summary:
    """The month at a glance (the team board's): the headline figures against the previous
    month and the per-person scorecard, without the trends and tables of the whole pack."""

    month: Month
    previous: Month
    headlines: tuple[Headline, ...]
    scorecard: tuple[Score, ...]
    labels: Mapping[str, str]


def summary(tracker: Tracker, month: Month) -> Summary:
    """The headlines and scorecard of `month` for the people the person acting may see."""
    shared: dict[str, Any] = {}
    earlier = month.previous()
    here, there = (
        History.of(tracker, one, None, month.until, shared, floor=earlier.since)
        for one in (month, earlier)
    )
    current = {name: MEASURES[name](here) for name in (*BEFORE, "conversion")}
    before = {name: MEASURES[name](there) for name in BEFORE}
    before["leads"] = m.lead_to_won(there)
    kpis, labels = _kpis(tracker)
    return Summary(month, earlier, _headlines(current, before, kpis), scorecard(here, kpis), labels)


def _kpis(tracker: Tracker) -> tuple[Any, dict[str, str]]:
    """The declared KPIs (None without) and their labels."""
    rules = tracker.definitions.customers
    kpis = rules.kpis if rules is not None else None
    labels = {k.id: k.label for k in kpis.measures if k.label} if kpis is not None else {}
    return kpis, labels


def build_pack(
    tracker: Tracker,
    month: Month,
    now: datetime,
    owners: Iterable[str] | None = None,
    scope: str = "",
) -> Pack:
    """The pack of `month` for the people the person acting may see (`owners`: only these)."""
    asked = tuple(owners) if owners is not None else None
    shared: dict[str, Any] = {}  # reads and work the months share
    months = month.back(TREND_MONTHS)
    histories = [
        History.of(tracker, one, asked, month.until, shared, floor=months[0].since)
        for one in months
    ]
    here, there = histories[-1], histories[-2]
    current = {name: found(here) for name, found in MEASURES.items()}
    before = {name: MEASURES[name](there) for name in BEFORE}
    before["leads"] = m.lead_to_won(there)
    trend_rows = [
        _trend_measures(h, current if h is here else before if h is there else None)
        for h in histories
    ]
    kpis, labels = _kpis(tracker)
    return Pack(
        month=month,
        previous=there.month,
        months=tuple(h.month.label for h in histories),
        scope=scope,
        owners=here.owners,
        made_at=now,
        current=current,
        before=before,
        headlines=_headlines(current, before, kpis),
        trends=_trends(trend_rows),
        bottlenecks=_bottlenecks(here, current["on-time"], before["on-time"], trend_rows),
        scorecard=scorecard(here, kpis),
        labels=labels,
    )


def _trend_measures(h: History, known: Mapping[str, Any] | None) -> dict[str, Any]:
    """The measures the trends need, for one month (those already computed reused)."""
    names = ("on-time", "cadence", "outcomes", "profile-completeness", "pipeline")
    if known is not None:
        return {n: known[n] for n in names}
    return {n: MEASURES[n](h) for n in names}


def _headlines(
    current: Mapping[str, Any], before: Mapping[str, Any], kpis: Any
) -> tuple[Headline, ...]:
    def target(key: str) -> float | None:
        return kpis.target(key) if kpis is not None else None

    def pair(name: str, read: Any) -> tuple[Any, Any]:
        return read(current[name]), read(before[name])

    rows = [
        ("profile_completeness", "rate", pair("profile-completeness", lambda c: c.overall.rate)),
        ("on_time", "rate", pair("on-time", lambda o: o.overall.rate)),
        ("cadence", "rate", pair("cadence", lambda c: c.overall.rate)),
        ("spot_checks", "rate", pair("spot-checks", _pass_rate)),
        ("won", "count", pair("outcomes", lambda o: float(o.overall.won))),
        ("won_value", "money", pair("outcomes", lambda o: o.overall.won_value)),
        ("lost", "count", pair("outcomes", lambda o: float(o.overall.lost))),
        ("win_rate", "rate", pair("outcomes", lambda o: o.overall.win_rate)),
        ("lead_to_won", "rate", (current["conversion"].lead_to_won, _rate(before["leads"]))),
        ("pipeline", "money", pair("pipeline", lambda p: p.value)),
        ("forecast", "money", pair("pipeline", lambda p: p.weighted)),
    ]
    return tuple(Headline(key, kind, now, then, target(key)) for key, kind, (now, then) in rows)


def _rate(counts: tuple[int, int]) -> float | None:
    leads, won = counts
    return won / leads if leads else None


def _pass_rate(lines: tuple[m.Rate, ...]) -> float | None:
    checked = sum(r.total for r in lines)
    return sum(r.done for r in lines) / checked if checked else None


def _trends(rows: list[dict[str, Any]]) -> tuple[Trend, ...]:
    def values(read: Any) -> tuple[float | None, ...]:
        return tuple(read(row) for row in rows)

    return (
        Trend(
            "profile_completeness", "rate", values(lambda r: r["profile-completeness"].overall.rate)
        ),
        Trend("on_time", "rate", values(lambda r: r["on-time"].overall.rate)),
        Trend("cadence", "rate", values(lambda r: r["cadence"].overall.rate)),
        Trend("win_rate", "rate", values(lambda r: r["outcomes"].overall.win_rate)),
        Trend("won_value", "money", values(lambda r: r["outcomes"].overall.won_value)),
        Trend("pipeline", "money", values(lambda r: r["pipeline"].value)),
    )


def _bottlenecks(
    h: History, now: m.OnTime, then: m.OnTime, rows: list[dict[str, Any]]
) -> tuple[Bottleneck, ...]:
    """The nodes with the most breaches (late and still overdue) this month, worst first."""
    earlier = {r.key: r.rate for r in then.nodes}
    found = []
    for line in now.nodes:
        if not line.total - line.done + line.extra:
            continue
        process_id, _, node = line.key.partition("/")
        process = h.process(process_id)
        declared = process.node_by_id.get(node) if process is not None else None
        trend = tuple(_rate_of(row["on-time"], line.key) for row in rows)
        found.append(
            Bottleneck(
                process_id,
                node,
                line.name,
                line.total - line.done,
                line.extra,
                line.total,
                line.rate,
                earlier.get(line.key),
                trend,
                declared.pain_points if declared is not None else (),
            )
        )
    found.sort(key=lambda b: (-b.breaches, b.rate if b.rate is not None else 2.0, b.node))
    return tuple(found[:BOTTLENECKS])


def _rate_of(on_time: m.OnTime, key: str) -> float | None:
    return next((r.rate for r in on_time.nodes if r.key == key), None)
