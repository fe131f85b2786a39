"""Workbooks are looked at before openpyxl reads them: zip sizes, cells, no XML entities."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from flowkit import workbooks
from flowkit.errors import InputError, MissingTool
from flowkit.spreadsheet import Line, column_letter, open_table
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


def _sheet(rows_xml: bytes) -> dict[str, object]:
    return {"sheet": lambda _: hostile.sheet_of(rows_xml)}


def _peak(path: Path) -> tuple[InputError, int]:
    tracemalloc.start()
    try:
        error = _refused(path)
        return error, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_row_bomb_is_refused_before_openpyxl_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 4-byte empty cell costs openpyxl some 300 bytes while it holds the row: a row of
    a million of them is 4 MB unpacked (5 kB packed) and 300 MB read."""
    row = b'<row r="1">' + b"<c/>" * 1_000_000 + b"</row>"
    path = hostile.workbook(tmp_path / "wide.xlsx", ROWS, **_sheet(row))
    assert path.stat().st_size < 20_000
    monkeypatch.setattr(openpyxl, "load_workbook", _never)
    error, peak = _peak(path)
    assert error.message.startswith("wide.xlsx: xl/worksheets/sheet1.xml: row 1 holds ")
    assert error.message.endswith(" XML tags, more than a row of Excel's 16,384 columns (131,072)")
    assert peak < 20 * 1024 * 1024


def _never(*args: object, **kwargs: object) -> None:
    raise AssertionError("openpyxl was asked to read a bomb")


def test_a_full_row_of_excel_is_read(tmp_path: Path) -> None:
    cells = b"".join(
        b'<c r="%s1" t="s"><v>0</v></c>' % column_letter(i).encode() for i in range(16_384)
    )
    path = hostile.workbook(
        tmp_path / "full.xlsx", ROWS, **_sheet(b'<row r="1">' + cells + b"</row>")
    )
    assert _lines(path) == [(1, ["客户名称"] * 16_384)]


@pytest.mark.parametrize(
    "hide",
    [
        b"<!-- <row> -->",  # a comment: bytes would see a row there
        b"<![CDATA[<row>]]>",
        b"<?pi <row>?>",
    ],
)
def test_markup_that_could_hide_a_row_is_counted_by_expat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hide: bytes
) -> None:
    row = b'<row r="1">' + (b"<c/>" * 1000 + hide) * 200 + b"</row>"
    path = hostile.workbook(tmp_path / "hidden.xlsx", ROWS, **_sheet(row))
    monkeypatch.setattr(openpyxl, "load_workbook", _never)
    assert "row 1 holds 131,073 XML tags" in _refused(path).message


def test_a_row_bomb_cut_across_chunks_is_still_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Markers cut between two reads of the stream, at every offset: chunks of 7 bytes."""
    monkeypatch.setattr(workbooks, "_CHUNK", 7)
    monkeypatch.setattr(workbooks, "MAX_ROW_TAGS", 60)
    monkeypatch.setattr(workbooks, "_count_elements", _never)  # bytes, not expat
    cells = b'<c r="A1"><v>1</v></c>' * 13  # 52 tags, and the row's own 2
    rows = b"".join(b'<row r="%d">' % r + cells + b"</row>" for r in (1, 2))
    path = hostile.workbook(tmp_path / "cut.xlsx", ROWS, **_sheet(rows))
    assert len(_lines(path)) == 2
    rows += b'<row r="3">' + b"<c/>" * 59 + b"</row>"
    path = hostile.workbook(tmp_path / "cut.xlsx", ROWS, **_sheet(rows))
    assert _refused(path).message.startswith(
        "cut.xlsx: xl/worksheets/sheet1.xml: row 3 holds 61 XML tags"
    )


def test_a_utf16_part_is_counted_by_expat(tmp_path: Path) -> None:
    row = ('<row r="1">' + "<c/>" * 200_000 + "</row>").encode("utf-16")
    sheet = hostile.sheet_of(b"").decode().replace("<sheetData>", "<sheetData>" + "\0")
    xml = sheet.replace("\0", row.decode("utf-16")).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = hostile.workbook(tmp_path / "u.xlsx", ROWS, sheet=lambda _: xml.encode("utf-16"))
    assert "row 1 holds 131,073 XML tags" in _refused(path).message


def test_far_cells_count_as_openpyxl_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One far cell a row makes openpyxl hand out every empty cell before it: counted as read."""
    monkeypatch.setattr(workbooks, "MAX_CELLS", 1000)
    rows = b"".join(b'<row r="%d"><c r="CV%d"/></row>' % (r, r) for r in range(1, 12))
    path = hostile.workbook(tmp_path / "big.xlsx", ROWS, **_sheet(rows))
    assert _refused(path).message == (
        "big.xlsx: sheet Sheet1: more than 1,000 cells (at row 11), "
        "more than flowkit reads from one sheet"
    )
    monkeypatch.setattr(workbooks, "MAX_CELLS", 1100)
    assert len(_lines(path)) == 11


@pytest.mark.parametrize("markup", [b"", b"<!-- counted by expat -->"])
def test_a_row_past_excels_last_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, markup: bytes
) -> None:
    """openpyxl hands out every empty row before row 99,999,999: refused, not read."""
    row = b'<row spans="1:1" r="99999999">%s<c r="A99999999"/></row>' % markup
    path = hostile.workbook(tmp_path / "far.xlsx", ROWS, **_sheet(row))
    monkeypatch.setattr(openpyxl, "load_workbook", _never)
    assert _refused(path).message == (
        "far.xlsx: xl/worksheets/sheet1.xml: row 99,999,999 is past Excel's 1,048,576 rows"
    )


def test_rows_past_the_limit_as_read_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbooks, "MAX_ROWS", 1000)
    rows = b'<row r="900"><c r="A900"/></row><row><c/></row>' * 1  # the scan allows 900
    path = hostile.workbook(tmp_path / "far.xlsx", ROWS, **_sheet(rows))
    assert len(_lines(path)) == 901
    monkeypatch.setattr(workbooks, "MAX_ROWS", 900)
    assert _refused(path).message == "far.xlsx: sheet Sheet1: more than Excel's 900 rows"


def test_a_part_held_whole_past_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbooks, "MAX_PART_TAGS", 30)
    unused = b"<si><t>z</t></si>" * 10  # strings no cell refers to still take memory
    path = hostile.workbook(
        tmp_path / "s.xlsx", [["a"]], strings=lambda xml: xml.replace(b"</sst>", unused + b"</sst>")
    )
    assert _refused(path).message == (
        "s.xlsx: xl/sharedStrings.xml: more than 30 XML tags outside the rows of a sheet "
        "(shared strings, say), more than flowkit reads"
    )


def test_the_limits_leave_room_for_a_real_sales_workbook() -> None:
    """100,000 customers × 40 columns: 4,000,000 cells, 100,000 rows."""
    assert workbooks.MAX_CELLS >= 100_000 * 40 * 2
    assert workbooks.MAX_ROWS >= 100_000
    assert workbooks.MAX_ROW_TAGS >= 16_384 * 8


def test_a_zip_that_lies_about_its_data_is_an_input_error(tmp_path: Path) -> None:
    path = hostile.workbook(tmp_path / "t.xlsx", ROWS)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo(hostile.SHEET)
    start = sheet.header_offset + 30 + len(hostile.SHEET) + 5
    data[start : start + 20] = bytes(20)  # the packed sheet, damaged
    path.write_bytes(bytes(data))
    assert _refused(path).message.startswith("t.xlsx is not a readable .xlsx workbook: ")


# ---- merged cells ------------------------------------------------------------------------


def _merged(rows_xml: str, merges: str) -> bytes:
    return (
        hostile.DECLARATION
        + f'<worksheet xmlns="{hostile.MAIN}"><sheetData>{rows_xml}</sheetData>'.encode()
        + merges.encode()
        + b"</worksheet>"
    )


ONE_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'


@pytest.mark.parametrize(
    "merges",
    [
        '<mergeCells count="3"><mergeCell ref="A2:A3"/><mergeCell ref="C5:D7"/>'
        '<mergeCell ref="B2:E2"/></mergeCells>',
        # a prefix, attributes around ref, single quotes
        '<x:mergeCells xmlns:x="urn:x"><x:mergeCell xr:uid="{1}" ref=\'A2:A3\' xmlns:xr="urn:y"/>'
        '<x:mergeCell ref="C5:D7"/></x:mergeCells>',
        # a comment: read by expat, where a comment's look-alike tag is no tag
        '<!-- <mergeCell ref="F1:F9"/> --><mergeCells><mergeCell ref="A2:A3"/>'
        '<mergeCell ref="C5:D7"/></mergeCells>',
    ],
)
def test_the_merged_ranges_spanning_rows_are_found(tmp_path: Path, merges: str) -> None:
    path = hostile.workbook(
        tmp_path / "m.xlsx", [["客户名称"]], sheet=lambda _: _merged(ONE_ROW, merges)
    )
    found = list(workbooks.spans(workbooks.merged_down(path, "Sheet1")))
    assert found == [(2, 0, 3), (5, 2, 7)]  # B2:E2 spans no rows
    assert list(workbooks.merged_down(path, "no such sheet")) == []


def test_merged_ranges_cut_across_chunks_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbooks, "_CHUNK", 7)
    merges = "".join(f'<mergeCell ref="B{r}:B{r + 1}"/>' for r in range(2, 400, 2))
    path = hostile.workbook(tmp_path / "m.xlsx", [["x"]], sheet=lambda _: _merged(ONE_ROW, merges))
    found = list(workbooks.spans(workbooks.merged_down(path, "Sheet1")))
    assert found == [(r, 1, r + 1) for r in range(2, 400, 2)]


def test_too_many_merged_ranges_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbooks, "MAX_MERGED", 10)
    merges = "".join(f'<mergeCell ref="A{r}:A{r + 1}"/>' for r in range(2, 40, 2))
    path = hostile.workbook(tmp_path / "m.xlsx", [["x"]], sheet=lambda _: _merged(ONE_ROW, merges))
    with pytest.raises(InputError, match="more than 10 merged ranges spanning rows"):
        workbooks.merged_down(path, "Sheet1")


def test_a_merged_range_reads_as_its_top_left_cell_in_each_of_its_rows(tmp_path: Path) -> None:
    sheet = openpyxl.Workbook()
    rows = [
        ["客户名称", "联系人", "备注"],
        ["北辰", "赵强", "老客户"],
        [None, "钱敏"],
        ["华东", "孙丽"],
    ]
    for row in rows:
        sheet.active.append(row)
    for cells in ("A2:A3", "C2:C3", "B4:C4"):
        sheet.active.merge_cells(cells)
    sheet.save(tmp_path / "m.xlsx")
    assert _lines(tmp_path / "m.xlsx") == [
        (1, ["客户名称", "联系人", "备注"]),
        (2, ["北辰", "赵强", "老客户"]),
        (3, ["北辰", "钱敏", "老客户"]),
        (4, ["华东", "孙丽"]),  # across columns: one value, in its first column
    ]
