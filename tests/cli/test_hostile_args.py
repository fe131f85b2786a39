"""No argument makes a command end in an internal error, and a refused write changes nothing.

Hypothesis throws text at the options people type into — names, contents, fields, times,
amounts — including control characters, NaN, huge values, times at the ends of the calendar
and strings of any Unicode; every command must answer 0, 1 or 2, and when it answers 2 the
database must be as it was: line for line in SQLite's dump, row for row on PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowkit.cli import main
from tests import snapshots
from tests.databases import database

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-27T10:00"

hostile = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(
        [
            "NaN",
            "-Infinity",
            "1e999",
            "",
            " ",
            "\x1b[31m红\x1b[0m",
            "a\rb",
            "0001-01-01",
            "9999-12-31T23:59",
            "2026-02-30",
            "=SUM(A1)",
            "x" * 5000,
            "２０２６年１１月２０日",
            "280,000",
            "-1",
            "segment=",
            "=",
            "segment=large=1",
            "amount=NaN",
            "grade=Z",
        ]
    ),
)

COMMANDS = [
    lambda v: [
        "start",
        "standard-sales",
        "--name",
        v,
        "--customer",
        "宏达",
        "--owner",
        "li.lei",
        "--field",
        "segment=sme",
    ],
    lambda v: [
        "start",
        "standard-sales",
        "--name",
        "A",
        "--customer",
        "宏达",
        "--owner",
        "li.lei",
        "--field",
        v,
    ],
    lambda v: [
        "start",
        "standard-sales",
        "--name",
        "A",
        "--customer",
        "宏达",
        "--owner",
        "li.lei",
        "--field",
        "segment=sme",
        "--expected-close",
        v,
    ],
    lambda v: ["log", "1", "--method", "visit", "--content", v],
    lambda v: ["log", "1", "--method", "visit", "--content", "拜访", "--at", v],
    lambda v: ["set", "1", "--field", v],
    lambda v: ["pause", "1", "--reason", v],
    lambda v: ["status", "--as-of", v],
    lambda v: ["list", "--owner", v],
    lambda v: ["show", v],
    lambda v: ["customer", "add", v, "--owner", "li.lei"],
    lambda v: ["customer", "edit", "C00001", "--field", f"annual_budget={v}"],
    lambda v: ["customer", "edit", "C00001", "--order", f"ERP,{v},2026-11-20"],
    lambda v: ["customer", "edit", "C00001", "--contact", v],
    lambda v: ["customer", "edit", "C00001", "--first-contact", v],
    lambda v: ["customer", "show", v],
]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_db: Path) -> Iterator[str]:
    yield from database(request.param, tmp_path, template=migrated_db)


def _fresh(db_url: str, migrated_db: Path) -> None:
    """The database as new, for each example: SQLite's file copied again from the migrated
    one, PostgreSQL's tables emptied."""
    if "://" in db_url:
        snapshots.emptied(db_url)
    else:
        shutil.copyfile(migrated_db, db_url)


def _dump(db_url: str) -> object:
    """What the database holds: SQLite's dump, PostgreSQL's rows (tests/snapshots.py)."""
    if "://" in db_url:
        return snapshots.rows(db_url)
    with closing(sqlite3.connect(db_url)) as conn:
        return list(conn.iterdump())


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command=st.integers(min_value=0, max_value=len(COMMANDS) - 1), value=hostile)
def test_no_argument_is_an_internal_error(
    db_url: str, migrated_db: Path, command: int, value: str
) -> None:
    _fresh(db_url, migrated_db)
    base = ["--db", db_url, "--processes", str(ROOT / "processes"), "--now", NOW]
    runner = CliRunner()
    for args in (
        ["customer", "add", "上海宏达", "--owner", "li.lei"],
        [
            "start",
            "standard-sales",
            "--name",
            "A",
            "--customer",
            "B",
            "--owner",
            "li.lei",
            "--field",
            "segment=sme",
            "--at",
            "2026-11-27T09:00",
        ],
    ):
        assert runner.invoke(main, [*base, *args]).exit_code == 0
    before = _dump(db_url)
    result = runner.invoke(main, [*base, *COMMANDS[command](value)])
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not escaped and result.exit_code in (0, 1, 2), (result.output, result.exception)
    assert "internal error" not in result.output
    if result.exit_code == 2:
        assert _dump(db_url) == before
