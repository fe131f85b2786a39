"""`flowkit demo`: a realistic, reproducible data set in a fresh database.

Opportunities are started over the last weeks and walked through their process with the
same API a person uses, each step taking a random share of its SLA window, so that at
`now` some are on time, some at risk, some breached, and some already won or lost. The
same seed and the same `now` give the same database.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flowkit.errors import InputError
from flowkit.messages import msg
from flowkit.model import Contact, Customer, CustomerRules, Field, Node, Process
from flowkit.store import InstanceRow, StatusFilter
from flowkit.tracking.tracker import Tracker

WEIGHTS = {"standard-sales": 6, "solution-sales": 3, "complaint-handling": 2}
COMPANIES = (
    "上海宏达机械",
    "杭州云帆科技",
    "苏州恒通物流",
    "南京金陵医药",
    "宁波港信贸易",
    "无锡华晟电子",
    "合肥新元教育",
    "温州瑞丰鞋业",
    "嘉兴嘉禾食品",
    "常州天宇新材料",
    "绍兴越秀纺织",
    "扬州广陵建工",
    "北京博远咨询",
    "深圳前海智联",
    "广州粤海餐饮",
    "成都蜀信软件",
    "武汉楚天汽配",
    "西安秦川仪表",
)
PROJECTS = (
    "CRM系统升级",
    "年度采购框架",
    "仓储管理方案",
    "数据中台建设",
    "售后服务外包",
    "设备更新",
    "营销自动化",
    "培训服务",
    "办公网络改造",
    "供应链协同平台",
)
FOLLOW_UPS = {  # what a consultant writes, by how it was done
    "visit": ("上门演示产品方案", "与采购部门沟通预算", "邀请客户参观样板项目", "技术交流会"),
    "phone": ("电话确认需求细节", "电话跟进报价反馈"),
    "email": ("发送报价说明邮件", "邮件发送行业报告"),
}


@dataclass(frozen=True)
class DemoResult:
    started: int
    open: int
    closed: int


def fill(tracker: Tracker, now: datetime, count: int = 300, seed: int = 7) -> DemoResult:
    """Start `count` opportunities dated before `now` and move them along."""
    with tracker.store.read() as tx:
        if tx.instances(StatusFilter(), limit=1):
            raise InputError(
                msg("the database already holds opportunities; the demo only fills a fresh one"),
                msg("point --db at a new file, e.g. flowkit --db demo.db demo"),
            )
    rnd = random.Random(seed)
    startable = [p for p in tracker.definitions.current.values() if p.start is not None]
    if not startable:
        raise InputError(msg("no process to run the demo on"))
    # the shipped Chinese processes when present (not their English example), else all
    processes = [p for p in startable if p.id in WEIGHTS] or startable
    weights = [WEIGHTS.get(p.id, 1) for p in processes]
    _customers(tracker, rnd, now)
    for i in range(count):
        process = rnd.choices(processes, weights)[0]
        _walk(tracker, process, rnd, now, i)
    with tracker.store.read() as tx:
        rows = tx.instances(StatusFilter())
    still = sum(r["state"] in ("open", "paused") for r in rows)
    return DemoResult(len(rows), still, len(rows) - still)


def _walk(tracker: Tracker, process: Process, rnd: random.Random, now: datetime, i: int) -> None:
    at = now - timedelta(days=rnd.uniform(0.2, 30), minutes=rnd.randrange(600))
    owner = _person(tracker, rnd, "consultant", process)
    name = f"{rnd.choice(PROJECTS)}-{i + 1:03d}"
    customer = rnd.choice(COMPANIES)
    with tracker.store.read() as tx:  # a customer on file is worked by its own owner
        owner = next((r["owner"] for r in tx.customers.matching(customer) if r["owner"]), owner)
    instance = tracker.start(
        process.id,
        name=name,
        customer=customer,
        owner=owner,
        now=now,
        at=at,
        fields={f.id: _value(f, rnd) for f in process.fields},
        expected_close=(now + timedelta(days=rnd.randrange(10, 120))).date(),
        next_action=rnd.choice([c for texts in FOLLOW_UPS.values() for c in texts]),
    )
    if rnd.random() < 0.1:
        tracker.set_risk(instance, True, note="客户预算可能冻结", now=now, at=at)
    for _ in range(40):
        row = _row(tracker, instance)
        if row["state"] != "open":
            return
        at_node = row["node"]
        assert at_node is not None, "an open opportunity is at a node"
        node = process.node_by_id[at_node]
        leave = max(row["node_entered_at"], at) + _step(node, rnd)
        for log_at in _follow_ups(node, row["node_entered_at"], rnd, min(leave, now)):
            delay = 30 if rnd.random() < 0.04 else rnd.choice((1, 2, 5))  # 30 hours: a late entry
            entered = min(log_at + timedelta(hours=delay), now)
            method, content = _follow_up(node, rnd)
            by = _recorder(tracker, node, owner)
            tracker.log(instance, method=method, content=content, now=entered, at=log_at, by=by)
        at = leave
        if at > now:
            return
        if rnd.random() < 0.03:
            tracker.close(instance, False, "no_need", now=now, at=at, note="客户需求取消")
            return
        outcome = _outcome(node, rnd)
        by = _person(tracker, rnd, node.lane, process) if node.lane else None
        tracker.advance(
            instance, now=now, at=at, outcome=outcome, by=by, mentor=_mentor(tracker, owner)
        )


INDUSTRY = (
    "制造业",
    "互联网",
    "物流",
    "医药",
    "贸易",
    "电子",
    "教育",
    "鞋业",
    "食品",
    "新材料",
    "纺织",
    "建筑",
    "咨询",
    "互联网",
    "餐饮",
    "软件",
    "汽配",
    "仪器仪表",
)


def _customers(tracker: Tracker, rnd: random.Random, now: datetime) -> None:
    """A profile per company, graded six weeks ago: some have had their monthly visit
    since, some have not (and show in `flowkit status`)."""
    book = tracker.customers
    if book is None:
        return
    since = now - timedelta(days=45)
    profiles = [
        Customer(
            id="",
            name=name,
            owner=_person(tracker, rnd, "consultant", None),
            industry=INDUSTRY[i],
            size=rnd.choice(("large", "sme", "sme", "individual")),
            employees=rnd.choice(("50-100人", "100-500人", "500-1000人", "1000人以上")),
            revenue_band=rnd.choice(("1000万-5000万", "5000万-1亿", "1亿-5亿")),
            address=name[:2] + "市",
            contacts=(
                Contact(
                    rnd.choice("张李王赵陈刘") + rnd.choice("伟芳娜敏静强"),
                    "采购经理",
                    f"139{rnd.randrange(10**8):08d}",
                ),
            ),
            first_contact=(since - timedelta(days=rnd.randrange(30, 400))).date(),
            keywords=(rnd.choice(PROJECTS),),
            values=_rule_values(book.rules, rnd),
        )
        for i, name in enumerate(COMPANIES)
    ]
    book.add(profiles, now=since)
    if book.rules.grades:
        book.grade(None, now=since, apply=True)


def _rule_values(rules: CustomerRules, rnd: random.Random) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in rules.fields:
        if field.type.kind == "enum":
            values[field.id] = rnd.choice(field.type.values)
        elif field.type.kind in ("number", "integer"):
            values[field.id] = rnd.choice((20, 60, 80, 150, 300)) * 10_000
    return values


def _step(node: Node, rnd: random.Random) -> timedelta:
    """How long a node takes: usually within its SLA, sometimes well over it."""
    hours = rnd.choice((6, 12, 24, 40, 70, 110)) * rnd.uniform(0.5, 1.4)
    if node.sla is not None and node.sla.cadence is not None:
        hours *= 4  # follow-up stages last weeks
    return timedelta(hours=hours)


def _follow_ups(
    node: Node, entered: datetime, rnd: random.Random, now: datetime
) -> Iterator[datetime]:
    if node.sla is None or node.sla.cadence is None:
        return
    at = entered
    while True:
        at += timedelta(hours=rnd.uniform(30, 110))
        if at >= now:
            return
        yield at


def _follow_up(node: Node, rnd: random.Random) -> tuple[str, str]:
    """A follow-up of the kind the node's cadence counts (上门拜访), now and then another."""
    wanted = node.sla.cadence.method if node.sla and node.sla.cadence else None
    method = wanted if wanted and rnd.random() < 0.85 else rnd.choice(list(FOLLOW_UPS))
    return method, rnd.choice(FOLLOW_UPS[method])


def _recorder(tracker: Tracker, node: Node, owner: str) -> str | None:
    """Who records a follow-up on `node`: the owner when the node is their lane's work, else
    the first person of its lane (only they may: `access.people.check_actor`)."""
    people = tracker.people
    if people is None or node.lane is None or people.can_act(owner, node.lane):
        return None
    able = sorted(p.id for p in people.people_in(node.lane))
    return able[0] if able else None


def _mentor(tracker: Tracker, owner: str) -> str | None:
    """A new hire's mentor, who signs the deals they win (None for everyone else)."""
    person = tracker.people.person(owner) if tracker.people is not None else None
    return person.mentor if person is not None else None


def _outcome(node: Node, rnd: random.Random) -> str | None:
    if node.route_kind != "outcomes":
        return None
    outcomes = node.outcomes
    weights = [0.75 if k == 0 else 0.25 / max(len(outcomes) - 1, 1) for k in range(len(outcomes))]
    return rnd.choices(outcomes, weights)[0]


def _person(tracker: Tracker, rnd: random.Random, lane: str | None, process: Process | None) -> str:
    people = tracker.people
    if people is None:
        return rnd.choice(("li.lei", "han.mei", "wang.fang"))
    able = [p.id for p in people.people_in(lane or "") if p.active] if lane else []
    able = able or [p.id for p in people.people if p.active]
    return str(rnd.choice(sorted(able)))


def _value(field: Field, rnd: random.Random) -> str:
    kind = field.type.kind
    if kind == "enum":
        return rnd.choice(field.type.values)
    if kind in ("number", "integer"):
        if "discount" in field.id:
            return str(rnd.choice((5, 8, 10, 12, 18, 20)))
        return str(rnd.randrange(20, 900) * 1000)
    if kind == "boolean":
        return rnd.choice(("true", "false"))
    return ""


def _row(tracker: Tracker, instance: int) -> InstanceRow:
    with tracker.store.read() as tx:
        row = tx.instance(instance)
    assert row is not None
    return row
