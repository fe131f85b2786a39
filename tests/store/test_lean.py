"""`store.lean` runs the hot statements on SQLite's driver: what it writes and reads must be
exactly what SQLAlchemy's own execution writes and reads, and its failures the same."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from flowkit.errors import ConflictError, InputError
from flowkit.store import Store
from flowkit.store.lean import Lean, begin_immediate
from flowkit.store.tables import instances
from tests.store.test_store import T0, instance_row

# texts as the store keeps them (no NUL, no lone surrogate: those are refused, below)
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
INSTANTS = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.timezones()
).filter(lambda d: d.utcoffset() is not None)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(str(tmp_path / "lean.db"))
    with opened.write() as tx:
        tx.pin("h1", "standard-sales", "1.0", "p.yaml", "text", T0)
    yield opened
    opened.close()


def _row(**changed: Any) -> dict[str, Any]:
    return instance_row(expected_close=date(2026, 12, 31), revision=1) | changed


def _stored(conn: Connection, instance_id: int) -> tuple[Any, ...]:
    """The row as the file holds it (no type conversion on the way out)."""
    found = conn.execute(text("SELECT * FROM instances WHERE id = :id"), {"id": instance_id})
    return tuple(found.one()[1:])  # without the id


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=TEXT, at=INSTANTS, fields=st.dictionaries(TEXT, JSON, max_size=3), risk=st.booleans())
def test_lean_writes_and_reads_what_sqlalchemy_does(
    store: Store, name: str, at: datetime, fields: dict[str, Any], risk: bool
) -> None:
    row = _row(name=name, node_entered_at=at, fields=fields, risk=risk, last_seq=0)
    with store.write() as tx:
        ours = Lean(insert(instances)).run(tx.conn, row)
        theirs = tx.conn.execute(insert(instances), row).inserted_primary_key[0]  # type: ignore[index]
        assert _stored(tx.conn, ours) == _stored(tx.conn, theirs)
        by_lean = Lean(select(instances).where(instances.c.id == ours)).all(tx.conn, {})
        by_sqlalchemy = tx.conn.execute(select(instances).where(instances.c.id == theirs)).all()
    assert list(by_lean[0][1:]) == list(by_sqlalchemy[0][1:])
    assert by_lean[0][instances.c.keys().index("node_entered_at")] == at.astimezone(UTC)


def test_a_column_left_out_gets_its_default(store: Store) -> None:
    row = _row()
    del row["next_action"], row["revision"]
    with store.write() as tx:
        new = Lean(insert(instances)).run(tx.conn, row)
        assert tx.instance(new)["next_action"] == ""  # type: ignore[index]
        assert tx.instance(new)["revision"] == 1  # type: ignore[index]


def test_many_rows_at_once_and_the_rows_an_update_changed(store: Store) -> None:
    with store.write() as tx:
        Lean(insert(instances)).run(tx.conn, [_row(name="一"), _row(name="二")])
        changed = Lean(instances.update().where(instances.c.owner == "li.lei")).run(
            tx.conn, {"risk": True}
        )
    assert changed == 2


def test_a_nul_is_refused_before_the_driver_sees_it(store: Store) -> None:
    with pytest.raises(InputError, match="NUL"), store.write() as tx:
        Lean(insert(instances)).run(tx.conn, _row(name="a\x00b"))
    with store.read() as tx:
        assert tx.conn.execute(text("SELECT count(*) FROM instances")).scalar() == 0


def test_a_driver_error_is_sqlalchemys_and_a_conflict_to_the_command(store: Store) -> None:
    with store.write() as tx:
        first = Lean(insert(instances)).run(tx.conn, _row())
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        Lean(insert(instances)).run(conn, _row(id=first))
    with pytest.raises(ConflictError), store.write() as tx:  # as `Store.write` words it
        Lean(insert(instances)).run(tx.conn, _row(id=first))


def test_the_write_lock_waits_then_says_busy(store: Store, tmp_path: Path) -> None:
    other = Store.open(str(tmp_path / "lean.db"))
    try:
        with other.engine.connect() as holder:
            begin_immediate(holder)
            with store.engine.connect() as conn:
                conn.connection.driver_connection.execute("PRAGMA busy_timeout = 50")  # type: ignore[union-attr]
                with pytest.raises(OperationalError, match="locked"):
                    begin_immediate(conn)
            holder.rollback()
    finally:
        other.close()
