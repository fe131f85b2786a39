"""Hostile files through `flowkit import` and `flowkit customer import` (issue 10): broken
workbooks, bombs, entity declarations, bad shared strings, huge cells, NaN and infinite
numbers, control characters. Never an internal error (exit 3): exit 2, a message naming the
file, and the database as it was: byte for byte on SQLite, row for row on PostgreSQL (every
command test runs on both)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowkit.cli import main
from flowkit.errors import InputError
from flowkit.spreadsheet import open_table
from tests import hostile, snapshots
from tests.databases import database

ROOT = Path(__file__).resolve().parents[2]
TRACKING = [
    ["商机名称", "客户名称", "负责人", "流程", "客户规模"],
    ["CRM升级", "上海宏达", "li.lei", "standard-sales", "large"],
]
CUSTOMERS = [["客户名称", "负责人", "备注"], ["杭州远景", "li.lei", "老客户"]]
COMMANDS = {
    "import": (["import"], TRACKING),
    "customer import": (["customer", "import"], CUSTOMERS),
}

Maker = Callable[[Path, list[list[str]]], Path]


def _sheet(rows_xml: bytes) -> Callable[[bytes], bytes]:
    return lambda _: hostile.sheet_of(rows_xml)


def _member_dropped(member: str) -> Maker:
    def make(path: Path, rows: list[list[str]]) -> Path:
        made = hostile.parts(rows)
        del made[member]
        return hostile.save(path, made)

    return make


def _bytes(change: Callable[[bytes], bytes]) -> Maker:
    def make(path: Path, rows: list[list[str]]) -> Path:
        hostile.workbook(path, rows)
        path.write_bytes(change(path.read_bytes()))
        return path

    return make


def _bad_string(path: Path, rows: list[list[str]]) -> Path:
    return hostile.workbook(path, [rows[0], [999, *rows[1][1:]]])


def _entity(prolog: bytes, reference: str) -> Maker:
    def make(path: Path, rows: list[list[str]]) -> Path:
        return hostile.save(
            path, hostile.parts([rows[0], [reference, *rows[1][1:]]], prolog=prolog)
        )

    return make


def _declared_bomb(path: Path, rows: list[list[str]]) -> Path:
    return hostile.declared_size(hostile.workbook(path, rows), hostile.SHEET, 2**32 - 1)


def _csv(text: str) -> Maker:
    def make(path: Path, rows: list[list[str]]) -> Path:
        target = path.with_suffix(".csv")
        header = ",".join(rows[0])
        target.write_text(header + "\n" + text.format(*rows[1]) + "\n", encoding="utf-8")
        return target

    return make


def _number(value: str, suffix: str = ".xlsx") -> Maker:
    """The rows with a number column (合同金额 or 年度预算) holding `value`: in a workbook, a
    numeric cell (<v>NaN</v>, which openpyxl would read as a float); in a CSV, the text."""

    def make(path: Path, rows: list[list[str]]) -> Path:
        column = "合同金额" if "流程" in rows[0] else "年度预算"
        if suffix == ".csv":
            target = path.with_suffix(".csv")
            lines = [[*rows[0], column], [*rows[1], value]]
            target.write_text("\n".join(",".join(r) for r in lines) + "\n", encoding="utf-8")
            return target
        made = hostile.parts([[*rows[0], column], [*rows[1], 424242]])
        cell = f"<v>{value}</v>".encode()
        sheet = made[hostile.SHEET].replace(b't="s"><v>424242</v>', b">" + cell)
        assert cell in sheet  # a number cell, not a shared string that does not exist
        made[hostile.SHEET] = sheet
        return hostile.save(path, made)

    return make


CORPUS: dict[str, Maker] = {
    "bad shared string": _bad_string,
    "entity": _entity(hostile.SMALL_ENTITY, "&who;"),
    "billion laughs": _entity(hostile.LAUGHS, "&l9;"),
    "not a zip": _bytes(lambda data: b"PK\x03\x04 but nothing more"),
    "empty file": _bytes(lambda data: b""),
    "truncated zip": _bytes(lambda data: data[: len(data) * 2 // 3]),
    "no workbook.xml": _member_dropped("xl/workbook.xml"),
    "no content types": _member_dropped("[Content_Types].xml"),
    "no sheet": _member_dropped(hostile.SHEET),
    "corrupt sheet xml": lambda p, r: hostile.workbook(p, r, sheet=lambda x: x[:-30]),
    "corrupt workbook xml": lambda p, r: hostile.workbook(p, r, workbook=lambda x: x[:-30]),
    "corrupt strings xml": lambda p, r: hostile.workbook(p, r, strings=lambda x: x[:-9]),
    "declared bomb": _declared_bomb,
    "row bomb": lambda p, r: hostile.workbook(
        p, r, sheet=_sheet(b'<row r="1">' + b"<c/>" * 200_000 + b"</row>")
    ),
    "row past excel": lambda p, r: hostile.workbook(
        p, r, sheet=_sheet(b'<row r="2000000"><c r="A2000000"/></row>')
    ),
    "huge csv cell": _csv("{0}" + "x" * 200_000 + ",{1},{2}"),
    # NaN and ±Infinity were stored by SQLite and refused by PostgreSQL at write time
    "NaN number cell": _number("NaN"),
    "infinite number cell": _number("1e999"),
    "Infinity in a csv": _number("-Infinity", ".csv"),
}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_db: Path) -> Iterator[str]:
    yield from database(request.param, tmp_path, template=migrated_db)


@pytest.fixture
def run(db_url: str, processes: Path) -> Callable[..., Result]:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        base = ["--db", db_url, "--processes", str(processes)]
        return runner.invoke(main, [*base, "--now", "2026-11-27T10:00", *args])

    return invoke


@pytest.fixture
def seeded(run: Callable[..., Result], db_url: str) -> Callable[[], object]:
    """A database holding an opportunity and a customer, so "unchanged" means something;
    what it holds: the SQLite file's bytes, or every row of the PostgreSQL schema."""
    assert run("customer", "add", "上海宏达", "--owner", "li.lei").exit_code == 0
    started = run(
        "start",
        "standard-sales",
        "--name",
        "CRM",
        "--customer",
        "上海宏达",
        "--owner",
        "li.lei",
        "--field",
        "segment=large",
    )
    assert started.exit_code == 0, started.output
    if "://" in db_url:
        return lambda: snapshots.rows(db_url)
    return Path(db_url).read_bytes


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(CORPUS))
def test_a_hostile_file_is_an_input_error_and_writes_nothing(
    run: Callable[..., Result],
    seeded: Callable[[], object],
    tmp_path: Path,
    command: str,
    case: str,
) -> None:
    args, rows = COMMANDS[command]
    path = CORPUS[case](tmp_path / "hostile.xlsx", [list(r) for r in rows])
    before = seeded()
    result = run(*args, str(path))
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and path.name in result.output, result.output
    assert "internal error" not in result.output
    assert seeded() == before


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_corpus_files_are_importable_once_repaired(
    run: Callable[..., Result], tmp_path: Path, command: str
) -> None:
    """The same rows in a sound workbook import: the corpus is refused for what was broken."""
    args, rows = COMMANDS[command]
    result = run(*args, str(hostile.workbook(tmp_path / "sound.xlsx", rows)))
    assert result.exit_code == 0, result.output


# ---- any damage to a workbook's bytes: an InputError or the rows, nothing else ------------


def _sound(tmp: Path) -> bytes:
    return hostile.workbook(tmp / "sound.xlsx", CUSTOMERS).read_bytes()


@settings(
    max_examples=100, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_damaged_bytes_are_read_or_refused_never_crash(tmp_path: Path, data: st.DataObject) -> None:
    sound = _sound(tmp_path)
    damaged = bytearray(sound)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        damaged[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(damaged) // 2, len(damaged)))
    path = tmp_path / "d.xlsx"
    path.write_bytes(bytes(damaged[:cut]))
    _read_or_refused(path)


XML_NOISE = st.sampled_from(
    [
        b"<",
        b">",
        b"&",
        b"&amp;",
        b"<!DOCTYPE x>",
        b"<c/>",
        b"</row>",
        b'<row r="9">',
        b"\x00",
        b"\xff",
        b"]]>",
        b"<!--",
        b"&#0;",
        b'r="ZZZ9"',
        b"<v>99</v>",
        b't="s"',
        b"",
    ]
)


@settings(
    max_examples=100, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(part=st.sampled_from(["sheet", "strings", "workbook"]), data=st.data())
def test_damaged_xml_is_read_or_refused_never_crash(
    tmp_path: Path, part: str, data: st.DataObject
) -> None:
    def damage(xml: bytes) -> bytes:
        for _ in range(data.draw(st.integers(1, 4))):
            at = data.draw(st.integers(0, len(xml)))
            xml = xml[:at] + data.draw(XML_NOISE) + xml[at + data.draw(st.integers(0, 6)) :]
        return xml

    _read_or_refused(hostile.workbook(tmp_path / "d.xlsx", CUSTOMERS, **{part: damage}))


@settings(
    max_examples=100, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(st.characters(codec="utf-8"), max_size=200))
def test_any_csv_text_is_read_or_refused_never_crash(tmp_path: Path, text: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text("客户名称,负责人\n" + text, encoding="utf-8")
    _read_or_refused(path)


def _read_or_refused(path: Path) -> None:
    try:
        with open_table(path) as table:
            for _ in table.rows:
                pass
    except InputError as e:  # anything else fails the test
        assert path.name in e.message


# ---- control characters and line breaks in cells ----------------------------------------

CONTROL = "宏达\x1b[2J\x1b]8;;http://evil.example\x07点我\x1b]8;;\x07\r覆盖"
RAW = ("\x1b", "\x07", "\r")


def _csv_file(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_control_characters_from_files_never_reach_the_terminal(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    customers = [["客户名称", "负责人", "备注"], [CONTROL, "li.lei", "x\x1b[31my"]]
    assert run("customer", "import", str(_csv_file(tmp_path / "c.csv", customers))).exit_code == 0
    deals = [  # at 线索初筛 (24小时内): its deadline puts it in the status below
        TRACKING[0] + ["关键动作", "当前阶段"],
        [CONTROL, CONTROL, "li.lei", "standard-sales", "large", CONTROL, "线索初筛"],
    ]
    assert run("import", str(_csv_file(tmp_path / "t.csv", deals))).exit_code == 0
    for args in (
        ["customer", "list"],
        ["customer", "show", "C00001"],
        ["customer", "check", "--by", "customer"],
        ["list"],
        ["show", "1"],
        ["status", "--as-of", "2027-06-01T10:00"],
    ):
        result = run(*args)
        assert result.exit_code in (0, 1), result.output
        assert not any(c in result.output for c in RAW), (args, result.output)
        assert "\\x1b[2J" in result.output, args
    shown = run("customer", "show", "C00001", "--format", "json")
    assert '"name":"宏达\\u001b[2J' in shown.output  # JSON keeps the data, escaped
    refused = run(
        "import",
        str(
            _csv_file(
                tmp_path / "bad.csv", [deals[0], [*deals[1][:2], "\x1b[31mli", *deals[1][3:]]]
            )
        ),
    )
    assert refused.exit_code == 2
    assert "\\x1b[31mli" in refused.output and "\x1b" not in refused.output


def test_line_breaks_in_quoted_csv_cells_are_kept(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    customers = [["客户名称", "负责人", "备注"], ["宏达\r\n二部", "li.lei", "第一行\n第二行"]]
    assert run("customer", "import", str(_csv_file(tmp_path / "c.csv", customers))).exit_code == 0
    deals = [
        TRACKING[0] + ["关键动作"],
        ["CRM\n升级", "宏达", "li.lei", "standard-sales", "large", "打电话\n发邮件"],
    ]
    assert run("import", str(_csv_file(tmp_path / "t.csv", deals))).exit_code == 0
    customer = json.loads(run("customer", "show", "C00001", "--format", "json").output)["customer"]
    assert (customer["name"], customer["notes"]) == ("宏达\r\n二部", "第一行\n第二行")
    deal = json.loads(run("show", "1", "--format", "json").output)
    assert (deal["name"], deal["next_action"]) == ("CRM\n升级", "打电话\n发邮件")
    assert "CRM\\n升级" in run("list").output  # one row of the table
