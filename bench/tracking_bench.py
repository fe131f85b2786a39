"""Benchmarks of tracking (issue "Track opportunities"), each measured in one run here.

Run: .venv/bin/python bench/tracking_bench.py [status|transitions|import|all]
     [--instances 1000000] [--transitions 2000] [--rows 100000]

- status: 1,000,000 open instances on the shipped standard process, about 5% breached;
  `flowkit status` (the library call behind it) against the bare indexed SQL query that
  finds the same rows in the same database. Target: within 3x.
- transitions: start and advance instances through the Python API on SQLite, each a
  transaction. Target: at least 2,000 transitions per second.
- import: 100,000 tracking-table rows from CSV. Target: under 30 s.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from flowkit.store import StatusFilter, Store  # noqa: E402
from flowkit.store.tables import instances, timers  # noqa: E402
from flowkit.timers.terms import timers_on_entry  # noqa: E402
from flowkit.tracking import Definitions, Tracker, status  # noqa: E402
from flowkit.tracking.importer import import_file  # noqa: E402

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=CST)
PROCESSES = ROOT / "processes"


def _tracker(db: Path) -> Tracker:
    definitions = Definitions.load([PROCESSES])
    return Tracker(Store.open(str(db)), definitions, definitions.org, definitions.calendars)


def _open_row(
    process_id: str, digest: str, owner: str, node: str, entered: datetime, started: datetime
) -> dict[str, Any]:
    """An open opportunity's instance row, written in bulk (the API is timed elsewhere)."""
    return {
        "process_id": process_id,
        "process_hash": digest,
        "name": "商机",
        "customer": "客户",
        "owner": owner,
        "node": node,
        "node_entered_at": entered,
        "state": "open",
        "expected_close": None,
        "next_action": "",
        "risk": False,
        "risk_note": "",
        "fields": {},
        "started_at": started,
        "close_reason": "",
    }


def fill_status(tracker: Tracker, count: int) -> None:
    """`count` open opportunities at 合同签订 on the standard process with their timers,
    about 5% entered long enough before NOW to be breached (also bench/startup_bench.py)."""
    process = tracker.definitions.current["standard-sales"]
    node = process.node_by_id["contract_signing"]  # 3个工作日内, warn 80%
    owner = next(p.id for p in tracker.definitions.org.people_in("consultant"))
    cal = tracker.calendar(process.calendar)
    rnd = random.Random(1)
    started = time.perf_counter()
    batch = 50_000
    with tracker.store.write() as tx:
        digest = tracker.definitions.pin(tx, process, NOW)
    for first in range(0, count, batch):
        n = min(batch, count - first)
        # ~5% entered long enough ago to be breached now, the rest recently
        entered = [
            NOW
            - (
                timedelta(days=rnd.uniform(6, 20))
                if rnd.random() < 0.05
                else timedelta(hours=rnd.uniform(0, 8))
            )
            for _ in range(n)
        ]
        rows = [
            _open_row(process.id, digest, owner, node.id, at, at)
            | {"name": f"商机{first + i}", "customer": f"客户{(first + i) % 5000}"}
            for i, at in enumerate(entered)
        ]
        with tracker.store.write() as tx:
            ids = tx.add_instances(rows)
            tx.add_timer_rows(
                [
                    {**t, "instance_id": iid}
                    for iid, at in zip(ids, entered, strict=True)
                    for t in timers_on_entry(node, {}, at, cal, {})
                ]
            )
    print(f"status: generated {count:,} instances in {time.perf_counter() - started:.1f} s")


def bench_status(count: int, folder: Path) -> None:
    tracker = _tracker(folder / "status.db")
    fill_status(tracker, count)
    with tracker.store.read() as tx:  # the bare indexed query: same rows, nothing else
        bare_query = (
            select(timers, instances.c.name, instances.c.customer, instances.c.owner)
            .join(instances, instances.c.id == timers.c.instance_id)
            .where(
                timers.c.state.in_(("running", "late")),
                timers.c.warn_at <= NOW,
                instances.c.state == "open",
            )
            .order_by(timers.c.due_at)
        )
        started = time.perf_counter()
        bare = tx.conn.execute(bare_query).fetchall()
        bare_s = time.perf_counter() - started
    started = time.perf_counter()
    result = status(tracker, NOW, StatusFilter(states=("open",)), now=NOW)
    ours_s = time.perf_counter() - started
    # the opportunities' alerts are the bare query's rows; the marketing team's 每日更新
    # routine adds a line per person of its lane (no opportunity's: instance_id 0)
    deals = [a for a in result.alerts if a.instance_id]
    assert len(deals) == len(bare), (len(deals), len(bare))
    print(
        f"status: {len(result.alerts):,} alerts ({result.breached:,} breached) of {count:,}: "
        f"flowkit {ours_s:.3f} s, bare SQL {bare_s:.3f} s, ratio {ours_s / bare_s:.2f}x "
        f"(target <= 3x)"
    )
    started = time.perf_counter()
    past = status(tracker, NOW - timedelta(days=1), StatusFilter(states=("open",)), now=NOW)
    print(
        f"status --as-of a day earlier: {len(past.alerts):,} alerts, taken back to that "
        f"moment, in {time.perf_counter() - started:.3f} s"
    )
    from flowkit.tracking.measures import on_time

    started = time.perf_counter()
    lines = on_time(tracker, "team", NOW - timedelta(days=30), NOW)
    print(
        f"on-time by team over the same instances: {len(lines)} line(s) in "
        f"{time.perf_counter() - started:.3f} s"
    )
    tracker.store.close()


def bench_transitions(count: int, folder: Path) -> None:
    tracker = _tracker(folder / "transitions.db")
    org = tracker.definitions.org
    by = {lane: next(p.id for p in org.people_in(lane)) for lane in ("marketing", "consultant")}
    started = time.perf_counter()
    done = 0
    while done < count:
        instance = tracker.start(
            "standard-sales",
            name="商机",
            customer="客户",
            owner=by["consultant"],
            now=NOW,
            fields={"segment": "sme", "amount": "50000"},
        )
        tracker.advance(instance, now=NOW, by=by["marketing"])
        tracker.advance(instance, now=NOW, outcome="有效", by=by["consultant"])
        done += 3
    elapsed = time.perf_counter() - started
    print(f"transitions: {done:,} in {elapsed:.2f} s = {done / elapsed:,.0f}/s (target >= 2,000/s)")
    tracker.store.close()


def bench_import(count: int, folder: Path) -> None:
    tracker = _tracker(folder / "import.db")
    owner = next(p.id for p in tracker.definitions.org.people_in("consultant"))
    path = folder / "跟踪表.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "商机名称",
                "客户名称",
                "当前阶段",
                "预计成交时间",
                "关键动作",
                "负责人",
                "风险预警",
                "风险描述",
                "客户规模",
                "合同金额",
            ]
        )
        for i in range(count):
            out.writerow(
                [
                    f"商机{i}",
                    f"客户{i % 5000}",
                    ("商机跟进", "合同签订", "法务审核")[i % 3],
                    "2027-01-31",
                    "电话跟进",
                    owner,
                    "否",
                    "",
                    "中小企业",
                    10000 + i,
                ]
            )
    started = time.perf_counter()
    done = import_file(tracker, path, now=NOW, process_id="standard-sales")
    elapsed = time.perf_counter() - started
    print(f"import: {done.rows:,} rows in {elapsed:.1f} s (target < 30 s)")
    tracker.store.close()


def bench_funnel(count: int, folder: Path) -> None:
    """`flowkit funnel` over `count` opportunities that went some way through the standard
    process in the last 30 days (entered and completed events, five per opportunity on
    average), the median times included."""
    from flowkit.tracking.measures import funnel

    tracker = _tracker(folder / "funnel.db")
    process = tracker.definitions.current["standard-sales"]
    path = ["lead_capture", "lead_screening", "opportunity_followup", "contract_signing"]
    owner = next(p.id for p in tracker.definitions.org.people_in("consultant"))
    rnd = random.Random(2)
    with tracker.store.write() as tx:
        digest = tracker.definitions.pin(tx, process, NOW)
    started = time.perf_counter()
    for first in range(0, count, 20_000):
        plans = []
        for _ in range(min(20_000, count - first)):
            at = NOW - timedelta(days=rnd.uniform(1, 30))
            reached = rnd.randint(1, len(path))
            steps = []
            for node in path[:reached]:
                steps.append(("entered", node, at))
                at += timedelta(hours=rnd.uniform(1, 60))
                if node != path[reached - 1] and at < NOW:
                    steps.append(("completed", node, at))
            plans.append((path[reached - 1], steps))
        rows = [
            _open_row(process.id, digest, owner, node, steps[-1][2], steps[0][2])
            | {"last_seq": len(steps)}
            for node, steps in plans
        ]
        with tracker.store.write() as tx:
            ids = tx.add_instances(rows)
            tx.add_event_rows(
                [
                    {
                        "instance_id": iid,
                        "seq": seq,
                        "kind": kind,
                        "at": at,
                        "recorded_at": at,
                        "node": node,
                        "data": {},
                    }
                    for iid, (_, steps) in zip(ids, plans, strict=True)
                    for seq, (kind, node, at) in enumerate(steps, 1)
                ]
            )
    print(f"funnel: generated {count:,} opportunities in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    stages = funnel(tracker, "standard-sales", NOW - timedelta(days=30), NOW)
    entered = sum(s.entered for s in stages)
    print(
        f"funnel: {len(stages)} stages, {entered:,} entries, median times included, "
        f"in {time.perf_counter() - started:.3f} s"
    )
    tracker.store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "which",
        nargs="?",
        default="all",
        choices=["status", "transitions", "import", "funnel", "all"],
    )
    parser.add_argument("--instances", type=int, default=1_000_000)
    parser.add_argument("--transitions", type=int, default=3_000)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.which in ("transitions", "all"):
            bench_transitions(args.transitions, folder)
        if args.which in ("import", "all"):
            bench_import(args.rows, folder)
        if args.which in ("status", "all"):
            bench_status(args.instances, folder)
        if args.which in ("funnel", "all"):
            bench_funnel(args.rows, folder)


if __name__ == "__main__":
    main()
