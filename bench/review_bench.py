"""Benchmark of the monthly review (issue 15), measured in one run.

Run: .venv/bin/python bench/review_bench.py [--opportunities 100000] [--customers 100000]
     [--keep DIR]

Generates, in SQLite, 100,000 opportunities on the shipped standard process started over
the eight months to November 2026, with about 1,000,000 events (entries, completions by
the lane's person, follow-ups, reassignments, closes won and lost with reason codes), their
deadline timers and weekly cadence periods, and 100,000 customer profiles (those of
bench/customers_bench.py) with grade changes and spot checks in November. Then times, for
November 2026: each measure of `flowkit kpi` as a library call on a fresh month's history
(target < 2 s each), the whole pack — every measure of November and October, six months of
trends, charts, HTML, XLSX and the PDF when Chromium is installed — as a library call
(target < 15 s), and `flowkit review` as a user runs it.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from customers_bench import customers, valued  # noqa: E402

from flowkit.review import MEASURES, History, month_of  # noqa: E402
from flowkit.tracking.tracker import open_tracker  # noqa: E402

CST = timezone(timedelta(hours=8))
FIRST = datetime(2026, 4, 1, 9, 0, tzinfo=CST)
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=CST)
CONSULTANTS = ("li.lei", "han.meimei", "huang.lei", "lin.xiaoyu")
MARKETING = ("sun.li", "zhou.jie")
CODES = ("competitor", "price", "budget", "no_need", "no_contact", "other")
FLOWKIT = str(Path(sys.executable).with_name("flowkit"))


def _plan(rnd: random.Random) -> tuple[list[tuple[Any, ...]], list[dict[str, Any]], dict[str, Any]]:
    """One opportunity's events (kind, node, at, data), timers and instance columns."""
    owner = rnd.choice(CONSULTANTS)
    at = FIRST + timedelta(minutes=rnd.randrange(0, 8 * 30 * 24 * 60))
    amount = rnd.randrange(2, 200) * 10_000
    events: list[tuple[Any, ...]] = [("started", "start", at, {"fields": {"amount": amount}})]
    timers: list[dict[str, Any]] = []
    state, node = "open", "lead_capture"

    def enter(name: str) -> None:
        events.append(("entered", name, at, {}))

    def step(hours: float) -> datetime:
        return at + timedelta(hours=hours)

    enter("lead_capture")
    at = step(rnd.uniform(0.2, 20))
    if at < NOW:
        events.append(("completed", "lead_capture", at, {"by": rnd.choice(MARKETING)}))
        node = "lead_screening"
        enter(node)
        entered = at
        due = entered + timedelta(hours=24)
        at = step(rnd.expovariate(1 / 20))
        if rnd.random() < 0.1 and at < NOW:  # reassigned while screening
            new = rnd.choice(CONSULTANTS)
            events.append(("assigned", "lead_screening", at, {"owner": new, "from": owner}))
            owner = new
        timer = {"node": node, "kind": "deadline", "started_at": entered, "due_at": due}
        if at >= NOW:
            timers.append({**timer, "state": "running", "ended_at": None})
        elif rnd.random() < 0.25:  # lost early
            code = rnd.choice(CODES)
            events.append(("closed", node, at, {"outcome": "lost", "reason": code, "code": code}))
            timers.append({**timer, "state": "met" if at <= due else "missed", "ended_at": at})
            state, node = "lost", None
        else:
            by = owner if rnd.random() < 0.8 else rnd.choice(CONSULTANTS)
            events.append(("completed", node, at, {"by": by, "outcome": "有效"}))
            timers.append({**timer, "state": "met" if at <= due else "missed", "ended_at": at})
            node = "opportunity_followup"
            enter(node)
            start = at
            weeks = rnd.randint(1, 6)
            for week in range(weeks):
                end = start + timedelta(days=7)
                visits = rnd.choice((0, 1, 2, 2, 3))
                for _ in range(visits):
                    seen = start + timedelta(hours=rnd.uniform(1, 160))
                    if seen < NOW:
                        events.append(("follow_up", node, seen, {"method": "visit", "by": owner}))
                if end < NOW:
                    timers.append(
                        {
                            "node": node,
                            "kind": "cadence",
                            "started_at": start,
                            "due_at": end,
                            "state": "met" if visits >= 2 else "missed",
                            "ended_at": end,
                            "required": 2,
                            "done": visits,
                        }
                    )
                start = end
                del week
            at = start
            if at < NOW and rnd.random() < 0.6:
                won = rnd.random() < 0.45
                outcome = "won" if won else "lost"
                code = None if won else rnd.choice(CODES)
                data = {"outcome": outcome, "reason": code or "签约"} | (
                    {"code": code} if code else {}
                )
                events.append(("closed", node, at, data))
                state, node = outcome, None
    events.sort(key=lambda e: e[2])
    columns = {
        "owner": owner,
        "state": state,
        "node": node,
        "started_at": events[0][2],
        "node_entered_at": max(e[2] for e in events if e[0] in ("entered", "started")),
        "closed_at": events[-1][2] if state in ("won", "lost") else None,
        "fields": {"segment": "sme", "amount": amount},
    }
    return events, timers, columns


def fill(tracker: Any, opportunities: int, count: int) -> None:
    process = tracker.definitions.current["standard-sales"]
    with tracker.store.write() as tx:
        digest = tracker.definitions.pin(tx, process, FIRST)
    rnd = random.Random(15)
    started, total_events, total_timers = time.perf_counter(), 0, 0
    for first in range(0, opportunities, 10_000):
        plans = [_plan(rnd) for _ in range(min(10_000, opportunities - first))]
        rows = [
            {
                "process_id": process.id,
                "process_hash": digest,
                "name": f"商机{first + i}",
                "customer": f"客户{(first + i) % 5000}",
                "expected_close": None,
                "next_action": "",
                "risk": False,
                "risk_note": "",
                "close_reason": "",
                "last_seq": len(events),
                **columns,
            }
            for i, (events, _, columns) in enumerate(plans)
        ]
        with tracker.store.write() as tx:
            ids = tx.add_instances(rows)
            event_rows = [
                {
                    "instance_id": iid,
                    "seq": seq,
                    "kind": kind,
                    "at": at,
                    "recorded_at": at,
                    "node": node,
                    "data": data,
                }
                for iid, (events, _, _) in zip(ids, plans, strict=True)
                for seq, (kind, node, at, data) in enumerate(events, 1)
            ]
            timer_rows = [
                {
                    "instance_id": iid,
                    "sla": "",
                    "business": False,
                    "calendar": "cn",
                    "data_until": None,
                    "warn_at": t["due_at"] - timedelta(hours=4),
                    "anchor": None,
                    "required": t.get("required", 0),
                    "done": t.get("done", 0),
                    "method": "visit" if t["kind"] == "cadence" else None,
                    "period": "week" if t["kind"] == "cadence" else None,
                    **t,
                }
                for iid, (_, timers, _) in zip(ids, plans, strict=True)
                for t in timers
            ]
            tx.add_event_rows(event_rows)
            tx.add_timer_rows(timer_rows)
        total_events += len(event_rows)
        total_timers += len(timer_rows)
    print(
        f"generated {opportunities:,} opportunities, {total_events:,} events, "
        f"{total_timers:,} timers in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    book = tracker.customers
    for batch in valued(customers(count)):
        with tracker.store.write() as tx:
            book.insert(tx, batch, FIRST)
    with tracker.store.write() as tx:
        november = datetime(2026, 11, 1, 9, 0, tzinfo=CST)
        tx.customers.add_changes(
            [
                {
                    "customer_id": f"C{i + 1:05d}",
                    "recorded_at": november + timedelta(minutes=i),
                    "actor": "wang.fang",
                    "kind": "graded",
                    "changes": {"grade": [rnd.choice("ABC"), rnd.choice("ABC")]},
                }
                for i in range(0, count, 20)
            ]
        )
        tx.customers.add_audits(
            [
                {
                    "week": "2026-W46",
                    "team": "",
                    "customer_id": f"C{i + 1:05d}",
                    "sampled_at": november,
                    "result": rnd.choice(("ok", "ok", "ok", "problem")),
                    "note": "",
                    "checked_by": "wang.fang",
                    "checked_at": november + timedelta(days=10),
                }
                for i in range(0, count, 100)
            ]
        )
    print(f"generated {count:,} customers in {time.perf_counter() - started:.1f} s")


def bench(db: Path, out: Path) -> None:
    from flowkit.render.review import write_pack
    from flowkit.review.pack import build_pack

    tracker = open_tracker(str(db), [ROOT / "processes"])
    month = month_of("2026-11", CST)
    for name, measure in MEASURES.items():
        started, cpu = time.perf_counter(), time.process_time()
        measure(History.of(tracker, month))
        print(
            f"kpi {name}: {time.perf_counter() - started:.2f} s "
            f"(CPU {time.process_time() - cpu:.2f} s; target < 2 s)"
        )
    started, cpu = time.perf_counter(), time.process_time()
    pack = build_pack(tracker, month, NOW)
    built, built_cpu = time.perf_counter() - started, time.process_time() - cpu
    written = write_pack(pack, out, "zh-CN")
    total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
    pdf = "with the PDF (Chromium's own CPU not counted)" if written.pdf else "no PDF"
    print(
        f"review pack (library): {total:.1f} s (CPU {total_cpu:.1f} s), of which measures "
        f"{built:.1f} s (CPU {built_cpu:.1f} s); {pdf} (target < 15 s)"
    )
    tracker.store.close()
    command = [FLOWKIT, "--db", str(db), "--processes", str(ROOT / "processes")]
    command += ["--now", "2026-12-02T09:00", "review", "--month", "2026-11", "-o", str(out)]
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(
        f"flowkit review (whole command): {time.perf_counter() - started:.1f} s "
        f"(CPU {cpu:.1f} s, Chromium's included)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="Keep the database here (reused if there).")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "review.db"
        if not db.exists():
            tracker = open_tracker(str(db), [ROOT / "processes"])
            fill(tracker, args.opportunities, args.customers)
            tracker.store.close()
        bench(db, folder / "pack")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
