"""SQLite and PostgreSQL accept and refuse exactly the same values (issue 10).

The same command with the same value runs on a fresh database of each kind; the exit code,
what the command said, and everything `show`, `customer show`, `list` and `customer list`
answer afterwards must be equal. The values are the ones databases disagree on: huge, NaN,
infinite and negative numbers, NUL and control characters, text of 100,000 characters, emoji
and CJK beyond the Basic Plane, times at year 1 and 9999, ids past 2**31 and 2**63, and any
text Hypothesis makes. A difference is a defect: the library must refuse (or keep) the value
before either database sees it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from flowkit.cli import main
from tests import snapshots
from tests.databases import database

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-27T10:00"

NUMBERS = [
    "NaN",
    "-Infinity",
    "inf",
    "1e308",
    "1e309",
    "-1",
    "-0",
    "1e-400",
    str(2**31),
    str(2**63),
    str(2**63 + 1),
    str(-(2**63) - 1),
    "9" * 400,
    "280,000",
    "１２３",
]
TEXTS = [
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "\x1b[31m红\x1b[0m",
    "x" * 100_000,
    "😀" * 10,
    "客户𠀀𪚥",
    "\u200b",
    "\udcff",  # a byte that is not UTF-8, as Python reads it from the command line
    "",
    " ",
]
TIMES = [
    "0001-01-01",
    "0001-01-01T00:00",
    "9999-12-31",
    "9999-12-31T23:59",
    "10000-01-01",
    "1900-01-01",
    "1970-01-01T00:00",
    "2038-01-19T03:14:08",
    "2024-02-29T24:00",
    "2026-11-27T10:00+14:00",
]
IDS = [str(2**31), str(2**63), str(2**63 + 1), "-1", "0", "C" + "9" * 30]

values = st.one_of(
    st.sampled_from(NUMBERS + TEXTS + TIMES + IDS),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(repr),
)

COMMANDS: list[Callable[[str], list[str]]] = [
    lambda v: ["set", "1", "--field", f"amount={v}"],
    lambda v: ["customer", "edit", "C00001", "--field", f"annual_budget={v}"],
    lambda v: ["customer", "edit", "C00001", "--order", f"产品,{v},2026-11-20"],
    lambda v: ["customer", "edit", "C00001", "--payment", f"2026-11-20,{v}"],
    lambda v: ["customer", "edit", "C00001", "--pain-points", v],
    lambda v: ["customer", "edit", "C00001", "--contact", f"{v},经理,13900000000"],
    lambda v: ["customer", "add", v, "--owner", "li.lei"],
    lambda v: [
        "start",
        "standard-sales",
        "--name",
        v,
        "--customer",
        "上海宏达",
        "--owner",
        "li.lei",
        "--field",
        "segment=sme",
    ],
    lambda v: ["log", "1", "--method", "visit", "--content", v],
    lambda v: ["set", "1", "--expected-close", v],
    lambda v: ["log", "1", "--method", "visit", "--content", "拜访", "--at", v],
    lambda v: ["customer", "edit", "C00001", "--first-contact", v],
    lambda v: ["customer", "log", "C00001", "--method", "phone", "--content", "电话", "--at", v],
    lambda v: ["pause", "1", "--reason", v],
    lambda v: ["show", v],
    lambda v: ["customer", "show", v],
    lambda v: ["advance", v, "--by", "zhou.jie"],
    lambda v: ["status", "--as-of", v],
    lambda v: ["customer", "list", "--limit", v],
    lambda v: ["status", "--limit", v],
]

SEED = [
    ["customer", "add", "上海宏达", "--owner", "li.lei"],
    [
        "start",
        "standard-sales",
        "--name",
        "A",
        "--customer",
        "上海宏达",
        "--owner",
        "li.lei",
        "--field",
        "segment=sme",
        "--at",
        "2026-11-27T09:00",
    ],
]
READS = [
    ["show", "1", "--format", "json"],
    ["customer", "show", "C00001", "--format", "json"],
    ["list", "--format", "json"],
    ["customer", "list", "--format", "json"],
]


@pytest.fixture
def urls(tmp_path: Path, migrated_db: Path) -> Iterator[dict[str, str]]:
    lite = database("sqlite", tmp_path, template=migrated_db)
    pg = database("postgresql", tmp_path)
    yield {"sqlite": next(lite), "postgresql": next(pg)}
    next(pg, None)


def _outcome(url: str, migrated_db: Path, args: list[str]) -> tuple[Any, ...]:
    """On a fresh database holding 上海宏达 and one opportunity for it: the command's exit
    code and words, and what the four reads answer afterwards."""
    if "://" in url:
        snapshots.emptied(url)
    else:
        shutil.copyfile(migrated_db, url)
    # one administrator on both: the file's user on SQLite, the owner login on PostgreSQL,
    # both named postgres, so that the histories name the same actor (system:postgres)
    runner = CliRunner(env={"LOGNAME": "postgres", "USER": "postgres"})
    base = ["--db", url, "--processes", str(ROOT / "processes"), "--now", NOW]
    for seed in SEED:
        assert runner.invoke(main, [*base, *seed]).exit_code == 0
    result = runner.invoke(main, [*base, *args])
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not escaped and result.exit_code in (0, 1, 2), (args, result.output, result.exception)
    reads = []
    for read in READS:
        shown = runner.invoke(main, [*base, *read])
        assert shown.exit_code == 0, (read, shown.output)
        reads.append(json.loads(shown.stdout))
    return (result.exit_code, result.stdout, result.stderr, *reads)


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command=st.integers(0, len(COMMANDS) - 1), value=values)
# what differed before issue 10's last fixes
@example(command=7, value="\x00")  # PostgreSQL: exit 3 (NUL in text); SQLite kept it
@example(command=4, value="a\x00b")  # PostgreSQL: exit 3 (NUL in a profile's JSON)
@example(command=7, value="\udcff")  # both: exit 3 (a byte of argv that is not UTF-8)
@example(command=4, value="\udcff")  # SQLite kept it in JSON, then `customer show` crashed
@example(command=12, value="1900-01-01")  # PostgreSQL: exit 3 (late_seconds overflowed)
@example(command=14, value=str(2**31))  # PostgreSQL: exit 3; SQLite: no such opportunity
@example(command=16, value=str(2**31))
@example(command=18, value=str(2**64))  # both: exit 3 (SQLite's LIMIT overflowed)
def test_both_databases_give_the_same_answer(
    urls: dict[str, str], migrated_db: Path, command: int, value: str
) -> None:
    args = COMMANDS[command](value)
    lite = _outcome(urls["sqlite"], migrated_db, args)
    pg = _outcome(urls["postgresql"], migrated_db, args)
    assert lite[:3] == pg[:3], (args, lite[:3], pg[:3])
    assert lite == pg, args
