"""Reading the spreadsheets people import: one reader for .xlsx and .csv, whatever the table.

Both the tracking table (`flowkit import`) and the customer tables (`flowkit customer
import`) read files people saved from Excel: they get the same cell texts, the same row
numbers and, for the same mistakes, the same messages. A workbook is read with openpyxl's
public read-only API, its rows streamed (never the whole sheet in memory). A merged range
spanning rows reads as its top-left cell in each of its rows (`flowkit.workbooks` finds the
ranges, which openpyxl's read-only sheets do not give). A cell becomes the
text a person sees (13812345678, not 13812345678.0; a date cell as 2023-10-15 or
2023-10-15 15:00, which `flowkit.lang.times` reads back).

No file makes the reader fail other than with an InputError naming it: a workbook is first
checked by `flowkit.workbooks` (zip sizes, tags per row, no XML entities), its rows and
cells are counted as read, and whatever openpyxl raises on a damaged part, or the csv
module on a cell past its size limit, is reported as the file's problem, with the sheet and
row where they are known.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import IO, Any

from flowkit import workbooks
from flowkit.errors import InputError, MissingTool
from flowkit.lang.times import wall_text
from flowkit.messages import Message, msg
from flowkit.output.cells import unguarded

Line = tuple[int, list[str]]  # (row number as the file counts rows, cell texts from column A)


@dataclass(frozen=True)
class Table:
    """One sheet of a workbook, or one CSV file, being read."""

    file: str  # the file's name, as messages name it
    sheet: str | None  # the worksheet's title; None for a CSV file
    sheets: tuple[str, ...]  # every worksheet of the workbook; () for a CSV file
    rows: Iterator[Line]  # every row, empty ones too, numbered as the file numbers them


Pick = Callable[[Sequence[str]], str]  # the sheet to read, from the workbook's sheet names
_ANNOTATION = re.compile(r"\([^()]*\)$")  # a trailing (...) once NFKC made （） ASCII


@contextmanager
def open_table(path: Path, pick: Pick | None = None) -> Iterator[Table]:
    """The table in `path` (.xlsx: the sheet `pick` names, else the first; otherwise CSV),
    its rows readable until the block ends; a file that cannot be read is an InputError."""
    if path.suffix.lower() != ".xlsx":
        yield Table(path.name, None, (), _csv_rows(path))
        return
    with _opened(path) as (book, names):
        title = pick(names) if pick is not None else names[0]
        rows = _sheet_rows(path, title, book[title])
        try:
            yield Table(path.name, title, names, rows)
        finally:
            rows.close()  # a sheet read part-way holds the file open until closed


def heads(path: Path, count: int) -> list[tuple[str | None, list[Line]]]:
    """The first `count` non-empty rows of each sheet of a workbook, by sheet title, or of
    a CSV file (title None): what a reader needs to tell which table a sheet holds. The
    workbook is opened once, each sheet read only that far, with the guards of `open_table`."""
    if path.suffix.lower() != ".xlsx":
        return [(None, list(islice((line for line in _csv_rows(path) if any(line[1])), count)))]
    found: list[tuple[str | None, list[Line]]] = []
    with _opened(path) as (book, names):
        for title in names:
            rows = _sheet_rows(path, title, book[title], merged=False)
            try:
                found.append((title, list(islice((ln for ln in rows if any(ln[1])), count))))
            finally:
                rows.close()
    return found


@contextmanager
def _opened(path: Path) -> Iterator[tuple[Any, tuple[str, ...]]]:
    """The workbook at `path` and its sheet titles, open until the block ends."""
    with path.open("rb") as file:  # closed here even when openpyxl gives up half-way
        book = _workbook(path, file)
        try:
            names = tuple(book.sheetnames)
            if not names:
                raise _unreadable(path, msg("it holds no worksheet"))
            yield book, names
        finally:
            book.close()


def cell_text(value: object) -> str:
    """A typed cell as the text a person sees (13812345678, not 13812345678.0)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return wall_text(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def header_key(text: str) -> str:
    """Headers compare without case, spaces and underscores, full-width as half-width."""
    return "".join(unicodedata.normalize("NFKC", text).lower().replace("_", " ").split())


def header_of(names: Mapping[str, str], text: str) -> str | None:
    """The column a header names, from `names` (keys made by `header_key`); None if none.

    Templates annotate their headers (关键动作(下一步), 风险预警(是/否), 分级标准(示例)) and
    teams copy them: a header unknown as written is tried without its trailing bracketed
    part, full-width or ASCII brackets alike. Headers that hold brackets themselves
    (沟通内容(简要)) are found as written first."""
    key = header_key(text)
    while key not in names:
        shorter = _ANNOTATION.sub("", key)
        if shorter == key or not shorter:
            return None
        key = shorter
    return names[key]


def two_row_header(
    upper: Sequence[str],
    lower: Sequence[str],
    anchors: Iterable[int],
    known: Callable[[str], bool],
) -> list[str] | None:
    """The header of a table whose header takes two rows, or None when `lower` is a row
    of data (or empty).

    Teams group their columns: a group header above the columns (联系人 over 姓名, 职务,
    手机), merged across them, and every ungrouped column's header merged down over both
    rows (which reads as the same text in each, `open_table`). `lower` is the header's
    second row when it leaves the `anchors` (the columns every data row fills: 客户名称,
    商机名称) empty or as `upper` writes them, and names a column of its own (`known`).
    A column's header is then its group's label and its own together when that is a
    column (联系人+姓名: 联系人姓名), else its own (职务, 手机), else the upper row's; an
    unknown one stays as the lower row writes it, for the caller to name."""
    width = max(len(upper), len(lower))
    up = [*upper, *[""] * (width - len(upper))]
    low = [*lower, *[""] * (width - len(lower))]
    if not any(low) or any(low[i] and low[i] != up[i] for i in anchors if i < width):
        return None
    out: list[str] = []
    group, named, differing = "", False, False
    for above, below in zip(up, low, strict=True):
        if above:  # a column's header or a group's label starts here
            group = above if below and below != above else ""
        if not below or below == above:
            out.append(above)
            continue
        differing = True
        found = next((t for t in (group + below, below) if known(t)), None)
        named = named or found is not None
        out.append(found or below)
    return out if named or not differing else None  # else: data under a sparse header


def csv_text(path: Path) -> str:
    """A CSV file's text; one not in UTF-8 gets the hint Excel users need."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            msg("{file} is not UTF-8 (byte {byte})", file=path.name, byte=e.start),
            msg(
                "Excel on Chinese Windows saves CSV as GBK: save as 'CSV UTF-8', "
                "or import the .xlsx"
            ),
        ) from e


def column_letter(index: int) -> str:
    """Spreadsheet column name: 0 -> A, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _csv_rows(path: Path) -> Iterator[Line]:
    """Records, not lines: a quoted cell may hold a line break (Excel writes them so).
    A cell flowkit's CSV output guarded against formulas reads back as it was
    (`flowkit.output.cells.unguarded`)."""
    rows = csv.reader(io.StringIO(csv_text(path), newline=""))
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as e:  # a cell past csv.field_size_limit(), say
            where = msg("{file}: row {row}", file=path.name, row=number + 1)
            raise InputError(msg("{where}: {problem}", where=where, problem=_csv_problem(e))) from e
        number += 1
        yield number, _without_nul(path, None, number, [unguarded(cell.strip()) for cell in row])


def _without_nul(path: Path, sheet: str | None, number: int, cells: list[str]) -> list[str]:
    """The row's cells, unless one holds a NUL character: no text holds one on purpose,
    PostgreSQL refuses it where SQLite would keep it, so both refuse it here, located."""
    for index, cell in enumerate(cells):
        if "\x00" in cell:
            where = (
                msg("{file}, sheet {sheet}", file=path.name, sheet=sheet) if sheet else path.name
            )
            raise InputError(
                msg(
                    "{where}: row {row}, column {column}: the cell holds a NUL character",
                    where=where,
                    row=number,
                    column=column_letter(index),
                ),
                msg("remove it (it is often left by a broken export) and import again"),
            )
    return cells


def _csv_problem(error: csv.Error) -> Message | str:
    text = str(error)
    if "field larger than field limit" in text:
        return msg(
            "a cell is longer than {limit:,} characters, more than flowkit reads",
            limit=csv.field_size_limit(),
        )
    return text


def _workbook(path: Path, file: IO[bytes]) -> Any:
    """The workbook in `file` opened read-only, once `workbooks.inspect` let it through."""
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # OPENPYXL_DEFUSEDXML=False, or defusedxml missing
        raise MissingTool(
            msg("flowkit reads .xlsx files only with defusedxml, which refuses XML entities"),
            msg("pip install defusedxml, and leave OPENPYXL_DEFUSEDXML unset"),
        )
    workbooks.inspect(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # parts flowkit does not read (styles, extensions)
            return openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises what its parser hits; see _unreadable
        raise _unreadable(path, _reason(e)) from e


def _sheet_rows(
    path: Path, title: str, sheet: Any, *, merged: bool = True
) -> Generator[Line, None, None]:
    """A read-only sheet's rows, a merged range spanning rows read as its top-left cell in
    each row (`merged`); what makes it unreadable half-way is an InputError too, located
    after the last row read."""
    down = _Down(workbooks.merged_down(path, title) if merged else ())
    sheet.reset_dimensions()  # some writers store a wrong size, which would cut rows short
    rows = sheet.iter_rows(values_only=True)
    number = cells = 0
    try:
        while True:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    values = next(rows)
            except StopIteration:
                return
            except IndexError as e:  # openpyxl looks a shared string up by its number
                problem = msg("a cell refers to a shared string the workbook does not hold")
                raise _unreadable(path, _after(title, number, problem)) from e
            except Exception as e:
                raise _unreadable(path, _after(title, number, _reason(e))) from e
            number += 1
            cells += len(values)
            _within_limits(path, title, number, cells)
            texts = _without_nul(path, title, number, [cell_text(v) for v in values])
            yield number, down.fill(number, texts)
    finally:
        rows.close()


class _Down:
    """Fills the cells of merged ranges that span rows as rows stream by: a customer
    written once over its two contact rows is that customer on both. Only the range's first
    column is filled: a range across columns holds one value, not one per column."""

    def __init__(self, merged: Iterable[int]) -> None:
        self._waiting = workbooks.spans(merged)  # by top row
        self._next = next(self._waiting, None)
        self._open: dict[int, tuple[int, str]] = {}  # column -> (bottom row, text)

    def fill(self, number: int, cells: list[str]) -> list[str]:
        while self._next is not None and self._next[0] <= number:
            top, column, bottom = self._next
            if top == number:
                self._open[column] = (bottom, cells[column] if column < len(cells) else "")
            self._next = next(self._waiting, None)
        for column, (bottom, text) in list(self._open.items()):
            if bottom < number:
                del self._open[column]
            elif text:
                cells.extend([""] * (column + 1 - len(cells)))
                cells[column] = text
        return cells


def _within_limits(path: Path, title: str, number: int, cells: int) -> None:
    """Rows and cells as read, in the limits of `flowkit.workbooks`: a far cell reference
    (`<c r="XFD9"/>`) or row number makes openpyxl hand out every empty cell before it."""
    if number > workbooks.MAX_ROWS:
        raise InputError(
            msg(
                "{file}: sheet {sheet}: more than Excel's {limit:,} rows",
                file=path.name,
                sheet=title,
                limit=workbooks.MAX_ROWS,
            ),
            workbooks.SPLIT,
        )
    if cells > workbooks.MAX_CELLS:
        raise InputError(
            msg(
                "{file}: sheet {sheet}: more than {limit:,} cells (at row {row:,}), "
                "more than flowkit reads from one sheet",
                file=path.name,
                sheet=title,
                limit=workbooks.MAX_CELLS,
                row=number,
            ),
            workbooks.SPLIT,
        )


def _after(title: str, number: int, problem: Message | str) -> Message:
    """Where reading stopped: openpyxl parses a row whole before handing it out."""
    if number:
        return msg(
            "sheet {sheet}, after row {row}: {problem}", sheet=title, row=number, problem=problem
        )
    return msg("sheet {sheet}: {problem}", sheet=title, problem=problem)


def _unreadable(path: Path, reason: Message | str) -> InputError:
    return InputError(
        msg("{file} is not a readable .xlsx workbook: {problem}", file=path.name, problem=reason),
        msg("open it in Excel and save it again as 'Excel Workbook (.xlsx)'"),
    )


def _reason(error: BaseException) -> Message | str:
    """What went wrong, from the innermost cause: openpyxl wraps its parser's error in one
    that names the full path (flowkit's messages name the file once, by its name).

    openpyxl is not hardened against damaged files: its parser fails with whatever it hits
    (KeyError for a missing part, IndexError, TypeError, zlib.error, ParseError ...), so
    everything it raises while reading a file is that file's problem, not flowkit's."""
    while error.__cause__ is not None:
        error = error.__cause__
    if type(error).__module__.startswith("defusedxml"):
        return msg(
            "it declares XML entities ({detail}), which flowkit never expands", detail=str(error)
        )
    if isinstance(error, KeyError) and error.args:
        return str(error.args[0])  # "There is no item named 'xl/workbook.xml' in the archive"
    return str(error) or type(error).__name__
