"""The customer commands through click: add, grade, status, Excel round trip, audits."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from flowkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
HONGDA = [
    "customer",
    "add",
    "上海宏达机械有限公司",
    "--industry",
    "制造业",
    "--size",
    "大型企业",
    "--employees",
    "500-1000人",
    "--revenue",
    "1亿-5亿",
    "--address",
    "上海市浦东新区",
    "--contact",
    "张伟,采购总监,13812345678,zhangwei@hongda.cn,决策人",
    "--owner",
    "li.lei",
    "--field",
    "annual_budget=1200000",
    "--field",
    "decision_chain=clear",
    "--field",
    "intent=strong",
    "--tag",
    "高预算",
    "--keywords",
    "生产管理软件、供应链优化",
    "--first-contact",
    "2026-10-15",
]


@pytest.fixture
def run(tmp_path: Path) -> Any:
    shutil.copytree(ROOT / "processes", tmp_path / "processes")

    def invoke(*args: str, now: str = "2026-11-02T10:00", db: str = "t.db") -> Result:
        base = ["--db", str(tmp_path / db), "--processes", str(tmp_path / "processes")]
        return CliRunner().invoke(main, [*base, "--now", now, *args], catch_exceptions=False)

    return invoke


def test_a_graded_customer_late_on_maintenance_shows_in_status(run: Any) -> None:
    assert run(*HONGDA).output == "added customer C00001 上海宏达机械有限公司\n"
    preview = run("customer", "grade", "--explain")
    assert "C00001 上海宏达机械有限公司: - → A" in preview.output
    assert "annual_budget (年度预算) = 1,200,000 > 1,000,000 ✓" in preview.output
    assert "would change" in preview.output
    assert "1 of 1 grades changed" in run("customer", "grade", "--apply").output
    late = run("status", "--format", "csv", now="2026-12-10T10:00")
    rows = list(csv.reader(io.StringIO(late.output)))
    assert rows[1][:3] == ["C00001", "客户维护（A级）", "上海宏达机械有限公司"]
    assert run("status", "--fail-on-breach", now="2026-12-10T10:00").exit_code == 1


def test_excel_round_trip_keeps_the_profile(run: Any, tmp_path: Path) -> None:
    run(*HONGDA)
    run("customer", "grade", "--apply")
    run("customer", "log", "C00001", "--method", "visit", "--content", "高层拜访")
    out = tmp_path / "客户档案.xlsx"
    assert run("customer", "export", str(out)).exit_code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["客户基础信息表", "客户跟进记录表", "客户分级分类表"]
    first = run("customer", "show", "C00001").output
    imported = run("customer", "import", str(out), db="other.db")
    assert imported.exit_code == 0, imported.output
    assert "imported 1 customers" in imported.output and "1 follow-ups, 1 grades" in imported.output
    again = run("customer", "show", "C00001", db="other.db").output
    assert again.splitlines()[:9] == first.splitlines()[:9]  # the whole profile, same words


def test_duplicates_are_reported_then_merged_on_request(run: Any, tmp_path: Path) -> None:
    run(*HONGDA)
    sheet = tmp_path / "新线索.csv"
    sheet.write_text(
        "客户名称,所属行业,联系人姓名,手机号码,负责人\n"
        "上海宏达机械,制造业,李娜,13900001111,li.lei\n"
        "杭州云帆科技有限公司,互联网,王芳,13812345678,li.lei\n",
        "utf-8-sig",
    )
    refused = run("customer", "import", str(sheet))
    assert refused.exit_code == 2 and "nothing was imported" in refused.output
    assert "名称相同" in refused.output and "手机相同: 13812345678" in refused.output
    merged = run("customer", "import", str(sheet), "--merge")
    assert merged.exit_code == 0, merged.output
    listed = run("customer", "list", "--format", "csv").output
    assert listed.count("\n") == 2  # header + the one merged profile
    contacts = run("customer", "show", "C00001").output
    assert "联系人: 李娜 13900001111" in contacts  # a new contact joins the profile
    assert "王芳" not in contacts  # the same mobile as 张伟: one contact, the record's name kept


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("customer", "tag", "C00001", "大客户"), "unknown tag 大客户"),
        (("customer", "edit", "C00001", "--contact", "李四,,12345"), "contact 李四"),
        (("customer", "edit", "C00001", "--stage", "好客户"), "好客户"),
        (("customer", "show", "C09999"), "no customer C09999"),
        (("customer", "add", "X", "--owner", "nobody"), "not a person in org.yaml"),
        (("audit", "sample", "--week", "2026-W60"), "not an ISO week"),
    ],
)
def test_bad_input_is_a_clear_error(run: Any, args: tuple[str, ...], message: str) -> None:
    run(*HONGDA)
    before = run("customer", "show", "C00001").output
    result = run(*args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert run("customer", "show", "C00001").output == before


def test_the_weekly_sample_is_reproducible_and_keeps_results(run: Any) -> None:
    run(*HONGDA)
    for i in range(9):
        run("customer", "add", f"客户{i}", "--owner", "li.lei" if i % 2 else "han.meimei")
    first = run("audit", "sample", "--week", "2026-W48", "--rate", "20%").output
    assert first.startswith("2026-W48 (all teams): 2 of 10")
    assert run("audit", "sample", "--week", "2026-W48", "--rate", "20%").output == first
    chosen = first.splitlines()[1].split()[0]
    done = run(
        "audit",
        "record",
        chosen,
        "--week",
        "2026-W48",
        "--problem",
        "--note",
        "跟进记录与实际不符",
        "--by",
        "wang.fang",
    )
    assert done.exit_code == 0, done.output
    assert "problem — 跟进记录与实际不符" in run("audit", "sample", "--week", "2026-W48").output
    assert run("audit", "sample", "--week", "2026-W49").output != first  # another week


def test_completeness_by_owner_and_by_customer(run: Any) -> None:
    run(*HONGDA)
    run("customer", "add", "杭州云帆科技", "--owner", "li.lei")
    rows = list(csv.reader(io.StringIO(run("customer", "check", "--format", "csv").output)))
    assert rows[0] == ["编号", "客户名称", "客户数", "完整档案", "档案完整率", "平均完整度"]
    assert rows[1][:5] == ["li.lei", "李雷", "2", "1", "50.0%"]
    detail = run("customer", "check", "--by", "customer", "--below", "100").output
    assert "杭州云帆科技" in detail and "注册地址" in detail and "上海宏达" not in detail


def test_the_history_names_who_changed_what(run: Any) -> None:
    run("--user", "wang.fang", *HONGDA)
    run("--user", "li.lei", "customer", "edit", "C00001", "--stage", "意向客户")
    history = run("customer", "show", "C00001").output.split("变更记录:")[1]
    assert "added (wang.fang)" in history
    assert "edited (li.lei) 客户阶段: potential → intent" in history
    unknown = run("--user", "nobody", "customer", "list")
    assert unknown.exit_code == 2 and "not a person in org.yaml" in unknown.output
