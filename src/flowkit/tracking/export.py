"""`flowkit export`: the tracking table (销售节点进度跟踪表) as a file to edit in Excel and
bring back with `flowkit import FILE --update`.

The columns are those `flowkit import` reads, with the 商机编号 first (it makes a row an
edit of its opportunity), then each process field by its label. Values are written as the
import reads them back unchanged, so an unchanged file changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flowkit.errors import InputError
from flowkit.messages import msg
from flowkit.model import Process
from flowkit.output.cells import GuardedWriter
from flowkit.private import folder_missing
from flowkit.progress import Progress, counted, quiet
from flowkit.store import FieldValue, InstanceRow, StatusFilter
from flowkit.tracking.tracker import Tracker

SHEET = "销售节点进度跟踪表"
HEADERS = (
    "商机编号",
    "商机名称",
    "客户名称",
    "当前阶段",
    "预计成交时间",
    "关键动作",
    "负责人",
    "风险预警",
    "风险描述",
    "流程",
)


def export_table(
    tracker: Tracker, path: Path, where: StatusFilter, progress: Progress = quiet
) -> int:
    """The opportunities `where` selects into `path` (.xlsx or .csv); how many. The file
    is written beside its target and moved into place: never half-written."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InputError(
            msg("'{file}': the tracking table is written as .xlsx or .csv", file=path.name)
        )
    missing = folder_missing(path)
    if missing is not None:
        raise InputError(missing)
    with tracker.store.read() as tx:
        rows = tx.instances(where)
        processes = {r["process_hash"]: tracker.definitions.of(tx, r["process_hash"]) for r in rows}
    fields = _field_columns(list(processes.values()))
    header = [*HEADERS, *fields.values()]
    table = [_cells(r, processes[r["process_hash"]], list(fields)) for r in rows]
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        rows_out = list(counted(table, progress, msg("writing {file}", file=path.name), len(table)))
        (_xlsx if suffix == ".xlsx" else _csv)(temporary, header, rows_out)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return len(rows)


def _field_columns(processes: Sequence[Process]) -> dict[str, str]:
    """Field id -> its column header (the label, else the id), each field once."""
    columns: dict[str, str] = {}
    for process in processes:
        for item in process.fields:
            columns.setdefault(item.id, item.label or item.id)
    return columns


def _cells(row: InstanceRow, process: Process, fields: Sequence[str]) -> list[str]:
    node = process.node_by_id[row["node"]].name if row["node"] else ""
    close = row["expected_close"]
    return [
        str(row["id"]),
        row["name"],
        row["customer"],
        node,
        close.isoformat() if close else "",
        row["next_action"],
        row["owner"],
        "是" if row["risk"] else "否",
        row["risk_note"],
        process.id,
        *(_text(row["fields"].get(f)) for f in fields),
    ]


def _text(value: FieldValue | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = GuardedWriter(f)  # no cell a spreadsheet would run as a formula
        out.writerow(header)
        out.writerows(rows)


def _xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    titles = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)

    def as_text(text: str) -> Any:
        if not text:
            return None
        written = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
        written.data_type = "s"  # text as written: never a formula, a number or a date
        return written

    for row in rows:
        sheet.append([as_text(text) for text in row])
    book.save(path)
