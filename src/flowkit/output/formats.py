"""Listings and pages for people and tools: one registry of writers, chosen by `--format`.

A listing command (status, list, on-time, funnel, customer list/check/value/grade, audit
sample, calendar check/retime, migrate) builds one `Listing` and hands it to `write` with
the format asked: `table` for people (rich in a terminal, aligned plain columns when piped
or long), `csv` and `json` for tools. A page — one record, such as `flowkit show` — is a
`Page`: `text` or `json`. Validation diagnostics are a third kind with their own reporters
(`flowkit.output.REPORTERS`: text, json, github).

Everything is streamed to the output as it is produced. JSON is written a thousand records
at a time, each by the C encoder (compact separators: an indent makes Python fall back to
its pure-Python encoder) or, for a listing of many rows, already encoded (`encoded`, the
status's lines by a template held to the encoder's output); records are read shallowly:
a dataclass becomes a dict of its fields as they are, and the encoder reaches nested
records the same way, so nothing is deep-copied.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, timedelta
from itertools import chain, islice, repeat
from typing import Any, TextIO

from flowkit.output.cells import GuardedWriter
from flowkit.output.terminal import visible, visible_lines
from flowkit.output.width import measure

RICH_ROWS = 300  # more rows than this print plain even in a terminal (rich is slow on them)

Cells = Mapping[str, str]


@dataclass(frozen=True)
class Listing:
    """What a listing command hands the writers. `rows` (and `text`) are called only by
    the format that needs them, so `--format json` never builds a table cell.

    `rows(fmt)` gives each row's cells by column, for "table", "csv" or "json": a few
    cells differ by format (a missing rate is "-" in a table and empty in CSV).
    JSON lists `records` (dataclasses or dicts, default the rows themselves), inside an
    object of the `head` fields under the key `key` when there is a head.
    `text`, when set, is how people have always read the command — lines rather than a
    grid — and is what `table` prints; `footer` is a last line under the table.
    A listing of many rows may give `grid` instead of `rows` for the table and CSV (each
    row's cells in the order of `columns`, no dict per row) and `encoded` instead of
    `records` for JSON (each record already written as compact JSON, as `encode` would).
    `csv_columns`, when set, are the CSV's columns: the table's and a few more for tools
    (a flag the table shows as a mark in another cell).
    """

    columns: Sequence[str]
    headings: Mapping[str, str]
    rows: Callable[[str], Iterable[Cells]]
    records: Iterable[object] | None = None
    head: Mapping[str, object] | None = None
    key: str = "rows"
    text: Callable[[], Iterable[str]] | None = None
    footer: str = ""
    grid: Callable[[str], Iterable[Sequence[str]]] | None = None
    encoded: Callable[[], Iterable[str]] | None = None
    csv_columns: Sequence[str] | None = None

    def columns_for(self, fmt: str) -> Sequence[str]:
        return self.csv_columns if fmt == "csv" and self.csv_columns else self.columns

    def cells(self, fmt: str) -> Iterable[Sequence[str]]:
        """Each row's cells in the order of `columns_for(fmt)`."""
        if self.grid is not None:
            return self.grid(fmt)
        columns = self.columns_for(fmt)
        return ([row[c] for c in columns] for row in self.rows(fmt))


@dataclass(frozen=True)
class Page:
    """One record shown whole: `text` for people, the record itself as JSON for tools."""

    text: Callable[[], str]
    record: object


def write_table(listing: Listing, out: TextIO) -> None:
    """The listing for people: its text lines, else a grid. Control characters in the data
    are shown escaped, never sent to the terminal (`flowkit.output.terminal`)."""
    if listing.text is not None:
        out.writelines(visible_lines(line) + "\n" for line in listing.text())
    else:
        rows = list(listing.cells("table"))
        headings = [listing.headings[c] for c in listing.columns]
        if out.isatty() and len(rows) <= RICH_ROWS:
            _rich(headings, [list(map(visible, row)) for row in rows], out)
        else:
            _plain(headings, rows, out)
    if listing.footer:
        out.write(listing.footer + "\n")


def write_csv(listing: Listing, out: TextIO) -> None:
    """A header of the headings, then one line per row (written as each row is made); a
    cell a spreadsheet would run as a formula is guarded (`flowkit.output.cells`)."""
    writer = GuardedWriter(out, lineterminator="\n")
    writer.writerow([listing.headings[c] for c in listing.columns_for("csv")])
    writer.writerows(listing.cells("csv"))


def write_json(listing: Listing, out: TextIO) -> None:
    """An array of the records, one per line; with a head, an object of the head's fields
    whose last key holds that array."""
    if listing.encoded is not None:
        written = listing.encoded()
    else:
        records = listing.records if listing.records is not None else listing.rows("json")
        written = map(_ENCODER.encode, records)
    if listing.head is None:
        _array(written, out)
        out.write("\n")
        return
    head = encode(dict(listing.head))
    out.write(head[:-1] + ("," if listing.head else "") + encode(listing.key) + ":")
    _array(written, out)
    out.write("}\n")


def write_text(page: Page, out: TextIO) -> None:
    out.write(visible_lines(page.text()))


def write_record(page: Page, out: TextIO) -> None:
    out.write(encode(page.record) + "\n")


Writer = Callable[[Listing, TextIO], None]
PageWriter = Callable[[Page, TextIO], None]

WRITERS: dict[str, Writer] = {"table": write_table, "csv": write_csv, "json": write_json}
PAGE_WRITERS: dict[str, PageWriter] = {"text": write_text, "json": write_record}
ALIASES = {"text": "table"}  # the house style's name for a listing's table; pages say `text`


def write(listing: Listing, fmt: str, out: TextIO) -> None:
    WRITERS[ALIASES.get(fmt, fmt)](listing, out)
    out.flush()


def write_page(page: Page, fmt: str, out: TextIO) -> None:
    PAGE_WRITERS[fmt](page, out)
    out.flush()


def _array(records: Iterable[str], out: TextIO) -> None:
    """`[`, each record (encoded) on its own line, `]`: valid JSON, written as it goes
    (`CHUNK` records at a time: a write per record cost as much as making it), and a
    file a person can still grep or diff line by line."""
    pending = iter(records)
    chunk = ",\n".join(islice(pending, CHUNK))
    if not chunk:
        out.write("[]")
        return
    out.write("[\n" + chunk)
    while chunk := ",\n".join(islice(pending, CHUNK)):
        out.write(",\n" + chunk)
    out.write("\n]")


CHUNK = 1000


def _shallow(value: object) -> object:
    """What the encoder cannot write by itself, one level at a time: a dataclass as a dict
    of its fields (the values not copied; the encoder comes back here for nested records),
    a duration in seconds, an instant or a date in ISO 8601, any other mapping as a dict.
    The conversion is looked up by type: the encoder calls this for every such value."""
    convert = _CONVERTERS.get(type(value))
    if convert is None:
        convert = _CONVERTERS[type(value)] = _converter(type(value))
    return convert(value)


def _converter(kind: type) -> Callable[[Any], object]:
    if issubclass(kind, timedelta):
        return timedelta.total_seconds
    if issubclass(kind, date):  # datetime too
        return kind.isoformat
    if is_dataclass(kind):
        return _fields_of(tuple(f.name for f in fields(kind)))
    if issubclass(kind, Mapping):
        return dict
    raise TypeError(f"{kind.__name__} cannot be written as JSON")


def _fields_of(names: tuple[str, ...]) -> Callable[[Any], Mapping[str, object]]:
    """A record's fields by name. A dataclass keeps them in its instance dict, in order:
    that dict itself is read (the encoder only reads) unless it holds something else too
    (a cached property, say) — then the fields are gathered one by one."""
    exactly = frozenset(names)

    def read(record: Any) -> Mapping[str, object]:
        own: dict[str, object] | None = getattr(record, "__dict__", None)
        if own is not None and own.keys() == exactly:
            return own
        return {name: getattr(record, name) for name in names}

    return read


_CONVERTERS: dict[type, Callable[[Any], object]] = {}
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_shallow)


def encode(value: object) -> str:
    """`value` as compact JSON (Chinese as it is), by the C encoder."""
    return _ENCODER.encode(value)


def _shown(column: Sequence[str]) -> Sequence[str]:
    """A column's cells as a terminal shows them (`output.terminal`): each different cell
    looked at once, and only when one of them holds a control character."""
    if "".join(column).isprintable():  # the usual case, told by two C loops
        return column
    escaped = {cell: visible(cell) for cell in dict.fromkeys(column)}
    return [escaped[cell] for cell in column]


def _plain(headings: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """Columns padded to their widest cell, two spaces apart, no spaces at a line's end.

    Worked a column at a time: each different cell of a column is measured and padded
    once (a status repeats its stages, owners and words on every line), then the lines
    are put together by the C loops of `map` and `str.join`."""
    columns = [_shown(c) for c in zip(*rows, strict=True)] if rows else [()] * len(headings)
    padded_columns: list[Iterable[str]] = []
    last = len(columns) - 1
    for i, (heading, column) in enumerate(zip(headings, columns, strict=True)):
        if i == last:  # not padded: its spaces would be cut
            padded_columns.append(chain((heading,), column))
            continue
        cells = dict.fromkeys(column)
        if "".join(cells).isascii():  # ids, instants, numbers: as wide as they are long
            used = measure(heading)
            most = max(used, max(map(len, cells), default=0))
            body = map(str.ljust, column, repeat(most))
            padded_columns.append(chain((heading + " " * (most - used),), body))
            continue
        cells[heading] = None
        widths = list(map(measure, cells))
        most = max(widths)
        padded = {c: c + " " * (most - used) for c, used in zip(cells, widths, strict=True)}
        padded_columns.append(map(padded.__getitem__, chain((heading,), column)))
    lines = map(str.rstrip, map("  ".join, zip(*padded_columns, strict=True)))
    out.write("\n".join(lines) + "\n")


def _rich(headings: list[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    grid = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in headings:
        grid.add_column(heading, overflow="fold")
    for row in rows:
        grid.add_row(*row)
    # cells are data, not rich markup: "[link=...]" in a name stays text
    Console(file=out, force_terminal=True, highlight=False, markup=False, emoji=False).print(grid)
