"""SLA semantics on real calendars: business days across holidays, anchors, cadences."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flowkit.store import StatusFilter
from flowkit.tracking import Definitions, Tracker, show, status
from tests.conftest import cst


def _by(tracker: Tracker, lane: str) -> str | None:
    people: Any = tracker.people
    return None if people is None else next(p.id for p in people.people_in(lane))


def _owner(tracker: Tracker) -> str:
    return _by(tracker, "consultant") or "li.lei"


def _to_contract_signing(tracker: Tracker, at: str, now: str) -> int:
    """An opportunity that reaches 合同签订 (3个工作日内, warn 80%) at `at`."""
    instance = tracker.start(
        "standard-sales",
        name="CRM",
        customer="宏达",
        owner=_owner(tracker),
        now=cst(now),
        at=cst(at),
        fields={"segment": "large", "amount": "280000"},
    )
    for lane, outcome in (("marketing", None), ("consultant", "有效"), ("consultant", "达成意向")):
        tracker.advance(instance, now=cst(now), at=cst(at), outcome=outcome, by=_by(tracker, lane))
    return instance


def test_business_days_skip_national_day_and_count_the_make_up_saturday(
    tracker: Tracker,
) -> None:
    instance = _to_contract_signing(tracker, "2025-09-30T16:00", "2025-10-20T09:00")
    view = show(tracker, instance)
    timer = next(t for t in view.timers if t.node == "contract_signing")
    # 9/30 16-18h (2h), 10/1-10/8 holiday, 10/9 and 10/10 (18h), Saturday 10/11 is a
    # make-up working day (调休): 7 more hours -> 16:00.
    assert timer.due_at == cst("2025-10-11T16:00")
    why = "\n".join(timer.why)
    assert "国庆节" in why and "2025-10-11" in why


def test_status_lists_the_breach_with_business_and_clock_lateness(tracker: Tracker) -> None:
    _to_contract_signing(tracker, "2025-09-30T16:00", "2025-10-20T09:00")
    result = status(tracker, cst("2025-10-13T10:00"), StatusFilter(), now=cst("2025-10-20T09:00"))
    (alert,) = [a for a in result.alerts if a.node == "contract_signing"]
    assert alert.breached and alert.due_at == cst("2025-10-11T16:00")
    assert alert.late_clock.total_seconds() == (42 * 3600)  # Sat 16:00 -> Mon 10:00
    assert alert.late_business.total_seconds() == 3 * 3600  # Sat 16-18h, Mon 9-10h


def test_anchored_deadline_waits_for_its_event(tracker: Tracker) -> None:
    instance = _to_contract_signing(tracker, "2026-11-02T09:00", "2026-11-27T10:00")
    for lane, at in (("manager", "2026-11-02T10:00"), ("legal", "2026-11-03T10:00")):
        tracker.advance(instance, now=cst("2026-11-27T10:00"), at=cst(at), by=_by(tracker, lane))
    for lane, at in (("consultant", "2026-11-04T10:00"), ("service", "2026-11-05T10:00")):
        tracker.advance(instance, now=cst("2026-11-27T10:00"), at=cst(at), by=_by(tracker, lane))
    timer = next(t for t in show(tracker, instance).timers if t.node == "collection")
    assert timer.due_at is None and timer.anchor == "delivered"  # 交付后30天内
    shown = show(tracker, instance, now=cst("2026-11-27T10:00"))  # as `flowkit show` asks
    assert [t.due_at for t in shown.timers if t.node == "collection"] == [None]
    tracker.record_event(instance, "交付", now=cst("2026-11-27T10:00"), at=cst("2026-11-06T10:00"))
    timer = next(t for t in show(tracker, instance).timers if t.node == "collection")
    assert timer.due_at == cst("2026-12-06T10:00")
    assert timer.warn_at == cst("2026-12-01T10:00")  # 提前5天


def _at_followup(tracker: Tracker, at: str, now: str) -> int:
    instance = tracker.start(
        "standard-sales",
        name="CRM",
        customer="宏达",
        owner=_owner(tracker),
        now=cst(now),
        at=cst(at),
        fields={"segment": "sme", "amount": "280000"},
    )
    for lane, outcome in (("marketing", None), ("consultant", "有效")):
        tracker.advance(instance, now=cst(now), at=cst(at), outcome=outcome, by=_by(tracker, lane))
    return instance


def test_a_week_short_of_visits_is_a_cadence_breach_a_late_record_clears(
    tracker: Tracker,
) -> None:
    now = "2026-11-27T10:00"
    instance = _at_followup(tracker, "2026-11-16T09:00", now)  # 每周2次上门拜访
    tracker.log(
        instance, method="visit", content="上门拜访", now=cst(now), at=cst("2026-11-17T10:00")
    )
    tracker.log(instance, method="phone", content="电话", now=cst(now), at=cst("2026-11-18T10:00"))
    # week 1 (11-16 09:00 .. 11-23 09:00) had one visit: breached at 11-24
    breached = status(tracker, cst("2026-11-24T09:00"), StatusFilter(), now=cst("2026-11-24T09:00"))
    (alert,) = [a for a in breached.alerts if a.instance_id == instance]
    assert alert.breached and (alert.done, alert.required) == (1, 2)
    # the visit of 11-20 is recorded late, with its real time: the week is met after all
    tracker.log(
        instance, method="visit", content="再次拜访", now=cst(now), at=cst("2026-11-20T15:00")
    )
    after = status(tracker, cst(now), StatusFilter(), now=cst(now))
    assert not [a for a in after.alerts if a.instance_id == instance and a.breached]
    states = [t.state for t in show(tracker, instance).timers if t.node == "opportunity_followup"]
    assert states == ["met", "running"]


def test_override_by_field_changes_the_sla(tracker: Tracker) -> None:
    now = "2026-11-27T10:00"
    instance = tracker.start(
        "standard-sales",
        name="小单",
        customer="个体户",
        owner=_owner(tracker),
        now=cst(now),
        at=cst("2026-11-02T09:00"),
        fields={"segment": "individual", "amount": "5000"},
    )
    for lane, outcome in (("marketing", None), ("consultant", "有效")):
        by = _by(tracker, lane)
        tracker.advance(instance, now=cst(now), at=cst("2026-11-02T09:00"), outcome=outcome, by=by)
    timers = [t for t in show(tracker, instance).timers if t.node == "opportunity_followup"]
    (deadline,) = [t for t in timers if t.kind == "deadline"]  # the override adds within 14天
    assert deadline.sla == "小客户缩短跟进周期" and deadline.due_at == cst("2026-11-16T09:00")
    assert {t.kind for t in timers} == {"deadline", "cadence"}  # the cadence it leaves alone


def test_a_new_follow_up_catches_up_on_a_short_week(tracker: Tracker) -> None:
    now = "2026-11-27T10:00"
    instance = _at_followup(tracker, "2026-11-16T09:00", now)
    before = status(tracker, cst(now), StatusFilter(), now=cst(now))
    # week 1 ended short: breached; week 2, untouched so far, is past its warning: at risk
    assert [a.breached for a in before.alerts if a.instance_id == instance] == [True, False]
    tracker.log(instance, method="visit", content="上门拜访", now=cst(now))
    after = status(tracker, cst(now), StatusFilter(), now=cst(now))
    (alert,) = [a for a in after.alerts if a.instance_id == instance]
    assert not alert.breached and (alert.done, alert.required) == (1, 2)  # this week: at risk
    phone = _at_followup(tracker, "2026-11-16T09:00", now)
    tracker.log(phone, method="phone", content="电话", now=cst(now))  # not a visit
    still = status(tracker, cst(now), StatusFilter(), now=cst(now))
    assert [a.breached for a in still.alerts if a.instance_id == phone] == [True, False]


def test_leaving_a_node_behind_on_its_cadence_leaves_no_breach(lead_tracker: Tracker) -> None:
    tracker = lead_tracker  # a per-lead 每日更新 at 线索获取
    now = cst("2026-11-27T10:00")
    instance = tracker.start(
        "standard-sales",
        name="CRM",
        customer="宏达",
        owner=_owner(tracker),
        now=now,
        at=cst("2026-11-23T09:00"),
        fields={"segment": "large", "amount": "280000"},
    )  # 线索获取: 每日更新, nothing logged for two days
    tracker.advance(instance, now=now, at=cst("2026-11-25T10:00"), by=_by(tracker, "marketing"))
    states = [t.state for t in show(tracker, instance).timers if t.node == "lead_capture"]
    assert states == ["missed", "missed", "stopped"]
    late = status(tracker, now, StatusFilter(), now=now).alerts
    assert [a.node for a in late if a.instance_id == instance] == ["lead_screening"]


def test_a_met_week_then_silence_is_a_breach_with_nothing_recorded_since(
    tracker: Tracker,
) -> None:
    instance = _at_followup(tracker, "2026-11-16T09:00", "2026-11-16T09:00")  # 每周2次上门拜访
    for at in ("2026-11-17T10:00", "2026-11-18T10:00"):  # week 1 met, then nobody visits
        tracker.log(instance, method="visit", content="上门拜访", now=cst(at), at=cst(at))

    def weeks(as_of: str) -> list[tuple[str, bool, int]]:
        found = status(tracker, cst(as_of), StatusFilter(), now=cst(as_of)).alerts
        return [
            (a.due_at.isoformat(), a.breached, a.done) for a in found if a.instance_id == instance
        ]

    assert weeks("2026-11-22T12:00") == []  # week 1 met
    assert weeks("2026-11-28T12:00") == [("2026-11-30T09:00:00+08:00", False, 0)]  # at risk
    # week 2 ended short: one breach, due at its end; weeks 3 and 4 add no second line
    # until week 4 passes its warning
    assert weeks("2026-12-10T12:00") == [("2026-11-30T09:00:00+08:00", True, 0)]
    shown = show(tracker, instance, now=cst("2026-12-10T12:00")).timers
    cadence = [t.state for t in shown if t.node == "opportunity_followup" and t.kind == "cadence"]
    assert cadence == ["met", "late", "missed", "running"]  # as the next command stores them


def test_a_date_based_deadline_falls_on_the_next_working_day(
    tracker: Tracker, processes: Path
) -> None:
    """次日12点前 on 线索初筛: entered on the Friday before 春节 2026, due at noon on the
    调休 Saturday; the explanation names T and the working day counted."""
    path = processes / "standard-sales.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("      within: 24小时内\n", "      within: 次日12点前\n"), "utf-8")
    tracker.definitions = Definitions.load([processes])
    instance = tracker.start(
        "standard-sales",
        name="CRM",
        customer="宏达",
        owner=_owner(tracker),
        now=cst("2026-02-13T17:00"),
        fields={"segment": "large"},
    )
    tracker.advance(instance, now=cst("2026-02-13T17:00"), by=_by(tracker, "marketing"))
    (timer,) = [t for t in show(tracker, instance).timers if t.node == "lead_screening"]
    assert (timer.due_at, timer.warn_at) == (cst("2026-02-14T12:00"), cst("2026-02-14T08:00"))
    assert (
        "  2026-02-14 周六：第1个工作日（补班：春节调休 Spring Festival make-up day）" in timer.why
    )
    now = cst("2026-02-14T12:30")
    result = status(tracker, now, StatusFilter(), now=now)
    (alert,) = [a for a in result.alerts if a.node == "lead_screening"]
    assert alert.breached and alert.late_business == timedelta(minutes=30)


def test_a_weekly_cadence_owes_nothing_over_the_spring_festival(tracker: Tracker) -> None:
    """每周2次上门拜访 entered Friday 2026-02-13 10:00: 1 d 14 h before 春节 (2/15–2/23), the
    other 5 d 10 h after it; nothing is late over the holiday, as a 7-day week would be."""
    now = "2026-02-24T09:00"
    instance = _at_followup(tracker, "2026-02-13T10:00", now)
    (week,) = [t for t in show(tracker, instance).timers if t.node == "opportunity_followup"]
    assert week.due_at == cst("2026-03-01T10:00")
    late = status(tracker, cst(now), StatusFilter(), now=cst(now))
    assert not [a for a in late.alerts if a.instance_id == instance and a.breached]


def test_at_the_due_instant_a_deadline_is_on_time(tracker: Tracker) -> None:
    """Completing at the due instant is met; so the status at that instant is not "late by
    0 minutes": it is at risk with nothing left, and breached one second later (issue 16)."""
    now = "2025-10-20T09:00"
    instance = _to_contract_signing(tracker, "2025-09-30T16:00", now)  # due 10-11 16:00
    due = cst("2025-10-11T16:00")
    (line,) = [
        a for a in status(tracker, due, StatusFilter(), now=due).alerts if a.instance_id == instance
    ]
    assert (line.breached, line.late_clock) == (False, timedelta(0))
    later = due + timedelta(seconds=1)
    (late,) = [
        a
        for a in status(tracker, later, StatusFilter(), now=later).alerts
        if a.instance_id == instance
    ]
    assert late.breached
    tracker.advance(instance, now=cst(now), at=due, by=_by(tracker, "manager"))
    (signing,) = [t for t in show(tracker, instance).timers if t.node == "contract_signing"]
    assert signing.state == "met"


def test_the_explanation_after_a_pause_ends_at_the_due_date_shown(tracker: Tracker) -> None:
    """3个工作日 from 2025-09-30 16:00 is due 10-11 16:00; paused 10-09 10:00 to 10-10 10:00
    (9 h of working time), it is due 10-13 16:00, and the explanation says so (issue 16)."""
    now = "2025-10-20T09:00"
    instance = _to_contract_signing(tracker, "2025-09-30T16:00", "2025-10-09T09:00")
    tracker.pause(instance, "客户内部审批", now=cst(now), at=cst("2025-10-09T10:00"))
    paused = next(t for t in show(tracker, instance).timers if t.node == "contract_signing")
    assert paused.why[-1] == "截止：2025-10-11 周六 16:00（UTC+08:00）"
    assert paused.why[-2] == "暂停自 2025-10-09 周四 10:00（UTC+08:00）：恢复前计时停止"
    tracker.resume(instance, now=cst(now), at=cst("2025-10-10T10:00"))
    timer = next(t for t in show(tracker, instance).timers if t.node == "contract_signing")
    assert timer.due_at == cst("2025-10-13T16:00")
    assert timer.why[-2:] == (
        "暂停 2025-10-09 周四 10:00（UTC+08:00）至 2025-10-10 周五 10:00（UTC+08:00）："
        "截止时间由 2025-10-11 周六 16:00（UTC+08:00）顺延至 2025-10-13 周一 16:00（UTC+08:00）",
        "截止：2025-10-13 周一 16:00（UTC+08:00）",
    )


def test_show_tells_the_explanation_in_the_zone_asked(tracker: Tracker) -> None:
    from zoneinfo import ZoneInfo

    instance = _to_contract_signing(tracker, "2025-09-30T16:00", "2025-10-20T09:00")
    view = show(tracker, instance, lang="en", tz=ZoneInfo("America/New_York"))
    timer = next(t for t in view.timers if t.node == "contract_signing")
    assert timer.why[-1] == "Due: 2025-10-11 Sat 04:00 (UTC-04:00)"
