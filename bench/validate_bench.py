"""Benchmark: `flowkit validate` on a generated 2,000-node process, and CLI start-up cost.

Run: .venv/bin/python bench/validate_bench.py [--nodes 2000] [--runs 5]
Targets (issue "Sales processes as code"): validate < 1 s; `flowkit --help` <= 1.5x
`python -c "import click"`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

LANES = 8
SLAS = ["24小时内", "3个工作日", "交付后30天内", "每周2次上门拜访", "4 business hours", "30d"]


def generate(nodes: int) -> dict[str, object]:
    """A valid process: a chain of tasks with a decision every tenth node."""
    lanes = [{"id": f"lane{i}", "name": f"角色{i}"} for i in range(LANES)]
    docs = [{"id": f"doc{i}", "name": f"文档{i}"} for i in range(nodes // 10 + 1)]
    body: list[dict[str, object]] = [{"id": "start", "type": "start", "next": "n1"}]
    for i in range(1, nodes - 1):
        nxt = f"n{i + 1}" if i < nodes - 2 else "won"
        node: dict[str, object] = {
            "id": f"n{i}",
            "name": f"步骤{i}",
            "lane": f"lane{i % LANES}",
            "action": "电话沟通验证需求真实性",
            "outputs": [f"doc{i // 10}"],
            "sla": SLAS[i % len(SLAS)] if i > 2 else "24小时内",
            "pain_points": [{"problem": "审批流程冗长", "improvement": "授权销售经理审批小额合同"}],
        }
        if i % 10 == 0:
            node.update(
                type="decision",
                next=[
                    {"when": "amount < 100000", "to": nxt},
                    {"when": "amount >= 100000 and grade == 'A'", "to": nxt},
                    {"default": nxt},
                ],
            )
            for key in ("outputs", "sla", "pain_points", "action"):
                node.pop(key)
        else:
            node["next"] = nxt
        body.append(node)
    body.append({"id": "won", "type": "end", "outcome": "won"})
    return {
        "flowkit": 1,
        "id": "big",
        "name": "大型流程",
        "version": "1.0.0",
        "lanes": lanes,
        "documents": docs,
        "fields": {"amount": "number", "grade": "enum [A, B, C]"},
        "events": [{"id": "delivered", "name": "交付"}],
        "nodes": body,
    }


def timed(cmd: list[str], runs: int) -> float:
    """The median time of `runs` runs of a command; a failing run stops the benchmark."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, check=False, capture_output=True, text=True)
        samples.append(time.perf_counter() - start)
        if done.returncode:
            sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    flowkit = str(Path(sys.executable).with_name("flowkit"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.yaml"
        path.write_text(yaml.safe_dump(generate(args.nodes), allow_unicode=True), "utf-8")
        check = subprocess.run([flowkit, "validate", str(path)], capture_output=True, text=True)
        if check.returncode:
            sys.exit(f"generated process is not clean:\n{check.stdout[-2000:]}")
        size = path.stat().st_size // 1024
        cli = timed([flowkit, "validate", str(path)], args.runs)
        print(
            f"validate {args.nodes} nodes ({size} KiB), whole command: {cli:.3f} s (target < 1 s)"
        )
    click_import = timed([sys.executable, "-c", "import click"], args.runs * 2)
    helptime = timed([flowkit, "--help"], args.runs * 2)
    ratio = helptime / click_import
    print(
        f"start-up: flowkit --help {helptime * 1000:.0f} ms, import click "
        f"{click_import * 1000:.0f} ms, ratio {ratio:.2f}x (target <= 1.5x)"
    )


if __name__ == "__main__":
    main()
