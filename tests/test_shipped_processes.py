"""The shipped processes hold the template's tables in full, and mean what the template says."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowkit.lang.expr import evaluate
from flowkit.lang.sla import Cadence, Deadline, Duration
from flowkit.model import Process
from flowkit.validate import load_process, validate_paths

PROCESSES = Path(__file__).resolve().parent.parent / "processes"

# 销售业务流程梳理表, as the issue quotes it: stage, role, action, output, time, pain, improvement
TEMPLATE_ROWS = [
    (
        "线索获取",
        "市场专员",
        "通过展会/官网收集客户信息",
        "线索信息清单",
        "每日更新",
        "线索重复率高",
        "引入线索去重机制",
    ),
    (
        "线索初筛",
        "销售顾问",
        "电话沟通验证需求真实性",
        "线索评估表",
        "24小时内",
        "联系方式无效",
        "增加线索信息核验步骤",
    ),
    (
        "商机跟进",
        "销售顾问",
        "每周2次上门拜访,提供解决方案",
        "客户跟进记录",
        "持续进行",
        "客户需求不明确",
        "引入需求调研问卷",
    ),
    (
        "合同签订",
        "销售经理",
        "确认条款,提交法务审核",
        "合同审批单",
        "3个工作日内",
        "审批流程冗长",
        "授权销售经理审批小额合同",
    ),
    (
        "售后回款",
        "客服专员+财务",
        "跟踪交付进度,催收款项",
        "回款跟踪表",
        "交付后30天内",
        "客户对交付质量不满",
        "增加交付前客户确认环节",
    ),
]


@pytest.fixture(scope="module")
def standard() -> Process:
    return load_process(PROCESSES / "standard-sales.yaml")


def test_all_shipped_processes_validate_clean_even_strict() -> None:
    report = validate_paths([PROCESSES])
    assert [(str(d.loc), d.code, d.message) for d in report.diagnostics] == []
    assert {p.id for p in report.processes} == {
        "standard-sales",
        "solution-sales",
        "complaint-handling",
        "standard-sales-en",
    }


@pytest.mark.parametrize("row", TEMPLATE_ROWS, ids=lambda r: r[0])
def test_every_template_row_is_in_the_standard_process(
    standard: Process, row: tuple[str, ...]
) -> None:
    stage, role, action, output, time, pain, improvement = row
    (node,) = [n for n in standard.nodes if n.name == stage]
    # the mapping table's 责任角色 is the lane, joined with its support lanes (客服专员+财务)
    lanes = [node.lane, *node.support]
    assert role == "+".join(standard.lane_by_id[lane].name for lane in lanes if lane)
    assert node.action == action
    assert output in [standard.document_by_id[d].name for d in node.outputs]
    assert node.sla is not None and node.sla.text.startswith(time)
    assert (pain, improvement) in [(p.problem, p.improvement) for p in node.pain_points]


def test_lead_capture_is_broken_into_its_smallest_steps(standard: Process) -> None:
    assert standard.node_by_id["lead_capture"].steps == ("渠道对接", "信息初筛", "录入系统")


def test_slas_mean_what_the_template_says(standard: Process) -> None:
    nodes = standard.node_by_id
    contract, collection, followup = (
        nodes["contract_signing"],
        nodes["collection"],
        nodes["opportunity_followup"],
    )
    assert contract.sla and contract.sla.deadline == Deadline(Duration(3, "day", business=True))
    assert collection.sla and collection.sla.deadline == Deadline(Duration(30, "day"), "交付")
    assert collection.sla.anchor and (collection.sla.anchor.kind, collection.sla.anchor.ref) == (
        "event",
        "delivered",
    )
    assert followup.sla and followup.sla.ongoing
    assert followup.sla.cadence == Cadence(2, "week", "visit")
    lead = nodes["lead_capture"]
    assert lead.sla and lead.sla.cadence == Cadence(1, "day")


def test_small_contracts_go_to_the_sales_manager(standard: Process) -> None:
    decision = standard.node_by_id["approval_route"]

    def route_for(values: dict[str, object]) -> str:
        for route in decision.routes:
            if route.default or (route.when and evaluate(route.when, values)):
                return route.to
        raise AssertionError("no route")

    assert route_for({"amount": 50_000, "segment": "sme"}) == "manager_approval"
    assert route_for({"amount": 500_000, "segment": "large"}) == "key_account_approval"
    assert route_for({"amount": 500_000, "segment": "sme"}) == "legal_review"


def test_segment_rules_shorten_small_customers_follow_up(standard: Process) -> None:
    sla = standard.node_by_id["opportunity_followup"].sla
    assert sla is not None
    small = [
        o
        for o in sla.overrides
        if o.when and evaluate(o.when, {"segment": "individual", "grade": "B"})
    ]
    assert small and small[0].deadline == Deadline(Duration(14, "day"))


def test_the_second_flow_shape_runs_in_order() -> None:
    process = load_process(PROCESSES / "solution-sales.yaml")
    names = [n.name for n in process.nodes]
    order = [names.index(s) for s in ("客户开发", "需求对接", "方案报价", "成交维护")]
    assert order == sorted(order)
    assert process.status == "pilot" and process.pilot_teams


def test_the_complaint_flow_is_linked_from_the_faq(standard: Process) -> None:
    complaint = load_process(PROCESSES / "complaint-handling.yaml")
    assert complaint.name == "客户投诉处理流程"
    assert "complaint-handling" in [f.process for f in standard.faq]


def test_the_english_example_parses_to_the_same_meanings(standard: Process) -> None:
    english = load_process(PROCESSES / "standard-sales.en.yaml")
    assert english.locale == "en"
    en_collect, zh_collect = (
        english.node_by_id["collection"].sla,
        standard.node_by_id["collection"].sla,
    )
    assert (
        en_collect
        and zh_collect
        and en_collect.anchor == type(en_collect.anchor)("delivered", "event", "delivered")
    )
    assert zh_collect.deadline and en_collect.deadline
    assert en_collect.deadline.within == zh_collect.deadline.within
    en_follow, zh_follow = (
        english.node_by_id["opportunity"].sla,
        standard.node_by_id["opportunity_followup"].sla,
    )
    assert en_follow and zh_follow and en_follow.cadence == zh_follow.cadence


def test_every_shipped_file_names_its_schema() -> None:
    for path in PROCESSES.glob("*.yaml"):
        first = path.read_text("utf-8").splitlines()[0]
        names = {"org.yaml": "org", "customers.yaml": "customers", "notify.yaml": "notify"}
        schema = names.get(path.name, "process")
        assert first == f"# yaml-language-server: $schema=../schemas/{schema}.schema.json", path
