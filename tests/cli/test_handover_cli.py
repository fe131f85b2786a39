"""The access commands through click: handover, and the flags on people who left."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from flowkit.cli import main


@pytest.fixture
def run(tmp_path: Path, migrated_db: Path, processes: Path) -> Any:
    shutil.copyfile(migrated_db, tmp_path / "t.db")

    def invoke(*args: str, user: str | None = None) -> Result:
        base = ["--db", str(tmp_path / "t.db"), "--processes", str(processes)]
        who = ["--user", user] if user else []
        return CliRunner().invoke(
            main, [*base, *who, "--now", "2026-11-02T10:00", *args], catch_exceptions=False
        )

    return invoke


def _leaves(processes: Path, person: str) -> None:
    """org.yaml marks `person` as having left."""
    org = processes / "org.yaml"
    text = org.read_text("utf-8")
    line = f"    email: {person}@example.com\n"
    org.write_text(text.replace(line, line + "    active: false\n"), "utf-8")


@pytest.fixture
def li_lei_left(run: Any, processes: Path) -> Any:
    """li.lei owns a customer and an open opportunity, then leaves."""
    assert run("customer", "add", "宏达机械", "--owner", "li.lei").exit_code == 0
    started = run(
        "start",
        "standard-sales",
        "--name",
        "MES升级",
        "--customer",
        "C00001",
        "--owner",
        "li.lei",
        "--field",
        "segment=sme",
    )
    assert started.exit_code == 0, started.output
    _leaves(processes, "li.lei")
    return run


FLAG = (
    "li.lei (李雷) is inactive and still owns 1 customer and 1 open opportunity: "
    "flowkit handover li.lei --to PERSON"
)


def test_people_who_left_are_flagged_until_handed_over(
    li_lei_left: Any, processes: Path, tmp_path: Path
) -> None:
    run, db = li_lei_left, str(tmp_path / "t.db")
    status = run("status")
    assert status.exit_code == 0 and f"warning: {FLAG}" in status.stderr
    found = run("validate", "--db", db, str(processes))
    assert found.exit_code == 1 and f"live error: {FLAG}" in found.output
    dry = run("handover", "li.lei", "--to", "han.meimei", "--dry-run")
    assert dry.exit_code == 0
    assert dry.output.splitlines() == [
        "  customer C00001 宏达机械",
        "  opportunity 1 MES升级",
        "would hand 1 customer and 1 open opportunity of li.lei over to han.meimei "
        "(dry run: nothing written)",
    ]
    assert FLAG in run("status").stderr  # the dry run wrote nothing
    done = run("handover", "li.lei", "--to", "han.meimei")
    assert done.output.splitlines()[-1] == (
        "handed 1 customer and 1 open opportunity of li.lei over to han.meimei"
    )
    assert "inactive" not in run("status").stderr
    assert run("validate", "--db", db, str(processes)).exit_code == 0
    shown = run("customer", "show", "C00001", "--lang", "en")
    assert "handed over (system:" in shown.output and "li.lei → han.meimei" in shown.output
    logged = run("audit-log", "--command", "handover", "--format", "json")
    assert '"detail":{"to":"han.meimei","customers":1,"opportunities":1' in logged.output


@pytest.mark.parametrize(
    ("user", "args", "says"),
    [
        ("li.lei", ("li.lei", "--to", "han.meimei"), "'li.lei' (李雷) is inactive and cannot act"),
        (
            "han.meimei",
            ("li.lei", "--to", "han.meimei"),
            "han.meimei (consultant) may not handover",
        ),
        ("chen.jing", ("li.lei", "--to", "huang.lei"), "person li.lei: not found or not permitted"),
        (None, ("li.lei", "--to", "zhang.wei"), "'zhang.wei' (张伟) is inactive"),
        (None, ("li.lei", "--to", "li.lei"), "li.lei cannot hand over to themselves"),
        (None, ("li.lie", "--to", "han.meimei"), "'li.lie' is not a person in org.yaml"),
    ],
)
def test_a_refused_handover_moves_nothing(
    li_lei_left: Any, user: str | None, args: tuple[str, ...], says: str
) -> None:
    run = li_lei_left
    refused = run("handover", *args, user=user)
    assert refused.exit_code == 2 and says in refused.stderr
    assert run("list", "--format", "csv").output.splitlines()[1].split(",")[7] == "李雷"
