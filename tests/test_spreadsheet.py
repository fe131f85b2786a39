"""The one spreadsheet reader both imports use: cell texts, row numbers, unreadable files."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from flowkit.errors import InputError
from flowkit.spreadsheet import Line, cell_text, column_letter, header_key, header_of, open_table
from tests import hostile


def _book(path: Path, *sheets: tuple[str, list[list[Any]]]) -> Path:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _lines(path: Path, pick: Any = None) -> list[Line]:
    with open_table(path, pick) as table:
        return list(table.rows)


def test_cells_read_as_a_person_sees_them_with_the_sheets_row_numbers(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "t.xlsx",
        (
            "Sheet1",
            [
                ["a", None, "c"],
                [1, 2.5, True, None, datetime(2023, 10, 15, 8, 30), "  x "],
                [],
                [None, None, None, None, None, None, "far"],
                [date(2023, 10, 15), 13812345678, time(9, 5)],
            ],
        ),
    )
    lines = [(n, cells) for n, cells in _lines(path) if any(cells)]
    assert lines == [
        (1, ["a", "", "c"]),
        (2, ["1", "2.5", "TRUE", "", "2023-10-15 08:30", "x"]),
        (4, ["", "", "", "", "", "", "far"]),
        (5, ["2023-10-15", "13812345678", "09:05:00"]),
    ]


def test_the_sheet_is_picked_by_name_and_the_table_says_where_it_is(tmp_path: Path) -> None:
    path = _book(tmp_path / "t.xlsx", ("一", [["x"]]), ("二", [["y"]]))
    with open_table(path, lambda names: names[-1]) as table:
        assert (table.file, table.sheet, table.sheets) == ("t.xlsx", "二", ("一", "二"))
        assert list(table.rows) == [(1, ["y"])]
    assert _lines(path) == [(1, ["x"])]  # the first sheet unless asked


def test_a_merged_range_reads_its_value_in_its_first_cell(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["客户名称", "备注", None])
    sheet.append(["宏达", "跨两列", None])
    sheet.merge_cells("B2:C2")
    book.save(tmp_path / "m.xlsx")
    lines = [(n, cells + [""] * (3 - len(cells))) for n, cells in _lines(tmp_path / "m.xlsx")]
    assert lines == [(1, ["客户名称", "备注", ""]), (2, ["宏达", "跨两列", ""])]


def test_a_wrong_stored_size_does_not_cut_rows_short(tmp_path: Path) -> None:
    path = _book(tmp_path / "t.xlsx", ("S", [["a", "b", "c"], ["1", "2", "3"]]))

    fixed = tmp_path / "small.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(fixed, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b'<dimension ref="A1:C2"/>', b'<dimension ref="A1:A1"/>')
            target.writestr(item, data)
    assert _lines(fixed) == [(1, ["a", "b", "c"]), (2, ["1", "2", "3"])]


def test_csv_rows_are_records_with_trimmed_cells(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('\ufeffname, note\n宏达,"two\nlines"\n\n x ,y\n', encoding="utf-8")
    with open_table(path) as table:
        assert (table.file, table.sheet, table.sheets) == ("t.csv", None, ())
        assert list(table.rows) == [
            (1, ["name", "note"]),
            (2, ["宏达", "two\nlines"]),
            (3, []),
            (4, ["x", "y"]),
        ]


def test_a_csv_not_in_utf8_gets_the_excel_hint(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("客户名称\n".encode("gbk"))
    with pytest.raises(InputError) as caught:
        _lines(path)
    assert caught.value.message == "t.csv is not UTF-8 (byte 0)"
    assert caught.value.hint is not None and "CSV UTF-8" in caught.value.hint


def test_an_unreadable_workbook_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InputError) as caught:
        _lines(path)
    assert caught.value.message.startswith("t.xlsx is not a readable .xlsx workbook: ")


def test_cell_texts_and_column_letters() -> None:
    assert [cell_text(v) for v in (None, " a ", 3.0, 3.25, False, datetime(2023, 1, 2))] == [
        "",
        "a",
        "3",
        "3.25",
        "FALSE",
        "2023-01-02",
    ]
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


# ---- hostile files: every one an InputError naming the file (issue 10) -------------------


def _message(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        _lines(path)
    return caught.value.message


def test_a_cell_pointing_at_a_missing_shared_string_is_an_input_error(tmp_path: Path) -> None:
    path = hostile.workbook(tmp_path / "t.xlsx", [["客户名称", "负责人"], [999, "li.lei"]])
    assert _message(path) == (
        "t.xlsx is not a readable .xlsx workbook: sheet Sheet1, after row 1: "
        "a cell refers to a shared string the workbook does not hold"
    )


def test_an_entity_declaration_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    hostile.save(path, hostile.parts([["&who;"]], prolog=hostile.SMALL_ENTITY))
    assert _message(path).startswith("t.xlsx: xl/sharedStrings.xml declares a document type")


@pytest.mark.parametrize(
    ("name", "damage", "reason"),
    [
        ("not a zip", lambda data: b"hello", "not a complete zip archive (File is not a zip file)"),
        ("truncated", lambda data: data[: len(data) // 2], "not a complete zip archive"),
        ("empty", lambda data: b"", "not a complete zip archive"),
    ],
)
def test_a_file_that_is_no_zip_is_an_input_error(
    tmp_path: Path, name: str, damage: Any, reason: str
) -> None:
    path = hostile.workbook(tmp_path / "t.xlsx", [["a"]])
    path.write_bytes(damage(path.read_bytes()))
    assert _message(path).startswith(f"t.xlsx is not a readable .xlsx workbook: {reason}")


@pytest.mark.parametrize(
    ("part", "reason"),
    [
        ("xl/workbook.xml", "There is no item named 'xl/workbook.xml' in the archive"),
        ("[Content_Types].xml", "There is no item named '[Content_Types].xml' in the archive"),
        (hostile.SHEET, "There is no item named 'xl/worksheets/sheet1.xml' in the archive"),
    ],
)
def test_a_zip_without_a_part_is_an_input_error(tmp_path: Path, part: str, reason: str) -> None:
    made = hostile.parts([["a"]])
    del made[part]
    path = hostile.save(tmp_path / "t.xlsx", made)
    assert _message(path) in (
        f"t.xlsx is not a readable .xlsx workbook: {reason}",
        "t.xlsx is not a readable .xlsx workbook: it holds no worksheet",
    )


@pytest.mark.parametrize("part", ["sheet", "strings", "workbook"])
def test_broken_xml_in_a_part_is_an_input_error(tmp_path: Path, part: str) -> None:
    path = hostile.workbook(tmp_path / "t.xlsx", [["a"], ["b"]], **{part: lambda x: x[:-20]})
    assert _message(path).startswith("t.xlsx is not a readable .xlsx workbook: ")


def test_a_csv_cell_past_the_csv_modules_limit_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("客户名称,备注\n宏达,ok\n宏达," + "x" * 131_073 + "\n", encoding="utf-8")
    assert _message(path) == (
        "t.csv: row 3: a cell is longer than 131,072 characters, more than flowkit reads"
    )


def test_a_nul_character_in_a_cell_is_an_input_error_on_every_store(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("客户名称,备注\n宏达,ok\n宏达,a\x00b\n", encoding="utf-8")
    assert _message(path) == "t.csv: row 3, column B: the cell holds a NUL character"


def test_a_header_is_found_without_its_trailing_annotation() -> None:
    names = {header_key(h): h for h in ("关键动作", "沟通内容(简要)", "分级标准", "expected close")}
    assert header_of(names, "关键动作(下一步)") == "关键动作"
    assert header_of(names, "分级标准（示例）") == "分级标准"  # full-width brackets
    assert header_of(names, "沟通内容(简要)") == "沟通内容(简要)"  # its own brackets first
    assert header_of(names, "沟通内容（简要）") == "沟通内容(简要)"
    assert header_of(names, "Expected_Close (date)") == "expected close"
    assert header_of(names, "(示例)") is None
    assert header_of(names, "客户来源(渠道)") is None


def test_a_second_header_row_is_told_from_a_row_of_data() -> None:
    from flowkit.spreadsheet import two_row_header

    known = {"客户名称", "联系人姓名", "职务", "手机", "负责人"}.__contains__
    upper = ["客户名称", "联系人", "", "", "负责人"]
    assert two_row_header(upper, ["客户名称", "姓名", "职务", "手机", "负责人"], [0], known) == [
        "客户名称",
        "联系人姓名",  # the group's label and its own
        "职务",  # its own: 联系人职务 is no column
        "手机",
        "负责人",
    ]
    assert two_row_header(upper, ["", "姓名", "职务", "微信号"], [0], known) == [
        "客户名称",
        "联系人姓名",
        "职务",
        "微信号",  # unknown, left for the caller to name
        "负责人",
    ]
    data = ["北辰科技", "赵强", "采购经理", "13812345678", "li.lei"]
    assert two_row_header(upper, data, [0], known) is None  # it names its customer
    contact_only = ["", "孙丽", "财务总监", "13700002222", ""]
    assert two_row_header(upper, contact_only, [0], known) is None  # names no column
    assert two_row_header(upper, [], [0], known) is None
