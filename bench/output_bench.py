"""Per-row cost of writing `flowkit status` (issue 9, "one output layer"), in one run here.

Run: .venv/bin/python bench/output_bench.py [--rows 100000] [--repeat 3]

N late alerts (the records `flowkit.tracking.status` returns: Chinese names, a risk note on
one in seven) are written as `flowkit status` writes them, through the same library calls
(`status_listing` and the format registry), into memory: as JSON, as the plain table a
pipe or a long result gets, and as CSV. Each figure is microseconds per alert, the best of
`--repeat` runs in CPU time of this process (the machine may be shared); the database
query is not included (the tracking bench times that).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from flowkit.output.formats import write  # noqa: E402
from flowkit.output.tracking import status_listing  # noqa: E402
from flowkit.tracking.views import Alert, Status  # noqa: E402

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=CST)


def alerts(count: int) -> Status:
    """`count` alerts on the standard process's contract node, overdue by up to 200 hours."""
    rows = tuple(
        Alert(
            instance_id=i + 1,
            name=f"华东区CRM升级-{i:06d}",
            customer="上海宏达机械有限公司",
            process_id="standard-sales",
            node="contract_signing",
            node_name="合同签订",
            lane="consultant",
            owner="li.lei",
            owner_name="李雷",
            sla="3个工作日内",
            kind="deadline",
            due_at=NOW - timedelta(hours=i % 200),
            breached=i % 3 != 0,
            late_clock=timedelta(hours=i % 200),
            late_business=timedelta(hours=(i % 200) * 0.4),
            day_length=timedelta(hours=9),
            risk=i % 7 == 0,
            risk_note="客户预算冻结" if i % 7 == 0 else "",
            lane_name="销售顾问",
        )
        for i in range(count)
    )
    return Status(NOW, rows)


def per_row(run: Callable[[], object], count: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    result = alerts(args.rows)
    for fmt in ("json", "table", "csv"):

        def run(fmt: str = fmt) -> None:
            write(status_listing(result, "zh-CN"), fmt, io.StringIO())

        cost = per_row(run, args.rows, args.repeat)
        print(f"status --format {fmt:5}  {args.rows:>9,} alerts  {cost:6.1f} µs per alert")


if __name__ == "__main__":
    main()
