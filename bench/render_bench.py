"""Benchmark: `flowkit render` (HTML handbook with inline SVG) of a generated 200-node process.

Run: .venv/bin/python bench/render_bench.py [--nodes 200] [--runs 5]
Target (issue "Publish the process handbook"): under 3 s. Also times the PNG diagram.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate_bench import generate, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    flowkit = str(Path(sys.executable).with_name("flowkit"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.yaml"
        path.write_text(yaml.safe_dump(generate(args.nodes), allow_unicode=True), "utf-8")
        html = timed([flowkit, "render", str(path), "-o", f"{tmp}/site"], args.runs)
        print(f"render handbook, {args.nodes} nodes: {html:.3f} s (target < 3 s)")
        png_cmd = [flowkit, "render", str(path), "--format", "png", "-o", f"{tmp}/png"]
        png = timed(png_cmd, args.runs)
        print(f"render PNG diagram, {args.nodes} nodes: {png:.3f} s")


if __name__ == "__main__":
    main()
