"""Planning, a pure function: who is told what and when, through which channel, in which
words; from a snapshot made here (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

from flowkit.model.notify import Channel, Secret
from flowkit.notify.planning import plan
from flowkit.notify.records import Snapshot, Weekly
from flowkit.output.notices import Context, compose
from flowkit.tracking.views import Alert
from flowkit.validate import load_org
from tests.conftest import ROOT, cst
from tests.notify.helpers import config, hook, rule
from tests.notify.test_channels import _line

ORG = load_org(ROOT / "processes")
WECOM = Channel("east", "wecom", url=Secret("env:WECOM_URL"))
MAIL = Channel("mail", "email", host="smtp.example.com", sender="f@example.com")
THURSDAY = cst("2026-12-03T10:00")


def _snapshot(*lines: Alert, at: str = "2026-12-04T13:00", **extra: object) -> Snapshot:
    now = cst(at)
    today = now.date()
    monday = today - timedelta(days=today.weekday())
    return Snapshot(
        now=now,
        lines=lines,
        today=today,
        clock=now.time().replace(tzinfo=None),
        workday=today.weekday() < 5,
        week=f"{today.isocalendar()[0]}-W{today.isocalendar()[1]:02d}",
        weekdays={d: monday + timedelta(days=d) for d in range(5)},
        **extra,  # type: ignore[arg-type]
    )


def _risk(owner: str = "li.lei") -> Alert:
    line = _line(owner)
    return line._replace(
        breached=False, late_clock=-timedelta(hours=3), late_business=-timedelta(hours=3)
    )


def test_a_breach_tells_the_owner_through_the_team_group_mentioning_them() -> None:
    cfg = config(rule("breach"), channels=(WECOM,), teams={"east-1": "east"})
    (delivery,) = plan(_snapshot(_line()), cfg, ORG, set()).deliveries
    assert (delivery.channel, delivery.audience, delivery.recipients) == (
        "east", "group:east", ("li.lei",),
    )  # fmt: skip


def test_escalation_levels_follow_the_manager_chain_by_working_time() -> None:
    cfg = config(rule("breach", escalate=("4个工作小时", "1个工作日"), via=("hook",)))
    late = _line()  # 4 working hours late
    found = plan(_snapshot(late), cfg, ORG, set())
    told = sorted((n.level, n.recipient) for d in found.deliveries for n in d.notices)
    assert told == [(0, "li.lei"), (1, "wang.fang")]
    not_yet = late._replace(late_business=timedelta(hours=3, minutes=59))
    told = sorted(
        (n.level, n.recipient)
        for d in plan(_snapshot(not_yet), cfg, ORG, set()).deliveries
        for n in d.notices
    )
    assert told == [(0, "li.lei")]
    a_day = late._replace(late_business=late.day_length)
    told = sorted(
        (n.level, n.recipient)
        for d in plan(_snapshot(a_day), cfg, ORG, set()).deliveries
        for n in d.notices
    )
    assert told == [(0, "li.lei"), (1, "wang.fang"), (2, "liu.yang")]


def test_what_the_ledger_settled_is_planned_no_more() -> None:
    cfg = config(rule("breach", escalate=("4个工作小时",), via=("hook",)))
    first = plan(_snapshot(_line()), cfg, ORG, set())
    keys = {n.key for d in first.deliveries for n in d.notices}
    again = plan(_snapshot(_line()), cfg, ORG, keys)
    assert again.deliveries == () and again.settled == 2


def test_at_risk_reminds_before_the_deadline_and_breach_rules_do_not() -> None:
    cfg = config(rule("breach", via=("hook",)), rule("at-risk", via=("hook",)))
    (delivery,) = plan(_snapshot(_risk()), cfg, ORG, set()).deliveries
    assert [n.kind for n in delivery.notices] == ["at-risk"]


def test_rules_cover_their_process_nodes_and_lanes_only() -> None:
    cfg = config(rule("breach", nodes=("legal_review",), via=("hook",)))
    assert plan(_snapshot(_line()), cfg, ORG, set()).deliveries == ()
    cfg = config(rule("breach", lanes=("consultant",), via=("hook",)))
    assert plan(_snapshot(_line()), cfg, ORG, set()).deliveries == ()  # 合同签订 is a manager's


def test_the_daily_digest_goes_on_working_days_from_its_time_once_per_person() -> None:
    cfg = config(rule("daily", at=time(9, 0), via=("mail",)), channels=(MAIL,))
    lines = (_line(), _line(instance=13), _risk("han.meimei"))
    found = plan(_snapshot(*lines, at="2026-12-04T09:30"), cfg, ORG, set())
    assert {d.audience: len(d.notices[0].items) for d in found.deliveries} == {
        "li.lei": 2,
        "han.meimei": 1,
    }
    assert {n.subject for d in found.deliveries for n in d.notices} == {"daily|daily|2026-12-04"}
    assert plan(_snapshot(*lines, at="2026-12-04T08:59"), cfg, ORG, set()).deliveries == ()
    saturday = replace(_snapshot(*lines, at="2026-12-05T10:00"), workday=False)
    assert plan(saturday, cfg, ORG, set()).deliveries == ()


def test_the_weekly_digest_goes_to_each_team_manager_on_its_day() -> None:
    cfg = config(rule("weekly", at=time(9, 0), via=("mail",)), channels=(MAIL,))
    worst = (("C00001", "上海宏达", "li.lei", 60),)
    sample = (("C00002", "北辰科技", "han.meimei"),)
    week = Weekly("east-1", "华东一组", 2, 1, (_line(),), 10, 7, worst, "2026-W49", 0.2, 10, sample)
    monday = _snapshot(at="2026-12-07T09:05", weekly={"east-1": week})
    (delivery,) = plan(monday, cfg, ORG, set()).deliveries
    assert delivery.audience == "wang.fang" and delivery.notices[0].weekly == week
    tuesday = _snapshot(at="2026-12-08T09:05", weekly={"east-1": week})
    assert plan(tuesday, cfg, ORG, set()).deliveries == ()
    ctx = Context(ORG, cst("2026-12-07T09:00").tzinfo)  # type: ignore[arg-type]
    sections = compose(delivery, ctx, False).sections
    text = "\n".join(x.text for s in sections for b in s.blocks for x in b.lines)
    assert "档案完整性：10 份档案中 7 份完整，完整率 70%" in text
    assert "本周抽查 2026-W49：10 份档案中抽取 1 份（20%）" in text and "北辰科技" in text


def test_what_no_channel_can_carry_is_said_with_the_reason() -> None:
    cfg = config(
        rule("breach", escalate=("4个工作小时",)), channels=(WECOM,), teams={"east-1": "east"}
    )
    south = _line("huang.lei")
    found = plan(_snapshot(south), cfg, ORG, set())
    assert found.deliveries == ()
    assert {(u.recipient, u.reason) for u in found.unrouted} == {
        ("huang.lei", "no-group"),
        ("chen.jing", "no-group"),
    }
    gone = plan(_snapshot(_line("zhang.wei")), config(rule("breach", via=("hook",))), ORG, set())
    assert [(u.recipient, u.reason) for u in gone.unrouted] == [("zhang.wei", "inactive")]


def test_each_person_reads_their_own_language() -> None:
    org = replace(
        ORG,
        people=tuple(replace(p, language="en") if p.id == "wang.fang" else p for p in ORG.people),
    )
    cfg = config(rule("breach", escalate=("4个工作小时",), via=("hook",)))
    found = plan(_snapshot(_line()), cfg, org, set())
    assert {d.lang: d.recipients for d in found.deliveries} == {
        "en": ("wang.fang",),
        "zh-CN": ("li.lei",),
    }
    ctx = Context(org, THURSDAY.tzinfo)  # type: ignore[arg-type]
    english = next(d for d in found.deliveries if d.lang == "en")
    lines = [x.text for x in compose(english, ctx, False).sections[0].blocks[0].lines]
    assert lines[0] == "[Escalated, level 1] 华东区CRM升级 · 合同签订"
    assert lines[-1] == "Contact the owner, 李雷"


def test_a_group_message_shows_no_customer_contact_unless_the_rule_says_so() -> None:
    line = _line()
    key = "opportunity:12:contract_signing:deadline:2026-12-03T10:00:00Z"
    ctx = Context(ORG, THURSDAY.tzinfo, contacts={key: "张伟 13812345678"})  # type: ignore[arg-type]
    for contacts, shown in ((False, False), (True, True)):
        cfg = config(rule("breach", contacts=contacts), channels=(WECOM,), teams={"east-1": "east"})
        (delivery,) = plan(_snapshot(line), cfg, ORG, set()).deliveries
        text = str(compose(delivery, ctx, True))
        assert ("13812345678" in text) is shown


def test_ten_thousand_late_timers_of_two_hundred_people_are_a_few_hundred_messages() -> None:
    """The benchmark's shape at a tenth of its size: digests and folded lists, not one
    message per timer."""
    people = [p.id for p in ORG.people if p.active and p.team == "east-1"]
    lines = [_line(people[n % len(people)], n + 1) for n in range(1000)]
    cfg = config(rule("breach", via=("hook",)), channels=(hook(),))
    found = plan(_snapshot(*lines), cfg, ORG, set())
    assert len(found.deliveries) == len(people)
    assert sum(len(d.notices) for d in found.deliveries) == 1000
