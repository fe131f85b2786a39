"""Real concurrent writers (separate processes) on the same opportunity: one wins, the
other gets ConflictError, and every event of the winner is kept, on both databases."""

from __future__ import annotations

import multiprocessing as mp
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from flowkit.errors import ConflictError
from flowkit.store import Store
from tests.store.test_store import instance_row

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def _writer(url: str, instance_id: int, barrier: Any, results: Any, name: str) -> None:
    try:
        store = Store.open(url)
        with store.read() as tx:
            row = tx.instance(instance_id)
        assert row is not None
        barrier.wait(30)  # both have read revision 1; now both write
        try:
            with store.write() as tx:
                tx.update_instance(instance_id, row["revision"], {"owner": name, "last_seq": 1})
                time.sleep(0.3)  # hold the transaction open while the other one tries
                tx.add_events(instance_id, row["last_seq"], [_event(name)])
            results.put((name, "ok"))
        except ConflictError:
            results.put((name, "conflict"))
        finally:
            store.close()
    except Exception as e:  # reported to the test instead of dying silently
        results.put((name, f"error: {e!r}"))


def test_two_processes_writing_at_once(db_url: str) -> None:
    store = Store.open(db_url)
    with store.write() as tx:
        tx.pin("h1", "p", "1", "p.yaml", "text", T0)
        instance_id = tx.add_instance(instance_row(process_id="p"))  # type: ignore[arg-type]
    store.close()  # no connection of ours is inherited by the workers
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(target=_writer, args=(db_url, instance_id, barrier, results, name))
        for name in ("li.lei", "han.mei")
    ]
    for w in workers:
        w.start()
    outcome = dict(results.get(timeout=90) for _ in workers)
    for w in workers:
        w.join(30)
    assert sorted(outcome.values()) == ["conflict", "ok"], outcome
    (winner,) = [name for name, result in outcome.items() if result == "ok"]
    store = Store.open(db_url)
    try:
        with store.read() as tx:
            row = tx.instance(instance_id)
            events = tx.events(instance_id)
    finally:
        store.close()
    assert row is not None and row["owner"] == winner and row["revision"] == 2
    assert [e["kind"] for e in events] == [winner]  # the winner's event, nothing of the loser


def _event(kind: str) -> dict[str, Any]:
    return {"kind": kind, "at": T0, "recorded_at": T0, "node": None, "data": {}}


def test_a_database_held_by_another_writer_is_said_to_be_busy(
    tmp_path: Any, monkeypatch: Any
) -> None:
    """A lock held past SQLite's wait is "busy", not someone changing the same record."""
    import sqlite3

    from flowkit.store import db

    path = tmp_path / "busy.db"
    Store.open(str(path)).close()
    monkeypatch.setattr(db, "_options", lambda url: {"connect_args": {"timeout": 0.2}})
    store = Store.open(str(path))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with (
            pytest.raises(ConflictError, match="database is busy") as busy,
            store.write() as tx,
        ):
            tx.add_import("f" * 64, "x.csv", datetime.now(UTC), 0)
        assert "changed this opportunity" not in busy.value.message
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        store.close()


@pytest.mark.parametrize("kind", ["postgresql"])  # SQLite's: the test above
def test_a_lock_held_past_the_wait_is_busy_on_postgresql_too(kind: str, monkeypatch: Any) -> None:
    """PostgreSQL waited for ever behind a transaction holding a lock, where SQLite says
    "busy" after its wait (issue 10): both wait as long (db.LOCK_WAIT_S), then say so. The
    other transaction here holds the writers' lock for 5 s, far past the wait."""
    from sqlalchemy import create_engine, text

    from flowkit.store import db
    from flowkit.store.store import _WRITERS_LOCK
    from tests.databases import database

    made = database(kind, Path("."))
    url = next(made)
    monkeypatch.setattr(db, "LOCK_WAIT_S", 0.3, raising=False)
    store = Store.open(url)
    holder = create_engine(db.database_url(url))
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with holder.connect() as conn, conn.begin():
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITERS_LOCK})
            held.set()
            done.wait(5)

    other = threading.Thread(target=hold)
    other.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        with pytest.raises(ConflictError, match="database is busy"), store.write() as tx:
            tx.serialize()
        assert time.monotonic() - started < 4
    finally:
        done.set()
        other.join()
        holder.dispose()
        store.close()
        next(made, None)


def test_a_serialized_writer_waits_and_then_reads_what_the_first_committed(db_url: str) -> None:
    """Writers that check before they insert (`customer add` looking for duplicates) take
    `Tx.serialize` first: the second waits for the first, then sees its row (issue 10: two
    adds of one company both found none and both landed)."""
    first, second = Store.open(db_url), Store.open(db_url)
    holding, seen = threading.Event(), []

    def later() -> None:
        holding.wait(10)
        with second.write() as tx:
            tx.serialize()
            seen.append(tx.pinned("h1") is not None)

    thread = threading.Thread(target=later)
    thread.start()
    try:
        with first.write() as tx:
            tx.serialize()
            holding.set()
            time.sleep(0.5)  # the other one is at its serialize() now, waiting
            tx.pin("h1", "p", "1", "p.yaml", "text", T0)
        thread.join(30)
    finally:
        first.close()
        second.close()
    assert seen == [True]
