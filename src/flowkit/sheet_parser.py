"""openpyxl's sheet parser with a fast way through the commonest cell of a workbook
openpyxl wrote: a plain inline string.

openpyxl writes every text cell as an inline string (`<c t="inlineStr"><is><t>北辰</t></is>
</c>`): flowkit's own exports, and any tool built on it. Reading one back, openpyxl builds
a rich-text object through its descriptor machinery for each such cell only to ask for its
text — nearly half the CPU of reading a 100,000-customer workbook (bench/customers_bench.py
import). `FastCells` takes the text of a plain one (one `<t>`, no formula, no runs) directly
and hands every other cell to openpyxl as it is: the values read are the same
(tests/test_spreadsheet.py compares them cell by cell). Excel itself writes shared strings,
which openpyxl reads once per workbook and never meets here.

`install` puts it where openpyxl's read-only sheets look for their parser; it is called
before flowkit opens a workbook and changes nothing else of openpyxl.
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils import coordinate_to_tuple
from openpyxl.worksheet import _read_only, _reader
from openpyxl.xml.constants import SHEET_MAIN_NS

_TEXT = f"{{{SHEET_MAIN_NS}}}t"


class FastCells(_reader.WorkSheetParser):
    """openpyxl's parser, a plain inline string's text read without its rich-text object."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        text = self._plain_inline(element)
        if text is None:
            return super().parse_cell(element)
        coordinate = element.get("r")
        if coordinate:  # as openpyxl counts: the reference, else the next column
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        style_id = element.get("s", 0)
        return {
            "row": row,
            "column": column,
            "value": text,
            "data_type": "s",
            "style_id": int(style_id) if style_id else style_id,
        }

    def _plain_inline(self, element: Any) -> str | None:
        """The text of an inline string of one `<t>` and no formula; None otherwise (a
        rich text's runs, a formula cell, any other type: openpyxl's own way)."""
        if element.get("t") != "inlineStr" or self.rich_text:
            return None
        if not self.data_only and element.find(_reader.FORMULA_TAG) is not None:
            return None
        inline = element.find(_reader.INLINE_STRING)
        if inline is None or len(inline) != 1 or inline[0].tag != _TEXT:
            return None
        return inline[0].text or ""


def install() -> None:
    """Read-only sheets parse with `FastCells` from now on (idempotent)."""
    setattr(_read_only, "WorkSheetParser", FastCells)  # noqa: B010 (untyped in the stubs)
