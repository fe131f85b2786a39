"""Benchmarks of start-up and per-row cost (issue 9, point 7): each figure a ratio taken in
one run, the two sides interleaved, medians of several runs.

Run: .venv/bin/python bench/startup_bench.py [empty|million|transitions|all]
     [--runs 9] [--instances 1000000] [--keep /tmp/flowkit-bench] [--transitions 3000]

- empty: `flowkit status` on an empty database (its schema made and the compiled
  definitions cached by one run before timing) against `python -c "import sqlalchemy"`,
  the same interpreter. Target: <= 1.5x.
- million: `flowkit status` and `flowkit status --format json` over 1,000,000 open
  opportunities (tracking_bench.py's generator; the database is kept in --keep and used
  again) against the `sqlite3` command running the same indexed query on the same file,
  the rows printed to a pipe either way. Target: <= 3x.
- transitions: starting and advancing opportunities through the Python API on SQLite,
  each its own transaction (median of three rounds; also per second of the process's
  CPU time, which a loaded machine takes less away from), and the SQL statements one
  `advance` runs, counted by SQLite's trace callback. Target: >= 2,000/s, and fewer
  statements than the eight of an advance before issue 9.

Every command is run as a user types it, start-up included, through subprocess, with
Python's bytecode cache on (as an installed flowkit has it): the environment's
PYTHONDONTWRITEBYTECODE is dropped for the children. The machine is shared: runs of both
sides alternate, so a burst of load falls on both, and the medians are printed with
their spread.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tracking_bench import NOW, _tracker, fill_status  # noqa: E402

from flowkit.store.db import HEAD  # noqa: E402
from flowkit.store.reading import LIVE_INSTANCE_COLUMNS, LIVE_TIMER_COLUMNS  # noqa: E402

PROCESSES = ROOT / "processes"
LANES = ("marketing", "consultant")  # who completes the first two nodes
AT = "2026-11-27T10:00+08:00"  # tracking_bench.NOW, as --now takes it
AT_UTC = "2026-11-27 02:00:00.000000"  # the same instant as SQLite keeps it
# What `flowkit status` asks the database (store.store.live_alerts_query, run through
# sqlite3 directly on a current SQLite file): the live timers past their warning with
# their opportunity, by due instant; the same columns (store.reading.LIVE_ALERT_COLUMNS).
COLUMNS = ", ".join(
    [
        *(f"timers.{c}" for c in LIVE_TIMER_COLUMNS),
        *(f"instances.{c}" for c in LIVE_INSTANCE_COLUMNS),
    ]
)
BARE_QUERY = (
    f"SELECT {COLUMNS} "
    "FROM timers JOIN instances ON instances.id = timers.instance_id "
    f"WHERE timers.state IN ('running', 'late') AND timers.warn_at <= '{AT_UTC}' "
    f"AND timers.started_at <= '{AT_UTC}' AND (timers.kind = 'deadline' "
    f"OR timers.done < timers.required OR timers.due_at <= '{AT_UTC}') "
    "AND instances.state IN ('open') ORDER BY timers.due_at, timers.id"
)


def child_env(cache: Path) -> dict[str, str]:
    """The environment of the timed commands: this checkout's flowkit, bytecode cached,
    the compiled-definitions cache in the bench's own folder."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT / "src")
    env["FLOWKIT_CACHE_DIR"] = str(cache)
    return env


def flowkit(db: Path, *args: str) -> list[str]:
    """`flowkit --db DB --processes processes/ ARGS` with this interpreter's flowkit."""
    script = Path(sys.executable).with_name("flowkit")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "flowkit"]
    return [*head, "--db", str(db), "--processes", str(PROCESSES), *args]


def run(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, str]:
    """One run's wall time and its output; a failing command stops the benchmark. The
    output is read as bytes and decoded after the clock stops: decoding it is this
    script's work, not the command's (23 MB of JSON took the harness about 0.1 s)."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        stderr = done.stderr.decode(errors="replace")
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{stderr[-2000:]}")
    return elapsed, done.stdout.decode()


def interleaved(
    commands: dict[str, Sequence[str]], runs: int, env: dict[str, str]
) -> dict[str, list[float]]:
    """Each command `runs` times, taking turns (one warm-up round first, not counted)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(runs + 1):
        for name, cmd in commands.items():
            elapsed, _ = run(cmd, env)
            if round_:
                times[name].append(elapsed)
    return times


def spread(samples: list[float]) -> str:
    return (
        f"{statistics.median(samples) * 1000:.0f} ms "
        f"({min(samples) * 1000:.0f}–{max(samples) * 1000:.0f})"
    )


def bench_empty(folder: Path, runs: int) -> None:
    env = child_env(folder / "cache")
    db = folder / "empty.db"
    db.unlink(missing_ok=True)
    run(flowkit(db, "status"), env)  # makes the schema and fills the compiled cache
    times = interleaved(
        {
            "import sqlalchemy": [sys.executable, "-c", "import sqlalchemy"],
            "flowkit status": flowkit(db, "status"),
        },
        runs,
        env,
    )
    base = statistics.median(times["import sqlalchemy"])
    ours = statistics.median(times["flowkit status"])
    print(
        f"empty: flowkit status {spread(times['flowkit status'])}, python -c 'import "
        f"sqlalchemy' {spread(times['import sqlalchemy'])}: ratio {ours / base:.2f}x "
        f"(target <= 1.5x; medians of {runs}, interleaved)"
    )


def million_db(keep: Path, count: int) -> Path:
    """The database of `count` open opportunities, built once and kept in `keep`, named by
    the schema revision it is at: checkouts with other migrations share the folder
    without upgrading each other's file (a newer one refuses an older flowkit)."""
    name = f"status-{count}-r{HEAD}.db"
    db = keep / name
    if db.exists():
        return db
    keep.mkdir(parents=True, exist_ok=True)
    partial = keep / f".{name}.partial"
    for stale in keep.glob(f".{name}.partial*"):
        stale.unlink()
    tracker = _tracker(partial)
    fill_status(tracker, count)
    tracker.store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(db)
    return db


def bench_million(folder: Path, keep: Path, count: int, runs: int) -> None:
    if shutil.which("sqlite3") is None:
        sys.exit("the million benchmark compares with the sqlite3 command: install it")
    db = million_db(keep, count)
    env = child_env(folder / "cache")
    bare = ["sqlite3", str(db), BARE_QUERY]
    _, rows = run(bare, env)
    _, found = run(flowkit(db, "--now", AT, "status", "--format", "json"), env)
    # the opportunities' alerts (a routine's line, one per person, is no opportunity's)
    alerts = sum(1 for a in json.loads(found)["alerts"] if a["instance_id"])
    expected = len(rows.splitlines())
    assert alerts == expected, f"status found {alerts:,} alerts, the bare query {expected:,}"
    times = interleaved(
        {
            "sqlite3": bare,
            "table": flowkit(db, "--now", AT, "status"),
            "json": flowkit(db, "--now", AT, "status", "--format", "json"),
        },
        runs,
        env,
    )
    base = statistics.median(times["sqlite3"])
    print(f"million: {alerts:,} alerts of {count:,} open opportunities")
    print(f"  in this process: {in_process(db, runs)}")
    print(f"  sqlite3 command, the bare indexed query: {spread(times['sqlite3'])}")
    for name in ("table", "json"):
        ours = statistics.median(times[name])
        print(
            f"  flowkit status ({name}): {spread(times[name])}: ratio {ours / base:.2f}x "
            f"(target <= 3x; medians of {runs}, interleaved)"
        )


class Statements:
    """The SQL of the advances only, through SQLite's trace callback (the writes of a
    command run on the driver, `store.lean`, which SQLAlchemy's listeners do not see):
    as sent (the rows of one executemany once; the driver's own BEGIN and COMMIT left out,
    as SQLAlchemy's count before issue 9 left them out) and as SQLite sees them."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.on, self.sent, self.traced = False, 0, 0
        self.cpu_rate = 0.0  # transitions per second of this process's CPU time
        self._last: list[str] = []
        engine.dispose()  # connections from now on are traced
        event.listen(engine, "connect", self._connected)

    def _connected(self, dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.set_trace_callback(self._traced)

    def _traced(self, sql: str) -> None:
        if not self.on:
            return
        self.traced += 1
        head = sql.split(None, 3)[:3]
        if sql.strip() not in ("BEGIN", "COMMIT") and head != self._last:
            self.sent += 1
        self._last = head


def transitions_round(
    db: Path, count: int, counting: bool = False
) -> tuple[float, Statements | None, int]:
    """Start and advance opportunities until `count` transitions: the rate, the statements
    of the advances (`counting`: the listeners cost time, so a timed round runs without
    them) and how many advances there were."""
    tracker = _tracker(db)
    org = tracker.definitions.org
    assert org is not None
    marketing, consultant = (next(p.id for p in org.people_in(lane)) for lane in LANES)
    statements = Statements(tracker.store.engine) if counting else None
    started, done, advances = time.perf_counter(), 0, 0
    cpu = time.process_time()
    while done < count:
        instance = tracker.start(
            "standard-sales",
            name="商机",
            customer="客户",
            owner=consultant,
            now=NOW,
            fields={"segment": "sme", "amount": "50000"},
        )
        if statements:
            statements.on = True
        tracker.advance(instance, now=NOW, by=marketing)
        tracker.advance(instance, now=NOW, outcome="有效", by=consultant)
        if statements:
            statements.on = False
        done, advances = done + 3, advances + 2
    rate = done / (time.perf_counter() - started)
    if statements:
        statements.cpu_rate = done / (time.process_time() - cpu)
    tracker.store.close()
    return rate, statements, advances


def in_process(db: Path, runs: int) -> str:
    """Where a status's time goes, without start-up or formatting: the bare query through
    Python's sqlite3 module, and the library call the command makes (the query, settling
    and the lines: `tracking.alerting.status_lines`)."""
    import sqlite3

    from flowkit.store import StatusFilter
    from flowkit.tracking.alerting import status_lines

    tracker = _tracker(db)
    bare, library = [], []
    with sqlite3.connect(db) as conn:
        for _ in range(runs):
            started = time.perf_counter()
            conn.execute(BARE_QUERY).fetchall()
            bare.append(time.perf_counter() - started)
            started = time.perf_counter()
            status_lines(tracker, NOW, StatusFilter(states=("open",)), now=NOW)
            library.append(time.perf_counter() - started)
    conn.close()
    tracker.store.close()
    return (
        f"the bare query through Python's sqlite3 {spread(bare)}, "
        f"tracking.alerting.status_lines() {spread(library)}"
    )


def bench_transitions(folder: Path, count: int) -> None:
    """Median rate of three rounds, then the statements per advance in a round of their
    own (counting them costs a Python call per statement)."""
    rounds = [transitions_round(folder / f"transitions-{i}.db", count) for i in range(3)]
    rates = [rate for rate, _, _ in rounds]
    _, counted, advances = transitions_round(folder / "transitions-counted.db", 300, True)
    assert counted is not None
    sent, traced = counted.sent / advances, counted.traced / advances
    print(
        f"transitions: {statistics.median(rates):,.0f}/s (rounds: "
        f"{', '.join(f'{r:,.0f}' for r in rates)}; target >= 2,000/s); per advance "
        f"{sent:.1f} statements sent, {traced:.1f} seen by SQLite with BEGIN, COMMIT and "
        "each row of an executemany (before issue 9: 6 and 9)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "which", nargs="?", default="all", choices=["empty", "million", "transitions", "all"]
    )
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--instances", type=int, default=1_000_000)
    parser.add_argument("--transitions", type=int, default=3_000)
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "flowkit-bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.which in ("empty", "all"):
            bench_empty(folder, args.runs)
        if args.which in ("transitions", "all"):
            bench_transitions(folder, args.transitions)
        if args.which in ("million", "all"):
            bench_million(folder, args.keep, args.instances, args.runs)


if __name__ == "__main__":
    main()
