"""Benchmarks of customer profiles (issue "Customer profiles"), each measured in one run.

Run: .venv/bin/python bench/customers_bench.py [query|import|all]
     [--customers 100000] [--follow-ups 1000000]

- query: 100,000 customers with 1,000,000 follow-ups in SQLite (two in five with 1-3
  orders and won, one in seven referred by another); `flowkit customer list` with a filter,
  `flowkit customer check` and `flowkit customer value`, each as the whole command. Target:
  under 2 s each.
- import: `flowkit customer import` of 100,000 customers from the template's XLSX tables.
  Target: under 60 s.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from flowkit.model.customer import Contact, Customer, Order  # noqa: E402
from flowkit.tracking.tracker import open_tracker  # noqa: E402

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=CST)
INDUSTRIES = ("制造业", "互联网", "零售业", "金融", "医药", "教育", "物流", "能源")
OWNERS = ("li.lei", "han.meimei", "huang.lei", "lin.xiaoyu", "chen.jing")
FLOWKIT = str(Path(sys.executable).with_name("flowkit"))


def customers(count: int) -> list[Customer]:
    rnd = random.Random(5)
    return [
        Customer(
            id=f"C{i + 1:05d}",
            name=f"{rnd.choice(('上海', '杭州', '苏州', '南京'))}客户{i:06d}有限公司",
            owner=OWNERS[i % len(OWNERS)],
            industry=rnd.choice(INDUSTRIES),
            size=rnd.choice(("large", "sme", "individual")),
            employees="100-500人",
            revenue_band="5000万-1亿",
            address="上海市浦东新区",
            contacts=(Contact(f"联系人{i}", "采购经理", f"139{i:08d}", f"c{i}@example.com"),),
            keywords=("CRM", "数据分析"),
            grade=rnd.choice(("A", "B", "C")),
            values={"annual_budget": rnd.randrange(10, 300) * 10_000},
        )
        for i in range(count)
    ]


def valued(made: list[Customer]) -> tuple[list[Customer], list[Customer]]:
    """What `customer value` reads: orders on two customers in five (won), and a referrer
    for one in seven of those after the first tenth — split in two batches, because a
    referrer must be on file before the customers it referred are added."""
    rnd = random.Random(7)
    first = len(made) // 10
    out = []
    for i, c in enumerate(made):
        orders = tuple(
            Order("CRM", rnd.randrange(1, 100) * 10_000.0, date(2026, rnd.randrange(1, 12), 1))
            for _ in range(rnd.choice((1, 1, 2, 3)) if rnd.random() < 0.4 else 0)
        )
        stage = "won" if orders else rnd.choice(("potential", "intent", "lost"))
        referrer = f"C{rnd.randrange(first) + 1:05d}" if i >= first and rnd.random() < 1 / 7 else ""
        out.append(replace(c, orders=orders, stage=stage, referred_by=referrer))
    return out[:first], out[first:]


def bench_query(count: int, follow_ups: int, folder: Path) -> None:
    db = folder / "q.db"
    tracker = open_tracker(str(db), [ROOT / "processes"])
    book = tracker.customers
    assert book is not None
    started = time.perf_counter()
    for batch_of_customers in valued(customers(count)):
        with tracker.store.write() as tx:
            book.insert(tx, batch_of_customers, NOW)
    rnd = random.Random(6)
    batch = 100_000
    for first in range(0, follow_ups, batch):
        rows = []
        for _ in range(min(batch, follow_ups - first)):
            at = NOW - timedelta(hours=rnd.randrange(1, 24 * 365))
            rows.append(
                {
                    "customer_id": f"C{rnd.randrange(count) + 1:05d}",
                    "instance_id": None,
                    "at": at,
                    "recorded_at": at,
                    "late_seconds": 0,
                    "method": "phone",
                    "content": "电话回访",
                    "feedback": "",
                    "next_step": "",
                    "owner": "li.lei",
                }
            )
        with tracker.store.write() as tx:
            tx.customers.add_follow_ups(rows)
    tracker.store.close()
    print(
        f"query: generated {count:,} customers, {follow_ups:,} follow-ups "
        f"in {time.perf_counter() - started:.1f} s"
    )
    for args in (
        ["customer", "list", "--industry", "制造业", "--grade", "A"],
        ["customer", "check"],
        ["customer", "check", "--by", "team"],
        ["customer", "value"],
        ["customer", "value", "--by", "owner"],
        ["customer", "value", "--by", "grade"],
    ):
        seconds, lines = _timed(db, args)
        print(f"query: flowkit {' '.join(args)}: {seconds:.2f} s ({lines:,} lines; target < 2 s)")


def bench_import(count: int, folder: Path) -> None:
    from flowkit.customers import excel

    path = folder / "客户档案.xlsx"
    started = time.perf_counter()
    excel.write_tables(path, customers(count), ())
    print(f"import: wrote {count:,} customers to XLSX in {time.perf_counter() - started:.1f} s")
    seconds, _ = _timed(folder / "i.db", ["customer", "import", str(path)])
    print(
        f"import: flowkit customer import of {count:,} customers: {seconds:.1f} s (target < 60 s)"
    )


def _timed(db: Path, args: list[str]) -> tuple[float, int]:
    command = [
        FLOWKIT,
        "--db",
        str(db),
        "--processes",
        str(ROOT / "processes"),
        "--now",
        NOW.isoformat(),
        *args,
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return seconds, done.stdout.count("\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("which", nargs="?", default="all", choices=["query", "import", "all"])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--follow-ups", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.which in ("query", "all"):
            bench_query(args.customers, args.follow_ups, Path(tmp))
        if args.which in ("import", "all"):
            bench_import(args.customers, Path(tmp))


if __name__ == "__main__":
    main()
