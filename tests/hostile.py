"""Hostile spreadsheets, made in the tests: workbooks built part by part (so a test can
break any part), bombs, entity declarations, huge cells and control characters.

A workbook here is the smallest one openpyxl reads: content types, relationships, the
workbook, one sheet and its shared strings. Cells are written as shared strings, as Excel
writes them; an `int` in a row is a shared-string number written as it is (one the
workbook does not hold makes a bad reference).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from flowkit.spreadsheet import column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = (
    f'<Types xmlns="{PACKAGE}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
ROOT_RELS = (
    f'<Relationships xmlns="{PACKAGE}/relationships"><Relationship Id="rId1" '
    f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{OFFICE}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"

Cell = str | int
Parts = dict[str, bytes]

# The billion laughs: ten entities each ten times the one before, 10^9 "lol"s unexpanded
# in a file of a kilobyte.
LAUGHS = (
    b'<!DOCTYPE sst [<!ENTITY l0 "lol">'
    + b"".join(b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10))
    + b"]>"
)
# One small entity: expat expands it happily (no amplification limit is reached), so only
# a parser that refuses entities stops it.
SMALL_ENTITY = b'<!DOCTYPE sst [<!ENTITY who "li.lei">]>'


def parts(rows: Sequence[Sequence[Cell]], *, prolog: bytes = b"") -> Parts:
    """The parts of a workbook of `rows` (`prolog` goes before the shared strings' root)."""
    strings: list[str] = []
    xml_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            if isinstance(value, str):
                strings.append(value)
                value = len(strings) - 1
            cells.append(f'<c r="{column_letter(c)}{r}" t="s"><v>{value}</v></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    items = "".join(f'<si><t xml:space="preserve">{_escaped(s)}</t></si>' for s in strings)
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(xml_rows)}</sheetData></worksheet>'
    count = len(strings)
    shared = f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">{items}</sst>'
    return {
        "[Content_Types].xml": DECLARATION + TYPES.encode(),
        "_rels/.rels": DECLARATION + ROOT_RELS.encode(),
        "xl/workbook.xml": DECLARATION + WORKBOOK.encode(),
        "xl/_rels/workbook.xml.rels": DECLARATION + WORKBOOK_RELS.encode(),
        SHEET: DECLARATION + sheet.encode(),
        STRINGS: DECLARATION + prolog + shared.encode(),
    }


def _escaped(text: str) -> str:
    """Text for XML; an entity reference (`&name;`) is kept, for the entity files."""
    if text.startswith("&") and text.endswith(";"):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def save(path: Path, contents: Mapping[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return path


def workbook(
    path: Path, rows: Sequence[Sequence[Cell]], **changes: Callable[[bytes], bytes]
) -> Path:
    """A workbook of `rows`, each part named in `changes` (by its key in CHANGEABLE)
    rewritten by the function given."""
    made = parts(rows)
    for key, change in changes.items():
        name = CHANGEABLE[key]
        made[name] = change(made[name])
    return save(path, made)


CHANGEABLE = {"sheet": SHEET, "strings": STRINGS, "workbook": "xl/workbook.xml"}


def sheet_of(rows_xml: bytes) -> bytes:
    """A sheet whose sheetData is `rows_xml` as given (for bombs)."""
    return (
        DECLARATION
        + f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
        + rows_xml
        + (b"</sheetData></worksheet>")
    )


def declared_size(path: Path, member: str, size: int) -> Path:
    """`path` with the central directory claiming `member` unpacks to `size` bytes: what
    a zip bomb declares, without a test having to pack the bytes."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = 0
    while True:
        at = data.index(b"PK\x01\x02", at)
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if bytes(data[at + 46 : at + 46 + length]) == name:
            data[at + 24 : at + 28] = size.to_bytes(4, "little")
            break
        at += 4
    path.write_bytes(bytes(data))
    return path
