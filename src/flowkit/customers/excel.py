"""The customer tables as files: one .xlsx workbook with three sheets, or three .csv files.

Reading finds each table's sheet by its header row (`sheets_of`: teams rename sheets),
maps the headers (the template's, ours and English ones), checks every cell
and refuses the whole table with every problem located ("t.xlsx: sheet 客户基础信息表,
row 7, column G (手机号码): ..."). Writing gives Excel what it needs to show Chinese and
keep numbers as written: a bold frozen header, real dates, phone numbers as text, CSV in
UTF-8 with a BOM. Large files stream (openpyxl read-only and write-only modes).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import partial
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowkit.customers.checks import BUILT_IN, Methods
from flowkit.customers.columns import (
    COLUMNS,
    NAME,
    REQUIRED,
    SHEETS,
    CellType,
    Kind,
    header_names,
)
from flowkit.customers.reading import Reading
from flowkit.customers.tables import (
    FollowUpRow,
    GradeTexts,
    GradingRow,
    Row,
    Where,
    Written,
    basic_rows,
    check_rows,
    customers_of,
    fail,
    followup_rows,
    followups_of,
    grading_of,
    grading_rows,
    written_of,
)
from flowkit.errors import InputError
from flowkit.messages import Message, msg, words
from flowkit.model.customer import Customer, FollowUp
from flowkit.output.cells import GuardedWriter
from flowkit.private import create_private, folder_missing
from flowkit.progress import Progress, counted, quiet
from flowkit.spreadsheet import column_letter, header_of, heads, open_table, two_row_header

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

HEADER_SCAN = 5  # rows searched for the header (a title row above it is common)
WIDTH_SAMPLE = 1000  # rows measured for column widths
_CJK = 0x2E80
_NARROW_FIRST: tuple[Kind, ...] = ("followups", "grading", "basic")
PLAIN = Reading()


@dataclass(frozen=True)
class _Table:
    rows: list[dict[str, str]]
    where: Where
    ignored: tuple[Message, ...] = ()  # left out as asked: "客户来源 (sheet 客户, column G)"


@dataclass(frozen=True)
class FileRead:
    """What an import read from a file: the records of its tables, and how it read them."""

    customers: list[Customer]
    follow_ups: list[FollowUpRow]
    grading: list[GradingRow]
    sheets: tuple[SheetUse, ...]  # how each sheet was read, or why it was skipped
    ignored: tuple[Message, ...]  # the columns left out as asked, where they were
    columns: frozenset[str] = frozenset()  # the customer table's columns (a field's: FIELD+id)
    written: tuple[Written, ...] = ()  # beside each customer: the cells its rows fill
    where: Where = field(default_factory=Where)  # how to name a cell of the customer table


# ---- reading --------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetUse:
    """How one sheet of a workbook (or one CSV file) is read: as which table, or skipped
    and why. An import says them all, so that no sheet is left out unnoticed."""

    file: str
    sheet: str | None  # None for a CSV file
    kind: Kind | None  # None: skipped
    reason: Message | None = None  # why it was skipped

    def message(self) -> Message:
        place = msg("sheet {sheet}", sheet=self.sheet) if self.sheet is not None else self.file
        if self.kind is not None:
            return msg("read {place} as {table}", place=place, table=SHEETS[self.kind])
        return msg("skipped {place}: {reason}", place=place, reason=self.reason or "")


def read_table(
    path: Path, kind: Kind, sheet: str | None = None, reading: Reading = PLAIN
) -> list[Row]:
    """One table's rows, each cell checked and in its written form (see `tables`)."""
    return _read(path, kind, sheet, reading)[0]


def read_customers(
    path: Path, sheet: str | None = None, reading: Reading = PLAIN
) -> list[Customer]:
    """The customers of 客户基础信息表 (ids "" unless the file has 客户编号)."""
    return _read_customers(path, sheet, reading)[0]


def read_followups(
    path: Path, sheet: str | None = None, *, tz: tzinfo | None = None, reading: Reading = PLAIN
) -> list[FollowUpRow]:
    """The records of 客户跟进记录表, each beside its customer's name; times in `tz`."""
    rows = read_table(path, "followups", sheet, reading)
    return followups_of(rows, tz=tz, methods=reading.methods)


def read_grading(
    path: Path, sheet: str | None = None, reading: Reading = PLAIN
) -> list[GradingRow]:
    """The grades and potentials of 客户分级分类表."""
    return grading_of(read_table(path, "grading", sheet, reading))


def read_file(path: Path, reading: Reading = PLAIN, *, tz: tzinfo | None = None) -> FileRead:
    """Every table a file holds (`sheets_of`), read with `reading`; a file without a
    customer table is refused, saying what each of its sheets was."""
    sheets = sheets_of(path)
    held = {use.kind: use.sheet for use in sheets if use.kind is not None}
    if "basic" not in held:
        raise InputError(
            msg("{file} holds no 客户基础信息表 (customer table)", file=path.name),
            msg("{sheets}", sheets=words((use.message() for use in sheets), sep="; "))
            if sheets
            else None,
        )
    customers, basic, written = _read_customers(path, held["basic"], reading)
    ignored = basic.ignored
    follow_ups: list[FollowUpRow] = []
    grading: list[GradingRow] = []
    if "followups" in held:
        rows, table = _read(path, "followups", held["followups"], reading)
        follow_ups = followups_of(rows, tz=tz, methods=reading.methods, where=table.where)
        ignored += table.ignored
    if "grading" in held:
        rows, table = _read(path, "grading", held["grading"], reading)
        grading, ignored = grading_of(rows, table.where), ignored + table.ignored
    columns = frozenset(basic.where.columns)
    return FileRead(
        customers, follow_ups, grading, sheets, ignored, columns, tuple(written), basic.where
    )


def _read(path: Path, kind: Kind, sheet: str | None, reading: Reading) -> tuple[list[Row], _Table]:
    table = _load(path, kind, sheet, reading)
    rows, problems = check_rows(kind, table.rows, table.where, reading.checks(kind))
    if kind == "basic":
        problems += customers_of(rows, table.where)[1]
    fail(problems)
    return rows, table


def _read_customers(
    path: Path, sheet: str | None, reading: Reading
) -> tuple[list[Customer], _Table, list[Written]]:
    table = _load(path, "basic", sheet, reading)
    rows, problems = check_rows("basic", table.rows, table.where, reading.checks("basic"))
    customers, conflicts = customers_of(rows, table.where)
    fail(problems + conflicts)
    return customers, table, written_of(rows)


def tables_in(path: Path) -> tuple[Kind, ...]:
    """The tables a file holds (`sheets_of`), in the order of its sheets."""
    return tuple(use.kind for use in sheets_of(path) if use.kind is not None)


def sheets_of(path: Path) -> tuple[SheetUse, ...]:
    """Which table each sheet of a workbook holds, by its header row: teams rename their
    sheets (跟进记录, 客户分级), so a sheet is the table whose columns its header names
    most. A sheet named as the template names a table is that table. One without a header
    row naming 客户名称 is skipped, and so is a second sheet of a table whose template-named
    sheet is read; two unnamed sheets of one table are refused (which one is meant?).

    A CSV path stands for the files <stem>-<table>.csv beside it, or a file named for a
    table; else its header tells, as a sheet's does."""
    if path.suffix.lower() == ".csv":
        beside = tuple(
            k for k in SHEETS if path.with_name(f"{path.stem}-{SHEETS[k]}.csv").is_file()
        )
        named = tuple(k for k in SHEETS if path.stem.endswith(SHEETS[k]))
        if beside or named:
            return tuple(SheetUse(_table_file(path, k).name, None, k) for k in beside or named)
    found = heads(_table_file(path, "basic"), HEADER_SCAN)
    uses = [_sheet_use(path.name, title, lines) for title, lines in found]
    return _one_per_table(path.name, uses)


def _sheet_use(file: str, sheet: str | None, lines: Sequence[tuple[int, list[str]]]) -> SheetUse:
    """The table a sheet holds, from its first non-empty rows."""
    named = next((k for k in SHEETS if SHEETS[k] == sheet), None)
    if named is not None:
        return SheetUse(file, sheet, named)
    if not lines:
        return SheetUse(file, sheet, None, msg("it is empty"))
    header = next((cells for _, cells in lines if NAME in _mapped(cells, "basic")), None)
    if header is None:
        return SheetUse(
            file,
            sheet,
            None,
            msg(
                "no header row naming {column} in its first {n} rows",
                column=NAME,
                n=HEADER_SCAN,
            ),
        )
    # the follow-up and grading tables share columns with the basic one: a sheet is one of
    # them when it names a column of theirs the basic table lacks, and wins a tie then
    basic = {c.header for c in COLUMNS["basic"]}
    scores = {
        kind: len(mapped)
        for kind in _NARROW_FIRST
        if (mapped := _mapped(header, kind)) and (kind == "basic" or mapped - basic)
    }
    chosen: Kind = max(_NARROW_FIRST, key=lambda kind: scores.get(kind, -1))
    return SheetUse(file, sheet, chosen)


def _one_per_table(file: str, uses: Sequence[SheetUse]) -> tuple[SheetUse, ...]:
    """One sheet per table: the template-named one, else the only one; others skipped."""
    out = list(uses)
    for kind, table in SHEETS.items():
        holding = [i for i, use in enumerate(out) if use.kind == kind]
        if len(holding) < 2:
            continue
        chosen = next((i for i in holding if out[i].sheet == table), None)
        if chosen is None:
            raise InputError(
                msg(
                    "{file}: sheets {sheets} each hold {table}; flowkit reads one sheet per table",
                    file=file,
                    sheets=words(out[i].sheet or "" for i in holding),
                    table=table,
                ),
                msg(
                    "put their rows in one sheet, or name the sheet to read {table}",
                    table=table,
                ),
            )
        for i in holding:
            if i != chosen:
                reason = msg("a second {table}; sheet {sheet} is read", table=table, sheet=table)
                out[i] = SheetUse(file, out[i].sheet, None, reason)
    return tuple(out)


def _mapped(header: Iterable[str], kind: Kind) -> set[str]:
    names = header_names(kind)
    return {found for text in header if (found := header_of(names, text))}


def _load(path: Path, kind: Kind, sheet: str | None = None, reading: Reading = PLAIN) -> _Table:
    path = _table_file(path, kind)
    pick = (lambda _: sheet) if sheet is not None else partial(_sheet_of, kind, path)
    with open_table(path, pick) as table:
        source = (
            msg("{file}: sheet {sheet}, ", file=table.file, sheet=table.sheet)
            if table.sheet
            else msg("{file}: ", file=table.file)
        )
        numbered: Iterator[tuple[int, list[str]]] = (
            (n, cells) for n, cells in table.rows if any(cells)
        )
        header_at, header = _find_header(numbered, kind, path)
        header_at, header, numbered = _second_row(header_at, header, numbered, kind, reading)
        place = msg("sheet {sheet}", sheet=table.sheet) if table.sheet else table.file
        columns, ignored = _columns(header, header_at, kind, source, reading, place)
        rows: list[dict[str, str]] = []
        numbers: list[int] = []
        step = msg("reading {place}", place=place)
        for number, cells in counted(numbered, reading.progress, step):
            rows.append({h: cells[i] if i < len(cells) else "" for i, h in columns.items()})
            numbers.append(number)
    names = {h: f"{column_letter(i)} ({header[i]})" for i, h in columns.items()}
    return _Table(rows, Where(source, numbers, names), tuple(ignored))


def _sheet_of(kind: Kind, path: Path, names: Sequence[str]) -> str:
    """The sheet that holds the table (`sheets_of`); a workbook where no sheet holds any
    is read from its first sheet (its header says what is wrong), else it is refused."""
    uses = sheets_of(path)
    found = next((u.sheet for u in uses if u.kind == kind and u.sheet), None)
    if found is None and all(u.kind is None for u in uses):
        return names[0]
    if found is None:
        raise InputError(
            msg(
                "{file} has no sheet {sheet} (its sheets: {sheets})",
                file=path.name,
                sheet=SHEETS[kind],
                sheets=words(names),
            )
        )
    return found


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


def _second_row(
    number: int,
    header: list[str],
    rows: Iterator[tuple[int, list[str]]],
    kind: Kind,
    reading: Reading,
) -> tuple[int, list[str], Iterator[tuple[int, list[str]]]]:
    """The header of two rows (a group's label above its columns: `two_row_header`) with
    the number of its lower row, where the header's columns are named; else the header as
    found, and the rows to read from it on."""
    below = next(rows, None)
    if below is None:
        return number, header, rows
    names = header_names(kind)
    anchors = [i for i, text in enumerate(header) if header_of(names, text) == NAME]

    def known(text: str) -> bool:
        field = reading.field_column(text) if kind == "basic" else None
        return bool(header_of(names, text) or field or reading.ignored(text))

    combined = two_row_header(header, below[1], anchors, known)
    if combined is None:
        return number, header, chain([below], rows)
    return below[0], combined, rows


def _columns(
    header: Sequence[str],
    number: int,
    kind: Kind,
    source: Message,
    reading: Reading,
    place: Message | str,
) -> tuple[dict[int, str], list[Message]]:
    """Column index -> the template's header (or a field's row key), and the columns left
    out as the user asked; every header problem at once."""
    names = header_names(kind)
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    problems: list[Message] = []
    unknown: list[str] = []
    ignored: list[Message] = []
    for i, text in enumerate(header):
        if not text:
            continue
        at = msg(
            "{source}row {row}, column {column}", source=source, row=number, column=column_letter(i)
        )
        if reading.ignored(text):
            ignored.append(
                msg(
                    "{text} ({place}, column {column})",
                    text=text,
                    place=place,
                    column=column_letter(i),
                )
            )
            continue
        known = header_of(names, text) or (reading.field_column(text) if kind == "basic" else None)
        if known is None:
            problems.append(msg("{at}: unknown column '{text}'", at=at, text=text))
            unknown.append(text)
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
            _unknown_hint(kind, unknown)
            or msg(
                "English headers work too: {columns}",
                columns=words(c.names[0] for c in COLUMNS[kind]),
            ),
        )
    return columns, ignored


def _unknown_hint(kind: Kind, unknown: Sequence[str]) -> Message | None:
    """The two ways past a column the table does not have: leave it out, or keep it."""
    if not unknown:
        return None
    options = words((f"--ignore-column {text}" for text in unknown), sep=" ")
    if kind != "basic":
        return msg("to import without them: {options}", options=options)
    return msg(
        "to import without them: {options}; to keep one, declare a field of that label in "
        "customers.yaml (fields: {{source: {{type: string, label: {label}}}}}) and import again",
        options=options,
        label=unknown[0],
    )


# ---- writing --------------------------------------------------------------------------


def write_tables(
    path: Path,
    customers: Iterable[Customer],
    followups: Iterable[FollowUp] = (),
    grading: GradeTexts | None = None,
    *,
    tz: tzinfo | None = None,
    methods: Methods = BUILT_IN,
    provenance: Sequence[tuple[str, str]] = (),
    progress: Progress = quiet,
) -> list[Path]:
    """The three tables into `path`: one .xlsx workbook, or <stem>-<table>.csv files.

    Follow-ups name their customer from `customers` and their method by its name in
    `methods`; `grading` gives the 分级标准 and 维护策略 per grade
    (`GradeTexts.from_rules`); times are written in `tz`. `provenance` (导出人, 导出时间 …
    as label and value) goes into a sheet (a CSV file) of its own, which an import skips as
    a sheet without a table header, and into the workbook's properties.
    """
    listed = list(customers)
    names = {c.id: c.name for c in listed}
    tables: dict[Kind, list[Row]] = {
        "basic": basic_rows(listed),
        "followups": followup_rows(followups, names, tz=tz, methods=methods),
        "grading": grading_rows(listed, grading),
    }
    return write_sheets(path, tables, provenance, progress)


PROVENANCE_SHEET = "导出信息"


def write_sheets(
    path: Path,
    tables: Mapping[Kind, Sequence[Row]],
    provenance: Sequence[tuple[str, str]] = (),
    progress: Progress = quiet,
) -> list[Path]:
    """Rows made by `tables` into one workbook (.xlsx) or one CSV file per table (.csv)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _all_or_none(
            {path: lambda target: _write_xlsx(target, tables, provenance, progress)}
        )
    if suffix == ".csv":
        writes: dict[Path, Callable[[Path], None]] = {
            path.with_name(f"{path.stem}-{SHEETS[kind]}.csv"): partial(
                _write_csv, kind=kind, rows=rows, progress=progress
            )
            for kind, rows in tables.items()
        }
        if provenance:
            writes[path.with_name(f"{path.stem}-{PROVENANCE_SHEET}.csv")] = partial(
                _write_provenance_csv, lines=provenance
            )
        return _all_or_none(writes)
    raise InputError(msg("'{file}': customer tables are written as .xlsx or .csv", file=path.name))


def _all_or_none(writes: Mapping[Path, Callable[[Path], None]]) -> list[Path]:
    """Every file written beside its target first, then all moved into place: a failure
    while writing (a full disk, a bad value) leaves every earlier file as it was, and the
    three CSV tables of one export are never a mix of two exports."""
    for path in writes:
        missing = folder_missing(path)
        if missing is not None:
            raise InputError(missing)
    temporary = {path: path.with_name(f".{path.name}.tmp") for path in writes}
    try:
        for path, write in writes.items():
            create_private(temporary[path], replace=True)  # customer data: owner only
            write(temporary[path])
        for path, written in temporary.items():
            os.replace(written, path)
    finally:
        for written in temporary.values():
            written.unlink(missing_ok=True)
    return list(writes)


def _write_csv(path: Path, kind: Kind, rows: Sequence[Row], progress: Progress = quiet) -> None:
    headers = [c.header for c in COLUMNS[kind]]
    step = msg("writing {table}", table=SHEETS[kind])
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = GuardedWriter(f)  # no cell a spreadsheet would run as a formula
        out.writerow(headers)
        out.writerows(
            [row.get(h, "") for h in headers] for row in counted(rows, progress, step, len(rows))
        )


def _write_provenance_csv(path: Path, lines: Sequence[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        GuardedWriter(f).writerows(lines)


def _write_xlsx(
    path: Path,
    tables: Mapping[Kind, Sequence[Row]],
    provenance: Sequence[tuple[str, str]] = (),
    progress: Progress = quiet,
) -> None:
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
        step = msg("writing {table}", table=SHEETS[kind])
        for row in counted(rows, progress, step, len(rows)):
            sheet.append([convert(row.get(h, "")) if row.get(h) else None for h, convert in cells])
    if provenance:
        stamp = book.create_sheet(PROVENANCE_SHEET)
        for label, value in provenance:
            stamp.append([label, value])
        book.properties.creator = book.properties.lastModifiedBy = dict(provenance).get("导出人")
        book.properties.description = "; ".join(f"{k}: {v}" for k, v in provenance)
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
