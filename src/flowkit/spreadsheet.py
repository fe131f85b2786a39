"""Reading the spreadsheets people import: one reader for .xlsx and .csv, whatever the table.

Both the tracking table (`flowkit import`) and the customer tables (`flowkit customer
import`) read files people saved from Excel: they get the same cell texts, the same row
numbers and, for the same mistakes, the same messages. A workbook is read with openpyxl's
public read-only API, its rows streamed (never the whole sheet in memory). A merged range is
read as Excel stores it: its value in its first cell, the others empty. A cell becomes the
text a person sees (13812345678, not 13812345678.0; a date cell as 2023-10-15 or
2023-10-15 15:00, which `flowkit.lang.times` reads back).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from zipfile import BadZipFile

from flowkit.errors import InputError
from flowkit.lang.times import wall_text
from flowkit.messages import msg

Line = tuple[int, list[str]]  # (row number as the file counts rows, cell texts from column A)


@dataclass(frozen=True)
class Table:
    """One sheet of a workbook, or one CSV file, being read."""

    file: str  # the file's name, as messages name it
    sheet: str | None  # the worksheet's title; None for a CSV file
    sheets: tuple[str, ...]  # every worksheet of the workbook; () for a CSV file
    rows: Iterator[Line]  # every row, empty ones too, numbered as the file numbers them


Pick = Callable[[Sequence[str]], str]  # the sheet to read, from the workbook's sheet names


@contextmanager
def open_table(path: Path, pick: Pick | None = None) -> Iterator[Table]:
    """The table in `path` (.xlsx: the sheet `pick` names, else the first; otherwise CSV),
    its rows readable until the block ends; a file that cannot be read is an InputError."""
    if path.suffix.lower() != ".xlsx":
        yield Table(path.name, None, (), _csv_rows(path))
        return
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except _exceptions() as e:
        raise _unreadable(path, e) from e
    rows: Generator[Line, None, None] | None = None
    try:
        names = tuple(book.sheetnames)
        title = pick(names) if pick is not None else names[0]
        rows = _sheet_rows(path, book[title])
        yield Table(path.name, title, names, rows)
    finally:
        if rows is not None:
            rows.close()  # a sheet read part-way holds the file open until closed
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
    """Records, not lines: a quoted cell may hold a line break (Excel writes them so)."""
    rows = csv.reader(io.StringIO(csv_text(path), newline=""))
    return ((n, [cell.strip() for cell in row]) for n, row in enumerate(rows, start=1))


def _sheet_rows(path: Path, sheet: Any) -> Generator[Line, None, None]:
    """A read-only sheet's rows; what makes it unreadable half-way is an InputError too."""
    sheet.reset_dimensions()  # some writers store a wrong size, which would cut rows short
    rows = sheet.iter_rows(values_only=True)
    number = 0
    try:
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except _exceptions() as e:
                raise _unreadable(path, e) from e
            number += 1
            yield number, [cell_text(v) for v in values]
    finally:
        rows.close()


def _unreadable(path: Path, error: Exception) -> InputError:
    return InputError(
        msg(
            "{file} is not a readable .xlsx workbook: {problem}", file=path.name, problem=str(error)
        )
    )


def _exceptions() -> tuple[type[Exception], ...]:
    """What openpyxl raises for a broken file (imported only once a workbook is read)."""
    from openpyxl.utils.exceptions import InvalidFileException

    return (InvalidFileException, BadZipFile, ParseError, OSError, KeyError, ValueError)
