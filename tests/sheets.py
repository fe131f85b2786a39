"""Workbooks as sales teams keep them, made in the tests with openpyxl: several sheets with
their own names, a title row above the header, merged cells, typed cells.

`workbook(path, {"客户": [[...header...], [...row...]]}, merged={"客户": ["A2:A3"]})` writes
one sheet per entry in order; a row is a list of cell values (None for an empty cell), and a
merged range keeps the value of its top-left cell, as Excel keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

Rows = Sequence[Sequence[Any]]

# The template's headers as its own sheets print them, annotations included.
BASIC = ["客户名称", "所属行业", "联系人姓名", "职务", "手机号码", "负责人"]
FOLLOW_UPS = ["客户名称", "跟进日期", "跟进方式", "沟通内容(简要)", "负责人"]
GRADING = [
    "客户名称",
    "客户等级(ABC)",
    "分类维度(行业/价值/潜力)",
    "分级标准(示例)",
    "维护策略(示例)",
]


def workbook(
    path: Path, sheets: Mapping[str, Rows], *, merged: Mapping[str, Sequence[str]] | None = None
) -> Path:
    """A workbook of `sheets` (title -> rows, in order), with the `merged` ranges per sheet."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for cells in (merged or {}).get(title, ()):
            sheet.merge_cells(cells)  # openpyxl empties every cell but the top-left
    book.save(path)
    return path


def customers_sheet(*rows: Sequence[Any], header: Sequence[str] = BASIC) -> list[list[Any]]:
    """A 客户基础信息表 as a team keeps it: a title row, the header, the rows."""
    return [["2023年客户名单"], list(header), *map(list, rows)]
