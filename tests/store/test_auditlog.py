"""The audit log is append-only in the database itself: flowkit only inserts, and triggers
refuse an UPDATE or a DELETE from anyone, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from flowkit.store import Store
from tests.conftest import cst

ENTRY = {
    "at": cst("2026-11-27T10:00"),
    "actor": "wang.fang",
    "command": "customer export",
    "action": "export",
    "target": "customers",
    "owner": "li.lei",
    "outcome": "done",
    "detail": {"rows": 12},
}


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'li.lei'", "DELETE FROM audit_log"],
)
def test_an_entry_is_never_changed_or_removed(store: Store, statement: str) -> None:
    store.log([ENTRY])  # type: ignore[list-item]
    with pytest.raises(DatabaseError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))  # SQL as any client could send it
    with store.read() as tx:
        rows = tx.conn.execute(text("SELECT actor, command FROM audit_log")).all()
    assert [tuple(r) for r in rows] == [("wang.fang", "customer export")]
