"""What every spreadsheet import needs, whatever the table: CSV text and column names.

Both the tracking table (`flowkit import`) and the customer tables (`flowkit customer
import`) read files people saved from Excel; the same mistakes get the same messages.
"""

from __future__ import annotations

from pathlib import Path

from flowkit.errors import InputError


def csv_text(path: Path) -> str:
    """A CSV file's text; one not in UTF-8 gets the hint Excel users need."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{path.name} is not UTF-8 (byte {e.start})",
            "Excel on Chinese Windows saves CSV as GBK: save as 'CSV UTF-8', or import the .xlsx",
        ) from e


def column_letter(index: int) -> str:
    """Spreadsheet column name: 0 -> A, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name
