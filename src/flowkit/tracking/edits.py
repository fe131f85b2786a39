"""The tracking table coming back from Excel: rows carrying their 商机编号 applied to those
opportunities (`flowkit import --update`).

Each column the file has says exactly what the opportunity's value under it is: a cell
edited changes it, a cell cleared clears it (a required one is refused), a cell as exported
leaves it be; a column the file lacks says nothing. The changes are recorded as the
commands record them — `assigned` for the owner, `risk` for the flag, `updated` for the
rest — so `show` and `status --as-of` read them alike. What only a command may do is
refused, naming the cell and the command: a different 当前阶段 is no advance (that has
outcomes, outputs and timers: `flowkit advance`, `close`), a different 流程 no migration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from flowkit.access.people import person_id
from flowkit.errors import InputError
from flowkit.messages import Message, msg
from flowkit.model import Process
from flowkit.store import EventData, FieldValue, InstanceRow, InstanceUpdate, Json
from flowkit.tracking.changes import Change, event_row, write
from flowkit.tracking.course import risk_was
from flowkit.tracking.fields import typed_fields

if TYPE_CHECKING:
    from flowkit.store import Tx
    from flowkit.tracking.tracker import Tracker

T = TypeVar("T")
Cell = tuple[str, str]  # the text, and the column as problems name it: "B (商机名称)"
YES = {"是", "yes", "y", "true", "1", "有"}
NO = {"否", "no", "n", "false", "0", "无", ""}


@dataclass(frozen=True)
class Edit:
    """One numbered row of the file: the opportunity it names, and its cells by key."""

    number: int
    place: Message | str  # the file (and sheet) and row, as problems begin
    cells: Mapping[str, Cell]  # name, customer, node, owner ... as `importer.COLUMNS` keys
    fields: Mapping[str, Cell] = field(default_factory=dict)  # field id -> cell, empty too
    year: int | None = None  # the year of dates written without one (--year)


def in_year(text: str, year: int | None, parse: Callable[[str], T]) -> T:
    """A date cell read by `parse`; one written without its year (11月3日) read in `year`,
    else refused saying so (as the customer import reads its dates)."""
    from flowkit.lang.times import with_year

    try:
        return parse(text)
    except InputError:
        dated = with_year(text, year or 2000)  # is it a date without its year at all?
        if dated is None:
            raise
        if year is None:
            raise InputError(
                msg(
                    "'{text}' has no year: pass --year YEAR (the year the file's dates are "
                    "in), or write the year in the cell",
                    text=text,
                )
            ) from None
        return parse(dated)


class EditError(Exception):
    """A cell an edit cannot apply, with where it is."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.text())
        self.msg = message


def apply(tracker: Tracker, tx: Tx, edit: Edit, now: datetime) -> bool:
    """The row's changes written to its opportunity in `tx`; whether there were any.
    Raises EditError naming the cell that cannot be applied."""
    row = tx.instance(edit.number)

    def missing() -> EditError:
        return _at(edit, "number", msg("no opportunity {id}", id=edit.number))

    target = f"opportunity {edit.number}"
    entry = tracker.access.found("import", target, row and row["owner"], missing)
    assert row is not None  # found() raised otherwise
    process = tracker.definitions.of(tx, row["process_hash"])
    _same_course(edit, row, process)
    values: InstanceUpdate = {}
    shown: dict[str, Json] = {}
    change = Change()
    node = row["node"]
    name, action = _text(edit, "name"), _text(edit, "next_action")
    if name is not None and name != row["name"]:
        if not name:
            raise _at(edit, "name", msg("empty; every row needs it"))
        values["name"] = shown["name"] = name
    if action is not None and action != row["next_action"]:
        values["next_action"] = shown["next_action"] = action
    _expected_close(edit, row, values, shown)
    _customer(tracker, tx, edit, row, values, shown, now)
    _fields(edit, row, process, values, shown)
    if shown:
        change.events.append(event_row("updated", now, now, node, shown))
    owner = _owner(tracker, edit, row)
    if owner is not None:
        tracker.access.require("import", owner, target)  # handed only within reach
        values["owner"] = owner
        data: EventData = {"owner": owner, "from": row["owner"]}
        change.events.append(event_row("assigned", now, now, node, data))
    _risk(edit, row, values, change, now)
    if not change.events:
        return False
    tx.log.add([entry])
    if row["state"] not in ("open", "paused"):
        raise _at(
            edit,
            "number",
            msg(
                "opportunity {id} is closed ({state}); it cannot change",
                id=row["id"],
                state=row["state"],
            ),
        )
    change.instance = values
    write(tx, row["id"], row, change)
    return True


def _at(edit: Edit, key: str, problem: Message) -> EditError:
    cell = edit.cells.get(key) or edit.fields.get(key)
    if cell is None:
        return EditError(msg("{place}: {problem}", place=edit.place, problem=problem))
    return EditError(
        msg(
            "{place}, column {column}: {problem}", place=edit.place, column=cell[1], problem=problem
        )
    )


def _text(edit: Edit, key: str) -> str | None:
    """The cell's text, None when the file has no such column."""
    cell = edit.cells.get(key)
    return None if cell is None else cell[0]


def _same_course(edit: Edit, row: InstanceRow, process: Process) -> None:
    """The row names the opportunity's own process and stage: moving either is a command."""
    text = _text(edit, "process")
    if text and text not in (process.id, process.name):
        raise _at(
            edit,
            "process",
            msg(
                "says {text}, but opportunity {id} is on {process}: the import moves no "
                "opportunity to another process (flowkit migrate does)",
                text=text,
                id=row["id"],
                process=process.id,
            ),
        )
    text = _text(edit, "node")
    if text is None or row["node"] is None:
        return
    current = process.node_by_id[row["node"]]
    if text not in (current.id, current.name):
        raise _at(
            edit,
            "node",
            msg(
                "says {text}, but opportunity {id} is at {node}: the import changes no stage; "
                "advance it with flowkit advance {id} (or end it with flowkit close {id})",
                text=text or "''",
                id=row["id"],
                node=current.name,
            ),
        )


def _expected_close(
    edit: Edit, row: InstanceRow, values: InstanceUpdate, shown: dict[str, Json]
) -> None:
    from flowkit.lang.times import parse_date

    text = _text(edit, "expected_close")
    if text is None:
        return
    try:
        day: date | None = in_year(text, edit.year, parse_date) if text else None
    except InputError as e:
        raise _at(edit, "expected_close", e.msg) from e
    if day != row["expected_close"]:
        values["expected_close"] = day
        shown["expected_close"] = day.isoformat() if day else None


def _customer(
    tracker: Tracker,
    tx: Tx,
    edit: Edit,
    row: InstanceRow,
    values: InstanceUpdate,
    shown: dict[str, Json],
    now: datetime,
) -> None:
    """Another customer: linked to its profile as `set --customer` links (the owner's own,
    never a guess), or kept as the name the row gives when no profile has it."""
    text = _text(edit, "customer")
    if text is None or text == row["customer"]:
        return
    if not text:
        raise _at(edit, "customer", msg("empty; every row needs it"))
    owner = _owner(tracker, edit, row) or row["owner"]
    try:
        profile = tracker.customer_of(tx, text, owner, now)
    except InputError as e:
        raise _at(edit, "customer", e.msg) from e
    values["customer_id"] = shown["customer_id"] = profile["id"] if profile else None
    values["customer"] = shown["customer"] = profile["name"] if profile else text


def _fields(
    edit: Edit,
    row: InstanceRow,
    process: Process,
    values: InstanceUpdate,
    shown: dict[str, Json],
) -> None:
    """The process's fields the file has a column for: typed; an empty cell clears one."""
    fields: dict[str, FieldValue] = dict(row["fields"])
    for item in process.fields:
        cell = edit.fields.get(item.id)
        if cell is None:
            continue
        if not cell[0]:
            if item.required and item.id in fields:
                raise _at(edit, item.id, msg("empty; process '{p}' requires it", p=process.id))
            fields.pop(item.id, None)
            continue
        try:
            fields.update(typed_fields(process, {item.id: cell[0]}, require=False))
        except InputError as e:
            raise _at(edit, item.id, e.msg) from e
    if fields != row["fields"]:
        values["fields"] = shown["fields"] = fields


def _owner(tracker: Tracker, edit: Edit, row: InstanceRow) -> str | None:
    """The owner the row gives when it is another one (a name in org.yaml does too)."""
    text = _text(edit, "owner")
    if text is None:
        return None
    if not text:
        raise _at(edit, "owner", msg("empty; every row needs it"))
    try:
        owner = person_id(tracker.people, text)
        if owner != row["owner"]:
            tracker.check_owner(owner)
    except InputError as e:
        raise _at(edit, "owner", e.msg) from e
    return owner if owner != row["owner"] else None


def _risk(
    edit: Edit, row: InstanceRow, values: InstanceUpdate, change: Change, now: datetime
) -> None:
    """The flag and its description, recorded as `flowkit risk` records them."""
    flag_text, note = _text(edit, "risk"), _text(edit, "risk_note")
    if flag_text is None and note is None:
        return
    flag = row["risk"]
    if flag_text is not None:
        lowered = flag_text.lower()
        if lowered not in YES | NO:
            raise _at(edit, "risk", msg("'{text}' is not 是/否 (yes/no)", text=flag_text))
        flag = lowered in YES
    note = row["risk_note"] if note is None else note
    note = note if flag else ""
    if flag == row["risk"] and note == row["risk_note"]:
        return
    if flag and not note:
        raise _at(edit, "risk_note", msg("a risk flag needs its description (风险描述)"))
    values["risk"], values["risk_note"] = flag, note
    data: EventData = {"flag": flag, "note": note, "was": risk_was(row)}
    change.events.append(event_row("risk", now, now, row["node"], data))
