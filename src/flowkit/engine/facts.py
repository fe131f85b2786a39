"""The opportunity's own columns of the tracking table: its risk flag (风险预警), its owner
(负责人), its fields, expected close date and next key action.

Each is a `Tracker` method (bound in tracker.py) and one transaction; `risk` and `assigned`
events keep what they replaced, so a past moment can name that moment's owner and flag.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flowkit.engine.changes import (
    Change,
    event_row,
    when,
    write,
)
from flowkit.engine.values import typed_fields
from flowkit.errors import InputError
from flowkit.store import Row

if TYPE_CHECKING:
    from flowkit.engine.tracker import Tracker


def set_risk(
    tracker: Tracker,
    instance_id: int,
    flag: bool,
    *,
    now: datetime,
    note: str = "",
    at: datetime | None = None,
) -> None:
    at = when(at, now)
    if flag and not note.strip():
        raise InputError("a risk flag needs its description (--note)", "e.g. --note '客户预算冻结'")
    _simple(
        tracker,
        instance_id,
        at,
        now,
        "risk",
        {"risk": flag, "risk_note": note.strip() if flag else ""},
        lambda row: {"flag": flag, "note": note, "was": _risk_was(row)},
    )


def assign(
    tracker: Tracker, instance_id: int, person: str, *, now: datetime, at: datetime | None = None
) -> None:
    at = when(at, now)
    tracker.check_owner(person)
    _simple(
        tracker,
        instance_id,
        at,
        now,
        "assigned",
        {"owner": person},
        lambda row: {"owner": person, "from": row["owner"]},
    )


def update(
    tracker: Tracker,
    instance_id: int,
    *,
    now: datetime,
    at: datetime | None = None,
    fields: Mapping[str, str] | None = None,
    expected_close: date | None = None,
    next_action: str | None = None,
) -> None:
    """Fields and tracking-table columns that change as the deal develops."""
    at = when(at, now)
    with tracker.store.write() as tx:
        row, process = tracker.open_row(tx, instance_id, allow_paused=True)
        values: dict[str, Any] = {}
        if fields:
            values["fields"] = {**row["fields"], **typed_fields(process, fields, require=False)}
        if expected_close is not None:
            values["expected_close"] = expected_close
        if next_action is not None:
            values["next_action"] = next_action
        if not values:
            raise InputError("nothing to change: give --field, --expected-close or --next-action")
        change = Change(instance=values)
        shown = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}
        change.events.append(event_row("updated", at, now, row["node"], shown))
        write(tx, instance_id, row, change)


def _simple(
    tracker: Tracker,
    instance_id: int,
    at: datetime,
    now: datetime,
    kind: str,
    values: dict[str, Any],
    data: Callable[[Row], dict[str, Any]],
) -> None:
    """A change of the instance's own columns; the event says what they were before, so
    `status --as-of` can name the owner and the risk flag of a past moment."""
    with tracker.store.write() as tx:
        row, _ = tracker.open_row(tx, instance_id, allow_paused=True)
        change = Change(instance=values)
        change.events.append(event_row(kind, at, now, row["node"], data(row)))
        write(tx, instance_id, row, change)


def _risk_was(row: Row) -> str:
    """The risk flag before a change, as a `risk` event keeps it: its note, or "" when clear."""
    return (row["risk_note"] or "有风险") if row["risk"] else ""
