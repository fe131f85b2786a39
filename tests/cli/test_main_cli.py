"""The `flowkit` group's one error handler: a bug in a command is an exit code, a crash log a
user can attach to a report, and one short hint on stderr — never a traceback on screen."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main
from flowkit.tracking import Tracker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    shutil.copytree(ROOT / "processes", tmp_path / "processes")
    shutil.copyfile(migrated_db, tmp_path / "t.db")
    logs = tmp_path / "logs"
    logs.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(logs))  # where the crash log goes

    def invoke(*args: str) -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(tmp_path / "processes")]
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
    assert "Traceback (most recent call last)" in text
    assert "ZeroDivisionError: a bug deep in the engine" in text and "in broken" in text
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
