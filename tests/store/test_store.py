"""The store on SQLite and PostgreSQL: schema from migrations, instants, revisions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from flowkit.errors import ConflictError, StoreError
from flowkit.store import StatusFilter, Store
from flowkit.store.tables import metadata
from tests.databases import database, require_postgresql

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def instance_row(**changed: Any) -> dict[str, Any]:
    """An open opportunity's row on the pinned version "h1" (tests/store/test_lean.py too)."""
    row = {
        "process_id": "standard-sales",
        "process_hash": "h1",
        "name": "CRM升级",
        "customer": "上海宏达",
        "owner": "li.lei",
        "node": "lead_screening",
        "node_entered_at": T0,
        "state": "open",
        "expected_close": None,
        "next_action": "",
        "risk": False,
        "risk_note": "",
        "fields": {"segment": "large"},
        "started_at": T0,
        "close_reason": "",
    }
    return row | changed


def _instance(store: Store, **extra: Any) -> int:
    with store.write() as tx:
        tx.pin("h1", "standard-sales", "1.0", "p.yaml", "text", T0)
        return tx.add_instance(instance_row(**extra))  # type: ignore[arg-type]


def test_migrations_build_exactly_the_declared_tables(store: Store) -> None:
    dialect = store.engine.dialect.name

    def declared_here(item: Any, name: Any, kind: str, reflected: bool, other: Any) -> bool:
        """An index declared for one dialect only (`ddl_if`) is compared on that one."""
        only = getattr(getattr(item, "_ddl_if", None), "dialect", None)
        return only is None or only == dialect

    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": declared_here})
        diff = compare_metadata(context, metadata)
    assert diff == []
    assert {"instances", "events", "timers", "process_versions"} <= set(
        inspect(store.engine).get_table_names()
    )


def test_opening_twice_keeps_the_data(db_url: str) -> None:
    first = Store.open(db_url)
    instance_id = _instance(first)
    first.close()
    again = Store.open(db_url)
    with again.read() as tx:
        row = tx.instance(instance_id)
    again.close()
    assert row is not None and row["customer"] == "上海宏达"
    assert row["fields"] == {"segment": "large"}


def test_instants_come_back_aware_and_equal(store: Store) -> None:
    instance_id = _instance(store)
    with store.read() as tx:
        row = tx.instance(instance_id)
    assert row is not None
    assert row["started_at"] == T0 and row["started_at"].tzinfo is not None
    assert row["started_at"].utcoffset() == timedelta(0)  # read back in UTC


def test_a_stale_revision_is_a_conflict_and_writes_nothing(store: Store) -> None:
    instance_id = _instance(store)
    with pytest.raises(ConflictError), store.write() as tx:
        tx.add_events(instance_id, 0, [_event("risk")])
        tx.update_instance(instance_id, 7, {"risk": True})
    with store.read() as tx:
        assert tx.events(instance_id) == []
        row = tx.instance(instance_id)
    assert row is not None and row["risk"] is False and row["revision"] == 1


def test_events_are_numbered_per_instance_and_never_twice(store: Store) -> None:
    one, two = _instance(store), _instance(store)
    with store.write() as tx:
        tx.add_events(one, 0, [_event("a"), _event("b")])
        tx.add_events(two, 0, [_event("c")])
        tx.add_events(one, 2, [_event("d")])
    with pytest.raises(ConflictError), store.write() as tx:  # numbered from a stale count
        tx.add_events(one, 2, [_event("e")])
    with store.read() as tx:
        assert [(e["seq"], e["kind"]) for e in tx.events(one)] == [(1, "a"), (2, "b"), (3, "d")]
        assert [e["seq"] for e in tx.events(two)] == [1]


def test_alerts_are_the_timers_past_their_warning(store: Store) -> None:
    instance_id = _instance(store)
    late = _timer(T0, due=T0 + timedelta(hours=1), warn=T0 + timedelta(minutes=30))
    soon = _timer(T0, due=T0 + timedelta(days=2), warn=T0 + timedelta(days=1))
    met = _timer(T0, due=T0 + timedelta(hours=5), warn=T0, kind="cadence", required=2, done=2)
    over = _timer(T0, due=T0 + timedelta(hours=2), warn=T0, kind="cadence", required=2, done=2)
    with store.write() as tx:
        tx.add_timers(instance_id, [late, soon, met, over])
    as_of = T0 + timedelta(hours=3)
    with store.read() as tx:
        found = tx.alerts(as_of, StatusFilter(), current=True)
        none_for_other = tx.alerts(as_of, StatusFilter(owners=("han.mei",)), current=True)
    # not: a future warning, a period met and still running; yes: a period over (to settle)
    assert [r["due_at"] for r in found] == [late["due_at"], over["due_at"]]
    assert found[0]["customer"] == "上海宏达" and none_for_other == []


def test_a_bad_url_is_a_store_error() -> None:
    with pytest.raises(StoreError) as caught:
        Store.open("nosuchdialect://x")
    assert "--db takes" in (caught.value.hint or "")


def _event(kind: str) -> dict[str, Any]:
    return {"kind": kind, "at": T0, "recorded_at": T0, "node": None, "data": {}}


def _timer(start: datetime, due: datetime, warn: datetime, **extra: Any) -> dict[str, Any]:
    row = {
        "node": "lead_screening",
        "kind": "deadline",
        "sla": "24小时内",
        "business": False,
        "calendar": "cn",
        "started_at": start,
        "due_at": due,
        "warn_at": warn,
        "anchor": None,
        "required": 0,
        "done": 0,
        "method": None,
        "period": None,
        "state": "running",
        "ended_at": None,
    }
    return {**row, **extra}


def test_a_sqlite_backup_is_a_consistent_copy_and_never_overwrites(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "live.db"))
    instance_id = _instance(store)
    with store.write() as tx:  # a writer mid-transaction: the copy holds what was committed
        tx.update_instance(instance_id, 1, {"owner": "han.mei"})
        size = store.backup(tmp_path / "copy.db")
    assert size > 0
    copy = Store.open(str(tmp_path / "copy.db"))
    with copy.read() as tx:
        row = tx.instance(instance_id)
    copy.close()
    assert row is not None and row["owner"] == "li.lei"
    with pytest.raises(StoreError, match="never overwrites"):
        store.backup(tmp_path / "copy.db")
    with pytest.raises(StoreError, match="does not exist"):
        store.backup(tmp_path / "nowhere" / "copy.db")
    store.close()
    missing = Store.open(str(tmp_path / "missing.db"), upgrade_schema=False)
    with pytest.raises(StoreError, match="no database file"):
        missing.backup(tmp_path / "other.db")
    missing.close()


def test_backup_names_the_tool_for_postgresql(tmp_path: Path) -> None:
    require_postgresql()
    db = database("postgresql", tmp_path)
    store = Store.open(next(db))
    with pytest.raises(StoreError) as caught:
        store.backup(tmp_path / "copy.db")
    store.close()
    next(db, None)
    assert "pg_dump" in (caught.value.hint or "") and not (tmp_path / "copy.db").exists()


def test_planner_statistics_are_gathered_once_when_never_gathered(store: Store) -> None:
    """A database just loaded has no planner statistics (PostgreSQL's autovacuum had no
    turn yet; SQLite keeps none until asked): the server's first pass gathers them, the
    next finds them there (tests/store/test_direct.py: SQLite's again when stale). A new,
    empty SQLite file has nothing to learn from."""
    fresh = store.engine.dialect.name == "postgresql"
    assert store.refresh_statistics() is fresh
    assert store.refresh_statistics() is False
