"""Importing workbooks as sales teams really write them (issue 11, items 5-11): annotated
headers, sheets with their own names, names instead of ids, merged cells, extra columns,
their own follow-up methods and dates, customers named by a variant of their name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from flowkit.cli import main
from tests.sheets import BASIC, FOLLOW_UPS, GRADING, customers_sheet, workbook

ROOT = Path(__file__).resolve().parents[2]
BEICHEN = ["北辰科技有限公司", "制造业", "赵强", "采购经理", "13812345678", "li.lei"]
TRACKING = ["商机名称", "客户名称", "当前阶段", "负责人", "客户规模"]
HUADONG = ["华东电子有限公司", "电子", "钱敏", "总经理", "13900001111", "han.meimei"]


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")

    def invoke(*args: str, now: str = "2026-11-02T10:00") -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        return CliRunner().invoke(main, [*base, "--now", now, *args], catch_exceptions=False)

    return invoke


def _customers(run: Any) -> list[str]:
    listed = run("customer", "list", "--format", "csv").output.splitlines()[1:]
    return sorted(line.split(",")[1] for line in listed)


# ---- 5: the template's own annotated headers ----------------------------------------------


def test_the_templates_annotated_headers_are_read(run: Any, tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "客户档案.xlsx",
        {
            "客户基础信息表": customers_sheet(BEICHEN),
            "客户分级分类表": [
                GRADING,
                ["北辰科技有限公司", "B级", "制造业/中价值/高潜力", "x", "y"],
            ],
        },
    )
    result = run("customer", "import", str(book))
    assert result.exit_code == 0, result.output
    assert "1 grades" in result.output
    assert "B" in run("customer", "show", "C00001").output


def test_full_width_annotations_are_read_too(run: Any, tmp_path: Path) -> None:
    header = ["客户名称（公司全称）", "所属行业（大类）", "负责人"]
    book = workbook(
        tmp_path / "c.xlsx", {"客户": [header, ["北辰科技有限公司", "制造业", "li.lei"]]}
    )
    result = run("customer", "import", str(book))
    assert result.exit_code == 0, result.output
    assert _customers(run) == ["北辰科技有限公司"]


def test_the_tracking_tables_annotated_headers_are_read(run: Any, tmp_path: Path) -> None:
    header = [*TRACKING[:3], "关键动作(下一步)", "负责人", "风险预警(是/否)", "客户规模"]
    row = ["华东CRM", "北辰科技", "商机跟进", "上门演示", "li.lei", "是", "大型企业"]
    book = workbook(tmp_path / "跟踪表.xlsx", {"跟踪": [header, row]})
    result = run("import", str(book), "--process", "standard-sales")
    assert result.exit_code == 0, result.output
    listed = run("list", "--format", "csv").output
    assert "上门演示" in listed


# ---- 7: sheets named as the team names them ------------------------------------------------


def test_sheets_are_matched_by_their_header_and_each_is_accounted_for(
    run: Any, tmp_path: Path
) -> None:
    book = workbook(
        tmp_path / "客户档案.xlsx",
        {
            "说明": [["本表由销售部维护"], ["每周五更新"]],
            "客户": customers_sheet(BEICHEN),
            "跟进记录": [
                ["2023年跟进记录"],
                FOLLOW_UPS,
                ["北辰科技有限公司", "2023-11-03", "电话", "确认预算", "li.lei"],
            ],
            "客户分级": [GRADING, ["北辰科技有限公司", "B级", "", "", ""]],
            "备用": [],
        },
    )
    result = run("customer", "import", str(book))
    assert result.exit_code == 0, result.output
    assert "1 follow-ups, 1 grades" in result.output
    assert result.output.splitlines()[1:6] == [
        "  skipped sheet 说明: no header row naming 客户名称 in its first 5 rows",
        "  read sheet 客户 as 客户基础信息表",
        "  read sheet 跟进记录 as 客户跟进记录表",
        "  read sheet 客户分级 as 客户分级分类表",
        "  skipped sheet 备用: it is empty",
    ]
    assert "确认预算" in run("customer", "show", "C00001").output


def test_two_unnamed_sheets_of_one_table_are_refused_and_a_copy_is_skipped(
    run: Any, tmp_path: Path
) -> None:
    two = workbook(
        tmp_path / "two.xlsx",
        {"2023客户": customers_sheet(BEICHEN), "2024客户": customers_sheet(HUADONG)},
    )
    refused = run("customer", "import", str(two))
    assert refused.exit_code == 2
    assert "sheets 2023客户, 2024客户 each hold 客户基础信息表" in refused.output
    copy = workbook(
        tmp_path / "copy.xlsx",
        {"客户基础信息表": customers_sheet(BEICHEN), "备份": customers_sheet(HUADONG)},
    )
    result = run("customer", "import", str(copy))
    assert result.exit_code == 0, result.output
    assert "  skipped sheet 备份: a second 客户基础信息表; sheet 客户基础信息表 is read" in (
        result.output
    )
    assert _customers(run) == ["北辰科技有限公司"]


def test_a_workbook_without_a_customer_table_says_what_each_sheet_was(
    run: Any, tmp_path: Path
) -> None:
    book = workbook(
        tmp_path / "f.xlsx",
        {
            "说明": [["说明"]],
            "跟进": [FOLLOW_UPS, ["北辰科技", "2023-11-03", "电话", "x", "li.lei"]],
        },
    )
    refused = run("customer", "import", str(book))
    assert refused.exit_code == 2
    assert "f.xlsx holds no 客户基础信息表 (customer table)" in refused.output
    assert "read sheet 跟进 as 客户跟进记录表" in refused.output


# ---- 8: merged cells ------------------------------------------------------------------------


def test_a_customer_merged_over_its_contact_rows_is_one_customer(run: Any, tmp_path: Path) -> None:
    second = [None, None, "孙丽", "技术总监", "13700002222", None]
    book = workbook(
        tmp_path / "客户档案.xlsx",
        {"客户基础信息表": customers_sheet(BEICHEN, second, HUADONG)},
        merged={"客户基础信息表": ["A3:A4", "B3:B4", "F3:F4"]},  # rows 3-4: 北辰's two contacts
    )
    result = run("customer", "import", str(book))
    assert result.exit_code == 0, result.output
    assert _customers(run) == ["北辰科技有限公司", "华东电子有限公司"]
    shown = run("customer", "show", "C00001").output
    assert "赵强" in shown and "孙丽" in shown


def test_a_merged_customer_name_in_the_tracking_table(run: Any, tmp_path: Path) -> None:
    rows = [
        TRACKING,
        ["MES一期", "北辰科技", "商机跟进", "li.lei", "大型企业"],
        ["MES二期", None, "线索获取", "li.lei", "大型企业"],
    ]
    book = workbook(tmp_path / "跟踪表.xlsx", {"跟踪": rows}, merged={"跟踪": ["B2:B3"]})
    result = run("import", str(book), "--process", "standard-sales")
    assert result.exit_code == 0, result.output
    assert run("list", "--format", "csv").output.count("北辰科技") == 2


def _grouped(tmp_path: Path, sub: str = "手机") -> Path:
    """客户基础信息表 as the template lays it out: a title, then a header of two rows — 联系人
    over 姓名, 职务 and a phone column, the other headers merged down over both rows."""
    rows = [
        ["客户基础信息表（2023）"],
        ["客户名称", "所属行业", "联系人", None, None, "负责人"],
        [None, None, "姓名", "职务", sub, None],
        BEICHEN,
        HUADONG,
    ]
    merged = ["A1:F1", "A2:A3", "B2:B3", "C2:E2", "F2:F3"]
    return workbook(tmp_path / "客户档案.xlsx", {"客户名单": rows}, merged={"客户名单": merged})


def test_a_header_of_two_rows_is_read_by_its_groups(run: Any, tmp_path: Path) -> None:
    result = run("customer", "import", str(_grouped(tmp_path)))
    assert result.exit_code == 0, result.output
    assert _customers(run) == ["北辰科技有限公司", "华东电子有限公司"]
    shown = json.loads(run("customer", "show", "C00001", "--format", "json").output)
    (contact,) = shown["customer"]["contacts"]
    assert (contact["name"], contact["title"], contact["mobile"]) == (
        "赵强",
        "采购经理",
        "13812345678",
    )
    assert shown["customer"]["industry"] == "制造业" and shown["customer"]["owner"] == "li.lei"


def test_an_unknown_column_under_a_group_is_named_by_its_lower_row(
    run: Any, tmp_path: Path
) -> None:
    refused = run("customer", "import", str(_grouped(tmp_path, sub="微信号")))
    assert refused.exit_code == 2
    assert "sheet 客户名单, row 3, column E: unknown column '微信号'" in refused.output
    left_out = run("customer", "import", str(_grouped(tmp_path, sub="微信号")),
                   "--ignore-column", "微信号")  # fmt: skip
    assert left_out.exit_code == 0, left_out.output
    assert "ignored column 微信号 (sheet 客户名单, column E)" in left_out.output


def test_the_tracking_tables_header_of_two_rows(run: Any, tmp_path: Path) -> None:
    rows = [
        ["商机名称", "客户", None, "当前阶段", "负责人"],
        [None, "名称", "规模", None, None],  # 客户名称, 客户规模
        ["MES一期", "北辰科技", "大型企业", "商机跟进", "li.lei"],
    ]
    merged = ["A1:A2", "B1:C1", "D1:D2", "E1:E2"]
    book = workbook(tmp_path / "跟踪表.xlsx", {"跟踪": rows}, merged={"跟踪": merged})
    result = run("import", str(book), "--process", "standard-sales")
    assert result.exit_code == 0, result.output
    listed = run("list", "--format", "json").output
    assert "北辰科技" in listed and "large" in listed


# ---- 9: a column the template lacks ---------------------------------------------------------


def _with_source(tmp_path: Path) -> Path:
    header = [*BASIC, "客户来源"]
    return workbook(
        tmp_path / "客户档案.xlsx",
        {"客户": customers_sheet([*BEICHEN, "展会"], [*HUADONG, "官网"], header=header)},
    )


def test_an_extra_column_is_refused_saying_how_to_keep_or_leave_it(
    run: Any, tmp_path: Path
) -> None:
    refused = run("customer", "import", str(_with_source(tmp_path)))
    assert refused.exit_code == 2
    assert "sheet 客户, row 2, column G: unknown column '客户来源'" in refused.output
    assert "--ignore-column 客户来源" in refused.output
    assert "label: 客户来源" in refused.output  # declare it as a field of customers.yaml


def test_an_extra_column_is_left_out_by_name_and_said(run: Any, tmp_path: Path) -> None:
    result = run("customer", "import", str(_with_source(tmp_path)), "--ignore-column", "客户来源")
    assert result.exit_code == 0, result.output
    assert "  ignored column 客户来源 (sheet 客户, column G)" in result.output
    assert _customers(run) == ["北辰科技有限公司", "华东电子有限公司"]


def test_an_extra_column_declared_as_a_field_is_kept(
    run: Any, processes: Path, tmp_path: Path
) -> None:
    rules = processes / "customers.yaml"
    text = rules.read_text("utf-8")
    rules.write_text(
        text.replace("fields:\n", "fields:\n  source: {type: string, label: 客户来源}\n", 1),
        "utf-8",
    )
    result = run("customer", "import", str(_with_source(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "展会" in run("customer", "show", "C00001").output


def test_a_field_columns_bad_value_is_named_by_its_cell(run: Any, tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "c.xlsx",
        {"客户": [["客户名称", "负责人", "年度预算"], ["北辰科技有限公司", "li.lei", "很多"]]},
    )
    refused = run("customer", "import", str(book))
    assert refused.exit_code == 2
    assert "sheet 客户, row 2, column C (年度预算):" in refused.output


def test_the_tracking_table_leaves_out_a_column_by_name(run: Any, tmp_path: Path) -> None:
    rows = [[*TRACKING, "备注"], ["MES一期", "北辰科技", "商机跟进", "li.lei", "大型企业", "急"]]
    book = workbook(tmp_path / "跟踪表.xlsx", {"跟踪": rows})
    refused = run("import", str(book), "--process", "standard-sales")
    assert refused.exit_code == 2 and "--ignore-column 备注" in refused.output
    result = run("import", str(book), "--process", "standard-sales", "--ignore-column", "备注")
    assert result.exit_code == 0, result.output
    assert "  ignored column 备注 (column F)" in result.output


# ---- 6: people by name ------------------------------------------------------------------------

TWINS = """
  - {id: zhao.liu, name: 赵六, lanes: [consultant], team: east-1, manager: wang.fang}
  - {id: wang.wei, name: 王伟, lanes: [consultant], team: east-1, manager: wang.fang}
  - {id: wang.wei2, name: 王伟, lanes: [consultant], team: south-2, manager: chen.jing}
"""


@pytest.fixture
def named(run: Any, processes: Path) -> Any:
    """`run` with 赵六 and two people named 王伟 in org.yaml."""
    org = processes / "org.yaml"
    org.write_text(org.read_text("utf-8") + TWINS, "utf-8")
    return run


def test_a_name_one_person_has_reads_as_that_person(named: Any, tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "客户档案.xlsx",
        {
            "客户": customers_sheet([*BEICHEN[:5], "赵六"], [*HUADONG[:5], "韩梅梅"]),
            "跟进": [FOLLOW_UPS, ["北辰科技有限公司", "2023-11-03", "电话", "报价", "李雷"]],
        },
    )
    result = named("customer", "import", str(book))
    assert result.exit_code == 0, result.output
    for person, customer in (("zhao.liu", "北辰科技有限公司"), ("han.meimei", "华东电子有限公司")):
        assert customer in named("customer", "list", "--owner", person).output
    assert '"owner":"li.lei"' in named("customer", "show", "C00001", "--format", "json").output


def test_an_ambiguous_or_unknown_name_is_named_by_sheet_row_and_column(
    named: Any, tmp_path: Path
) -> None:
    book = workbook(
        tmp_path / "客户档案.xlsx",
        {"客户": customers_sheet([*BEICHEN[:5], "王伟"], [*HUADONG[:5], "赵六六"])},
    )
    refused = named("customer", "import", str(book))
    assert refused.exit_code == 2
    assert (
        "sheet 客户, row 3, column F (负责人): '王伟' is the name of 2 people in org.yaml "
        "(wang.wei, wang.wei2): write the id" in refused.output
    )
    assert (
        "sheet 客户, row 4, column F (负责人): '赵六六' is not a person in org.yaml "
        "(by id or name); did you mean '赵六'?" in refused.output
    )


def test_the_tracking_tables_owner_by_name(named: Any, tmp_path: Path) -> None:
    rows = [TRACKING, ["MES一期", "北辰科技", "商机跟进", "赵六", "大型企业"]]
    book = workbook(tmp_path / "跟踪表.xlsx", {"跟踪": rows})
    result = named("import", str(book), "--process", "standard-sales")
    assert result.exit_code == 0, result.output
    assert "MES一期" in named("list", "--owner", "zhao.liu").output


# ---- 10: the team's own follow-up methods and dates without a year ----------------------------


def _follow_ups(tmp_path: Path, *rows: list[Any]) -> Path:
    return workbook(
        tmp_path / "客户档案.xlsx",
        {"客户": customers_sheet(BEICHEN), "跟进记录": [FOLLOW_UPS, *rows]},
    )


def test_a_method_the_rules_declare_is_read_and_shown_by_its_name(run: Any, tmp_path: Path) -> None:
    book = _follow_ups(
        tmp_path,
        ["北辰科技有限公司", "2023-11-03", "微信", "发送方案", "li.lei"],
        ["北辰科技有限公司", "2023-11-05", "企业微信", "确认收到", "li.lei"],
    )
    result = run("customer", "import", str(book))
    assert result.exit_code == 0, result.output
    assert "2 follow-ups" in result.output
    shown = run("customer", "show", "C00001").output
    assert " 微信 发送方案 " in shown and " 微信 确认收到 " in shown
    assert (
        run("customer", "log", "C00001", "--method", "wechat", "--content", "约拜访").exit_code == 0
    )
    out = tmp_path / "导出.xlsx"
    assert run("customer", "export", str(out)).exit_code == 0
    methods = [row[2] for row in load_workbook(out)["客户跟进记录表"].iter_rows(values_only=True)]
    assert methods[1:] == ["微信", "微信", "微信"]


def test_a_method_is_typed_as_the_team_says_it_and_shown_by_its_label(run: Any) -> None:
    """`log` takes a method by its id or as the tables write it (微信, 电话), on an
    opportunity and on a customer; `flowkit show` names a declared one by its label."""
    start = ("start", "standard-sales", "--name", "MES", "--customer", "北辰科技",
             "--owner", "li.lei", "--field", "segment=large")  # fmt: skip
    assert run(*start).exit_code == 0
    for method in ("微信", "电话", "wechat"):
        logged = run("log", "1", "--method", method, "--content", f"{method}沟通", "--by", "sun.li")
        assert logged.exit_code == 0, logged.output
    history = run("show", "1").output
    assert "方式=微信, 内容=微信沟通" in history and "方式=电话, 内容=电话沟通" in history
    assert "方式=微信, 内容=wechat沟通" in history and "=wechat," not in history
    data = json.loads(run("show", "1", "--format", "json").output)["history"]
    assert [e["data"]["method"] for e in data if e["kind"] == "follow_up"] == [
        "wechat",
        "phone",
        "wechat",
    ]  # stored by id, whatever was typed
    assert run("customer", "add", "北辰科技有限公司", "--owner", "li.lei").exit_code == 0
    logged = run("customer", "log", "C00001", "--method", "企业微信", "--content", "约拜访")
    assert logged.exit_code == 0, logged.output
    assert " 微信 约拜访 " in run("customer", "show", "C00001").output
    unknown = run("log", "1", "--method", "短信", "--content", "x", "--by", "sun.li")
    assert unknown.exit_code == 2 and "not '短信'" in unknown.output


def test_an_undeclared_method_is_named_by_its_cell(run: Any, tmp_path: Path) -> None:
    book = _follow_ups(tmp_path, ["北辰科技有限公司", "2023-11-03", "短信", "发送方案", "li.lei"])
    refused = run("customer", "import", str(book))
    assert refused.exit_code == 2
    assert "sheet 跟进记录, row 2, column C (跟进方式): '短信' is not a follow-up method" in (
        refused.output
    )
    assert "微信" in refused.output  # the rules' methods are listed


def test_a_date_without_a_year_takes_year_or_is_named_by_its_cell(run: Any, tmp_path: Path) -> None:
    book = _follow_ups(tmp_path, ["北辰科技有限公司", "11月3日", "电话", "确认预算", "li.lei"])
    refused = run("customer", "import", str(book))
    assert refused.exit_code == 2
    assert (
        "sheet 跟进记录, row 2, column B (跟进日期): '11月3日' has no year: pass --year YEAR"
        in refused.output
    )
    result = run("customer", "import", str(book), "--year", "2023")
    assert result.exit_code == 0, result.output
    assert "2023-11-03 00:00 电话 确认预算" in run("customer", "show", "C00001").output


# ---- 11: customers named by a variant of their name ------------------------------------------


def test_a_follow_up_naming_a_variant_of_the_customers_name_is_matched(
    run: Any, tmp_path: Path
) -> None:
    book = workbook(
        tmp_path / "客户档案.xlsx",
        {
            "客户": customers_sheet(BEICHEN, HUADONG),
            "跟进": [
                FOLLOW_UPS,
                ["北辰科技", "2023-11-03", "电话", "确认预算", "li.lei"],
                ["华东电子 ", "2023-11-04", "邮件", "发送报价", "han.meimei"],
            ],
            "分级": [GRADING, ["北辰科技", "A级", "", "", ""]],
        },
    )
    result = run("customer", "import", str(book))
    assert result.exit_code == 0, result.output
    assert "2 follow-ups, 1 grades" in result.output
    assert "确认预算" in run("customer", "show", "C00001").output
    assert "发送报价" in run("customer", "show", "C00002").output


def test_a_row_naming_no_customer_is_named_with_a_guess(run: Any, tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "客户档案.xlsx",
        {
            "客户": customers_sheet(BEICHEN),
            "跟进": [
                FOLLOW_UPS,
                ["北辰科技", "2023-11-03", "电话", "确认预算", "li.lei"],
                ["南辰科技有限公司", "2023-11-04", "电话", "回访", "li.lei"],
            ],
            "分级": [GRADING, ["西辰物流", "A级", "", "", ""]],
        },
    )
    refused = run("customer", "import", str(book))
    assert refused.exit_code == 2, refused.output
    assert "row(s) name no customer, or more than one; nothing was imported" in refused.output
    assert (
        "sheet 跟进, row 3, column A (客户名称): no customer '南辰科技有限公司' in the file or "
        "on record; did you mean '北辰科技有限公司'?" in refused.output
    )
    assert "sheet 分级, row 2, column A (客户名称): no customer '西辰物流'" in refused.output
    assert _customers(run) == []  # nothing was imported


# ---- day-one clarity --------------------------------------------------------------------------


def test_an_import_says_what_the_rules_require_and_no_profile_holds(
    run: Any, tmp_path: Path
) -> None:
    book = workbook(tmp_path / "客户档案.xlsx", {"客户": customers_sheet(BEICHEN, HUADONG)})
    result = run("customer", "import", str(book))
    assert result.exit_code == 0, result.output
    assert (
        "  customers.yaml requires what no imported profile holds: "
        "企业规模 (size, column 客户规模分类), 员工数 (employees, column 企业规模(员工数/营收)), "
        "注册地址 (address, column 注册地址), 首次接触时间 (first_contact, column 首次接触时间), "
        "需求关键词 (keywords, column 需求关键词), "
        "年度预算 (annual_budget, column 年度预算 / 扩展字段), "
        "决策链 (decision_chain, column 决策链 / 扩展字段); each profile counts as incomplete "
        "by them until they are filled (customer check)" in result.output
    )
    assert "所属行业 (industry" not in result.output and "(contacts" not in result.output


def test_an_import_says_which_grades_the_rules_would_change_and_writes_none(
    run: Any, tmp_path: Path
) -> None:
    book = workbook(
        tmp_path / "客户档案.xlsx",
        {
            "客户": customers_sheet(BEICHEN, HUADONG),
            "分级": [GRADING, ["北辰科技有限公司", "A级", "", "", ""]],
        },
    )
    result = run("customer", "import", str(book))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-3:] == [
        "  the rules would change 2 grades (customer grade --apply writes them):",
        "    C00001 北辰科技有限公司: A → C",
        "    C00002 华东电子有限公司: - → C",
    ]
    assert ",A," in run("customer", "list", "--format", "csv").output  # as the file says
    assert "2 of 2 grades changed" in run("customer", "grade", "--apply").output


def test_the_tracking_table_is_found_under_its_title_in_any_sheet(run: Any, tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "跟踪表.xlsx",
        {
            "说明": [["每周一更新"]],
            "华东": [
                ["2024年销售节点进度跟踪表"],
                TRACKING,
                ["MES一期", "北辰科技", "商机跟进", "li.lei", "大型企业"],
            ],
            "华南": [TRACKING, ["仓储方案", "华南物流", "线索获取", "huang.lei", "中小企业"]],
        },
    )
    result = run("import", str(book), "--process", "standard-sales")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "imported 2 opportunities (2 standard-sales)",
        "  skipped sheet 说明: no header row naming 商机名称, 客户名称, 负责人 in its first 5 rows",
        "  read sheet 华东",
        "  read sheet 华南",
        "  new: MES一期 · 北辰科技 · li.lei · 商机跟进",
        "  new: 仓储方案 · 华南物流 · huang.lei · 线索获取",
    ]
    bad = workbook(
        tmp_path / "bad.xlsx",
        {
            "华东": [["标题"], TRACKING, ["MES一期", "北辰科技", "不存在", "li.lei", "大型企业"]],
            "x": [],
        },
    )
    refused = run("import", str(bad), "--process", "standard-sales")
    assert (
        "bad.xlsx, sheet 华东: row 3, column C (当前阶段): '不存在' is no stage" in refused.output
    )
