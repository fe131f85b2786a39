"""The customer workbook's round trip: an export edited in Excel comes back as exactly the
edits made, a cleared cell included; an unchanged one writes nothing (issue 11)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from flowkit.cli import main
from tests.cli.test_customer_cli import HONGDA


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")

    def invoke(*args: str, now: str = "2026-11-02T10:00") -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        return CliRunner().invoke(main, [*base, "--now", now, *args], catch_exceptions=False)

    return invoke


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return list(connection.iterdump())


def _shown(run: Any) -> dict[str, Any]:
    result = run("customer", "show", "C00001", "--format", "json")
    shown: dict[str, Any] = json.loads(result.output)
    return shown


def _edit(path: Path, cells: dict[str, object], row: int = 2) -> None:
    """Cells of the customer sheet's `row` set by header, as a person does in Excel."""
    book = load_workbook(path)
    sheet = book["客户基础信息表"]
    header = [c.value for c in sheet[1]]
    for name, value in cells.items():
        sheet.cell(row=row, column=header.index(name) + 1).value = value  # None clears it
    book.save(path)


@pytest.fixture
def exported(run: Any, tmp_path: Path) -> Path:
    assert run(*HONGDA, "--pain-points", "老客户介绍").exit_code == 0
    path = tmp_path / "档案.xlsx"
    assert run("customer", "export", str(path)).exit_code == 0
    return path


def test_an_unchanged_export_writes_nothing(run: Any, exported: Path, tmp_path: Path) -> None:
    before = _dump(tmp_path / "t.db")
    same = run("customer", "import", str(exported), now="2026-11-03T10:00")
    assert same.exit_code == 0, same.output
    assert "0 profiles on file updated from their rows, 1 unchanged" in same.output
    assert _dump(tmp_path / "t.db") == before  # byte for byte: no row, no history line


def test_cleared_optional_cells_clear_their_fields_with_history(run: Any, exported: Path) -> None:
    before = _shown(run)
    assert before["customer"]["address"] and before["customer"]["pain_points"] == "老客户介绍"
    _edit(exported, {"注册地址": None, "客户痛点": None, "需求关键词": None, "首次接触时间": None})
    said = "  C00001 上海宏达机械有限公司: 注册地址、首次接触时间、需求关键词、痛点\n"
    dry = run("customer", "import", str(exported), "--dry-run")
    assert dry.exit_code == 0 and said in dry.output  # what would change, field by field
    back = run("--user", "wang.fang", "customer", "import", str(exported))
    assert back.exit_code == 0, back.output
    assert "1 profiles on file updated from their rows, 0 unchanged\n" + said in back.output
    after = _shown(run)["customer"]
    assert after["address"] == "" and after["pain_points"] == "" and after["keywords"] == []
    assert after["first_contact"] is None
    assert after["contacts"] == before["customer"]["contacts"]  # not touched: as exported
    assert after["industry"] == before["customer"]["industry"]
    line = _shown(run)["history"][-1]
    assert line["kind"] == "imported" and line["actor"] == "wang.fang"
    assert set(line["changes"]) == {"address", "pain_points", "keywords", "first_contact"}
    assert line["changes"]["pain_points"] == ["老客户介绍", ""]


def test_a_cleared_contact_and_field_are_cleared(run: Any, exported: Path) -> None:
    sheet = load_workbook(exported)["客户基础信息表"]
    header = [c.value for c in sheet[1]]
    _edit(exported, {h: None for h in ("联系人姓名", "职务", "手机号码", "邮箱", "联系人角色")})
    assert (
        sheet.cell(row=2, column=header.index("扩展字段") + 1).value
        == "annual_budget=1200000; decision_chain=clear; intent=strong"
    )
    _edit(exported, {"扩展字段": "annual_budget=1200000；decision_chain=clear"})
    back = run("customer", "import", str(exported))
    assert back.exit_code == 0, back.output
    after = _shown(run)["customer"]
    assert after["contacts"] == []
    assert "intent" not in after["values"] and after["values"]["annual_budget"] == 1200000


def test_a_cleared_required_cell_is_refused_by_its_cell(
    run: Any, exported: Path, tmp_path: Path
) -> None:
    before = _dump(tmp_path / "t.db")
    _edit(exported, {"负责人": None, "注册地址": "上海市闵行区"})
    back = run("customer", "import", str(exported), "--owner", "han.meimei")
    assert back.exit_code == 2
    assert "sheet 客户基础信息表, row 2, column" in back.output and "(负责人)" in back.output
    assert "C00001 上海宏达机械有限公司 cannot be without it (it is li.lei)" in back.output
    _edit(exported, {"负责人": "li.lei", "合作阶段": None})
    stage = run("customer", "import", str(exported))
    assert stage.exit_code == 2 and "(合作阶段): empty" in stage.output
    assert _dump(tmp_path / "t.db") == before


def test_a_file_without_a_column_leaves_its_field(run: Any, tmp_path: Path) -> None:
    assert run(*HONGDA).exit_code == 0
    sheet = tmp_path / "few.csv"
    sheet.write_text("客户编号,客户名称,所属行业\nC00001,上海宏达机械有限公司,\n", "utf-8-sig")
    before = _shown(run)["customer"]
    back = run("customer", "import", str(sheet))
    assert back.exit_code == 0, back.output
    after = _shown(run)["customer"]
    assert after["industry"] == ""  # its column is in the file, and cleared
    assert {k: v for k, v in after.items() if k != "industry"} == {
        k: v for k, v in before.items() if k != "industry"
    }


def test_two_profiles_kept_apart_come_back_apart(run: Any, tmp_path: Path) -> None:
    """Two companies on file sharing one mobile (a typo a person decided to keep apart, or
    `customer add --distinct`) are two profiles whose export comes back as two unchanged
    profiles, and an edit to one applies to that one: not one doubtful duplicate group."""
    assert run(*HONGDA).exit_code == 0
    twin = ("customer", "add", "华东电子（集团）有限公司", "--owner", "han.meimei",
            "--contact", "钱敏,总经理,13812345678", "--distinct")  # fmt: skip
    assert run(*twin).exit_code == 0
    path = tmp_path / "档案.xlsx"
    assert run("customer", "export", str(path)).exit_code == 0
    before = _dump(tmp_path / "t.db")
    same = run("customer", "import", str(path))
    assert same.exit_code == 0, same.output
    assert "0 profiles on file updated from their rows, 2 unchanged" in same.output
    assert _dump(tmp_path / "t.db") == before
    _edit(path, {"注册地址": "上海市闵行区"})
    edited = run("customer", "import", str(path), "--merge")
    assert edited.exit_code == 0, edited.output
    assert "1 profiles on file updated from their rows, 1 unchanged" in edited.output
    assert _shown(run)["customer"]["address"] == "上海市闵行区"
    listed = json.loads(run("customer", "list", "--format", "json").output)
    assert sorted(c["id"] for c in listed) == ["C00001", "C00002"]


def test_an_unchanged_export_of_a_graded_customer_says_nothing_changed(
    run: Any, tmp_path: Path
) -> None:
    assert run(*HONGDA).exit_code == 0
    assert "1 of 1 grades changed" in run("customer", "grade", "--apply").output
    path = tmp_path / "档案.xlsx"
    assert run("customer", "export", str(path)).exit_code == 0
    same = run("customer", "import", str(path))
    assert same.exit_code == 0, same.output
    assert same.output.startswith(
        "imported 0 customers (0 merged into existing or each other), 0 follow-ups, 0 grades\n"
        "0 profiles on file updated from their rows, 1 unchanged\n"
    )
