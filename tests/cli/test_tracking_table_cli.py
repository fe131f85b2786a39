"""The tracking table's round trip (issue 11): `flowkit export`, edited in Excel, back with
`flowkit import --update` as exactly the edited cells, with history."""

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

DEALS = (
    "商机名称,客户名称,当前阶段,预计成交时间,关键动作,负责人,风险预警,风险描述,客户规模,合同金额\n"
    "华东CRM,上海宏达,商机跟进,2026-12-31,上门演示,li.lei,否,,大型企业,280000\n"
    "仓储方案,杭州云帆,合同签订,2027-01-15,准备合同,han.meimei,是,预算冻结,中小企业,\n"
)


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")

    def invoke(*args: str, now: str = "2026-11-02T10:00") -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        return CliRunner().invoke(main, [*base, "--now", now, *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def exported(run: Any, tmp_path: Path) -> Path:
    deals = tmp_path / "deals.csv"
    deals.write_text(DEALS, "utf-8-sig")
    assert run("import", str(deals), "--process", "standard-sales").exit_code == 0
    path = tmp_path / "跟踪表.xlsx"
    wrote = run("export", str(path))
    assert wrote.exit_code == 0, wrote.output
    assert "wrote 2 opportunities" in wrote.output
    return path


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return list(connection.iterdump())


def _edit(path: Path, row: int, cells: dict[str, object]) -> None:
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    for name, value in cells.items():
        sheet.cell(row=row, column=header.index(name) + 1).value = value  # None clears it
    book.save(path)


def _shown(run: Any, number: int) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(run("show", str(number), "--format", "json").output)
    return shown


def test_the_export_holds_the_table_import_reads(exported: Path) -> None:
    sheet = load_workbook(exported)["销售节点进度跟踪表"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:10] == ["商机编号", "商机名称", "客户名称", "当前阶段", "预计成交时间",
                            "关键动作", "负责人", "风险预警", "风险描述", "流程"]  # fmt: skip
    assert rows[1][:10] == ["1", "华东CRM", "上海宏达", "商机跟进", "2026-12-31", "上门演示",
                            "li.lei", "否", None, "standard-sales"]  # fmt: skip


def test_an_unchanged_export_changes_nothing_and_says_so(
    run: Any, exported: Path, tmp_path: Path
) -> None:
    before = _dump(tmp_path / "t.db")
    back = run("import", str(exported), "--update", now="2026-11-03T10:00")
    assert back.exit_code == 0, back.output
    assert back.output.splitlines()[:2] == [
        "imported 0 opportunities",
        "0 opportunities on file updated from their rows, 2 unchanged",
    ]
    assert _dump(tmp_path / "t.db") == before


def test_edited_cells_change_their_opportunity_with_history(
    run: Any, exported: Path, tmp_path: Path
) -> None:
    before, other = _shown(run, 1), _shown(run, 2)
    _edit(exported, 2, {"负责人": "han.meimei", "关键动作": "发报价", "预计成交时间": None,
                        "合同金额": None, "风险预警": "是", "风险描述": "竞品低价"})  # fmt: skip
    back = run("import", str(exported), "--update", now="2026-11-03T10:00")
    assert back.exit_code == 0, back.output
    assert "1 opportunities on file updated from their rows, 1 unchanged" in back.output
    assert "  updated: opportunity 1" in back.output.splitlines()
    after = _shown(run, 1)
    assert after["owner"] == "han.meimei" and after["next_action"] == "发报价"
    assert after["expected_close"] is None and "amount" not in after["fields"]
    assert after["risk"] is True and after["risk_note"] == "竞品低价"
    assert after["fields"]["segment"] == "large" and after["node"] == before["node"]
    kinds = [e["kind"] for e in after["history"][len(before["history"]) :]]
    assert sorted(kinds) == ["assigned", "risk", "updated"]
    assert _shown(run, 2) == other  # its row came back as exported
    again = run("import", str(exported), "--update", now="2026-11-03T11:00")
    assert again.exit_code == 2 and "already imported" in again.output


def test_a_changed_stage_is_refused_naming_the_advance(
    run: Any, exported: Path, tmp_path: Path
) -> None:
    before = _dump(tmp_path / "t.db")
    _edit(exported, 2, {"当前阶段": "合同签订", "关键动作": "发报价"})
    back = run("import", str(exported), "--update")
    assert back.exit_code == 2
    assert "row 2, column D (当前阶段): says 合同签订, but opportunity 1 is at 商机跟进" in (
        back.output
    )
    assert "flowkit advance 1" in back.output
    assert _dump(tmp_path / "t.db") == before


def test_numbered_rows_need_update_and_rows_without_a_number_are_new(
    run: Any, exported: Path
) -> None:
    _edit(exported, 4, {"商机名称": "新商机", "客户名称": "南京启明", "负责人": "li.lei",
                        "客户规模": "中小企业", "流程": "standard-sales"})  # fmt: skip
    plain = run("import", str(exported))
    assert plain.exit_code == 2 and "--update" in plain.output
    back = run("import", str(exported), "--update")
    assert back.exit_code == 0, back.output
    assert "imported 1 opportunities" in back.output and "2 unchanged" in back.output
    assert _shown(run, 3)["name"] == "新商机"


def test_a_cleared_required_cell_is_refused(run: Any, exported: Path) -> None:
    _edit(exported, 3, {"负责人": None})
    back = run("import", str(exported), "--update")
    assert back.exit_code == 2 and "row 3, column G (负责人): empty" in back.output


def test_a_numbering_of_the_teams_own_is_named_with_the_way_past_it(
    run: Any, tmp_path: Path
) -> None:
    deals = tmp_path / "own.csv"
    deals.write_text("商机编号," + DEALS.replace("\n", "\nSJ-001,", 1).rstrip(",\n") + "\n")
    lines = deals.read_text().splitlines()
    deals.write_text("\n".join(lines[:2]) + "\n", "utf-8-sig")
    tried = run("import", str(deals), "--process", "standard-sales")
    assert tried.exit_code == 2 and "'SJ-001' is no opportunity number" in tried.output
    assert "--ignore-column 商机编号" in tried.output
    kept = run("import", str(deals), "--process", "standard-sales", "--ignore-column", "商机编号")
    assert kept.exit_code == 0, kept.output


def test_dates_without_a_year_take_year_or_are_named_by_their_cell(
    run: Any, tmp_path: Path
) -> None:
    deals = tmp_path / "无年份.csv"
    deals.write_text(
        "商机名称,客户名称,负责人,客户规模,预计成交时间,阶段开始时间\n"
        "华东CRM,上海宏达,li.lei,大型企业,12月31日,10月30日 9:30\n",
        "utf-8-sig",
    )
    refused = run("import", str(deals), "--process", "standard-sales")
    assert refused.exit_code == 2
    assert "row 2, column E (预计成交时间): '12月31日' has no year: pass --year" in (refused.output)
    done = run("import", str(deals), "--process", "standard-sales", "--year", "2026")
    assert done.exit_code == 0, done.output
    shown = _shown(run, 1)
    assert shown["expected_close"] == "2026-12-31"
    assert shown["node_entered_at"] == "2026-10-30T01:30:00+00:00"  # 09:30 in Shanghai


def test_imported_rows_are_linked_to_their_owners_customer_and_never_to_anothers(
    run: Any, tmp_path: Path
) -> None:
    """A row naming a customer on file (by its name or a variant of it) is that customer's
    opportunity, as `start` links one; a row naming another rep's customer is 撞单, named
    by its cell, and nothing is imported."""
    for name, owner in (("上海宏达有限公司", "li.lei"), ("杭州云帆有限公司", "li.lei")):
        assert run("customer", "add", name, "--owner", owner).exit_code == 0
    deals = tmp_path / "deals.csv"
    deals.write_text(DEALS, "utf-8-sig")
    before = _dump(tmp_path / "t.db")
    refused = run("import", str(deals), "--process", "standard-sales")
    assert refused.exit_code == 2
    assert "deals.csv: row 3, column B (客户名称): customer C00002 杭州云帆有限公司 is " in (
        refused.output
    )
    assert "(撞单)" in refused.output and "customer edit C00002 --owner han.meimei" in (
        refused.output
    )
    assert _dump(tmp_path / "t.db") == before
    assert run("customer", "edit", "C00002", "--owner", "han.meimei").exit_code == 0
    done = run("import", str(deals), "--process", "standard-sales")
    assert done.exit_code == 0, done.output
    assert _shown(run, 1)["customer"] == "上海宏达有限公司"
    for customer, deal in (("C00001", 1), ("C00002", 2)):
        shown = json.loads(run("customer", "show", customer, "--format", "json").output)
        assert [d["id"] for d in shown["opportunities"]] == [deal]


def test_a_sheet_saved_again_opens_only_its_new_rows(run: Any, tmp_path: Path) -> None:
    """A team's own sheet, without 商机编号, imported, then saved again with a row more
    (other bytes, so not "already imported"): its first rows are the deals on file, left
    as they are and named; only the new row opens an opportunity. The dry run says so."""
    first, again = tmp_path / "跟踪表.csv", tmp_path / "跟踪表-12月.csv"
    first.write_text(DEALS, "utf-8-sig")
    assert run("import", str(first), "--process", "standard-sales").exit_code == 0
    more = "数据中台,苏州精工,商机跟进,2027-02-01,需求调研,li.lei,否,,大型企业,500000\n"
    again.write_text(DEALS + more, "utf-8-sig")
    before = _dump(tmp_path / "t.db")
    dry = run("import", str(again), "--process", "standard-sales", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert _dump(tmp_path / "t.db") == before
    done = run("import", str(again), "--process", "standard-sales")
    for said in (dry.output, done.output):
        assert "imported 1 opportunities" in said
        assert "2 row(s) without a 商机编号 are open opportunities already" in said
        assert "跟踪表-12月.csv: row 2 is opportunity 1" in said
        assert "跟踪表-12月.csv: row 3 is opportunity 2" in said
        assert "new: 数据中台 · 苏州精工 · li.lei" in said
    listed = json.loads(run("list", "--format", "json").output)
    assert sorted(o["name"] for o in listed) == sorted(["仓储方案", "数据中台", "华东CRM"])


def test_a_row_pasted_twice_is_refused_naming_both(run: Any, tmp_path: Path) -> None:
    """Two rows of one opportunity (the same process, name, customer and owner) would open
    it twice: refused at the second row, naming the first; nothing is written."""
    doubled = tmp_path / "跟踪表.csv"
    doubled.write_text(DEALS + DEALS.splitlines(keepends=True)[1], "utf-8-sig")
    before = _dump(tmp_path / "t.db")
    refused = run("import", str(doubled), "--process", "standard-sales")
    assert refused.exit_code == 2, refused.output
    assert "跟踪表.csv: row 4: the same opportunity as 跟踪表.csv: row 2" in refused.output
    assert _dump(tmp_path / "t.db") == before
