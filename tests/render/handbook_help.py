"""Shared by the handbook tests: the shipped processes, a fake diagram, building a site."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flowkit.model import Process
from flowkit.validate import validate_paths, validate_text

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"

ZH_COLUMNS = ["流程环节", "责任角色", "动作标准", "输出物", "时间要求", "痛点描述", "优化建议"]
EN_COLUMNS = [
    "Stage",
    "Responsible role",
    "Action standard",
    "Output",
    "Time requirement",
    "Pain point",
    "Improvement",
]


def fake_svg(process: Process, lang: str) -> str:
    """Stands in for Graphviz: says which process and language it was asked for."""
    return f'<svg data-process="{process.id}" data-lang="{lang}"><text>{process.id}</text></svg>'


def fake_svg_file(process: Process, lang: str) -> bytes:
    return fake_svg(process, lang).encode()


@cache
def shipped() -> tuple[Process, ...]:
    report = validate_paths([PROCESSES])
    processes = [f for f in report.files if f.kind == "process"]
    assert len(report.processes) == len(processes), report.diagnostics
    return tuple(report.processes)


def shipped_one(process_id: str) -> Process:
    return next(p for p in shipped() if p.id == process_id)


def from_text(text: str) -> Process:
    report = validate_text(text)
    assert report.processes, [f"{d.loc} {d.code} {d.message}" for d in report.diagnostics]
    return report.processes[0]
