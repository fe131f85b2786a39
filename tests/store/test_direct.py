"""The direct SQLite reader gives what SQLAlchemy gives: the same rows, values and alerts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine
from sqlalchemy.dialects import sqlite

from flowkit.customers.book import CustomerBook
from flowkit.demo import fill
from flowkit.store import StatusFilter, Store
from flowkit.store import direct as direct_module
from flowkit.store.direct import DirectReader, instant_text, stored_instant
from flowkit.store.tables import Instant
from flowkit.tracking import Definitions, Tracker
from flowkit.tracking.alerting import status_lines
from tests.conftest import ROOT, cst

NOW = cst("2026-11-20T10:00")
# the moments asked about: now, and later (cadence periods over, settled in memory)
MOMENTS = [NOW, NOW + timedelta(days=3, hours=2), NOW + timedelta(days=25)]
FILTERS = [
    StatusFilter(states=("open",)),
    StatusFilter(),
    StatusFilter(owners=("li.lei",), states=("open",)),
    StatusFilter(owners=("li.lei", "huang.lei", "han.meimei"), states=("open", "paused")),
    StatusFilter(owners=(), states=("open",)),  # a team of nobody: nothing
    StatusFilter(process="standard-sales", nodes=("contract_signing", "customer_development")),
    StatusFilter(risk=True),
    StatusFilter(risk=False, states=("open",)),
]


def _tracker(store: Store, processes: Path) -> Tracker:
    definitions = Definitions.load([processes])
    org, calendars = definitions.org, definitions.calendars
    book = CustomerBook(store, definitions.customers, people=org, calendars=calendars)
    return Tracker(store, definitions, org, calendars, customers=book)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database (opportunities at every stage, customers, late follow-ups)."""
    path = tmp_path_factory.mktemp("direct") / "demo.db"
    store = Store.open(str(path))
    fill(_tracker(store, ROOT / "processes"), NOW, count=150)
    store.close()
    return path


@pytest.fixture
def both(demo_db: Path) -> Iterator[tuple[Tracker, Tracker]]:
    """The same database read directly, and through SQLAlchemy."""
    direct = Store.open(str(demo_db))
    assert direct._direct is not None and direct._engine is None  # a current file
    through = Store(create_engine(f"sqlite:///{demo_db}"))
    yield _tracker(direct, ROOT / "processes"), _tracker(through, ROOT / "processes")
    direct.close()
    through.close()


@pytest.mark.parametrize("where", FILTERS, ids=repr)
@pytest.mark.parametrize("as_of", MOMENTS, ids=str)
def test_the_status_is_the_same_read_either_way(
    both: tuple[Tracker, Tracker], where: StatusFilter, as_of: datetime
) -> None:
    direct, through = both
    rules = direct.definitions.customers
    found = status_lines(direct, as_of, where, now=as_of, customers=rules)
    expected = status_lines(through, as_of, where, now=as_of, customers=rules)
    assert found == expected
    assert direct.store._engine is None, "the direct reader imported nothing of SQLAlchemy's"
    if where == FILTERS[0]:
        assert found.lines, "the demo has late work to compare"


def test_every_statement_gives_the_same_rows(both: tuple[Tracker, Tracker]) -> None:
    direct, through = both
    assert direct.store._direct is not None
    with DirectReader.snapshot(direct.store._direct) as reads, through.store.read() as tx:
        for as_of in MOMENTS:
            for where in FILTERS:
                assert list(reads.live_alerts(as_of, where)) == [
                    tuple(r) for r in tx.live_alerts(as_of, where)
                ]
            for owners in (None, ("li.lei",), ()):
                assert reads.customers.alerts(as_of, owners, True) == tx.customers.alerts(
                    as_of, owners, True
                )
            late = (as_of - timedelta(days=30), as_of, 3600)
            assert reads.customers.late_entries(*late) == tx.customers.late_entries(*late)
        ids = [r[0] for r in tx.live_alerts(MOMENTS[-1], StatusFilter())][:40]
        assert reads.timers_by_id(ids) == tx.timers_by_id(ids)
        for digest in direct.definitions.pinned:
            assert reads.pinned(digest) == tx.pinned(digest)
        assert reads.pinned("0" * 64) is None


def test_values_are_what_sqlalchemy_gives(both: tuple[Tracker, Tracker]) -> None:
    """JSON, dates and booleans too: the customers' rows hold all of them."""
    direct, through = both
    assert direct.store._direct is not None
    with DirectReader.snapshot(direct.store._direct) as reads, through.store.read() as tx:
        found = reads.records("customer_alerts", (False,), {"as_of": MOMENTS[-1]})
        expected = tx.customers.alerts(MOMENTS[-1], None, True)
    assert found == expected and found
    assert {type(v) for r in found for v in r.values()} >= {str, int, datetime}


DATETIMES = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones()
)


@given(DATETIMES)
def test_instants_go_in_and_out_as_sqlalchemy_takes_them(value: datetime) -> None:
    dialect = sqlite.dialect()
    instant = Instant().dialect_impl(dialect)  # as SQLAlchemy runs it on SQLite
    bind = instant.bind_processor(dialect)
    result = instant.result_processor(dialect, None)
    assert bind is not None and result is not None
    stored = bind(value)
    assert instant_text(value) == stored
    parsed = sqlite.DATETIME().result_processor(dialect, None)  # SQLAlchemy's own parser
    assert parsed is not None
    expected = parsed(stored).replace(tzinfo=UTC)
    assert stored_instant(stored) == result(stored) == expected == value.astimezone(UTC)
    assert stored_instant(stored).tzinfo is UTC and result(stored).tzinfo is UTC


def test_a_status_imports_no_sqlalchemy(demo_db: Path, tmp_path: Path) -> None:
    """The statements are compiled by SQLAlchemy once (the first run) and kept in the
    cache; a run after that never imports it."""
    env = {**os.environ, "FLOWKIT_CACHE_DIR": str(tmp_path / "cache")}
    env["PYTHONPATH"] = str(ROOT / "src")
    code = (
        "import sys; from flowkit.cli import main\n"
        "try:\n"
        "    main(['--db', sys.argv[1], '--processes', sys.argv[2], '--now', sys.argv[3],"
        " 'status', '--format', 'json'])\n"
        "except SystemExit: pass\n"
        "print('sqlalchemy' in sys.modules, file=sys.stderr)\n"
    )
    args = [sys.executable, "-c", code, str(demo_db), str(ROOT / "processes"), NOW.isoformat()]
    first = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    again = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    assert first.stderr.strip().splitlines()[-1] == "True"  # compiled then
    assert again.stderr.strip().splitlines()[-1] == "False"
    assert again.stdout == first.stdout and '"alerts":[' in again.stdout


def test_a_new_or_older_file_is_opened_by_sqlalchemy(tmp_path: Path) -> None:
    assert direct_module.current(str(tmp_path / "new.db")) is None  # made and migrated
    store = Store.open(str(tmp_path / "new.db"))
    assert store._direct is None and store._engine is not None
    store.close()
    again = Store.open(str(tmp_path / "new.db"))  # now current: read directly
    assert again._direct is not None and again._engine is None
    again.close()
    assert direct_module.current("postgresql://nobody@127.0.0.1:1/none") is None


def test_a_routines_reads_are_the_same_either_way(both: tuple[Tracker, Tracker]) -> None:
    """What the marketing team's 每日更新 routine reads (issue 16): the same rows."""
    direct, through = both
    assert direct.store._direct is not None
    since, until = MOMENTS[0] - timedelta(days=30), MOMENTS[-1]
    with DirectReader.snapshot(direct.store._direct) as reads, through.store.read() as tx:
        for process, node in (("standard-sales", "lead_capture"), ("nope", "lead_capture")):
            found = reads.node_activity(process, node, since, until)
            assert found == tx.node_activity(process, node, since, until)
            assert reads.owners_at(process, node) == tx.owners_at(process, node)
            assert reads.first_started(process) == tx.first_started(process)
        assert reads.node_activity("standard-sales", "lead_capture", since, until)
        assert reads.first_started("nope") is None


def test_planner_statistics_are_gathered_when_missing_or_stale(
    demo_db: Path, tmp_path: Path
) -> None:
    """A server keeps SQLite's planner statistics (ANALYZE) current: gathered when there
    are none, left alone while the timers keep their size, gathered again when they have
    doubled since; what a status shows does not depend on them."""
    copy = tmp_path / "copy.db"
    copy.write_bytes(demo_db.read_bytes())
    store = Store.open(str(copy))
    tracker = _tracker(store, ROOT / "processes")
    mine = StatusFilter(owners=("li.lei",), states=("open",))
    before = status_lines(tracker, NOW, mine, now=NOW)
    assert store.refresh_statistics() is True
    assert store.refresh_statistics() is False, "nothing changed: no second ANALYZE"
    with store.engine.begin() as conn:
        stat = conn.exec_driver_sql("SELECT stat FROM sqlite_stat1 WHERE tbl = 'timers'").scalar()
        counted = conn.exec_driver_sql("SELECT count(*) FROM timers").scalar()
        assert stat is not None and int(stat.split()[0]) == counted
        conn.exec_driver_sql("UPDATE sqlite_stat1 SET stat = '3 1' WHERE tbl = 'timers'")
    assert store.refresh_statistics() is True, "the timers grew past twice the recorded"
    assert status_lines(tracker, NOW, mine, now=NOW) == before
    store.close()


def test_a_damaged_file_is_a_database_error_not_a_crash(tmp_path: Path) -> None:
    """What a server meets first at start (its planner statistics): a file that is not a
    database says so as an input error."""
    from flowkit.errors import StoreError

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    store = Store(create_engine(f"sqlite:///{bad}"))
    with pytest.raises(StoreError, match="database error"):
        store.refresh_statistics()
