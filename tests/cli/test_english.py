"""`flowkit --lang en`: every command that prints says its labels in English.

The data stays as people wrote it (process and node names, customer names, follow-up
texts, the 时间要求 phrases of the YAML, holiday names), so each output is checked after
every data value is cut out of it: the data values are every string of the YAML files
beside the processes, every text stored in the demo database, and every reason the
calendars give for a day. Whatever Chinese is left is a label the catalogue failed to
translate.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from flowkit.cli import main
from flowkit.render.templating import md_text

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-30T10:00"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A demo database over a copy of the shipped processes: (database, processes)."""
    folder = tmp_path_factory.mktemp("english")
    processes = folder / "processes"
    shutil.copytree(ROOT / "processes", processes)
    db = folder / "demo.db"
    result = _invoke(db, processes, "demo", "--count", "40")
    assert result.exit_code == 0, result.output
    return db, processes


def _invoke(db: Path, processes: Path, *args: str) -> Any:
    base = ["--db", str(db), "--processes", str(processes), "--now", NOW]
    return CliRunner().invoke(main, [*base, *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def data(demo: tuple[Path, Path]) -> list[str]:
    """Every data value an output may show, longest first (so a name is cut whole)."""
    db, processes = demo
    found: set[str] = set()
    for path in processes.rglob("*.yaml"):
        found.update(_strings(yaml.safe_load(path.read_text("utf-8"))))
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for cell in row:
                    found.update(_strings(_json_or_text(cell)))
    found.update(_day_reasons(processes))
    pieces = {line.strip() for text in found for line in str(text).splitlines()}
    pieces |= {str(md_text(p)) for p in pieces}  # as the Markdown pages escape them
    pieces |= {f"《{p}》" for p in pieces}  # a Chinese process's document titles, punctuated
    return sorted((p for p in pieces if CJK.search(p)), key=len, reverse=True)


def _json_or_text(cell: object) -> object:
    if isinstance(cell, str) and cell[:1] in "[{":
        try:
            return json.loads(cell)
        except ValueError:
            return cell
    return cell


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _day_reasons(processes: Path) -> set[str]:
    """Why each day of the years the demo and the tests touch is off or worked."""
    from flowkit.calendar import get_calendar, load_calendars

    custom, _ = load_calendars([processes / "calendars"])
    reasons = set()
    for cal in (get_calendar("cn"), *(get_calendar(name, custom) for name in custom)):
        day = date(2025, 1, 1)
        while day < date(2028, 1, 1):
            reasons.add(cal.day(day).reason or "")
            day += timedelta(days=1)
    return reasons


def _labels(output: str, data: list[str]) -> list[str]:
    """The lines of `output` that still hold Chinese once the data values are cut out."""
    left = []
    for line in output.splitlines():
        rest = line.replace("》、《", "》《")  # a Chinese process's list of titles: 《a》、《b》
        for value in data:
            if value in rest:
                rest = rest.replace(value, "")
        if CJK.search(rest):
            left.append(f"{line!r} -> {rest!r}")
    return left


COMMANDS = [
    ("validate", "processes"),
    ("sla", "explain", "--calendar", "cn", "--from", "2025-09-30T16:00", "3个工作日"),
    ("sla", "explain", "--from", "2026-04-30T16:00", "--format", "json", "2 business days"),
    ("status",),
    ("status", "--format", "csv"),
    ("status", "--format", "json"),
    ("list", "--all"),
    ("list", "--all", "--format", "csv"),
    ("on-time",),
    ("on-time", "--by", "node"),
    ("funnel", "standard-sales"),
    ("funnel", "complaint-handling", "--format", "csv"),
    ("customer", "list"),
    ("customer", "check"),
    ("customer", "check", "--by", "customer"),
    ("customer", "value"),
    ("customer", "value", "--by", "grade"),
    ("customer", "grade", "--explain"),
    ("customer", "grade", "--explain", "--format", "csv"),
    ("customer", "grade", "--explain", "--format", "json"),
    ("audit", "sample", "--week", "2026-W48"),
    ("calendar", "check"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_speaks_english(
    demo: tuple[Path, Path], data: list[str], args: tuple[str, ...]
) -> None:
    db, processes = demo
    args = tuple(str(processes) if a == "processes" else a for a in args)
    result = _invoke(db, processes, "--lang", "en", *args)
    assert result.exit_code in (0, 1), result.output  # status exits 0; validate 0
    assert result.output.strip()
    assert _labels(result.output, data) == []


@pytest.mark.parametrize("number", range(1, 41))
def test_show_speaks_english(demo: tuple[Path, Path], data: list[str], number: int) -> None:
    db, processes = demo
    result = _invoke(db, processes, "--lang", "en", "show", str(number))
    assert result.exit_code == 0, result.output
    assert _labels(result.output, data) == []


def test_customer_show_speaks_english(demo: tuple[Path, Path], data: list[str]) -> None:
    db, processes = demo
    listed = _invoke(db, processes, "customer", "list", "--format", "csv").output.splitlines()
    ids = [line.split(",")[0] for line in listed[1:]]
    assert ids
    for customer_id in ids:
        result = _invoke(db, processes, "--lang", "en", "customer", "show", customer_id)
        assert result.exit_code == 0, result.output
        assert _labels(result.output, data) == [], customer_id
    first = _invoke(db, processes, "customer", "show", "C00001", "--lang", "en").output
    assert "  Profile completeness: " in first and "完整度" not in first
    assert "  Basics: industry " in first


def test_a_commands_own_lang_wins_over_the_global_one(demo: tuple[Path, Path]) -> None:
    db, processes = demo
    result = _invoke(db, processes, "--lang", "en", "list", "--lang", "zh-CN", "--format", "csv")
    assert result.output.startswith("编号,商机名称,")
    english = _invoke(db, processes, "list", "--format", "csv", "--lang", "en").output
    assert english.startswith("ID,Opportunity,")


def test_the_markdown_handbook_speaks_english(
    demo: tuple[Path, Path], data: list[str], tmp_path: Path
) -> None:
    db, processes = demo
    out = tmp_path / "handbook"
    args = ("render", str(processes), "--format", "md", "-o", str(out))
    result = _invoke(db, processes, "--lang", "en", *args)
    assert result.exit_code == 0, result.output
    pages = sorted(out.rglob("*.md"))
    assert len(pages) > 10
    for page in pages:
        assert _labels(page.read_text("utf-8"), data) == [], page.name
    index = (out / "index.md").read_text("utf-8")
    assert index.startswith("# Sales Process Handbook") or "Sales Process Handbook" in index


def test_status_json_is_worded_in_the_language_asked_and_has_no_grade_field(
    demo: tuple[Path, Path],
) -> None:
    """A customer line's grade is data from the engine, worded into its name by output/;
    JSON keeps the fields it always had (the grade is in the name)."""
    db, processes = demo
    later = ("status", "--as-of", "2027-03-01T10:00", "--format", "json")
    chinese = json.loads(_invoke(db, processes, *later).output)["alerts"]
    english = json.loads(_invoke(db, processes, "--lang", "en", *later).output)["alerts"]
    graded = [a["name"] for a in chinese if a["node"] == "maintenance"]
    assert graded and all(re.fullmatch(r"客户维护（[A-Z]级）", name) for name in graded)
    graded = [a["name"] for a in english if a["node"] == "maintenance"]
    assert graded and all(re.fullmatch(r"maintenance \(grade [A-Z]\)", name) for name in graded)
    assert not any("grade" in a for a in chinese + english)
