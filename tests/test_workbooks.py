"""Workbooks are looked at before openpyxl reads them: zip sizes, cells, no XML entities."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from flowkit import workbooks
from flowkit.errors import InputError, MissingTool
from flowkit.spreadsheet import Line, open_table
from tests import hostile

ROWS = [["客户名称", "负责人"], ["宏达", "li.lei"]]


def _lines(path: Path) -> list[Line]:
    with open_table(path) as table:
        return list(table.rows)


def _refused(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        _lines(path)
    return caught.value


def test_a_hand_built_workbook_reads(tmp_path: Path) -> None:
    assert _lines(hostile.workbook(tmp_path / "t.xlsx", ROWS)) == [
        (1, ["客户名称", "负责人"]),
        (2, ["宏达", "li.lei"]),
    ]


def test_the_billion_laughs_is_refused_not_expanded(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xlsx"
    hostile.save(path, hostile.parts([["&l9;", "x"]], prolog=hostile.LAUGHS))
    tracemalloc.start()
    try:
        error = _refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.message == (
        "laughs.xlsx: xl/sharedStrings.xml declares a document type (where XML entities are "
        "declared); flowkit never expands XML entities and refuses the file"
    )
    assert peak < 20 * 1024 * 1024  # 10^9 laughs would be 3 GB


@pytest.mark.parametrize("part", ["strings", "sheet", "workbook"])
def test_an_entity_declaration_in_any_part_is_refused(tmp_path: Path, part: str) -> None:
    def declared(xml: bytes) -> bytes:
        head, _, body = xml.partition(b"\n")
        return head + b"\n" + hostile.SMALL_ENTITY.replace(b"sst", b"x") + body

    path = hostile.workbook(tmp_path / "e.xlsx", [["&who;"]], **{part: declared})
    assert "declares a document type" in _refused(path).message


def test_openpyxl_itself_refuses_entities_through_defusedxml(tmp_path: Path) -> None:
    """The second guard: openpyxl parses with defusedxml (a dependency of flowkit), so a
    part this module did not scan is not expanded either — even a small entity, which
    expat alone would expand."""
    path = tmp_path / "e.xlsx"
    hostile.save(path, hostile.parts([["&who;"]], prolog=hostile.SMALL_ENTITY))
    assert openpyxl.DEFUSEDXML
    with pytest.raises(ValueError) as caught:
        openpyxl.load_workbook(path, read_only=True)
    cause = caught.value.__cause__
    assert type(cause).__name__ == "EntitiesForbidden"


def test_without_defusedxml_no_workbook_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(MissingTool) as caught:
        _lines(hostile.workbook(tmp_path / "t.xlsx", ROWS))
    assert caught.value.hint == "pip install defusedxml, and leave OPENPYXL_DEFUSEDXML unset"


def test_a_declared_size_past_the_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = hostile.workbook(tmp_path / "bomb.xlsx", ROWS)
    hostile.declared_size(path, hostile.SHEET, 600 * 1024 * 1024)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl was asked to read a bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    error = _refused(path)
    assert error.message.startswith("bomb.xlsx: unpacks to 629,")
    assert error.message.endswith(" bytes, more than flowkit reads (536,870,912 bytes)")
    assert error.hint == "split it into smaller workbooks"


def test_a_row_wider_than_excel_is_refused_while_scanning(tmp_path: Path) -> None:
    """A 4-byte empty cell costs openpyxl some 300 bytes while it holds the row: a row of
    a million of them is 4 MB unpacked (5 kB packed) and 300 MB read."""
    row = b'<row r="1">' + b"<c/>" * 1_000_000 + b"</row>"
    path = hostile.workbook(tmp_path / "wide.xlsx", ROWS, sheet=lambda _: hostile.sheet_of(row))
    assert path.stat().st_size < 20_000
    tracemalloc.start()
    try:
        error = _refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.message == (
        "wide.xlsx: xl/worksheets/sheet1.xml: row 1 has 16,385 columns, past Excel's 16,384"
    )
    assert peak < 20 * 1024 * 1024


def test_a_far_cell_counts_its_row_as_wide_as_openpyxl_reads_it(tmp_path: Path) -> None:
    row = b'<row r="1"><c r="ZZZ1"/></row>'
    path = hostile.workbook(tmp_path / "far.xlsx", ROWS, sheet=lambda _: hostile.sheet_of(row))
    assert "row 1 has 18,278 columns" in _refused(path).message


def test_a_row_past_excels_last_is_refused(tmp_path: Path) -> None:
    row = b'<row r="99999999"><c r="A99999999"/></row>'
    path = hostile.workbook(tmp_path / "far.xlsx", ROWS, sheet=lambda _: hostile.sheet_of(row))
    assert "row 99,999,999 is past Excel's 1,048,576 rows" in _refused(path).message


def test_cells_past_the_limit_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbooks, "MAX_CELLS", 1000)
    rows = b"".join(b'<row r="%d"><c r="CV%d"/></row>' % (r, r) for r in range(1, 12))
    path = hostile.workbook(tmp_path / "big.xlsx", ROWS, sheet=lambda _: hostile.sheet_of(rows))
    assert _refused(path).message == (
        "big.xlsx: xl/worksheets/sheet1.xml: more than 1,000 cells (at row 11), "
        "more than flowkit reads from one sheet"
    )
    monkeypatch.setattr(workbooks, "MAX_CELLS", 1100)
    assert len(_lines(path)) == 11


def test_shared_strings_past_the_limit_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbooks, "MAX_CELLS", 3)
    unused = b"<si><t>z</t></si>" * 3  # strings no cell refers to still take memory
    path = hostile.workbook(
        tmp_path / "s.xlsx", [["a"]], strings=lambda xml: xml.replace(b"</sst>", unused + b"</sst>")
    )
    assert "xl/sharedStrings.xml: more than 3 shared strings" in _refused(path).message


def test_a_workbook_of_the_limits_size_is_read(tmp_path: Path) -> None:
    """100,000 customers × 40 columns (4,000,000 cells) is well inside every limit."""
    assert workbooks.MAX_CELLS >= 100_000 * 40 * 2
    assert workbooks.MAX_ROWS >= 100_000 and workbooks.MAX_COLUMNS >= 40


def test_a_zip_that_lies_about_its_data_is_an_input_error(tmp_path: Path) -> None:
    path = hostile.workbook(tmp_path / "t.xlsx", ROWS)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo(hostile.SHEET)
    start = sheet.header_offset + 30 + len(hostile.SHEET) + 5
    data[start : start + 20] = bytes(20)  # the packed sheet, damaged
    path.write_bytes(bytes(data))
    assert _refused(path).message.startswith("t.xlsx is not a readable .xlsx workbook: ")
