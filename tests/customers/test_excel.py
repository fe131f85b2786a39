"""The customer tables as .xlsx and .csv files: what Excel sees, reading back, every problem."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from openpyxl import Workbook, load_workbook

from flowkit.customers.excel import (
    read_customers,
    read_followups,
    read_grading,
    read_table,
    tables_in,
    write_sheets,
    write_tables,
)
from flowkit.customers.tables import (
    FollowUpRow,
    GradeTexts,
    GradingRow,
    basic_rows,
    followup_rows,
    grading_rows,
)
from flowkit.errors import InputError
from flowkit.model.customer import Customer, FollowUp
from tests.customers.strategies import CST, HONGDA, YUNFAN, customer_lists
from tests.customers.test_columns import TEMPLATE
from tests.customers.test_tables import VISIT, _carried

CALL = FollowUp(
    "C0002", datetime(2023, 11, 2, tzinfo=CST), "phone", "电话确认预算", owner="han.meimei"
)
TEXTS = GradeTexts(
    criteria={"A": "年预算>100万,决策链清晰,合作意愿强"}, strategies={"A": "每月高层对接"}
)
SHEETS = ["客户基础信息表", "客户跟进记录表", "客户分级分类表"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _problem(call: Any, *args: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        call(*args)
    return caught.value


def _sheet(path: Path, header: list[Any], *rows: list[Any], title: str = "Sheet1") -> Path:
    """A single-table workbook as a person makes it in Excel (typed cells)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _excel_like(path: Path) -> Path:
    """The workbook as Excel saves it: text in the shared-strings table instead of inline."""
    strings: dict[str, int] = {}
    out = path.with_name(f"excel-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                root = ElementTree.fromstring(data)
                for cell in root.iter(f"{{{MAIN}}}c"):
                    inline = cell.find(f"{{{MAIN}}}is")
                    if inline is not None:
                        text = "".join(inline.itertext())
                        cell.remove(inline)
                        cell.set("t", "s")
                        value = ElementTree.SubElement(cell, f"{{{MAIN}}}v")
                        value.text = str(strings.setdefault(text, len(strings)))
                data = ElementTree.tostring(root)
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            target.writestr(item, data)
        table = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        target.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
            f"{table}</sst>",
        )
    return out


# ---- writing --------------------------------------------------------------------------


def test_one_workbook_with_the_templates_three_sheets(tmp_path: Path) -> None:
    path = tmp_path / "客户档案.xlsx"
    assert write_tables(path, [HONGDA, YUNFAN], [VISIT, CALL], TEXTS, tz=CST) == [path]
    book = load_workbook(path)
    assert book.sheetnames == SHEETS
    basic = book["客户基础信息表"]
    assert [c.value for c in basic[1]][:10] == TEMPLATE
    assert all(c.font.b for c in basic[1])
    assert basic.freeze_panes == "A2"
    assert basic.max_row == 5  # header, three contacts of HONGDA, YUNFAN
    assert basic.column_dimensions["A"].width == 22  # 杭州云帆物流有限公司: 10 hanzi, 2 each
    assert basic.column_dimensions["G"].width == 14  # 手机号码 (8) < 010-62345678 (12)
    assert basic.column_dimensions["C"].width == 23  # 企业规模(员工数/营收): 21


def test_phone_numbers_are_text_and_dates_real_dates(tmp_path: Path) -> None:
    path = tmp_path / "客户档案.xlsx"
    write_tables(path, [HONGDA, YUNFAN], [VISIT, CALL], TEXTS, tz=CST)
    book = load_workbook(path)
    basic = book["客户基础信息表"]
    for cell, text in ((basic["G2"], "13812345678"), (basic["G3"], "010-62345678")):
        assert (cell.value, cell.data_type, cell.number_format) == (text, "s", "@")
    assert basic["G4"].value is None
    first_contact = basic["I2"]
    assert first_contact.value == datetime(2023, 10, 15)
    assert (first_contact.is_date, first_contact.number_format) == (True, "yyyy-mm-dd")
    followups = book["客户跟进记录表"]
    visit, call = followups["B2"], followups["B3"]
    assert (visit.value, visit.number_format) == (datetime(2023, 10, 20, 15), "yyyy-mm-dd hh:mm")
    assert (call.value, call.number_format) == (datetime(2023, 11, 2), "yyyy-mm-dd")
    assert followups["I2"].value == 7  # 商机编号, a number
    grading = book["客户分级分类表"]
    assert [c.value for c in grading[2]] == [
        "XX科技有限公司",
        "A级",
        "互联网/高价值/高潜力",
        "年预算>100万,决策链清晰,合作意愿强",
        "每月高层对接",
        "C0001",
    ]


def test_the_workbook_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "客户档案.xlsx"
    write_tables(path, [HONGDA, YUNFAN], [VISIT, CALL], TEXTS, tz=CST)
    assert read_customers(path) == [_carried(HONGDA), _carried(YUNFAN)]
    assert read_table(path, "basic") == basic_rows([HONGDA, YUNFAN])
    assert read_followups(path, tz=CST) == [
        FollowUpRow("XX科技有限公司", VISIT),
        FollowUpRow("杭州云帆物流有限公司", CALL),
    ]
    assert read_table(path, "followups") == followup_rows(
        [VISIT, CALL], {"C0001": "XX科技有限公司", "C0002": "杭州云帆物流有限公司"}, tz=CST
    )
    assert read_grading(path) == [
        GradingRow("XX科技有限公司", "C0001", "A", "高"),
        GradingRow("杭州云帆物流有限公司", "C0002", "C", ""),
    ]
    assert read_table(path, "grading") == grading_rows([HONGDA, YUNFAN], TEXTS)


def test_the_workbook_as_excel_saves_it_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "客户档案.xlsx"
    write_tables(path, [HONGDA, YUNFAN], [VISIT, CALL], TEXTS, tz=CST)
    excel = _excel_like(path)
    with zipfile.ZipFile(excel) as z:
        assert b't="s"' in z.read("xl/worksheets/sheet1.xml")
    assert read_customers(excel) == [_carried(HONGDA), _carried(YUNFAN)]
    assert read_followups(excel, tz=CST) == read_followups(path, tz=CST)


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    odd = Customer("C0009", '=HYPERLINK("x")', "li.lei", industry="#N/A", address="a\x01b")
    path = tmp_path / "odd.xlsx"
    write_tables(path, [odd])
    cell = load_workbook(path)["客户基础信息表"]["A2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x")', "s")
    assert read_customers(path) == [replace(_carried(odd), address="ab")]


def test_three_csv_files_in_utf8_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "客户档案.csv"
    written = write_tables(path, [HONGDA, YUNFAN], [VISIT, CALL], TEXTS, tz=CST)
    assert [p.name for p in written] == [f"客户档案-{name}.csv" for name in SHEETS]
    assert not path.exists()
    text = written[0].read_bytes()
    assert text.startswith(b"\xef\xbb\xbf" + "客户名称,所属行业".encode())
    assert "13812345678,zhangxx@example.com,2023-10-15" in text.decode("utf-8-sig")
    assert read_customers(path) == [_carried(HONGDA), _carried(YUNFAN)]  # by the stem
    assert read_customers(written[0]) == [_carried(HONGDA), _carried(YUNFAN)]
    assert read_followups(path, tz=CST) == [
        FollowUpRow("XX科技有限公司", VISIT),
        FollowUpRow("杭州云帆物流有限公司", CALL),
    ]
    assert read_grading(written[2])[0] == GradingRow("XX科技有限公司", "C0001", "A", "高")


def test_the_three_csv_files_are_replaced_together_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flowkit.customers import excel

    path = tmp_path / "客户档案.csv"
    before = write_tables(path, [HONGDA], [VISIT], TEXTS, tz=CST)
    kept = [p.read_bytes() for p in before]
    writing = excel._write_csv

    def full_disk(target: Path, kind: str, rows: Any, **rest: Any) -> None:
        if kind == "grading":  # the last of the three
            raise OSError(28, "No space left on device")
        writing(target, kind=kind, rows=rows, **rest)  # type: ignore[arg-type]

    monkeypatch.setattr(excel, "_write_csv", full_disk)
    with pytest.raises(OSError):
        write_tables(path, [HONGDA, YUNFAN], [VISIT, CALL], TEXTS, tz=CST)
    assert [p.read_bytes() for p in before] == kept  # not two tables of the new export
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in before)


def test_a_cell_over_several_lines_survives_csv(tmp_path: Path) -> None:
    visit = replace(VISIT, content="上门演示\n客户提出三点意见")
    path = tmp_path / "t.csv"
    write_tables(path, [HONGDA], [visit], tz=CST)
    assert read_followups(path, tz=CST)[0].followup == visit


def test_writing_is_xlsx_or_csv(tmp_path: Path) -> None:
    error = _problem(write_sheets, tmp_path / "t.xls", {})
    assert error.message == "'t.xls': customer tables are written as .xlsx or .csv"
    assert list(tmp_path.iterdir()) == []


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(customer_lists)
def test_files_round_trip(tmp_path: Path, customers: list[Customer]) -> None:
    for name in ("t.xlsx", "t.csv"):
        write_tables(tmp_path / name, customers)
        assert read_customers(tmp_path / name) == customers


# ---- reading what people make ---------------------------------------------------------


ENGLISH = ["Customer", "Industry", "Size", "Address", "Contact", "Title", "Mobile", "Email",
           "First contact", "Keywords"]  # fmt: skip


def test_typed_excel_cells_read_as_people_see_them(tmp_path: Path) -> None:
    path = _sheet(
        tmp_path / "客户.xlsx",
        ENGLISH,
        ["上海宏达机械有限公司", "制造业", 500, "上海市闵行区", "周杰", "厂长", 13812345678,
         "ZHOU@hongda.cn", datetime(2023, 10, 15), "MES、ERP"],
        [None] * 10,
        ["上海宏达机械有限公司", None, None, None, "吴敏", "采购", 13912345678.0, None,
         None, None],
        ["杭州云帆物流有限公司", "物流", "50-100人/2000万", None, None, None, None, None,
         date(2024, 3, 1), None],
    )  # fmt: skip
    hongda, yunfan = read_customers(path)
    assert (hongda.employees, hongda.first_contact) == ("500", date(2023, 10, 15))
    assert [(c.name, c.mobile, c.email) for c in hongda.contacts] == [
        ("周杰", "13812345678", "zhou@hongda.cn"),
        ("吴敏", "13912345678", ""),
    ]
    assert (yunfan.employees, yunfan.revenue_band) == ("50-100人", "2000万")
    assert yunfan.first_contact == date(2024, 3, 1)
    assert read_customers(_excel_like(path)) == [hongda, yunfan]


def test_a_title_row_above_the_header_is_skipped(tmp_path: Path) -> None:
    path = _sheet(
        tmp_path / "跟进.xlsx",
        ["客户跟进记录表（2023年第四季度）"],
        [],
        ["客户名称", "跟进日期", "跟进方式", "沟通内容（简要）", "客户反馈/需求变化", "下一步计划",
         "负责人"],
        ["XX科技有限公司", datetime(2023, 10, 20, 15, 30), "上门拜访", "演示", "", "报价",
         "li.lei"],
    )  # fmt: skip
    (row,) = read_followups(path, tz=CST)
    assert row.followup.at == datetime(2023, 10, 20, 15, 30, tzinfo=CST)
    assert (row.customer_name, row.followup.method) == ("XX科技有限公司", "visit")


def test_a_workbook_of_the_three_tables_without_this_one(tmp_path: Path) -> None:
    path = _sheet(tmp_path / "t.xlsx", ["客户名称"], ["X"], title="客户基础信息表")
    error = _problem(read_table, path, "grading")
    assert error.message == "t.xlsx has no sheet 客户分级分类表 (its sheets: 客户基础信息表)"


def test_a_table_without_rows_is_empty_and_without_a_header_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_tables(path, [YUNFAN])
    assert read_followups(path) == []
    empty = _sheet(tmp_path / "empty.xlsx", [])
    assert _problem(read_customers, empty).message == (
        "empty.xlsx: the table 客户基础信息表 is empty (no header row)"
    )


def test_which_tables_a_file_holds(tmp_path: Path) -> None:
    write_tables(tmp_path / "all.xlsx", [HONGDA], [VISIT])
    assert tables_in(tmp_path / "all.xlsx") == ("basic", "followups", "grading")
    written = write_tables(tmp_path / "all.csv", [HONGDA], [VISIT])
    assert tables_in(tmp_path / "all.csv") == ("basic", "followups", "grading")
    assert tables_in(written[1]) == ("followups",)
    named = _sheet(tmp_path / "named.xlsx", ["客户名称"], title="客户基础信息表")
    assert tables_in(named) == ("basic",)
    followups = _sheet(tmp_path / "f.xlsx", ["跟进记录"], ["Customer", "Date", "Method"])
    assert tables_in(followups) == ("followups",)
    grading = tmp_path / "g.csv"
    grading.write_text("客户名称,客户等级\nX,A级\n", "utf-8-sig")
    assert tables_in(grading) == ("grading",)
    basic = _sheet(tmp_path / "b.xlsx", ENGLISH, ["X"])
    assert tables_in(basic) == ("basic",)


# ---- problems -------------------------------------------------------------------------


def test_a_bad_cell_is_located_by_sheet_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_tables(path, [HONGDA, YUNFAN])
    book = load_workbook(path)
    sheet = book["客户基础信息表"]
    sheet["G3"] = "138xxxx"
    sheet["I5"] = "2023-13-01"
    sheet["B4"] = "制造业"
    book.save(path)
    error = _problem(read_customers, path)
    assert error.message == (
        "3 problem(s); nothing was read:\n"
        "  t.xlsx: sheet 客户基础信息表, row 3, column G (手机号码): '138xxxx' is neither a "
        "mobile number (13812345678) nor a landline with its area code (010-12345678)\n"
        "  t.xlsx: sheet 客户基础信息表, row 5, column I (首次接触时间): '2023-13-01' is not a "
        "day of the calendar\n"
        "  t.xlsx: sheet 客户基础信息表, row 4, column B (所属行业): '制造业' contradicts "
        "'互联网' in row 2 of the same customer (leave it empty or write the same)"
    )
    assert _problem(read_table, path, "basic").message == error.message


def test_problems_name_the_header_as_written(tmp_path: Path) -> None:
    path = _sheet(
        tmp_path / "t.xlsx",
        ["Customer", "Mobile"],
        ["XX科技有限公司", "138xxxx"],
        [None, "13812345678"],
    )
    assert _problem(read_customers, path).message == (
        "2 problem(s); nothing was read:\n"
        "  t.xlsx: sheet Sheet1, row 2, column B (Mobile): '138xxxx' is neither a mobile "
        "number (13812345678) nor a landline with its area code (010-12345678)\n"
        "  t.xlsx: sheet Sheet1, row 3, column A (Customer): empty; every row needs it"
    )


def test_csv_problems_name_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "跟进.csv"
    path.write_text(
        "客户名称,跟进日期,跟进方式\nXX科技有限公司,2023/10/20,电话\n\n上海宏达,2023-10-32,微信\n",
        "utf-8-sig",
    )
    assert _problem(read_followups, path).message == (
        "2 problem(s); nothing was read:\n"
        "  跟进.csv: row 4, column B (跟进日期): '2023-10-32' is not a day of the calendar\n"
        "  跟进.csv: row 4, column C (跟进方式): '微信' is not a follow-up method "
        "(电话、上门拜访、邮件、其他); another is declared under methods: in customers.yaml"
    )


def test_an_unknown_header_names_the_known_ones(tmp_path: Path) -> None:
    path = _sheet(tmp_path / "t.xlsx", ["客户名称", "客户等级", "备注"], ["X", "A", "x"])
    error = _problem(read_grading, path)
    assert error.message == (
        "1 problem(s) in the header; nothing was read:\n"
        "  t.xlsx: sheet Sheet1, row 1, column C: unknown column '备注'\n"
        "  the columns of 客户分级分类表 are 客户名称, 客户等级(ABC), 分类维度(行业/价值/潜力), "
        "分级标准, 维护策略, 客户编号"
    )
    assert error.hint == "to import without them: --ignore-column 备注"


def test_a_repeated_or_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("联系人,手机号码,手机\n张三,13812345678,13812345678\n", "utf-8")
    assert _problem(read_customers, path).message == (
        "2 problem(s) in the header; nothing was read:\n"
        "  t.csv: row 1, column C: '手机' repeats column B (手机号码), 手机号码\n"
        "  t.csv: row 1: no column 客户名称\n"
        "  the columns of 客户基础信息表 are 客户名称, 所属行业, 企业规模(员工数/营收), 注册地址, "
        "联系人姓名, 职务, 手机号码, 邮箱, 首次接触时间, 需求关键词, 客户编号, 客户规模分类, "
        "合作阶段, 负责人, 标签, 联系人角色, 客户痛点, 采购需求, 预算范围, 扩展字段, 备注, "
        "转介绍来源"
    )


def test_a_gbk_csv_gets_the_excel_hint(tmp_path: Path) -> None:
    path = tmp_path / "客户.csv"
    path.write_bytes("客户名称,所属行业\n上海宏达,制造业\n".encode("gbk"))
    error = _problem(read_customers, path)
    assert re.fullmatch(r"客户\.csv is not UTF-8 \(byte \d+\)", error.message)
    assert error.hint == (
        "Excel on Chinese Windows saves CSV as GBK: save as 'CSV UTF-8', or import the .xlsx"
    )


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    assert _problem(read_customers, tmp_path / "none.xlsx").message == (
        f"'{tmp_path / 'none.xlsx'}' does not exist or is not a file"
    )
    assert _problem(read_customers, tmp_path / "t.xls").message == (
        "'t.xls': customer tables are read from .xlsx or .csv files"
    )
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a zip")
    assert _problem(read_customers, broken).message.startswith(
        "broken.xlsx is not a readable .xlsx workbook: "
    )
