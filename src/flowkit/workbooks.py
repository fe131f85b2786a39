"""What an .xlsx file must be before openpyxl reads it: a zip within limits, XML without
entity declarations, rows no bigger than Excel makes them.

An .xlsx is a zip of XML parts, and a small file can stand for a huge one: deflate packs
repetitive XML a thousand to one, so a 1 MB file can unpack to 1 GB, and openpyxl holds the
shared strings and each row whole in memory (some 300 bytes for a 4-byte empty cell). So the
file is looked at first, holding nothing: the sizes its zip directory declares (zipfile
never unpacks a member past its declared size), then every XML part streamed once, counting
XML tags (`<`) per row of a sheet and per part elsewhere. In well-formed XML a `<` opens a
tag or a markup declaration (`<!`, `<?`) and nothing else, so counting bytes is exact;
a part holding any markup declaration past its `<?xml ...?>` (a comment, CDATA, a document
type), namespace-prefixed rows or NUL bytes (UTF-16) is read by expat instead, which refuses
a document type (where entities are declared: a workbook Excel saved has none). A row
numbered past Excel's last is refused too: openpyxl would hand out every row before it.
openpyxl itself parses with defusedxml (a dependency), which refuses entities again. The
cells and rows of the sheet read are counted as they are read (`flowkit.spreadsheet`).

The limits (README, "Importing files"): 512 MiB unpacked; 131,072 tags in one row of a sheet
(16,384 columns of 8); 40,000,000 tags in a part held whole in memory, the shared strings
(about 10,000,000 strings); 10,000,000 cells read from a sheet and Excel's own 1,048,576 rows.
A workbook of 100,000 customers × 40 columns of 20-character texts holds 4,000,000 cells and
unpacks to 346 MB (inline strings, as openpyxl writes them).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO
from xml.parsers import expat

from flowkit.errors import InputError
from flowkit.messages import Message, msg

MAX_UNPACKED = 512 * 1024 * 1024  # bytes, the sum of the zip members' declared sizes
MAX_ROW_TAGS = 131_072  # in one row of a sheet: 16,384 columns of up to 8 tags
MAX_PART_TAGS = 40_000_000  # in a part outside the rows of a sheet (shared strings ...)
MAX_CELLS = 10_000_000  # read from one sheet, empty cells inside a row counted
MAX_ROWS = 1_048_576  # Excel's own
_XML = (".xml", ".rels", ".vml")
_CHUNK = 1 << 20
_ROW, _DATA, _DATA_END = b"<row", b"<sheetData", b"</sheetData"
_AFTER_NAME = frozenset(b" \t\r\n>/")
_UNUSUAL = (b"<!", b"<?", b":row", b":sheetData", b"\x00")  # read by expat instead
_KEEP = 256  # bytes kept for the next chunk: a row's start tag may be cut between two
_ROW_NUMBER = re.compile(rb'<row[^>]*?\sr="(\d{1,12})"')


SPLIT = msg("split it into smaller workbooks")


class Refused(Exception):
    """A part breaks a limit or declares a document type; its message says which."""

    def __init__(self, message: Message, hint: Message = SPLIT) -> None:
        super().__init__(str(message))
        self.message, self.hint = message, hint


def inspect(path: Path) -> None:
    """Refuse (InputError naming the file) an .xlsx that is no zip, unpacks past the
    limits, declares XML entities or holds a row or part too big to read. Remembered for
    the same file (path, size, time): an import opens one file several times."""
    stat = path.stat()
    _inspected(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _inspected(path: Path, size: int, mtime: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            _check(archive)
    except Refused as e:
        raise InputError(msg("{file}: {problem}", file=path.name, problem=e.message), e.hint) from e
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as e:
        problem = msg("not a complete zip archive ({detail})", detail=str(e))
        raise InputError(
            msg(
                "{file} is not a readable .xlsx workbook: {problem}",
                file=path.name,
                problem=problem,
            ),
            msg("save it from Excel as 'Excel Workbook (.xlsx)'"),
        ) from e
    except (RuntimeError, NotImplementedError, ValueError) as e:  # encrypted, odd compression
        raise InputError(
            msg(
                "{file} is not a readable .xlsx workbook: {problem}", file=path.name, problem=str(e)
            )
        ) from e


def _check(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED:
        raise Refused(
            msg(
                "unpacks to {size:,} bytes, more than flowkit reads ({limit:,} bytes)",
                size=unpacked,
                limit=MAX_UNPACKED,
            )
        )
    for member in members:
        if member.filename.lower().endswith(_XML):
            with archive.open(member) as stream:
                plain = _count_bytes(member.filename, stream)
            if not plain:
                with archive.open(member) as stream:
                    _count_elements(member.filename, stream)


@dataclass
class _Tally:
    """Tags of one part: per row inside sheetData, in total outside it."""

    part: str
    rows: int = 0  # rows begun
    row_tags: int = 0  # in the row being read
    other_tags: int = 0  # outside the rows: held whole by openpyxl

    def row(self, number: int | None = None) -> None:
        """A row begins; `number` is its r="..." (openpyxl hands out every row before it)."""
        self.end_row()
        self.rows = number if number is not None and number > self.rows else self.rows + 1
        if self.rows > MAX_ROWS:
            raise Refused(
                msg(
                    "{part}: row {row:,} is past Excel's {limit:,} rows",
                    part=self.part,
                    row=self.rows,
                    limit=MAX_ROWS,
                )
            )

    def end_row(self) -> None:
        if self.row_tags > MAX_ROW_TAGS:
            raise Refused(
                msg(
                    "{part}: row {row:,} holds {tags:,} XML tags, more than a row of Excel's "
                    "16,384 columns ({limit:,})",
                    part=self.part,
                    row=self.rows,
                    tags=self.row_tags,
                    limit=MAX_ROW_TAGS,
                )
            )
        self.row_tags = 0

    def others(self, count: int) -> None:
        self.other_tags += count
        if self.other_tags > MAX_PART_TAGS:
            raise Refused(
                msg(
                    "{part}: more than {limit:,} XML tags outside the rows of a sheet "
                    "(shared strings, say), more than flowkit reads",
                    part=self.part,
                    limit=MAX_PART_TAGS,
                )
            )


def _count_bytes(part: str, stream: IO[bytes]) -> bool:
    """Count the tags of a part by its bytes; False when it holds what only expat reads
    right (markup declarations, prefixed rows, an encoding other than UTF-8), and then
    nothing is concluded from the count."""
    tally = _Tally(part)
    inside = False  # between <sheetData> and </sheetData>
    buf = b""
    declaration = True  # the first bytes may be the <?xml ...?> declaration
    while True:
        chunk = stream.read(_CHUNK)
        buf += chunk
        if chunk and len(buf) < 2 * _KEEP:
            continue
        if declaration:  # the only <? allowed
            buf = buf.removeprefix(b"\xef\xbb\xbf")
            if buf.startswith(b"<?xml"):
                buf = buf[buf.find(b"?>") + 2 :] if b"?>" in buf else b"<?"
            declaration = False
        if any(mark in buf for mark in _UNUSUAL):
            return False
        limit = len(buf) - _KEEP if chunk else len(buf)  # what follows may end a marker
        inside = _window(tally, buf, limit, inside)
        buf = buf[limit:]
        if not chunk:
            break
    tally.end_row()
    return True


def _window(tally: _Tally, buf: bytes, limit: int, inside: bool) -> bool:
    """Count the tags starting in buf[:limit]; whether that ends inside sheetData."""
    start = 0
    while start < limit:
        if not inside:
            opened = buf.find(_DATA, start)
            if opened == -1 or opened >= limit:
                tally.others(buf.count(b"<", start, limit))
                return False
            tally.others(buf.count(b"<", start, opened))
            inside, start = True, opened
        closed = buf.find(_DATA_END, start)
        end = limit if closed == -1 or closed >= limit else closed
        _rows(tally, buf, start, end)
        if end == limit:
            return True
        tally.end_row()
        inside, start = False, closed
    return inside


def _rows(tally: _Tally, buf: bytes, start: int, end: int) -> None:
    """Tags of buf[start:end] (inside sheetData) given to the rows they belong to."""
    at = buf.find(_ROW, start)
    counted = start
    while at != -1 and at < end:
        if at + 4 < len(buf) and buf[at + 4] in _AFTER_NAME:  # <row, not <rowX
            tally.row_tags += buf.count(b"<", counted, at)
            number = _ROW_NUMBER.match(buf, at, buf.find(b">", at, at + _KEEP))
            tally.row(int(number[1]) if number else None)
            counted = at
        at = buf.find(_ROW, at + 4)
    tally.row_tags += buf.count(b"<", counted, end)
    if tally.row_tags > MAX_ROW_TAGS:
        tally.end_row()


def _count_elements(part: str, stream: IO[bytes]) -> None:
    """The same count by expat, element by element (slower: a call per element), for a
    part the bytes cannot be trusted on; a document type is refused here."""
    tally = _Tally(part)
    depth = {"data": False}

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "sheetData":
            depth["data"] = True
        elif depth["data"] and local == "row":
            number = attributes.get("r", "")
            tally.row(int(number) if number.isdigit() else None)
        elif depth["data"]:
            tally.row_tags += 1
            if tally.row_tags > MAX_ROW_TAGS:
                tally.end_row()
        else:
            tally.others(1)

    def end(name: str) -> None:
        if name.rpartition(" ")[2] == "sheetData":
            depth["data"] = False
            tally.end_row()

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = lambda *_: _doctype(part)
    parser.EntityDeclHandler = lambda *_: _doctype(part)
    try:
        parser.ParseFile(stream)
    except expat.ExpatError:
        return  # broken XML is left to openpyxl, which names it when the part is read
    tally.end_row()


def _doctype(part: str) -> None:
    raise Refused(
        msg(
            "{part} declares a document type (where XML entities are declared); flowkit "
            "never expands XML entities and refuses the file",
            part=part,
        ),
        msg("a workbook Excel saved declares none: open it in Excel and save it again"),
    )


# ---- merged cells ------------------------------------------------------------------------
# openpyxl's read-only sheets do not say which cells are merged: a customer written once
# over its two contact rows reads as one row with the name and one without. The ranges
# are the sheet part's <mergeCell ref="A2:A3"/> tags, after its rows; they are read here
# from the zip, streaming, as the tags are counted above: by their bytes when the part
# holds no markup declaration (no comment or CDATA could hold a look-alike), else by expat.

MAX_MERGED = 1_048_576  # vertical merged ranges kept for one sheet (8 bytes each)
_MERGE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*[\"']"
    rb"([A-Za-z]{1,3})(\d{1,7})(?::([A-Za-z]{1,3})(\d{1,7}))?[\"']"
)
_PLAIN_MERGE = re.compile(r"([A-Za-z]{1,3})(\d{1,7})(?::([A-Za-z]{1,3})(\d{1,7}))?")
_ROW_BITS, _COLUMN_BITS = 21, 15  # Excel's 1,048,576 rows and 16,384 columns
_RELATIONSHIP_ID = "}id"


def merged_down(path: Path, sheet: str) -> array[int]:
    """The merged ranges of `sheet` that span rows, as `span` numbers sorted by their top
    row (`spans` reads them): each row of such a range reads as its top-left cell. A range
    within one row is left out: its value is the row's once, in its first column."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return array("q")
            with archive.open(part) as stream:
                found = _merges_by_bytes(part, stream)
            if found is None:
                with archive.open(part) as stream:
                    found = _merges_by_expat(part, stream)
    except Refused as e:
        raise InputError(msg("{file}: {problem}", file=path.name, problem=e.message), e.hint) from e
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, expat.ExpatError):
        return array("q")  # a damaged part: openpyxl names it when the rows are read
    return array("q", sorted(found))


def spans(merged: Iterable[int]) -> Iterator[tuple[int, int, int]]:
    """(top row, column index from 0, bottom row) of each range `merged_down` found."""
    row_mask, column_mask = (1 << _ROW_BITS) - 1, (1 << _COLUMN_BITS) - 1
    for packed in merged:
        yield (
            packed >> (_ROW_BITS + _COLUMN_BITS),
            packed & column_mask,
            (packed >> _COLUMN_BITS) & row_mask,
        )


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member of the sheet titled `sheet`: the workbook's <sheet r:id=...> and its
    relationship's target (small parts, read by expat with no document type allowed)."""
    book = _target(archive, "_rels/.rels", "", "officeDocument") or "xl/workbook.xml"
    rid = next(
        (
            value
            for attributes in _elements(archive, book, "sheet")
            if attributes.get("name") == sheet
            for key, value in attributes.items()
            if key.endswith(_RELATIONSHIP_ID)
        ),
        None,
    )
    folder, _, name = book.rpartition("/")
    rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    return _target(archive, rels, folder, rid) if rid else None


def _target(archive: zipfile.ZipFile, rels: str, folder: str, wanted: str) -> str | None:
    """The member a relationship points at, by its id or (for the package) its type."""
    if rels not in archive.namelist():
        return None
    for attributes in _elements(archive, rels, "Relationship"):
        if attributes.get("Id") == wanted or attributes.get("Type", "").endswith("/" + wanted):
            target = attributes.get("Target", "")
            joined = target if target.startswith("/") else f"{folder}/{target}"
            return posixpath.normpath(joined.lstrip("/"))
    return None


def _elements(archive: zipfile.ZipFile, part: str, local: str) -> list[dict[str, str]]:
    """The attributes of each element named `local` (any namespace) in a small part."""
    found: list[dict[str, str]] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if name.rpartition("}")[2] == local:
            found.append(attributes)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = lambda *_: _doctype(part)
    parser.EntityDeclHandler = lambda *_: _doctype(part)
    with archive.open(part) as stream:
        parser.ParseFile(stream)
    return found


def _merges_by_bytes(part: str, stream: IO[bytes]) -> list[int] | None:
    """The ranges found in the part's bytes; None when it holds a markup declaration (a
    comment could hold a look-alike tag) or is not UTF-8, for expat to read instead."""
    found: list[int] = []
    buf = b""
    declaration = True
    while True:
        chunk = stream.read(_CHUNK)
        buf += chunk
        if chunk and len(buf) < 2 * _KEEP:
            continue
        if declaration:
            buf = buf.removeprefix(b"\xef\xbb\xbf")
            if buf.startswith(b"<?xml"):
                buf = buf[buf.find(b"?>") + 2 :] if b"?>" in buf else b"<?"
            declaration = False
        if b"<!" in buf or b"<?" in buf or b"\x00" in buf:
            return None
        limit = len(buf) - _KEEP if chunk else len(buf)
        done = 0
        matches = _MERGE.finditer(buf) if b"mergeCell" in buf else ()  # rows: a plain search
        for match in matches:
            if match.start() >= limit:
                break
            _keep(part, found, *(g.decode("ascii") if g else None for g in match.groups()))
            done = match.end()
        buf = buf[max(limit, done) :]
        if not chunk:
            return found


def _merges_by_expat(part: str, stream: IO[bytes]) -> list[int]:
    found: list[int] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if name.rpartition(" ")[2] == "mergeCell":
            ref = _PLAIN_MERGE.fullmatch(attributes.get("ref", "").strip())
            if ref is not None:
                _keep(part, found, *ref.groups())

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = lambda *_: _doctype(part)
    parser.EntityDeclHandler = lambda *_: _doctype(part)
    parser.ParseFile(stream)  # broken XML: merged_down leaves it to openpyxl to name
    return found


def _keep(
    part: str,
    found: list[int],
    left: str | None,
    top: str | None,
    right: str | None,
    bottom: str | None,
) -> None:
    """A range A2:B3 packed into one number when it spans rows (top, bottom, column)."""
    if left is None or top is None or right is None or bottom is None:
        return  # one cell: nothing to fill
    first, last = sorted((int(top), int(bottom)))
    column = min(_column_index(left), _column_index(right))
    if first == last or first < 1 or last > MAX_ROWS or column >= 1 << _COLUMN_BITS:
        return
    if len(found) >= MAX_MERGED:
        raise Refused(
            msg(
                "{part}: more than {limit:,} merged ranges spanning rows, more than flowkit "
                "reads from one sheet",
                part=part,
                limit=MAX_MERGED,
            ),
            msg("unmerge the cells in Excel (and fill each row), or split the workbook"),
        )
    found.append(first << (_ROW_BITS + _COLUMN_BITS) | last << _COLUMN_BITS | column)


def _column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1
