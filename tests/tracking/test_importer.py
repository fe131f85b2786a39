"""Importing the tracking table: Chinese headers, CSV and XLSX, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from flowkit.errors import InputError
from flowkit.store import StatusFilter
from flowkit.tracking import Tracker, listing, show
from flowkit.tracking.importer import import_file
from tests.conftest import cst

NOW = cst("2026-11-27T10:00")
SALES = "standard-sales"
HEADER = [
    "商机名称",
    "客户名称",
    "当前阶段",
    "预计成交时间",
    "关键动作",
    "负责人",
    "风险预警",
    "风险描述",
    "客户规模",
    "合同金额",
]
GOOD = [
    "华东CRM",
    "上海宏达",
    "商机跟进",
    "2026-12-31",
    "上门演示",
    "li.lei",
    "否",
    "",
    "大型企业",
    "280000",
]


def _csv(path: Path, *rows: list[str]) -> Path:
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", "utf-8-sig")
    return path


def test_csv_rows_become_open_opportunities_at_their_stage(
    tracker: Tracker, tmp_path: Path
) -> None:
    second = [
        "仓储方案",
        "杭州云帆",
        "合同签订",
        "2027-01-15",
        "准备合同",
        "han.meimei",
        "是",
        "预算冻结",
        "中小企业",
        "90000",
    ]
    done = import_file(
        tracker,
        _csv(tmp_path / "t.csv", HEADER, GOOD, second),
        now=NOW,
        process_id="standard-sales",
    )
    assert (done.rows, done.by_process) == (2, {"standard-sales": 2})
    rows = listing(tracker, StatusFilter())
    assert [(v.name, v.node, v.owner, v.risk, v.risk_note) for v in rows] == [
        ("华东CRM", "opportunity_followup", "li.lei", False, ""),
        ("仓储方案", "contract_signing", "han.meimei", True, "预算冻结"),
    ]
    assert rows[0].fields == {"segment": "large", "amount": 280000}
    signing = show(tracker, rows[1].id)
    assert [t.node for t in signing.timers] == ["contract_signing"]  # its SLA started on import


def test_a_stage_entered_before_the_import_starts_its_timers_then(
    tracker: Tracker, tmp_path: Path
) -> None:
    from flowkit.tracking import status

    signing = [
        "仓储方案",
        "杭州云帆",
        "合同签订",
        "",
        "准备合同",
        "li.lei",
        "否",
        "",
        "大型企业",
        "1",
    ]
    path = _csv(
        tmp_path / "t.csv",
        [*HEADER, "阶段开始时间"],
        [*signing, "2026-11-18 16:00"],  # 3个工作日内: due 11-23 16:00, late by now
        [*GOOD, ""],  # no time given: its stage starts at the import
    )
    import_file(tracker, path, now=NOW, process_id="standard-sales")
    late, fresh = listing(tracker, StatusFilter())
    timer = next(t for t in show(tracker, late.id).timers if t.node == "contract_signing")
    assert timer.started_at == cst("2026-11-18T16:00")
    assert timer.due_at == cst("2026-11-23T16:00")
    alerts = status(tracker, NOW, StatusFilter(), now=NOW).alerts
    assert [a.instance_id for a in alerts if a.breached and a.instance_id] == [late.id]  # (0:
    # the marketing team's 每日更新 routine, no opportunity's)
    assert show(tracker, fresh.id).history[0].at == NOW
    future = _csv(tmp_path / "f.csv", [*HEADER, "阶段开始时间"], [*GOOD, "2026-12-01"])
    with pytest.raises(InputError, match=r"row 2, column K \(阶段开始时间\): '2026-12-01' is in"):
        import_file(tracker, future, now=NOW, process_id="standard-sales")


def test_xlsx_with_english_headers(tracker: Tracker, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Opportunity", "Customer", "Current stage", "Owner", "process"])
    sheet.append(["CRM", "宏达", "lead_screening", "li.lei", "standard-sales"])
    book.save(tmp_path / "t.xlsx")
    with pytest.raises(InputError) as caught:
        import_file(tracker, tmp_path / "t.xlsx", now=NOW)  # segment is a required field
    assert "t.xlsx: row 2: process 'standard-sales' requires field(s): segment" in str(caught.value)
    sheet["F1"], sheet["F2"] = "segment", "sme"
    book.save(tmp_path / "t.xlsx")
    assert import_file(tracker, tmp_path / "t.xlsx", now=NOW).rows == 1


def test_every_bad_cell_is_located_and_nothing_is_written(tracker: Tracker, tmp_path: Path) -> None:
    bad_stage = [*GOOD[:2], "签合同", *GOOD[3:]]
    bad_owner = [*GOOD[:5], "nobody", *GOOD[6:]]
    bad_flag = [*GOOD[:6], "也许", *GOOD[7:]]
    bad_date = [*GOOD[:3], "下个月", *GOOD[4:]]
    bad_size = [*GOOD[:8], "巨型企业", GOOD[9]]
    rows = (GOOD, bad_stage, bad_owner, bad_flag, bad_date, bad_size)
    path = _csv(tmp_path / "t.csv", HEADER, *rows)
    with pytest.raises(InputError) as caught:
        import_file(tracker, path, now=NOW, process_id="standard-sales")
    message = caught.value.message
    assert message.startswith("5 problem(s); nothing was imported")
    assert "t.csv: row 3, column C (当前阶段): '签合同' is no stage of 标准销售流程" in message
    assert "row 4, column F (负责人): 'nobody' is not a person in org.yaml" in message
    assert "row 5, column G (风险预警): '也许' is not 是/否" in message
    assert "row 6, column D (预计成交时间): '下个月' is not a date" in message
    assert "row 7, column I (客户规模): field 'segment' is one of large, sme, individual" in message
    assert listing(tracker, StatusFilter()) == []


def test_unknown_columns_and_encodings_are_refused(tracker: Tracker, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="row 1, column B: unknown column '电话'"):
        import_file(tracker, _csv(tmp_path / "a.csv", ["商机名称", "电话"], ["x", "y"]), now=NOW)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(",".join(HEADER).encode("gbk"))
    with pytest.raises(InputError) as caught:
        import_file(tracker, gbk, now=NOW, process_id="standard-sales")
    assert "not UTF-8" in caught.value.message and "CSV UTF-8" in (caught.value.hint or "")


def test_the_same_file_imported_again_is_refused_not_duplicated(
    tracker: Tracker, tmp_path: Path
) -> None:
    sheet = _csv(tmp_path / "跟踪表.csv", HEADER, GOOD)
    assert import_file(tracker, sheet, now=NOW, process_id=SALES).rows == 1
    copy = _csv(tmp_path / "副本.csv", HEADER, GOOD)  # the same bytes under another name
    with pytest.raises(InputError, match="already imported") as refused:
        import_file(tracker, copy, now=NOW, process_id=SALES)
    assert "跟踪表.csv" in refused.value.message
    assert len(listing(tracker, StatusFilter())) == 1
    # saved again with a row more: a new file, whose first row is the opportunity on file
    changed = _csv(tmp_path / "新.csv", HEADER, GOOD, ["仓储", *GOOD[1:]])
    again = import_file(tracker, changed, now=NOW, process_id=SALES)
    assert again.rows == 1 and [name for name, *_ in again.created] == ["仓储"]
    assert [(str(row), number) for row, number in again.on_file] == [("新.csv: row 2", 1)]
    assert len(listing(tracker, StatusFilter())) == 2


def test_an_import_time_in_the_future_is_refused(tracker: Tracker, tmp_path: Path) -> None:
    sheet = _csv(tmp_path / "跟踪表.csv", HEADER, GOOD)
    with pytest.raises(InputError, match="in the future"):
        import_file(tracker, sheet, now=NOW, at=cst("2026-11-28T10:00"), process_id=SALES)
    assert listing(tracker, StatusFilter()) == []


def test_an_imported_stage_due_in_a_year_without_holiday_data_is_said(
    tracker: Tracker, tmp_path: Path
) -> None:
    signing = [
        "仓储方案",
        "杭州云帆",
        "合同签订",
        "",
        "准备合同",
        "li.lei",
        "否",
        "",
        "大型企业",
        "1",
    ]
    path = _csv(tmp_path / "t.csv", [*HEADER, "阶段开始时间"], [*signing, "2026-12-30 17:00"])
    tracker.warnings.clear()
    import_file(tracker, path, now=cst("2026-12-31T10:00"), process_id="standard-sales")
    (said,) = tracker.warnings
    assert "'合同签订': due 2027-01-05 17:00, in a year the cn calendar has no holiday data" in (
        said.text("en")
    )
