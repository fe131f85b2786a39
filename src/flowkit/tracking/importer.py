"""`flowkit import`: the tracking table (销售节点进度跟踪表) from CSV or Excel.

Every row is checked before anything is written; one bad cell refuses the whole file
with every problem located by row and column. Good files are written in one transaction
with bulk statements (100,000 rows in seconds), each row becoming an open opportunity at
its current stage with that stage's timers started when the row says it entered the stage
(an optional 阶段开始时间 column), else at the import time (or `at`): a deal that reached
合同签订 a week ago is late at once, not given a fresh three days.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from flowkit.access.people import person_id
from flowkit.errors import InputError
from flowkit.messages import Message, first_lines, msg, words
from flowkit.model import Node, Process
from flowkit.progress import Progress, counted, quiet
from flowkit.spreadsheet import (
    Line,
    Pick,
    Table,
    column_letter,
    header_key,
    header_of,
    heads,
    open_table,
    two_row_header,
)
from flowkit.store import CustomerFilter, FieldValue, ImportedTimer, NewInstance, NumberedEvent
from flowkit.timers.terms import timers_on_entry
from flowkit.tracking.changes import when
from flowkit.tracking.edits import Edit, EditError, apply, in_year
from flowkit.tracking.fields import typed_fields
from flowkit.tracking.tracker import Tracker

if TYPE_CHECKING:
    from flowkit.store import Tx

COLUMNS = {  # header as written (Chinese or English) -> key
    "商机编号": "number",  # ours: the opportunity a row is (an export coming back, --update)
    "opportunity id": "number",
    "opportunity no": "number",
    "商机名称": "name",
    "opportunity": "name",
    "name": "name",
    "客户名称": "customer",
    "customer": "customer",
    "当前阶段": "node",
    "current stage": "node",
    "stage": "node",
    "node": "node",
    "预计成交时间": "expected_close",
    "expected close": "expected_close",
    "expected close date": "expected_close",
    "关键动作": "next_action",
    "next key action": "next_action",
    "next action": "next_action",
    "负责人": "owner",
    "owner": "owner",
    "风险预警": "risk",
    "risk": "risk",
    "risk flag": "risk",
    "风险描述": "risk_note",
    "risk description": "risk_note",
    "流程": "process",
    "process": "process",
    "阶段开始时间": "entered",  # ours, optional: when the row entered its current stage
    "进入阶段时间": "entered",
    "stage entered": "entered",
    "entered": "entered",
}
KEYS = {header_key(header): key for header, key in COLUMNS.items()}  # as `header_of` looks up
REQUIRED = ("name", "customer", "owner")
HEADERS = {"name": "商机名称", "customer": "客户名称", "owner": "负责人"}  # the required, as named
HEADER_SCAN = 5  # rows searched for the header: a title row above it is common
YES = {"是", "yes", "y", "true", "1", "有"}
NO = {"否", "no", "n", "false", "0", "无", ""}
MAX_SHOWN = 20


@dataclass(frozen=True)
class Imported:
    rows: int
    by_process: dict[str, int]
    ignored: tuple[Message, ...] = ()  # columns left out as asked: "备注 (column H)"
    sheets: tuple[Message, ...] = ()  # which sheets were read, which skipped and why
    updated: int = 0  # opportunities on file whose numbered rows changed them (--update)
    unchanged: int = 0  # opportunities on file whose numbered rows came back as they are
    # what a dry run would write, and a run wrote: the new opportunities (name, customer as
    # linked, owner, stage) and the numbers of those on file its rows changed, in file order
    created: tuple[tuple[str, str, str, str], ...] = ()
    changed: tuple[int, ...] = ()
    # rows without a 商机编号 that are open opportunities already (same process, name,
    # customer and owner: the sheet imported again), left as they are: (row, opportunity)
    on_file: tuple[tuple[Message | str, int], ...] = ()


def import_file(
    tracker: Tracker,
    path: Path,
    *,
    now: datetime,
    process_id: str | None = None,
    at: datetime | None = None,
    dry_run: bool = False,
    ignore: Sequence[str] = (),
    update: bool = False,
    progress: Progress = quiet,
    year: int | None = None,
) -> Imported:
    """New opportunities from the rows without a 商机编号; with `update`, the cells of the
    rows carrying one applied to those opportunities (`edits`), all in one transaction."""
    at = when(at, now)  # a time in the future is refused, as by every command
    _readable(path)
    fingerprint = _fingerprint(path)
    _not_imported_before(tracker, path, fingerprint)
    titles, sheets = _sheets(path)
    planned: list[_Row] = []
    edits: list[Edit] = []
    problems: list[Message] = []
    ignored: list[Message] = []
    for title in titles:
        with open_table(path, _named(title)) as table:
            place = _place(path, table)
            header_at, header, rows = _header(table)
            header_at, header, rows = _second_row(header_at, header, rows, tracker, ignore)
            keys, left_out = _columns(place, header_at, header, tracker, process_id, ignore)
            ignored += left_out
            step = msg("reading {place}", place=place)
            for number, cells in counted(rows, progress, step):
                if not any(cells):
                    continue
                try:
                    where = msg("{file}: row {row}", file=place, row=number)
                    edit = _edit(keys, cells, where, year)
                    if edit is not None:
                        edits.append(edit)
                        continue
                    row = _plan(tracker, keys, cells, process_id, now, year)
                    planned.append(replace(row, place=_customer_cell(where, keys), row=where))
                except _CellError as e:
                    problems.append(
                        msg(
                            "{file}: row {row}, column {column}: {problem}",
                            file=place,
                            row=number,
                            column=e.column,
                            problem=e.msg,
                        )
                    )
                except InputError as e:
                    problems.append(
                        msg("{file}: row {row}: {problem}", file=place, row=number, problem=e.msg)
                    )
    _refuse_if(problems + _twice(planned))
    if not planned and not edits:
        raise InputError(msg("{file} has no data rows under its header", file=path.name))
    if edits and not update:
        raise InputError(
            msg(
                "{n} row(s) carry a 商机编号 (opportunities on file, first {first}); nothing "
                "was imported",
                n=len(edits),
                first=edits[0].place,
            ),
            msg("to apply their cells to those opportunities: flowkit import FILE --update"),
        )
    done = _write(tracker, planned, edits, at, now, (fingerprint, path.name), dry_run)
    return replace(done, ignored=tuple(ignored), sheets=sheets)


def _twice(planned: Sequence[_Row]) -> list[Message]:
    """Rows without a 商机编号 that are one opportunity twice: the same process, name,
    customer and owner (a row pasted twice). Imported again, a row like that is the
    opportunity on file (`_new_only`), so a file never opens two of them."""
    first: dict[tuple[str, str, str, str], _Row] = {}
    problems: list[Message] = []
    for r in planned:
        values = r.values
        key = (r.process.id, values["name"], values["customer"], values["owner"])
        seen = first.setdefault(key, r)
        if seen is not r:
            problems.append(
                msg(
                    "{row}: the same opportunity as {first} (商机名称, 客户名称 and 负责人 "
                    "alike); keep one of the two rows",
                    row=r.row,
                    first=seen.row,
                )
            )
    return problems


def _fingerprint(path: Path) -> str:
    """The SHA-256 of the file's bytes: the same file imported again has the same one."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _not_imported_before(tracker: Tracker, path: Path, fingerprint: str) -> None:
    """Refused before the file is read; `_write` asks again once it holds the writers'
    lock, where two imports of one file started at once meet."""
    with tracker.store.read() as tx:
        _not_in(tx, path.name, fingerprint)


def _not_in(tx: Tx, name: str, fingerprint: str) -> None:
    earlier = tx.imported(fingerprint)
    if earlier is not None:
        file, when, count = earlier
        raise InputError(
            msg(
                "{file} was already imported ({count} opportunities, as {earlier} on {when}); "
                "nothing was imported again",
                file=name,
                count=count,
                earlier=file,
                when=when.isoformat(timespec="minutes"),
            ),
            msg("to import it again on purpose, change the file (e.g. remove the rows already in)"),
        )


class _Values(TypedDict):
    """The tracking-table columns of one row, checked and typed."""

    name: str
    customer: str
    owner: str
    next_action: str
    risk_note: str
    risk: bool
    expected_close: date | None
    fields: dict[str, FieldValue]


@dataclass(frozen=True)
class _Row:
    process: Process
    node: Node
    values: _Values
    entered: datetime | None = None  # when it entered its stage, if the file says
    place: Message | str = ""  # its 客户名称 cell, as problems name it
    row: Message | str = ""  # the row, as the report names it


class _CellError(Exception):
    """A cell that cannot be used: its column and what is wrong with it."""

    def __init__(self, column: str, message: Message) -> None:
        super().__init__(message.text())
        self.column, self.msg = column, message


def _readable(path: Path) -> None:
    if not path.is_file():
        raise InputError(msg("'{path}' does not exist or is not a file", path=path))
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise InputError(msg("'{file}': import reads .csv or .xlsx files", file=path.name))


def _sheets(path: Path) -> tuple[list[str | None], tuple[Message, ...]]:
    """The sheets holding the table, and what is said of each sheet: a workbook's sheets
    whose header row (among their first rows: a title may stand above it) names 商机名称,
    客户名称 and 负责人, whatever the sheets are called. A CSV file, or a workbook where no
    sheet has such a row, is read as it is (its first sheet), its header's problems said."""
    if path.suffix.lower() != ".xlsx":
        return [None], ()
    found = heads(path, HEADER_SCAN)
    tables = [title for title, lines in found if _header_index(lines) is not None]
    if not tables or len(found) == 1:
        return [tables[0] if tables else None], ()
    said = tuple(
        msg("read sheet {sheet}", sheet=title)
        if title in tables
        else msg(
            "skipped sheet {sheet}: no header row naming {columns} in its first {n} rows",
            sheet=title,
            columns=words(HEADERS[key] for key in REQUIRED),
            n=HEADER_SCAN,
        )
        for title, _ in found
    )
    return list(tables), said


def _named(title: str | None) -> Pick | None:
    """Pick the sheet titled `title` (None: the first sheet)."""
    return None if title is None else lambda _: title


def _place(path: Path, table: Table) -> Message | str:
    """How problems name where they are: the file, and the sheet when it has several."""
    if table.sheet is not None and len(table.sheets) > 1:
        return msg("{file}, sheet {sheet}", file=path.name, sheet=table.sheet)
    return path.name


def _is_header(cells: Sequence[str]) -> bool:
    return set(REQUIRED) <= {header_of(KEYS, c) for c in cells if c}


def _header_index(lines: Sequence[Line]) -> int | None:
    """Which of the first non-empty `lines` is the header: the first naming the required
    columns alone, or with the row below it as the header's second row (`two_row_header`:
    客户 over 名称 and 规模)."""
    for i, (_, cells) in enumerate(lines):
        if _is_header(cells):
            return i
        if i + 1 < len(lines):
            anchors = [j for j, text in enumerate(cells) if header_of(KEYS, text) == "name"]
            known = lambda text: header_of(KEYS, text) is not None  # noqa: E731
            paired = two_row_header(cells, lines[i + 1][1], anchors, known)
            if paired is not None and _is_header(paired):
                return i
    return None


def _header(table: Table) -> tuple[int, list[str], Iterator[Line]]:
    """The header row, its number and the rows below it: the first of the first rows
    that names the required columns (`_header_index`), else the first row. A CSV file's
    header is its first line; a CSV file without one is empty, a sheet needs one."""
    rows = table.rows
    if table.sheet is None:
        first = next(rows, None)
        if first is None:
            raise InputError(msg("{file} is empty", file=table.file))
        return first[0], first[1], rows
    lines = list(islice((line for line in rows if any(line[1])), HEADER_SCAN))
    if not lines:
        raise InputError(msg("{file}: the first sheet has no header row", file=table.file))
    at = _header_index(lines) or 0
    return lines[at][0], lines[at][1], chain(lines[at + 1 :], rows)


def _second_row(
    number: int,
    header: list[str],
    rows: Iterator[Line],
    tracker: Tracker,
    ignore: Sequence[str],
) -> tuple[int, list[str], Iterator[Line]]:
    """The header of two rows (`two_row_header`: a group's label above its columns) with
    the number of its lower row; else the header as found, and the rows from it on."""
    below = next((line for line in rows if any(line[1])), None)
    if below is None:
        return number, header, rows
    fields = _field_names(tracker)
    left_out = {header_key(name): name for name in ignore}
    anchors = [i for i, text in enumerate(header) if header_of(KEYS, text) == "name"]

    def known(text: str) -> bool:
        return any(header_of(names, text) for names in (KEYS, fields, left_out))

    combined = two_row_header(header, below[1], anchors, known)
    if combined is None:
        return number, header, chain([below], rows)
    return below[0], combined, rows


def _field_names(tracker: Tracker) -> dict[str, str]:
    """The process fields' ids and labels (as `header_of` looks them up) -> their key."""
    return {
        header_key(name): f"field:{f.id}"
        for p in tracker.definitions.current.values()
        for f in p.fields
        for name in (f.id, f.label)
        if name
    }


def _columns(
    place: Message | str,
    row: int,
    header: Sequence[str],
    tracker: Tracker,
    process_id: str | None,
    ignore: Sequence[str] = (),
) -> tuple[dict[int, tuple[str, str]], tuple[Message, ...]]:
    """Column index -> (key, header as written); a field column is keyed 'field:<id>'.
    And the columns left out as the user asked (`ignore`), where they were."""
    fields = _field_names(tracker)
    left_out = {header_key(name): name for name in ignore}
    keys: dict[int, tuple[str, str]] = {}
    ignored: list[Message] = []
    for i, title in enumerate(header):
        text = str(title).strip()
        if not text:
            continue
        if header_of(left_out, text) is not None:
            ignored.append(msg("{text} (column {column})", text=text, column=column_letter(i)))
            continue
        key = header_of(KEYS, text) or header_of(fields, text)
        if key is None:
            raise InputError(
                msg(
                    "{file}: row {row}, column {column}: unknown column '{text}'",
                    file=place,
                    row=row,
                    column=column_letter(i),
                    text=text,
                ),
                msg(
                    "columns: {columns}, or a field; to import without it: --ignore-column {text}",
                    columns=words(k for k in COLUMNS if not k.isascii()),
                    text=text,
                ),
            )
        keys[i] = (key, f"{column_letter(i)} ({text})")
    missing = [k for k in REQUIRED if k not in {v[0] for v in keys.values()}]
    if missing:
        raise InputError(
            msg("{file}: missing column(s): {columns}", file=place, columns=words(missing))
        )
    if process_id is None and "process" not in {v[0] for v in keys.values()}:
        raise InputError(
            msg("{file} has no 流程 (process) column", file=place), msg("pass --process ID")
        )
    return keys, tuple(ignored)


def _plan(
    tracker: Tracker,
    keys: Mapping[int, tuple[str, str]],
    cells: Sequence[str],
    default_process: str | None,
    now: datetime,
    year: int | None = None,
) -> _Row:
    got: dict[str, tuple[str, str]] = {}
    fields: dict[str, tuple[str, str]] = {}
    for i, (key, column) in keys.items():
        text = cells[i].strip() if i < len(cells) else ""
        if key.startswith("field:"):
            if text:
                fields[key[6:]] = (text, column)
        else:
            got[key] = (text, column)
    process_text, process_col = got.get("process", (default_process or "", "process"))
    try:
        process = tracker.definitions.start_on(process_text or default_process or "")
    except InputError as e:
        raise _CellError(process_col, e.msg) from e
    for key in REQUIRED:
        if not got[key][0]:
            raise _CellError(got[key][1], msg("empty; every row needs it"))
    node = _node(process, *got.get("node", ("", "")))
    try:
        owner = person_id(tracker.people, got["owner"][0])  # teams' tables hold names
        tracker.check_owner(owner)
    except InputError as e:
        raise _CellError(got["owner"][1], e.msg) from e
    risk = _flag(*got.get("risk", ("", "")))
    expected_close = _date(*got.get("expected_close", ("", "")), year)
    values: _Values = {
        "name": got["name"][0],
        "customer": got["customer"][0],
        "owner": owner,
        "next_action": got.get("next_action", ("", ""))[0],
        "risk_note": got.get("risk_note", ("", ""))[0],
        "risk": risk,
        "expected_close": expected_close,
        "fields": _fields(process, fields),
    }
    return _Row(process, node, values, _entered(*got.get("entered", ("", "")), now, year))


def _fields(process: Process, cells: Mapping[str, tuple[str, str]]) -> dict[str, FieldValue]:
    """Typed field values, each bad one named by its column; required ones present."""
    own = {f.id for f in process.fields}
    typed: dict[str, FieldValue] = {}
    for field_id, (text, column) in cells.items():
        if field_id not in own:
            continue  # a column of another process's field: empty for this row's process
        try:
            typed.update(typed_fields(process, {field_id: text}, require=False))
        except InputError as e:
            raise _CellError(column, e.msg) from e
    missing = [f.id for f in process.fields if f.required and f.id not in typed]
    if missing:
        raise InputError(
            msg(
                "process '{process}' requires field(s): {fields}",
                process=process.id,
                fields=words(missing),
            )
        )
    return typed


def _node(process: Process, text: str, column: str) -> Node:
    if not text:
        start = process.start
        assert start is not None and start.routes
        return process.node_by_id[start.routes[0].to]
    for node in process.nodes:
        if text in (node.id, node.name) and node.type in ("task", "decision"):
            return node
    stages = words((n.name for n in process.nodes if n.type == "task"), sep="、")
    raise _CellError(
        column,
        msg(
            "'{text}' is no stage of {process} (stages: {stages})",
            text=text,
            process=process.name,
            stages=stages,
        ),
    )


def _flag(text: str, column: str) -> bool:
    lowered = text.lower()
    if lowered in YES or lowered in NO:
        return lowered in YES
    raise _CellError(column, msg("'{text}' is not 是/否 (yes/no)", text=text))


def _date(text: str, column: str, year: int | None = None) -> date | None:
    from flowkit.lang.times import parse_date

    if not text:
        return None
    try:
        return in_year(text, year, parse_date)
    except InputError as e:
        raise _CellError(column, e.msg) from e


def _entered(text: str, column: str, now: datetime, year: int | None = None) -> datetime | None:
    from flowkit.lang.times import parse_time

    if not text:
        return None
    try:
        entered = in_year(text, year, parse_time)
    except InputError as e:
        raise _CellError(column, e.msg) from e
    if entered > now:
        raise _CellError(column, msg("'{text}' is in the future", text=text))
    return entered


def _edit(
    keys: Mapping[int, tuple[str, str]],
    cells: Sequence[str],
    place: Message,
    year: int | None = None,
) -> Edit | None:
    """A row carrying a 商机编号, as the edit of that opportunity; None for a new one."""
    found: dict[str, tuple[str, str]] = {}
    fields: dict[str, tuple[str, str]] = {}
    for i, (key, column) in keys.items():
        text = cells[i].strip() if i < len(cells) else ""
        if key.startswith("field:"):
            fields[key[6:]] = (text, column)
        else:
            found[key] = (text, column)
    text, column = found.get("number", ("", ""))
    if not text:
        return None
    digits = text.removeprefix("#").strip()
    if not digits.isdigit():
        raise _CellError(
            column,
            msg(
                "'{text}' is no opportunity number of flowkit (a numbering of your own: "
                "--ignore-column 商机编号)",
                text=text,
            ),
        )
    return Edit(int(digits), place, found, fields, year)


def _write(
    tracker: Tracker,
    planned: list[_Row],
    edits: Sequence[Edit],
    at: datetime,
    now: datetime,
    source: tuple[str, str],
    dry_run: bool,
) -> Imported:
    by_process: dict[str, int] = {}
    access = tracker.access
    with tracker.store.write(dry_run=dry_run) as tx:
        entries = [access.require_any("import", source[1])] + [
            access.require("import", owner, f"opportunities of {owner}")
            for owner in sorted({r.values["owner"] for r in planned})
        ]
        tx.serialize()  # the same file imported at the same moment waits, then is refused
        _not_in(tx, source[1], source[0])
        changed = _apply(tracker, tx, edits, now)
        updated = len(changed)
        linked = _customers(tracker, tx, planned, now) if planned else []
        planned, linked, on_file = _new_only(tx, planned, linked)
        if updated or planned:  # an import that changed nothing writes nothing
            tx.log.add(entries)
        if not planned:
            if updated:
                tx.add_import(*source, now, 0)
            return Imported(
                0,
                {},
                updated=updated,
                unchanged=len(edits) - updated,
                changed=tuple(changed),
                on_file=on_file,
            )
        tx.add_import(*source, now, len(planned))
        digests = {
            p.id: tracker.definitions.pin(tx, p, now)
            for p in {r.process.id: r.process for r in planned}.values()
        }
        new = [_instance(r, digests[r.process.id], at) for r in planned]
        ids = tx.add_instances([{**n, **link} for n, link in zip(new, linked, strict=True)])
        events: list[NumberedEvent] = []
        timers: list[ImportedTimer] = []
        for instance_id, r in zip(ids, planned, strict=True):
            by_process[r.process.id] = by_process.get(r.process.id, 0) + 1
            entered = r.entered or at
            events.append(_event(instance_id, 1, "imported", entered, now, r.node.id))
            events.append(_event(instance_id, 2, "entered", entered, now, r.node.id))
            cal = tracker.calendar(r.process.calendar)
            fresh = timers_on_entry(r.node, r.values["fields"], entered, cal, {})
            timers += [{**timer, "instance_id": instance_id} for timer in fresh]
            tracker.warn_guessed(instance_id, r.process, fresh, bulk=True)
        tx.add_event_rows(events)
        tx.add_timer_rows(timers)
    created = tuple(
        (r.values["name"], link["customer"], r.values["owner"], r.node.name)
        for r, link in zip(planned, linked, strict=True)
    )
    return Imported(
        len(planned),
        by_process,
        updated=updated,
        unchanged=len(edits) - updated,
        created=created,
        changed=tuple(changed),
        on_file=on_file,
    )


def _new_only(
    tx: Tx, planned: list[_Row], linked: list[_Link]
) -> tuple[list[_Row], list[_Link], tuple[tuple[Message | str, int], ...]]:
    """The rows that are new, with their links, and those that are open opportunities on
    file already: the same process, name, customer (as linked) and owner. A sheet saved
    again (other bytes, so not "already imported") and imported again would otherwise
    open every one of its deals a second time."""
    known = tx.open_deals([r.values["owner"] for r in planned]) if planned else {}
    fresh: list[_Row] = []
    links: list[_Link] = []
    on_file: list[tuple[Message | str, int]] = []
    for r, link in zip(planned, linked, strict=True):
        key = (r.process.id, r.values["name"], link["customer"], r.values["owner"])
        if key in known:
            on_file.append((r.row, known[key]))
        else:
            fresh.append(r)
            links.append(link)
    return fresh, links, tuple(on_file)


def _apply(tracker: Tracker, tx: Tx, edits: Sequence[Edit], now: datetime) -> list[int]:
    """Every edit applied (`edits.apply`); the opportunities it changed. Every cell that
    cannot be applied is named at once, and then nothing is written."""
    problems: list[Message] = []
    updated: list[int] = []
    seen: set[int] = set()
    for edit in edits:
        if edit.number in seen:
            twice = msg("{place}: opportunity {id} has two rows", place=edit.place, id=edit.number)
            problems.append(twice)
            continue
        seen.add(edit.number)
        try:
            if apply(tracker, tx, edit, now):
                updated.append(edit.number)
        except EditError as e:
            problems.append(e.msg)
    _refuse_if(problems)
    return updated


def _customer_cell(where: Message, keys: Mapping[int, tuple[str, str]]) -> Message:
    """How a problem with a row's customer names its cell: row and 客户名称 column."""
    column = next(label for key, label in keys.values() if key == "customer")
    return msg("{where}, column {column}", where=where, column=column)


class _Link(TypedDict):
    customer_id: str | None
    customer: str


def _customers(tracker: Tracker, tx: Tx, planned: Sequence[_Row], now: datetime) -> list[_Link]:
    """Each row's customer profile, as `start` finds it (`Tracker.customer_of`: by number,
    name or a variant of the name): linked, named as the profile names it; another rep's
    customer is 撞单 and refused at its cell, every such row at once. Each customer and
    owner is looked up once; a store without profiles is not asked."""
    if tracker.customers is None or not tx.customers.find(CustomerFilter(), 1, summary=True):
        return [{"customer_id": None, "customer": r.values["customer"]} for r in planned]
    found: dict[tuple[str, str], _Link] = {}
    problems: list[Message] = []
    hint: Message | None = None
    out: list[_Link] = []
    for r in planned:
        key = (r.values["customer"], r.values["owner"])
        if key not in found:
            try:
                profile = tracker.customer_of(tx, *key, now)
            except InputError as e:
                problems.append(msg("{at}: {problem}", at=r.place, problem=e.msg))
                hint = hint or e.hint_msg
                continue
            found[key] = {
                "customer_id": profile["id"] if profile else None,
                "customer": profile["name"] if profile else key[0],
            }
        out.append(found[key])
    _refuse_if(problems, hint)
    return out


def _refuse_if(problems: list[Message], hint: Message | None = None) -> None:
    """The rows' problems, all at once (the first `MAX_SHOWN`): nothing is imported."""
    if problems:
        raise InputError(
            msg(
                "{n} problem(s); nothing was imported:\n  {problems}",
                n=len(problems),
                problems=first_lines(problems, MAX_SHOWN),
            ),
            hint,
        )


def _instance(r: _Row, digest: str, at: datetime) -> NewInstance:
    """The opportunity of a checked row, open at its stage."""
    values = r.values
    return {
        "name": values["name"],
        "customer": values["customer"],
        "owner": values["owner"],
        "next_action": values["next_action"],
        "risk_note": values["risk_note"],
        "risk": values["risk"],
        "expected_close": values["expected_close"],
        "fields": values["fields"],
        "process_id": r.process.id,
        "process_hash": digest,
        "node": r.node.id,
        "node_entered_at": r.entered or at,
        "state": "open",
        "started_at": r.entered or at,
        "close_reason": "",
        "last_seq": 2,  # imported, entered
    }


def _event(
    instance_id: int, seq: int, kind: str, at: datetime, now: datetime, node: str
) -> NumberedEvent:
    return {
        "instance_id": instance_id,
        "seq": seq,
        "kind": kind,
        "at": at,
        "recorded_at": now,
        "node": node,
        "data": {},
    }
