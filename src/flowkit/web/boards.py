"""What the workbench (我的工作台) and the team board (团队看板) show, composed from the
library's own answers (status, funnel, on-time, completeness, the month's review), each
narrowed by the guard to what the person acting may see — a board never reads the store
itself."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from flowkit.customers import queries as customer_queries
from flowkit.customers.queries import Completeness
from flowkit.lang.times import zone
from flowkit.model.customer import CustomerRules
from flowkit.review.pack import Summary
from flowkit.review.period import Month
from flowkit.store import CustomerFilter, StatusFilter
from flowkit.tracking.alerting import status_lines
from flowkit.tracking.measures import funnel, on_time
from flowkit.tracking.tracker import Tracker
from flowkit.tracking.views import Alert, OnTime, Stage

BOARD_DAYS = 30  # the team board's funnel and on-time rates: the last 30 days
SHOWN = 30  # lines of each workbench section (the worst first; the count says how many)


@dataclass(frozen=True)
class Section:
    """The first `SHOWN` lines of a workbench section, and how many there are in all."""

    lines: tuple[Alert, ...]
    total: int

    @classmethod
    def of(cls, lines: list[Alert]) -> Section:
        return cls(tuple(lines[:SHOWN]), len(lines))


@dataclass(frozen=True)
class Workbench:
    as_of: datetime
    late: Section  # breached, worst first
    at_risk: Section  # not yet due, past the warning
    due_today: Section  # falls due before the end of today
    customers: Section  # profiles whose maintenance or follow-up entry is due


@dataclass(frozen=True)
class PersonLoad:
    person: str
    name: str
    breached: int
    at_risk: int


@dataclass(frozen=True)
class TeamBoard:
    as_of: datetime
    since: datetime
    people: tuple[PersonLoad, ...]  # most breaches first
    funnels: tuple[tuple[str, str, tuple[Stage, ...]], ...]  # process id, name, stages
    on_time: tuple[OnTime, ...]  # per person
    completeness: tuple[Completeness, ...]  # per person
    review: Summary  # the month's headlines and scorecard (the 复盘会's)


def customer_rules(tracker: Tracker) -> CustomerRules | None:
    """The rules whose customer timers a status lists beside the opportunities'."""
    return tracker.customers.rules if tracker.customers is not None else None


def end_of_day(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(zone()).date(), time.max, tzinfo=zone())


def workbench(tracker: Tracker, now: datetime) -> Workbench:
    """The person's own timers: late, at risk, due by the end of today, and their customers'."""
    me = (tracker.access.actor.id,)
    rules = customer_rules(tracker)
    found = status_lines(tracker, now, StatusFilter(owners=me), now=now, customers=rules)
    lines = list(found.lines)
    opportunity = [line for line in lines if not line.customer_id]
    later = status_lines(tracker, end_of_day(now), StatusFilter(owners=me), now=now, breached=True)
    late_now = {(line.instance_id, line.node, line.kind) for line in opportunity if line.breached}
    today = [
        line
        for line in later.lines
        if not line.customer_id and (line.instance_id, line.node, line.kind) not in late_now
    ]
    return Workbench(
        as_of=now,
        late=Section.of([line for line in opportunity if line.breached]),
        at_risk=Section.of([line for line in opportunity if not line.breached]),
        due_today=Section.of(sorted(today, key=lambda line: line.due_at)),
        customers=Section.of([line for line in lines if line.customer_id]),
    )


def review_month(now: datetime, asked: str | None) -> Month:
    """The month a board reviews: the one asked for (YYYY-MM), else the last whole month
    (a month still running has deadlines not yet due that its end would count overdue)."""
    from flowkit.review.period import month_of

    if asked:
        return month_of(asked, zone())
    local = now.astimezone(zone())
    return Month(local.date().replace(day=1), zone()).previous()


def team_board(tracker: Tracker, now: datetime, month: Month) -> TeamBoard:
    """The team's picture: who has what late, the funnels, on-time and completeness, and
    the headlines and scorecard of the review of `month`."""
    from flowkit.review.pack import summary

    since = now - timedelta(days=BOARD_DAYS)
    rules = customer_rules(tracker)
    found = status_lines(tracker, now, StatusFilter(), now=now, customers=rules)
    breached: Counter[str] = Counter()
    risky: Counter[str] = Counter()
    for line in found.lines:
        (breached if line.breached else risky)[line.owner] += 1
    visible = tracker.access.narrowed("status", None)
    people = visible if visible is not None else tuple(breached | risky)
    loads = sorted(
        (
            PersonLoad(p, tracker.person_name(p), breached[p], risky[p])
            for p in set(people) | set(breached) | set(risky)
        ),
        key=lambda load: (-load.breached, -load.at_risk, load.person),
    )
    funnels = tuple(
        (process.id, process.name, tuple(funnel(tracker, process.id, since, now)))
        for process in sorted(tracker.definitions.current.values(), key=lambda p: p.id)
    )
    completeness: list[Completeness] = []
    if tracker.customers is not None:
        completeness = customer_queries.check(tracker.customers, "owner", CustomerFilter())
    return TeamBoard(
        as_of=now,
        since=since,
        people=tuple(loads),
        funnels=funnels,
        on_time=tuple(on_time(tracker, "owner", since, now)),
        completeness=tuple(completeness),
        review=summary(tracker, month),
    )


def review_workbook(tracker: Tracker, month: Month, now: datetime, lang: str, folder: Path) -> Path:
    """The month's review pack as a workbook in `folder`, for the people the person acting
    may see: an export, so its 导出信息 says who took it and the audit log has it."""
    from flowkit.render.review import workbook
    from flowkit.review import exports
    from flowkit.review.pack import build_pack

    path = folder / f"review-{month.label}.xlsx"
    export = exports.begin(tracker, "review", f"web:{path.name}", month.label)
    rows = workbook(build_pack(tracker, month, now), lang, path, export.provenance)
    exports.finish(tracker, export, rows)
    return path
