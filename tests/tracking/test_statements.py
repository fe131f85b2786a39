"""What a command costs the database: statements per transition (issue 9 asked for fewer
than the eight an `advance` took), and the timers read with their instance kept exact."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from flowkit.tracking import Tracker, show
from tests.conftest import cst

NOW = cst("2026-11-27T10:00")


@contextmanager
def counted(tracker: Tracker) -> Iterator[list[str]]:
    """The SQL statements run inside the block, as the database is sent them: on SQLite
    through its trace callback, as `store.lean` runs the writes on the driver (the rows
    of one executemany counted once), on PostgreSQL as SQLAlchemy sends them."""
    seen: list[str] = []
    engine = tracker.store.engine

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    def traced(statement: str) -> None:
        if not seen or seen[-1].split(None, 3)[:3] != statement.split(None, 3)[:3]:
            seen.append(statement)

    def checkout(dbapi_conn: Any, *_: object) -> None:
        dbapi_conn.set_trace_callback(traced)

    def checkin(dbapi_conn: Any, *_: object) -> None:
        dbapi_conn.set_trace_callback(None)

    if engine.dialect.name == "sqlite":
        listeners = [("checkout", checkout), ("checkin", checkin)]
    else:
        listeners = [("before_cursor_execute", record)]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)
        # the driver's own BEGIN (before the first write) and COMMIT, which SQLAlchemy's
        # listener never sees either
        seen[:] = [s for s in seen if s.strip() not in ("BEGIN", "COMMIT")]


def _start(tracker: Tracker) -> int:
    return tracker.start(
        "standard-sales",
        name="CRM升级",
        customer="上海宏达",
        owner="li.lei",
        now=NOW,
        fields={"segment": "sme", "amount": "50000"},
    )


def test_an_advance_reads_once_and_writes_four_times(lead_tracker: Tracker) -> None:
    tracker = lead_tracker  # a per-lead 每日更新 at 线索获取: a timer to read and end
    instance = _start(tracker)
    with counted(tracker) as seen:
        tracker.advance(instance, now=NOW, by="zhou.jie")
    # on SQLite first the write lock (BEGIN IMMEDIATE, the BEGIN it would run anyway, taken
    # before the read so that commands on one opportunity queue); the instance with its open
    # timers; the audit-log entry of who did it; the instance, its events, the timer it
    # ends, the timers of the node it enters. On PostgreSQL a write first takes its share of
    # the `encryption` table instead (a key rotation waits for the writes in flight).
    if seen and seen[0].startswith(("BEGIN", "LOCK TABLE encryption")):
        seen = seen[1:]
    assert [s.split(None, 1)[0] for s in seen] == [
        "SELECT",
        "INSERT",
        "UPDATE",
        "INSERT",
        "UPDATE",
        "INSERT",
    ]
    assert "audit_log" in seen[1]


def test_a_second_start_on_the_same_version_pins_nothing(lead_tracker: Tracker) -> None:
    tracker = lead_tracker  # a per-lead 每日更新 at 线索获取: a timer to read and end
    _start(tracker)
    with counted(tracker) as seen:
        _start(tracker)
    seen = [s for s in seen if not s.startswith("LOCK TABLE encryption")]  # PostgreSQL's
    assert len(seen) == 5  # the customer looked up; instance, events, timers, audit log
    assert not any("process_versions" in s for s in seen)


def test_timers_read_with_the_instance_are_read_again_after_a_write(lead_tracker: Tracker) -> None:
    tracker = lead_tracker  # a per-lead 每日更新 at 线索获取: a timer to read and end
    instance = _start(tracker)
    with tracker.store.write() as tx:
        tx.instance(instance)
        (timer,) = tx.timers(instance, ("running", "paused", "late"))
        tx.update_timer(timer["id"], {"state": "paused"})
        assert tx.timers(instance, ("running",)) == []
        assert [t["state"] for t in tx.timers(instance, ("paused",))] == ["paused"]
        assert tx.timers(instance) == tx.timers(instance, ("paused",))  # closed ones: none


def test_a_whole_course_is_unchanged(tracker: Tracker) -> None:
    """The timers a command reads come with the instance; a course through pause, resume,
    follow-ups and a close ends as before, every timer settled once."""
    instance = _start(tracker)
    tracker.advance(instance, now=NOW, by="zhou.jie")
    tracker.advance(instance, now=NOW, outcome="有效", by="li.lei")
    tracker.pause(instance, "客户出差", now=NOW)
    tracker.resume(instance, now=cst("2026-11-30T10:00"))
    tracker.log(instance, method="visit", content="上门拜访", now=cst("2026-11-30T11:00"))
    tracker.close(instance, False, "competitor", now=cst("2026-12-01T10:00"))
    view = show(tracker, instance)
    assert view.state == "lost"
    assert all(t.state in ("met", "missed", "stopped") for t in view.timers)
    assert len({(t.node, t.started_at, t.kind) for t in view.timers}) == len(view.timers)
