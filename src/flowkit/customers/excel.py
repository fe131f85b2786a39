"""The customer tables as files: one .xlsx workbook with three sheets, or three .csv files.

Reading finds the sheet by name (a workbook without any of the three names is read from its
first sheet), maps the headers (the template's, ours and English ones), checks every cell
and refuses the whole table with every problem located ("t.xlsx: sheet 客户基础信息表,
row 7, column G (手机号码): ..."). Writing gives Excel what it needs to show Chinese and
keep numbers as written: a bold frozen header, real dates, phone numbers as text, CSV in
UTF-8 with a BOM. Large files stream (openpyxl read-only and write-only modes).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowkit.customers.columns import (
    COLUMNS,
    NAME,
    REQUIRED,
    SHEETS,
    CellType,
    Kind,
    header_names,
)
from flowkit.customers.tables import (
    FollowUpRow,
    GradeTexts,
    GradingRow,
    Row,
    Where,
    basic_rows,
    check_rows,
    customers_of,
    fail,
    followup_rows,
    followups_of,
    grading_of,
    grading_rows,
)
from flowkit.errors import InputError
from flowkit.messages import Message, msg, words
from flowkit.model.customer import Customer, FollowUp
from flowkit.output.cells import GuardedWriter
from flowkit.spreadsheet import column_letter, header_of, open_table

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

HEADER_SCAN = 5  # rows searched for the header (a title row above it is common)
WIDTH_SAMPLE = 1000  # rows measured for column widths
_CJK = 0x2E80


@dataclass(frozen=True)
class _Table:
    rows: list[dict[str, str]]
    where: Where


# ---- reading --------------------------------------------------------------------------


def read_table(path: Path, kind: Kind) -> list[Row]:
    """One table's rows, each cell checked and in its written form (see `tables`)."""
    table = _load(path, kind)
    rows, problems = check_rows(kind, table.rows, table.where)
    if kind == "basic":
        problems += customers_of(rows, table.where)[1]
    fail(problems)
    return rows


def read_customers(path: Path) -> list[Customer]:
    """The customers of 客户基础信息表 (ids "" unless the file has 客户编号)."""
    table = _load(path, "basic")
    rows, problems = check_rows("basic", table.rows, table.where)
    customers, conflicts = customers_of(rows, table.where)
    fail(problems + conflicts)
    return customers


def read_followups(path: Path, *, tz: tzinfo | None = None) -> list[FollowUpRow]:
    """The records of 客户跟进记录表, each beside its customer's name; times in `tz`."""
    return followups_of(read_table(path, "followups"), tz=tz)


def read_grading(path: Path) -> list[GradingRow]:
    """The grades and potentials of 客户分级分类表."""
    return grading_of(read_table(path, "grading"))


def tables_in(path: Path) -> tuple[Kind, ...]:
    """The tables a file holds: a workbook's sheets of the three names, the files
    <stem>-<table>.csv beside a CSV path; else the one table the header shows."""
    if path.suffix.lower() == ".csv":
        beside = tuple(
            k for k in SHEETS if path.with_name(f"{path.stem}-{SHEETS[k]}.csv").is_file()
        )
        named = tuple(k for k in SHEETS if path.stem.endswith(SHEETS[k]))
        if beside or named:
            return beside or named
    with open_table(_table_file(path, "basic")) as table:
        present = tuple(k for k in SHEETS if SHEETS[k] in table.sheets)
        if present:
            return present
        lines = list(islice((line for line in table.rows if any(line[1])), HEADER_SCAN))
    header = next((cells for _, cells in lines if NAME in _mapped(cells, "basic")), [])
    basic = {c.header for c in COLUMNS["basic"]}
    for kind in ("followups", "grading"):
        if _mapped(header, kind) - basic:  # a column only that table has
            return (kind,)
    return ("basic",)


def _mapped(header: Iterable[str], kind: Kind) -> set[str]:
    names = header_names(kind)
    return {found for text in header if (found := header_of(names, text))}


def _load(path: Path, kind: Kind) -> _Table:
    path = _table_file(path, kind)
    with open_table(path, partial(_sheet_of, kind, path.name)) as table:
        source = (
            msg("{file}: sheet {sheet}, ", file=table.file, sheet=table.sheet)
            if table.sheet
            else msg("{file}: ", file=table.file)
        )
        numbered = ((n, cells) for n, cells in table.rows if any(cells))
        header_at, header = _find_header(numbered, kind, path)
        columns = _columns(header, header_at, kind, source)
        rows: list[dict[str, str]] = []
        numbers: list[int] = []
        for number, cells in numbered:
            rows.append({h: cells[i] if i < len(cells) else "" for i, h in columns.items()})
            numbers.append(number)
    names = {h: f"{column_letter(i)} ({header[i]})" for i, h in columns.items()}
    return _Table(rows, Where(source, numbers, names))


def _sheet_of(kind: Kind, file: str, names: Sequence[str]) -> str:
    """The sheet named for the table; a workbook without any of the three names is read
    from its first sheet, one holding others but not this one is refused."""
    if SHEETS[kind] in names:
        return SHEETS[kind]
    if any(name in names for name in SHEETS.values()):
        raise InputError(
            msg(
                "{file} has no sheet {sheet} (its sheets: {sheets})",
                file=file,
                sheet=SHEETS[kind],
                sheets=words(names),
            )
        )
    return names[0]


def _table_file(path: Path, kind: Kind) -> Path:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InputError(
            msg("'{file}': customer tables are read from .xlsx or .csv files", file=path.name)
        )
    if suffix == ".csv":  # t.csv stands for the t-客户基础信息表.csv write_tables made
        sibling = path.with_name(f"{path.stem}-{SHEETS[kind]}.csv")
        path = sibling if sibling.is_file() else path
    if not path.is_file():
        raise InputError(msg("'{path}' does not exist or is not a file", path=path))
    return path


def _find_header(
    numbered: Iterator[tuple[int, list[str]]], kind: Kind, path: Path
) -> tuple[int, list[str]]:
    """The first row naming the customer column, among the first few non-empty rows."""
    names = header_names(kind)
    first: tuple[int, list[str]] | None = None
    for _, (number, cells) in zip(range(HEADER_SCAN), numbered, strict=False):
        first = first or (number, cells)
        if any(header_of(names, c) == NAME for c in cells):
            return number, cells
    if first is None:
        raise InputError(
            msg(
                "{file}: the table {table} is empty (no header row)",
                file=path.name,
                table=SHEETS[kind],
            )
        )
    return first


def _columns(header: Sequence[str], number: int, kind: Kind, source: Message) -> dict[int, str]:
    """Column index -> the template's header; every header problem at once."""
    names = header_names(kind)
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    problems: list[Message] = []
    for i, text in enumerate(header):
        if not text:
            continue
        at = msg(
            "{source}row {row}, column {column}", source=source, row=number, column=column_letter(i)
        )
        known = header_of(names, text)
        if known is None:
            problems.append(msg("{at}: unknown column '{text}'", at=at, text=text))
        elif known in seen:
            first = seen[known]
            problems.append(
                msg(
                    "{at}: '{text}' repeats column {column} ({header}), {known}",
                    at=at,
                    text=text,
                    column=column_letter(first),
                    header=header[first],
                    known=known,
                )
            )
        else:
            columns[i], seen[known] = known, i
    missing = [h for h in REQUIRED[kind] if h not in seen]
    if missing:
        problems.append(
            msg(
                "{source}row {row}: no column {columns}",
                source=source,
                row=number,
                columns=words(missing),
            )
        )
    if problems:
        raise InputError(
            msg(
                "{n} problem(s) in the header; nothing was read:\n  {problems}\n"
                "  the columns of {table} are {columns}",
                n=len(problems),
                problems=words(problems, sep="\n  "),
                table=SHEETS[kind],
                columns=words(c.header for c in COLUMNS[kind]),
            ),
            msg(
                "English headers work too: {columns}",
                columns=words(c.names[0] for c in COLUMNS[kind]),
            ),
        )
    return columns


# ---- writing --------------------------------------------------------------------------


def write_tables(
    path: Path,
    customers: Iterable[Customer],
    followups: Iterable[FollowUp] = (),
    grading: GradeTexts | None = None,
    *,
    tz: tzinfo | None = None,
) -> list[Path]:
    """The three tables into `path`: one .xlsx workbook, or <stem>-<table>.csv files.

    Follow-ups name their customer from `customers`; `grading` gives the 分级标准 and
    维护策略 per grade (`GradeTexts.from_rules`); times are written in `tz`.
    """
    listed = list(customers)
    tables: dict[Kind, list[Row]] = {
        "basic": basic_rows(listed),
        "followups": followup_rows(followups, {c.id: c.name for c in listed}, tz=tz),
        "grading": grading_rows(listed, grading),
    }
    return write_sheets(path, tables)


def write_sheets(path: Path, tables: Mapping[Kind, Sequence[Row]]) -> list[Path]:
    """Rows made by `tables` into one workbook (.xlsx) or one CSV file per table (.csv)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _all_or_none({path: lambda target: _write_xlsx(target, tables)})
    if suffix == ".csv":
        return _all_or_none(
            {
                path.with_name(f"{path.stem}-{SHEETS[kind]}.csv"): partial(
                    _write_csv, kind=kind, rows=rows
                )
                for kind, rows in tables.items()
            }
        )
    raise InputError(msg("'{file}': customer tables are written as .xlsx or .csv", file=path.name))


def _all_or_none(writes: Mapping[Path, Callable[[Path], None]]) -> list[Path]:
    """Every file written beside its target first, then all moved into place: a failure
    while writing (a full disk, a bad value) leaves every earlier file as it was, and the
    three CSV tables of one export are never a mix of two exports."""
    for path in writes:
        if not path.parent.is_dir():
            raise InputError(
                msg(
                    "cannot write {target}: the folder {folder} does not exist",
                    target=path,
                    folder=path.parent,
                )
            )
    temporary = {path: path.with_name(f".{path.name}.tmp") for path in writes}
    try:
        for path, write in writes.items():
            write(temporary[path])
        for path, written in temporary.items():
            os.replace(written, path)
    finally:
        for written in temporary.values():
            written.unlink(missing_ok=True)
    return list(writes)


def _write_csv(path: Path, kind: Kind, rows: Sequence[Row]) -> None:
    headers = [c.header for c in COLUMNS[kind]]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = GuardedWriter(f)  # no cell a spreadsheet would run as a formula
        out.writerow(headers)
        out.writerows([row.get(h, "") for h in headers] for row in rows)


def _write_xlsx(path: Path, tables: Mapping[Kind, Sequence[Row]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for kind, rows in tables.items():
        sheet = book.create_sheet(SHEETS[kind])
        columns = COLUMNS[kind]
        sheet.freeze_panes = "A2"
        # the size up front, as Excel writes it: readers need not scan the sheet to learn it
        size = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
        sheet.calculate_dimension = lambda size=size: size
        for i, column in enumerate(columns, start=1):
            width = _width(column.header, (r.get(column.header, "") for r in rows[:WIDTH_SAMPLE]))
            sheet.column_dimensions[get_column_letter(i)].width = width
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column.header)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        cells = [(c.header, _converter(sheet, c.cell)) for c in columns]
        for row in rows:
            sheet.append([convert(row.get(h, "")) if row.get(h) else None for h, convert in cells])
    book.save(path)


def _converter(sheet: WriteOnlyWorksheet, cell: CellType) -> Callable[[str], Any]:
    """Text in its written form -> what the spreadsheet stores (a date, an int, text)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

    def text(value: str, number_format: str | None = None) -> Any:
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if number_format is None and not value.startswith("=") and value not in ERROR_CODES:
            return value
        written = WriteOnlyCell(sheet, value=value)
        written.data_type = "s"  # never a formula or an error code
        if number_format:
            written.number_format = number_format
        return written

    def when(value: str) -> Any:
        if len(value) == 10:
            return date.fromisoformat(value)
        written = WriteOnlyCell(sheet, value=datetime.fromisoformat(value))
        written.number_format = "yyyy-mm-dd hh:mm"
        return written

    converters: dict[CellType, Callable[[str], Any]] = {
        "text": text,
        "phone": lambda value: text(value, "@"),
        "date": date.fromisoformat,
        "datetime": when,
        "number": int,
    }
    return converters[cell]


def _width(header: str, texts: Iterable[str]) -> float:
    """Enough for the widest of the header and the sampled cells; CJK counts double."""
    widest = max((_display(t) for t in texts), default=0)
    return min(max(widest, _display(header)) + 2, 60)


def _display(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) >= _CJK)
