"""The `flowkit` group's one error handler: a bug in a command is an exit code, a crash log a
user can attach to a report, and one short hint on stderr — never a traceback on screen."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main
from flowkit.tracking import Tracker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")
    logs = tmp_path / "logs"
    logs.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(logs))  # where the crash log goes

    def invoke(*args: str) -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        return CliRunner().invoke(
            main, [*base, "--now", "2026-11-27T10:00", *args], catch_exceptions=False
        )

    return invoke


def _started(run: Any) -> None:
    result = run(
        "start",
        "standard-sales",
        *("--name", "CRM升级", "--customer", "上海宏达", "--owner", "li.lei"),
        *("--field", "segment=sme"),
    )
    assert result.exit_code == 0, result.output


def test_a_bug_inside_a_command_exits_3_with_a_crash_log(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _started(run)

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug deep in the engine")

    monkeypatch.setattr(Tracker, "deliver", broken)
    result = run("deliver", "1", "contract")
    assert result.exit_code == 3  # neither findings (1) nor the user's input (2)
    (log,) = (tmp_path / "logs").glob("flowkit-crash-*.log")
    text = log.read_text("utf-8")
    assert "builtins.ZeroDivisionError, raised at:" in text and "in broken" in text
    assert "a bug deep in the engine" not in text  # messages can hold customer data
    assert result.stdout == ""
    said = result.stderr
    assert "Traceback" not in said and "ZeroDivisionError" not in said
    assert "internal error (a bug, not your input)" in said and str(log) in said
    assert len(said.splitlines()) <= 2, said  # a hint, not a dump


def test_a_user_error_or_ctrl_c_leaves_no_crash_log(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _started(run)
    unknown = run("deliver", "1", "no-such-document")
    assert unknown.exit_code == 2 and unknown.stderr.startswith("error: process ")

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Tracker, "deliver", interrupted)
    assert run("deliver", "1", "contract").exit_code == 130
    assert list((tmp_path / "logs").iterdir()) == []


def test_the_crash_log_holds_no_secret_and_no_customer_data(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flowkit.customers.book import CustomerBook

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("INSERT failed [parameters: ('华东电子', '13812345678')]")

    monkeypatch.setattr(CustomerBook, "add", broken)
    typed = ("customer", "add", "华东电子（集团）有限公司", "--owner", "li.lei")
    typed += ("--contact", "张伟,采购总监,13812345678")
    monkeypatch.setattr(sys, "argv", ["flowkit", "--db", "postgresql://u:pa55@h/db", *typed])
    result = run(*typed)
    assert result.exit_code == 3
    (log,) = (tmp_path / "logs").glob("flowkit-crash-*.log")
    text = log.read_text("utf-8")
    for secret in ("华东电子", "13812345678", "张伟", "li.lei", "pa55"):
        assert secret not in text, text
    assert "argv:" in text and "customer add" in text and "--contact" in text
    assert oct(log.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("argv", "kept", "hidden"),
    [
        (
            ["--db", "postgresql://sales:pa55@db.example.cn/crm", "status"],
            "postgresql://***@db.example.cn/***",
            "pa55",
        ),
        (["--db=postgresql://u:pa55@h/crm", "list", "--format", "json"], "--format json", "pa55"),
        (
            ["customer", "edit", "C00001", "--stage", "won"],
            "customer edit <6 chars> --stage <3 chars>",
            "C00001",
        ),
    ],
)
def test_the_command_line_is_kept_with_its_values_masked(
    argv: list[str], kept: str, hidden: str
) -> None:
    from flowkit.cli.crashlog import masked

    line = " ".join(masked(argv))
    assert kept in line and hidden not in line, line


@pytest.mark.parametrize(
    "args",
    [
        ("--now", "0001-01-01T00:00", "status"),
        ("--now", "9999-12-31T23:59", "status"),
        ("status", "--as-of", "0001-01-01"),
        ("funnel", "--since", "9999-12-31"),
        ("on-time", "--until", "0001-01-01T00:00+14:00"),
        (
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
            "9999-12-31T23:59",
        ),
        ("advance", "1", "--by", "zhou.jie", "--at", "2199-12-31T23:59"),
    ],
)
def test_times_at_the_ends_of_the_calendar_are_input_errors(
    run: Any, args: tuple[str, ...]
) -> None:
    _started(run)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.stderr


@pytest.mark.parametrize(
    ("db", "says"),
    [
        ("", "--db is empty"),
        ("postgresql://", "names no database"),
        ("postgresql://sales:pa55@127.0.0.1:5432", "names no database"),
        ("mysql://x@h/db", "driver MySQLdb is not installed"),
    ],
)
def test_a_database_url_that_cannot_be_meant_is_refused(
    db: str, says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["--db", db, "--processes", str(ROOT / "processes"), "status"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert not (tmp_path / "flowkit.db").exists()  # no default database made instead
    assert result.exit_code == 2 and says in result.stderr, result.output
    assert "pa55" not in result.stderr


def test_the_postgresql_driver_comes_with_flowkit() -> None:
    """Issue 10: psycopg was an optional extra, so every postgresql:// URL ended in an
    internal error after the documented set-up (pip install flowkit). It is a dependency
    of flowkit itself, not of an extra."""
    from importlib.metadata import requires

    found = requires("flowkit") or []
    assert any(r.startswith("psycopg") and ";" not in r for r in found), found  # no extra
