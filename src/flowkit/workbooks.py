"""What an .xlsx file must be before openpyxl reads it: a zip within limits, XML without
entity declarations, sheets no bigger than a real sales workbook.

An .xlsx is a zip of XML parts, and a small file can stand for a huge one: deflate packs
repetitive XML a thousand to one, so a 1 MB file can unpack to 1 GB, and openpyxl holds the
shared strings and each row whole in memory (75 bytes of memory per 4-byte empty cell). So
the file is looked at first, with nothing held: the sizes its zip directory declares
(zipfile never unpacks a member past its declared size), then every XML part streamed
through expat, counting rows and cells as openpyxl would produce them and refusing any
document type declaration (where entities are declared: a workbook Excel saved has none).
openpyxl itself parses with defusedxml (a dependency), which refuses entities again.

The limits (README, "Importing"): 512 MiB unpacked, 10,000,000 cells a sheet (rows ×
columns as read, empty cells inside a row counted), 10,000,000 shared strings, and Excel's
own 1,048,576 rows and 16,384 columns. A workbook of 100,000 customers × 40 columns holds
4,000,000 cells and unpacks to about 250 MB.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO
from xml.parsers import expat

from flowkit.errors import InputError

MAX_UNPACKED = 512 * 1024 * 1024  # bytes, the sum of the zip members' declared sizes
MAX_CELLS = 10_000_000  # a sheet's cells as read; shared strings too
MAX_ROWS = 1_048_576  # Excel's own limits
MAX_COLUMNS = 16_384
_XML = (".xml", ".rels", ".vml")


class Refused(Exception):
    """A part breaks a limit or declares a document type; its message says which."""

    def __init__(self, message: str, hint: str = "split it into smaller workbooks") -> None:
        super().__init__(message)
        self.hint = hint


def inspect(path: Path) -> None:
    """Refuse (InputError naming the file) an .xlsx that is no zip, unpacks past the
    limits, declares XML entities or holds a sheet too big to read. Remembered for the
    same file (path, size, time): an import opens one file several times."""
    stat = path.stat()
    _inspected(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _inspected(path: Path, size: int, mtime: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            _check(archive)
    except Refused as e:
        raise InputError(f"{path.name}: {e}", e.hint) from e
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as e:
        raise InputError(
            f"{path.name} is not a readable .xlsx workbook: not a complete zip archive ({e})",
            "save it from Excel as 'Excel Workbook (.xlsx)'",
        ) from e
    except (RuntimeError, NotImplementedError, ValueError) as e:  # encrypted, odd compression
        raise InputError(f"{path.name} is not a readable .xlsx workbook: {e}") from e


def _check(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED:
        raise Refused(
            f"unpacks to {unpacked:,} bytes, more than flowkit reads ({MAX_UNPACKED:,} bytes)"
        )
    for member in members:
        if member.filename.lower().endswith(_XML):
            with archive.open(member) as stream:
                _scan(member.filename, stream)


@dataclass
class _Count:
    """Rows and cells of one part as openpyxl will read them."""

    part: str
    rows: int = 0  # the number of the row being read
    row_cells: int = 0  # <c> elements in it
    last_ref: str = ""  # the reference of its last cell ("XFD7"), which sets its width
    cells: int = 0  # in the rows before it
    strings: int = 0  # shared strings (<si>)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "c":
            self.row_cells += 1
            self.last_ref = attributes.get("r", "")
            if self.row_cells > MAX_COLUMNS:
                self.end_row()  # refuses it now: openpyxl would hold the whole row
        elif local == "row":
            self.end_row()
            number = attributes.get("r", "")
            self.rows = int(number) if number.isdigit() else self.rows + 1
            if self.rows > MAX_ROWS:
                raise Refused(f"{self.part}: row {self.rows:,} is past Excel's {MAX_ROWS:,} rows")
        elif local == "si":
            self.strings += 1
            if self.strings > MAX_CELLS:
                raise Refused(f"{self.part}: more than {MAX_CELLS:,} shared strings")

    def end_row(self) -> None:
        width = max(self.row_cells, _column(self.last_ref))
        if width > MAX_COLUMNS:
            raise Refused(
                f"{self.part}: row {self.rows:,} has {width:,} columns, past Excel's "
                f"{MAX_COLUMNS:,}"
            )
        self.cells += width
        if self.cells > MAX_CELLS:
            raise Refused(
                f"{self.part}: more than {MAX_CELLS:,} cells (at row {self.rows:,}), "
                "more than flowkit reads from one sheet"
            )
        self.row_cells, self.last_ref = 0, ""


def _scan(part: str, stream: IO[bytes]) -> None:
    """Stream one XML part through expat: no document type, rows and cells in limits.
    Broken XML is left to openpyxl, which names it when the part is read."""
    count = _Count(part)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = count.start
    parser.StartDoctypeDeclHandler = lambda *_: _doctype(part)
    parser.EntityDeclHandler = lambda *_: _doctype(part)
    try:
        parser.ParseFile(stream)
    except expat.ExpatError:
        return
    count.end_row()


def _doctype(part: str) -> None:
    raise Refused(
        f"{part} declares a document type (where XML entities are declared); flowkit "
        "never expands XML entities and refuses the file",
        "a workbook Excel saved declares none: open it in Excel and save it again",
    )


def _column(ref: str) -> int:
    """The column number of a cell reference: "B7" -> 2, "XFD1" -> 16384, "" -> 0."""
    letters = ref.rstrip("0123456789")
    number = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            return 0  # openpyxl refuses such a reference when it reads the row
        number = number * 26 + ord(ch) - 64
    return number
