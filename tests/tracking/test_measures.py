"""流程节点准时率: deadlines met on time per owner, team, process and node."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flowkit.tracking import Tracker, show
from flowkit.tracking.measures import on_time
from tests.conftest import cst

NOW = cst("2026-11-27T10:00")


def _lead(tracker: Tracker, owner: str, screened: str | None) -> int:
    """An opportunity entering 线索初筛 (24小时内) at 11-16 10:00, screened at `screened`."""
    people: Any = tracker.people
    marketing = next(p.id for p in people.people_in("marketing"))
    instance = tracker.start(
        "standard-sales",
        name="CRM",
        customer="宏达",
        owner=owner,
        now=NOW,
        at=cst("2026-11-16T09:00"),
        fields={"segment": "large", "amount": "280000"},
    )
    tracker.advance(instance, now=NOW, at=cst("2026-11-16T10:00"), by=marketing)
    if screened is not None:
        tracker.advance(instance, now=NOW, at=cst(screened), outcome="有效", by=owner)
    return instance


def test_met_late_and_still_overdue_deadlines_per_owner_and_node(tracker: Tracker) -> None:
    people: Any = tracker.people
    li, han = (p.id for p in people.people_in("consultant")[:2])
    _lead(tracker, li, "2026-11-16T15:00")  # on time
    _lead(tracker, li, "2026-11-20T15:00")  # late
    _lead(tracker, han, None)  # never screened: still overdue
    since, until = cst("2026-11-01T00:00"), NOW
    by_owner = {v.key: v for v in on_time(tracker, "owner", since, until)}
    lead = by_owner[li]
    assert (lead.met, lead.missed, lead.overdue, lead.rate) == (1, 1, 0, 0.5)
    assert (by_owner[han].met, by_owner[han].missed, by_owner[han].overdue) == (0, 0, 1)
    assert by_owner[han].rate is None  # nothing settled: no rate, not 0%
    (screening,) = [
        v for v in on_time(tracker, "node", since, until) if v.key.endswith("/lead_screening")
    ]
    assert screening.name == "标准销售流程 / 线索初筛"
    assert (screening.met, screening.missed, screening.overdue) == (1, 1, 1)
    assert on_time(tracker, "owner", since, cst("2026-11-16T12:00")) == []  # before any ended


def test_a_team_adds_up_its_people(tracker: Tracker) -> None:
    people: Any = tracker.people
    li = people.people_in("consultant")[0].id
    _lead(tracker, li, "2026-11-16T15:00")
    (team,) = on_time(tracker, "team", cst("2026-11-01T00:00"), NOW, owners=(li,))
    assert team.key == people.team_of(li).id and team.met == 1


def test_the_funnel_counts_who_entered_moved_on_closed_and_stays(tracker: Tracker) -> None:
    from flowkit.tracking.measures import funnel

    people: Any = tracker.people
    li = people.people_in("consultant")[0].id
    screened = _lead(tracker, li, "2026-11-16T15:00")  # now at 商机跟进
    _lead(tracker, li, None)  # still at 线索初筛
    dropped = _lead(tracker, li, None)
    tracker.close(dropped, False, "invalid_lead", now=NOW, at=cst("2026-11-17T10:00"))
    stages = {s.node: s for s in funnel(tracker, "standard-sales", cst("2026-11-01T00:00"), NOW)}
    screening = stages["lead_screening"]
    assert (screening.entered, screening.completed, screening.closed, screening.here) == (
        3,
        1,
        1,
        1,
    )
    assert screening.conversion == 1 / 3
    assert screening.median_time == timedelta(hours=5)  # entered 10:00, screened 15:00
    assert (stages["opportunity_followup"].entered, stages["opportunity_followup"].here) == (1, 1)
    assert stages["won"].conversion is None  # an end has no rate
    assert show(tracker, screened).node == "opportunity_followup"
