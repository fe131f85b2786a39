"""What a pass reads before it plans: the status at `now` (every breached and at-risk timer
of open opportunities and customers, as `flowkit status` lists them), the day on the
digests' calendar, the nodes' action standards and, when a weekly digest is due, each
team's week (profile completeness, the spot-check sample)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from flowkit.model.notify import NotifyConfig
from flowkit.notify.records import NoticeKey, Snapshot, Weekly, item_key
from flowkit.tracking.views import Alert

if TYPE_CHECKING:
    from flowkit.calendar import Calendar
    from flowkit.tracking.tracker import Tracker

WORST = 5  # the most overdue timers a weekly digest names


def read(tracker: Tracker, config: NotifyConfig, now: datetime) -> Snapshot:
    """The status and the day at `now`, without the weekly facts (`with_weeks` adds them)."""
    from flowkit.store import StatusFilter
    from flowkit.tracking.alerting import status_lines

    found = status_lines(
        tracker,
        now,
        StatusFilter(states=("open",)),
        now=now,
        customers=tracker.definitions.customers,
    )
    cal = tracker.calendar(config.calendar)
    local = now.astimezone(cal.tz)
    today = local.date()
    return Snapshot(
        now=now,
        lines=found.lines,
        today=today,
        clock=local.time().replace(tzinfo=None),
        workday=cal.is_working_day(today),
        week=_iso_week(today),
        weekdays={day: weekday_date(cal, today, day) for day in range(7)},
        actions=actions(tracker, found.lines),
    )


def weekly_due(snapshot: Snapshot, config: NotifyConfig) -> list[str]:
    """The ids of the weekly rules due at this snapshot (their day, past their time)."""
    return [
        rule.id
        for rule in config.rules
        if rule.on == "weekly"
        and snapshot.weekdays.get(rule.day) == snapshot.today
        and rule.at is not None
        and snapshot.clock >= rule.at
    ]


def with_weeks(
    tracker: Tracker,
    config: NotifyConfig,
    snapshot: Snapshot,
    settled: Collection[NoticeKey],
    dry_run: bool,
) -> Snapshot:
    """The snapshot with each team's week, for the teams a due weekly digest has not been
    sent to yet through every channel of its rule (drawing the week's spot-check sample,
    stored unless `dry_run`)."""
    from dataclasses import replace

    due = [r for r in config.rules if r.id in weekly_due(snapshot, config)]
    org = tracker.people
    if not due or org is None:
        return snapshot
    done: dict[str, int] = {}
    for subject, _, _, _ in settled:
        done[subject] = done.get(subject, 0) + 1
    weeks: dict[str, Weekly] = {}
    for team in org.teams:
        if team.manager is None:
            continue
        wanted = [
            r for r in due if done.get(f"weekly|{r.id}|{snapshot.week}|{team.id}", 0) < len(r.via)
        ]
        if wanted:
            rate = max(r.sample for r in wanted)
            weeks[team.id] = team_week(tracker, team.id, team.name, snapshot, rate, dry_run)
    return replace(snapshot, weekly=weeks)


def team_week(
    tracker: Tracker, team: str, name: str, snapshot: Snapshot, rate: float, dry_run: bool
) -> Weekly:
    """One team's week: its breaches now, its profiles' completeness, the week's sample."""
    from flowkit.customers import audits
    from flowkit.store import CustomerFilter

    org = tracker.people
    members = tuple(org.members(team)) if org is not None else ()
    mine = [a for a in snapshot.lines if a.owner in members]
    breached = [a for a in mine if a.breached]
    worst = tuple(sorted(breached, key=lambda a: -a.late_clock)[:WORST])
    book = tracker.customers
    profiles: list[tuple[str, str, str, int]] = []
    population = 0
    sample: tuple[tuple[str, str, str], ...] = ()
    if book is not None and book.rules is not None:
        with tracker.store.read() as tx:
            rows = tx.customers.find(CustomerFilter(owners=members), summary=True)
        profiles = sorted(
            ((r["id"], r["name"], r["owner"], int(r["completeness"])) for r in rows),
            key=lambda p: (p[3], p[0]),
        )
        drawn = audits.sample(book, snapshot.week, team, rate, snapshot.now, dry_run=dry_run)
        population = drawn.population
        names = {p[0]: (p[1], p[2]) for p in profiles}
        sample = tuple(
            (r["customer_id"], *names.get(r["customer_id"], (r["customer_id"], "")))
            for r in drawn.rows
        )
    complete = sum(1 for p in profiles if p[3] >= 100)
    return Weekly(
        team=team,
        team_name=name,
        breached=len(breached),
        at_risk=len(mine) - len(breached),
        worst=worst,
        profiles=len(profiles),
        complete=complete,
        incomplete=tuple(p for p in profiles if p[3] < 100)[:WORST],
        week=snapshot.week,
        rate=rate,
        population=population,
        sample=sample,
    )


def actions(tracker: Tracker, lines: Iterable[Alert]) -> dict[tuple[str, str], str]:
    """The action standard (动作标准) of each node (by process id and node id, from the
    current processes) and each customer grade's maintenance (`("", "maintenance:A")`)."""
    found: dict[tuple[str, str], str] = {}
    current = tracker.definitions.current
    rules = tracker.definitions.customers
    for line in lines:
        if line.instance_id:
            key = (line.process_id, line.node)
            if key not in found:
                process = current.get(line.process_id)
                node = process.node_by_id.get(line.node) if process else None
                found[key] = node.action if node else ""
        elif line.node == "maintenance" and rules is not None:
            key = ("", f"maintenance:{line.grade}")
            if key not in found:
                kept = rules.maintenance_for(line.grade or None)
                found[key] = (kept.action or kept.text) if kept else ""
    return found


def contacts(tracker: Tracker, lines: Iterable[Alert]) -> dict[str, str]:
    """The customer's first contact person of each line (name and mobile), for rules that
    say `contacts: true`: read through the access rules, as `customer show` reads them."""
    from flowkit.customers import queries
    from flowkit.errors import FlowkitError

    book = tracker.customers
    found: dict[str, str] = {}
    if book is None:
        return found
    customer_of: dict[int, str | None] = {}
    for line in lines:
        customer_id = line.customer_id
        if not customer_id and line.instance_id:
            if line.instance_id not in customer_of:
                with tracker.store.read() as tx:
                    row = tx.instance(line.instance_id)
                customer_of[line.instance_id] = row["customer_id"] if row else None
            customer_id = customer_of[line.instance_id] or ""
        if not customer_id:
            continue
        try:
            view = queries.show(book, customer_id)
        except FlowkitError:
            continue
        people = [c for c in view.customer.contacts if c.name.strip()]
        if people:
            first = people[0]
            found[item_key(line)] = " ".join(
                x for x in (first.name, first.mobile or first.email) if x
            )
    return found


def weekday_date(cal: Calendar, today: date, weekday: int) -> date | None:
    """The day of today's ISO week a weekly digest for `weekday` goes out: that day, or the
    next working day of the same week when it is a day off (None: no working day left)."""
    monday = today - timedelta(days=today.weekday())
    for offset in range(weekday, 7):
        day = monday + timedelta(days=offset)
        if cal.is_working_day(day):
            return day
    return None


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
