"""Routines of a role (issue 16, item 5): 线索获取's 每日更新 is the marketing team's daily
update of the lead list, owed once a working day by each of its people, reported once per
person; never a "每日更新 (0/1)" line for each lead."""

from __future__ import annotations

from pathlib import Path

from flowkit.store import StatusFilter
from flowkit.tracking import Definitions, Tracker, show, status
from tests.conftest import cst


def _lead(tracker: Tracker, at: str, now: str, owner: str = "li.lei") -> int:
    return tracker.start(
        "standard-sales",
        name="线索",
        customer=f"客户{at}",
        owner=owner,
        now=cst(now),
        at=cst(at),
        fields={"segment": "sme"},
    )


def _routine_lines(tracker: Tracker, now: str, **where: object) -> list[tuple[str, str, int]]:
    found = status(tracker, cst(now), StatusFilter(**where), now=cst(now))  # type: ignore[arg-type]
    return [
        (a.owner, a.due_at.astimezone(cst(now).tzinfo).isoformat()[:16], a.done)
        for a in found.alerts
        if a.kind == "routine"
    ]


def test_a_lead_owes_no_daily_update_of_its_own(tracker: Tracker) -> None:
    lead = _lead(tracker, "2026-11-16T09:00", "2026-11-24T10:00")
    assert [t.node for t in show(tracker, lead).timers] == []  # 每日更新 is the team's
    now = cst("2026-11-24T10:00")
    assert not [a for a in status(tracker, now, StatusFilter(), now=now).alerts if a.instance_id]


def test_each_person_of_the_lane_is_reported_once(tracker: Tracker) -> None:
    """Three leads since Monday 11-16; zhou.jie works the list every working day up to
    Monday 11-23, sun.li never: one line for sun.li, overdue since the end of 11-16."""
    now = "2026-11-24T10:00"
    leads = [_lead(tracker, "2026-11-16T09:00", now) for _ in range(3)]
    for day in ("16", "17", "18", "19", "20", "23"):
        tracker.log(
            leads[0],
            method="phone",
            content="更新线索清单",
            now=cst(now),
            at=cst(f"2026-11-{day}T15:00"),
            by="zhou.jie",
        )
    assert _routine_lines(tracker, now) == [("sun.li", "2026-11-17T00:00", 0)]
    (line,) = [
        a
        for a in status(tracker, cst(now), StatusFilter(), now=cst(now)).alerts
        if a.kind == "routine"
    ]
    assert (line.node_name, line.lane_name, line.sla, line.breached) == (
        "线索获取",
        "市场专员",
        "每日更新",
        True,
    )
    assert line.late_business.total_seconds() == 5 * 9 * 3600 + 3600  # 11-17…11-23, 1 h today


def test_the_current_day_is_at_risk_after_the_close(tracker: Tracker) -> None:
    now = "2026-11-23T19:00"
    lead = _lead(tracker, "2026-11-23T09:00", now)
    tracker.advance(lead, now=cst(now), at=cst("2026-11-23T11:00"), by="zhou.jie")
    lines = status(tracker, cst(now), StatusFilter(), now=cst(now)).alerts
    assert [(a.owner, a.breached) for a in lines if a.kind == "routine"] == [("sun.li", False)]


def test_a_completion_or_delivery_by_the_person_counts(tracker: Tracker) -> None:
    now = "2026-11-24T10:00"
    lead = _lead(tracker, "2026-11-23T09:00", now)
    tracker.deliver(lead, "lead_list", now=cst(now), at=cst("2026-11-23T10:00"), by="sun.li")
    tracker.advance(lead, now=cst(now), at=cst("2026-11-23T11:00"), by="zhou.jie")
    assert _routine_lines(tracker, now) == []


def test_nobody_owes_the_daily_update_over_the_spring_festival(tracker: Tracker) -> None:
    """Worked on Friday 2026-02-13 and on the 调休 Saturday 2/14; 春节 2/15–2/23 owes
    nothing; on 2/24 nobody is late. Without Saturday's update, 2/14 is the day missed."""
    now = "2026-02-24T10:00"
    lead = _lead(tracker, "2026-02-13T09:00", now)
    for person in ("zhou.jie", "sun.li"):
        tracker.log(lead, method="other", content="更新", now=cst(now),
                    at=cst("2026-02-13T10:00"), by=person)  # fmt: skip
    tracker.log(lead, method="other", content="更新", now=cst(now),
                at=cst("2026-02-14T10:00"), by="zhou.jie")  # fmt: skip
    assert _routine_lines(tracker, now) == [("sun.li", "2026-02-15T00:00", 0)]


def test_status_filters_apply_to_routines(tracker: Tracker) -> None:
    now = "2026-11-24T10:00"
    _lead(tracker, "2026-11-16T09:00", now)
    assert {o for o, _, _ in _routine_lines(tracker, now)} == {"sun.li", "zhou.jie"}
    assert [o for o, _, _ in _routine_lines(tracker, now, owners=("sun.li",))] == ["sun.li"]
    assert _routine_lines(tracker, now, risk=True) == []  # a routine has no risk flag
    assert _routine_lines(tracker, now, process="complaint-handling") == []
    lanes = status(tracker, cst(now), StatusFilter(), now=cst(now), lanes=["consultant"])
    assert not [a for a in lanes.alerts if a.kind == "routine"]


def test_a_routine_of_each_owner(tracker: Tracker, processes: Path) -> None:
    """per: owner: once per period by each owner of leads at the node, counted from the
    work on their own leads (whoever records it)."""
    path = processes / "standard-sales.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("      per: lane  #", "      per: owner  #"), "utf-8")
    tracker.definitions = Definitions.load([processes])
    now = "2026-11-24T10:00"
    mine = _lead(tracker, "2026-11-23T09:00", now, owner="li.lei")
    _lead(tracker, "2026-11-23T09:00", now, owner="han.meimei")
    tracker.log(mine, method="phone", content="核实", now=cst(now),
                at=cst("2026-11-23T10:00"), by="zhou.jie")  # fmt: skip
    assert _routine_lines(tracker, now) == [("han.meimei", "2026-11-24T00:00", 0)]
